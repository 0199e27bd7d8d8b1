// Command parquetmeta prints a key of a Parquet file's key-value metadata (for scripts/faults.sh).
//
// Usage: go run ./scripts/parquetmeta FILE KEY
package main

import (
	"fmt"
	"os"

	"github.com/parquet-go/parquet-go"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: parquetmeta FILE KEY")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	v, ok := pf.Lookup(os.Args[2])
	if !ok {
		fmt.Fprintf(os.Stderr, "%s: no key %q\n", os.Args[1], os.Args[2])
		os.Exit(1)
	}
	fmt.Println(v)
}
