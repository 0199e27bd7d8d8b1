package signals

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// TestPolicy: the first signal cancels the context and is recorded; the second runs the
// registered cleanups (not the removed ones) and exits with 128 + its number.
func TestPolicy(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
		ctx, p, stop := Notify(context.Background())
		exited := make(chan int, 1)
		p.exit = func(code int) { exited <- code }
		cleaned, removedRan := false, false
		p.Defer(func() { cleaned = true })
		remove := p.Defer(func() { removedRan = true })
		remove()
		if From(ctx) != p {
			t.Fatal("From does not find the policy")
		}
		if err := syscall.Kill(syscall.Getpid(), sig); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
			t.Fatalf("%v did not cancel", sig)
		}
		if got, ok := p.Received(); !ok || got != sig {
			t.Errorf("received %v %v, want %v", got, ok, sig)
		}
		if err := syscall.Kill(syscall.Getpid(), sig); err != nil {
			t.Fatal(err)
		}
		select {
		case code := <-exited:
			if code != 128+int(sig) {
				t.Errorf("%v: exit %d, want %d", sig, code, 128+int(sig))
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("second %v did not exit", sig)
		}
		if !cleaned || removedRan {
			t.Errorf("%v: cleanup ran %v, removed cleanup ran %v", sig, cleaned, removedRan)
		}
		stop()
	}
	if ExitCode(syscall.SIGINT) != 130 || ExitCode(syscall.SIGTERM) != 143 {
		t.Error("exit codes")
	}
	var nilp *Policy
	nilp.Defer(func() {})()
	if _, ok := nilp.Received(); ok {
		t.Error("nil policy received a signal")
	}
}
