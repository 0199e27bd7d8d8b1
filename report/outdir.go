package report

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ErrExists is returned when the output directory already holds files and overwriting was not
// asked for.
var ErrExists = errors.New("output directory is not empty")

// Staging is an output directory being written.
type Staging struct {
	Final string // the directory the results end up in
	Tmp   string // where they are written meanwhile
	force bool
}

// Stage prepares to write results into dir. It refuses a dir that exists and is not empty unless
// force is set (then the old contents are replaced, at Commit, as a whole).
func Stage(dir string, force bool) (*Staging, error) {
	dir = filepath.Clean(dir)
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return nil, fmt.Errorf("%s exists and is not a directory", dir)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		if len(entries) > 0 && !force {
			return nil, fmt.Errorf("%s: %w (it holds %d files; use --force to replace them, or choose another --out)", dir, ErrExists, len(entries))
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".partial-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return &Staging{Final: dir, Tmp: tmp, force: force}, nil
}

// Path returns where a file named name is written while staging.
func (s *Staging) Path(name string) string { return filepath.Join(s.Tmp, name) }

// WriteFile writes one file of the staged results.
func (s *Staging) WriteFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(s.Path(name))
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Commit puts the staged results in place: a new directory is renamed into place; an existing one
// (with force) is moved aside, replaced, then removed.
func (s *Staging) Commit() error {
	if _, err := os.Stat(s.Final); err == nil {
		old := s.Tmp + ".old"
		if err := os.Rename(s.Final, old); err != nil {
			return err
		}
		if err := os.Rename(s.Tmp, s.Final); err != nil {
			os.Rename(old, s.Final) // put the previous results back
			return err
		}
		return os.RemoveAll(old)
	}
	return os.Rename(s.Tmp, s.Final)
}

// Abort removes the staged files; the target directory is left as it was.
func (s *Staging) Abort() {
	os.RemoveAll(s.Tmp)
}

// WriteFileAtomic writes path through a temporary file in the same directory and a rename: a
// failure part-way leaves the previous file, or none.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := write(f); err != nil {
		return fail(fmt.Errorf("writing %s: %w", path, err))
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
