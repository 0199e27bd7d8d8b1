// Package signals is alesim's one signal policy, the same for every command:
//
//   - SIGINT, SIGTERM, SIGHUP and SIGQUIT cancel the command's context. The command stops
//     promptly, removes everything it staged (nothing partial is ever left looking complete) and
//     exits 128 + the signal's number: 130 for SIGINT (Ctrl-C), 143 for SIGTERM (what Slurm and
//     Kubernetes send before killing), 129 for SIGHUP (a closed terminal), 131 for SIGQUIT.
//   - A second signal exits at once, with the same status, after removing what is staged (the
//     cleanups registered with Defer).
//   - SIGKILL cannot be caught: the staging directories it leaves carry the process id and are
//     swept by the next command writing beside them (see report's outdir).
//
// The exit status reflects the signal whenever one arrived before the command returned, even if
// the command then finished: results committed before the signal stay, complete.
package signals

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// Caught lists the signals the policy handles.
var Caught = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// Policy tracks the signal received and the cleanups to run before an immediate exit.
type Policy struct {
	mu       sync.Mutex
	sig      syscall.Signal
	got      bool
	cleanups map[int]func()
	next     int
	exit     func(int)
	cancel   context.CancelFunc
}

type key struct{}

// Notify installs the policy: it returns a context cancelled by the first signal, the policy
// (also reachable from the context with From), and a stop function that restores the default
// handling.
func Notify(parent context.Context) (context.Context, *Policy, func()) {
	p := &Policy{cleanups: map[int]func(){}, exit: os.Exit}
	ctx, cancel := context.WithCancel(context.WithValue(parent, key{}, p))
	p.cancel = cancel
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, Caught...)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-ch:
				p.deliver(s)
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel()
		})
	}
	return ctx, p, stop
}

// deliver handles one signal: the first cancels, a second runs the cleanups and exits.
func (p *Policy) deliver(s os.Signal) {
	p.mu.Lock()
	if !p.got {
		p.got = true
		p.sig, _ = s.(syscall.Signal)
		p.mu.Unlock()
		p.cancel()
		return
	}
	fns := make([]func(), 0, len(p.cleanups))
	for _, f := range p.cleanups {
		fns = append(fns, f)
	}
	p.mu.Unlock()
	for _, f := range fns {
		f()
	}
	os.Stderr.WriteString("alesim: second signal: stopped at once\n")
	p.exit(ExitCode(s))
}

// From returns the policy installed in ctx, or nil (whose methods do nothing).
func From(ctx context.Context) *Policy {
	p, _ := ctx.Value(key{}).(*Policy)
	return p
}

// Defer registers a cleanup to run if a second signal forces an immediate exit; the returned
// function removes it (call it once the cleanup is no longer wanted, e.g. after commit).
func (p *Policy) Defer(f func()) (remove func()) {
	if p == nil {
		return func() {}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	id := p.next
	p.next++
	p.cleanups[id] = f
	return func() {
		p.mu.Lock()
		delete(p.cleanups, id)
		p.mu.Unlock()
	}
}

// Received returns the first signal received, if any.
func (p *Policy) Received() (syscall.Signal, bool) {
	if p == nil {
		return 0, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sig, p.got
}

// ExitCode is the exit status for a signal: 128 + its number (130 for SIGINT).
func ExitCode(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 130
}
