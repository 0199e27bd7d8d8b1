package main

import (
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows trials done, rate and time left on stderr while a run lasts more than a second,
// when stderr is a terminal and --quiet is not set. The bar is fed from a ticker reading the
// engine's atomic counter, never from the trial loop.
type progress struct {
	counter atomic.Int64
	stop    chan struct{}
	done    chan struct{}
}

func startProgress(stderr io.Writer, total int64, quiet bool) *progress {
	p := &progress{stop: make(chan struct{}), done: make(chan struct{})}
	f, ok := stderr.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		close(p.done)
		return p
	}
	go func() {
		defer close(p.done)
		select {
		case <-p.stop:
			return
		case <-time.After(time.Second):
		}
		bar := progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription("trials"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("trials"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				bar.Set64(p.counter.Load())
				bar.Clear()
				return
			case <-t.C:
				bar.Set64(p.counter.Load())
			}
		}
	}()
	return p
}

func (p *progress) finish() {
	select {
	case <-p.done:
	default:
		close(p.stop)
		<-p.done
	}
}
