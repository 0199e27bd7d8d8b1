package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/alesim/alesim/internal/signals"
	"github.com/alesim/alesim/report"
)

// stageOut stages a command's --out directory before any work: a refused directory (not ours, an
// input, a mount point, a dangling symlink, ...) is a usage error (exit 2), a failing file system
// a runtime failure (exit 1). The returned abort removes the staging directory (unless committed);
// a second signal removes it too before exiting.
func stageOut(ctx context.Context, cmd, dir string, force bool, inputs ...string) (*report.Staging, func(), error) {
	st, err := report.Stage(dir, force, inputs...)
	if err != nil {
		if errors.Is(err, report.ErrRefused) {
			return nil, func() {}, usagef("%s: %v", cmd, err)
		}
		return nil, func() {}, fmt.Errorf("%s: preparing --out %s: %w", cmd, dir, err)
	}
	remove := signals.From(ctx).Defer(st.Abort)
	return st, func() { remove(); st.Abort() }, nil
}

// commitOut commits staged results unless the command was interrupted meanwhile (then nothing is
// put in place and the staging is removed by the caller's abort).
func commitOut(ctx context.Context, st *report.Staging) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return st.Commit()
}
