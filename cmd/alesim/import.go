package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/alesim/alesim/register"
)

type importOptions struct {
	out   string
	force bool
}

// runImport converts a register (.xlsx, or .csv with its sibling files) into a commented YAML
// scenario. Nothing is written unless the whole register is valid.
func runImport(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	var o importOptions
	fs := newFlags("import", "REGISTER", stderr)
	fs.StringVarP(&o.out, "out", "o", "", "write the scenario YAML to this file (default: standard output)")
	fs.BoolVar(&o.force, "force", false, "replace an existing --out file")
	path, err := parseOne(fs, args, "register file (.xlsx or .csv)")
	if err != nil {
		return err
	}
	if !register.IsRegister(path) {
		return usagef("import: %s: want a register file ending in .xlsx or .csv", path)
	}
	y, err := register.Import(path)
	if err != nil {
		return err
	}
	if o.out == "" {
		_, err := stdout.Write(y)
		return err
	}
	if !o.force {
		if _, err := os.Stat(o.out); err == nil {
			return usagef("import: %s exists; pass --force to replace it", o.out)
		}
	}
	if err := writeFileAtomic(o.out, y); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "alesim: wrote %s\n", o.out)
	return nil
}

// runTemplate writes an empty register workbook: the layout's sheets, an Instructions sheet, data
// validation on the columns and one worked example row.
func runTemplate(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	var force bool
	fs := newFlags("template", "REGISTER.xlsx", stderr)
	fs.BoolVar(&force, "force", false, "replace an existing file")
	path, err := parseOne(fs, args, "output file (.xlsx)")
	if err != nil {
		return err
	}
	if filepath.Ext(path) != ".xlsx" {
		return usagef("template: %s: want a file name ending in .xlsx", path)
	}
	if !force {
		if _, err := os.Stat(path); err == nil {
			return usagef("template: %s exists; pass --force to replace it", path)
		}
	}
	b, err := register.Template()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, b); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "alesim: wrote %s: fill the Risks and Controls sheets, then 'alesim validate %s'\n", path, path)
	return nil
}

// writeFileAtomic writes b to a temporary file beside path and renames it into place, so a
// failure never leaves a half-written file.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, werr)
	}
	return nil
}
