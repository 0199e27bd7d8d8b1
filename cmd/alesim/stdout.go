package main

import (
	"io"
	"syscall"
)

// checkedWriter keeps the first write error of a command's standard output (a full disk, a closed
// pipe, /dev/full) and refuses every later write, so a command whose table or JSON was lost does
// not exit 0.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err != nil {
		c.err = err
	}
	return n, err
}

// signalName names a signal as people know it: SIGTERM rather than "terminated".
func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	case syscall.SIGQUIT:
		return "SIGQUIT"
	}
	return s.String()
}
