package main

import (
	"context"
	"io"

	"github.com/alesim/alesim/model"
)

// runSchema prints the JSON Schema (draft-07) of a scenario file, as shipped in
// schema/scenario.schema.json. Point an editor at it with a first line
// "# yaml-language-server: $schema=<path or URL>".
func runSchema(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	fs := newFlags("schema", "", stderr)
	if err := fs.Parse(args); err != nil {
		return parseError(fs, err)
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return usagef("schema: takes no arguments (got %d)", fs.NArg())
	}
	b, err := model.Schema()
	if err != nil {
		return err
	}
	_, err = stdout.Write(b)
	return err
}
