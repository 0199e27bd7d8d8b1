package sim

import (
	"math"

	"github.com/alesim/alesim/internal/xmath"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/model/dist"
)

// Events kept for variants. A finding whose year is re-simulated under safeguards (one charged,
// with others or with a random loss, to an asset whose cap has no closed form; or one the
// recommended set acts on) keeps its events: each event's loss and a thinning uniform U drawn
// from the finding's own "thin" stream. With an adjustment that turns the drawn AFE lambda into
// lambda', the same year is:
//   - for lambda' <= lambda: the events with U < lambda'/lambda (thinning: a Poisson process
//     thinned with probability phi is Poisson with rate phi lambda, and its events are a subset of
//     the baseline's: common random numbers);
//   - for lambda' > lambda: every baseline event, plus extra events (superposition, DESIGN section
//     8). The extra events of a trial are the points of a unit-rate Poisson process on the rate
//     axis beyond lambda, m_1 = lambda + E_1, m_k = m_(k-1) + E_k with E ~ Exp(1), each with its own
//     loss; those with m < lambda' are the year's extra events, so their number is Poisson(lambda'
//     - lambda), and every variant that raises the frequency sees the same process, the one raising
//     it more seeing a superset. With at most one event a year (Bernoulli), the extra event happens
//     when there was none and a uniform V is below (min(lambda', 1) - lambda) / (1 - lambda).
//     The process is drawn from the finding's "extra" stream, reseeded for each trial from the
//     trial's index (see stream.go), so how far one trial's process is drawn changes no other
//     trial's draws: adding a safeguard changes no other variable's draws.
// Each kept event's loss is then scaled by the adjustment's loss factor.

// drawThinning draws one thinning uniform per event of a kept finding.
func (w *worker) drawThinning(i int) {
	r := w.st[w.p.findings[i].vThin].r
	w.evU[i] = w.evU[i][:0]
	for range w.ev[i] {
		w.evU[i] = append(w.evU[i], dist.Uniform01(r))
	}
}

// startExtra reseeds finding i's extra-event stream for trial t and forgets the previous trial's
// extra events.
func (w *worker) startExtra(i int, t int64) {
	f := &w.p.findings[i]
	s1, s2 := streamSeeds(w.seed, w.p.hashes[f.vExtra], uint64(t))
	w.st[f.vExtra].pcg.Seed(s1, s2)
	w.exMark[i] = w.exMark[i][:0]
	w.exLoss[i] = w.exLoss[i][:0]
	w.exBern[i] = -1
}

// eventLoss draws one event's loss of finding i from r.
func (w *worker) eventLoss(i int, r *stream) float64 {
	f := &w.p.findings[i]
	switch {
	case f.lossModel != nil:
		return w.modelLoss(i, r, true)
	case f.loss.konst:
		return f.loss.v
	case f.lognormal:
		return xmath.Exp(f.lnMu + float64(f.lnSigma*r.r.NormFloat64()))
	}
	return f.loss.d.Rand(r.r)
}

// extraLoss is the total loss (unscaled) of finding i's extra events when its rate is raised to
// lambda2 above this year's lambda.
func (w *worker) extraLoss(i int, lambda2 float64) float64 {
	p := w.p
	f := &p.findings[i]
	r := &w.st[f.vExtra]
	lambda := w.afe[i]
	if f.atMostOnce {
		if w.exBern[i] < 0 {
			// First use in this trial: the uniform and the loss, always both, in this order.
			w.exBern[i] = dist.Uniform01(r.r)
			w.exBernLoss[i] = w.eventLoss(i, r)
		}
		if len(w.ev[i]) > 0 || lambda >= 1 {
			return 0
		}
		if w.exBern[i] < (math.Min(lambda2, 1)-lambda)/(1-lambda) {
			return w.exBernLoss[i]
		}
		return 0
	}
	for {
		n := len(w.exMark[i])
		if n > 0 && w.exMark[i][n-1] >= lambda2 {
			break
		}
		m := lambda
		if n > 0 {
			m = w.exMark[i][n-1]
		}
		m += r.r.ExpFloat64()
		w.exMark[i] = append(w.exMark[i], m)
		w.exLoss[i] = append(w.exLoss[i], w.eventLoss(i, r))
	}
	l := 0.0
	for k, m := range w.exMark[i] {
		if m >= lambda2 {
			break
		}
		l += w.exLoss[i][k]
	}
	return l
}

