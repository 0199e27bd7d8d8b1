package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/alesim/alesim/internal/human"
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
	start := time.Now() // the counter counts from here: the rate is counter / time since start
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
			progressbar.OptionSetPredictTime(false),
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
				n := p.counter.Load()
				bar.Describe(rateText(n, total, time.Since(start)))
				bar.Set64(n)
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

// rateText is the bar's description: the rate and the time left, from the trials done since the
// run started (never from the bar's first tick, which would count the trials done before the bar
// appeared as done in no time).
func rateText(done, total int64, elapsed time.Duration) string {
	sec := elapsed.Seconds()
	if done <= 0 || sec <= 0 {
		return "trials"
	}
	rate := float64(done) / sec
	left := time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second)
	return fmt.Sprintf("trials (%s/s, %s left)", human.Money(rate, 2), left)
}
