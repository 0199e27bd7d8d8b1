package main

import "os"

func main() {
	os.Exit(run(os.Stdout, os.Stderr, os.Args[1:]))
}