// thinnedLoss is this year's loss of finding i with an adjustment in place, on the same events:
// the baseline's events thinned, or with extra events added, as described above, each loss scaled
// by the loss factor. Its expectation given theta is the adjusted ALE, so estimates built on it are
// unbiased.
func (w *worker) thinnedLoss(i int, adj model.Adjust) float64 {
	lambda := w.afe[i]
	lambda2 := adj.AFE(lambda)
	l := 0.0
	if lambda2 < lambda {
		phi := lambda2 / lambda
		for e, x := range w.ev[i] {
			if w.evU[i][e] < phi {
				l += x
			}
		}
	} else {
		for _, x := range w.ev[i] {
			l += x
		}
		if lambda2 > lambda {
			l += w.extraLoss(i, lambda2)
		}
	}
	return l * adj.LossScale(w.lossMean[i])
}

// capAssets caps, in place, the losses charged to each asset at its value, sharing the capped
// amount pro rata among the findings charged to it.
func (p *plan) capAssets(loss []float64) {
	for a := range p.assets {
		as := &p.assets[a]
		tot := 0.0
		for _, i := range as.members {
			tot += loss[i]
		}
		if tot > as.value {
			scale := as.value / tot
			for _, i := range as.members {
				loss[i] *= scale
			}
		}
	}
}

// drawLossModel draws this trial's loss model of finding i (theta): the uncertain parameters,
// each kept within the range validation checked, and the distribution they give; or the per-year
// factors. It sets the conditional mean loss ALE(theta) uses.
func (w *worker) drawLossModel(i int) {
	f := &w.p.findings[i]
	lm := f.lossModel
	if len(lm.Params) > 0 {
		v := w.lossVals[i]
		for j := range f.lossParams {
			x := w.draw(&f.lossParams[j])
			v.Nums[lm.Params[j].Name] = math.Min(math.Max(x, lm.Params[j].Lo), lm.Params[j].Hi)
		}
		d, err := lm.Kind.New(v)
		if err != nil {
			d = f.loss.d // cannot happen within the checked ranges; the point distribution if it did
		}
		w.lossDist[i], w.lossMean[i] = d, d.Mean()
		return
	}
	yf, mean := 1.0, 1.0
	for j := range f.lossFactors {
		fe := &f.lossFactors[j]
		if f.perYear[j] {
			x := w.draw(fe)
			yf *= x
			mean *= x
		} else {
			mean *= fe.d.Mean()
		}
	}
	w.yearFac[i], w.lossMean[i] = yf, mean
}

// modelLoss draws one event's loss of finding i under its loss model: from this trial's
// distribution, drawing from r; or the per-year factors' product times each per-event factor,
// drawn from the factor's own stream, or from r for an extra event (so that extra events never
// move another variable's stream).
func (w *worker) modelLoss(i int, r *stream, extra bool) float64 {
	f := &w.p.findings[i]
	if len(f.lossModel.Params) > 0 {
		return w.lossDist[i].Rand(r.r)
	}
	x := w.yearFac[i]
	for j := range f.lossFactors {
		if f.perYear[j] {
			continue
		}
		fe := &f.lossFactors[j]
		switch {
		case fe.konst:
			x *= fe.v
		case extra:
			x *= fe.d.Rand(r.r)
		default:
			x *= fe.d.Rand(w.st[fe.vr].r)
		}
	}
	return x
}
