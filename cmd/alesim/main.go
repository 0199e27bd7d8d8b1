package main

import (
	"fmt"
	"os"
)

func main() {
	code := run(os.Stdout, os.Stderr, os.Args[1:])
	// A write error can surface only when the file is closed (a full disk, a network file system):
	// then the output is lost and the command has failed.
	if err := os.Stdout.Close(); err != nil && code == exitOK {
		fmt.Fprintf(os.Stderr, "alesim: writing to standard output: %v\n", err)
		code = exitFailure
	}
	os.Exit(code)
}
