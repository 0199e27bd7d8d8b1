package xmath

import (
	"math"
	"math/big"
	"sync"
)

// High-precision references, from math/big only: exp and log to refPrec bits, far more than the 53
// a float64 holds, so that rounding them to float64 gives the correctly rounded result.
const refPrec = 320

func bf(x float64) *big.Float { return new(big.Float).SetPrec(refPrec).SetFloat64(x) }
func bnew() *big.Float        { return new(big.Float).SetPrec(refPrec) }

// atanhSeries returns 2*atanh(s) = log((1+s)/(1-s)) for |s| <= 0.2.
func atanhSeries(s *big.Float) *big.Float {
	s2 := bnew().Mul(s, s)
	term := bnew().Set(s)
	sum := bnew().Set(s)
	eps := new(big.Float).SetMantExp(big.NewFloat(1), -refPrec-8)
	for n := int64(3); ; n += 2 {
		term.Mul(term, s2)
		t := bnew().Quo(term, bnew().SetInt64(n))
		sum.Add(sum, t)
		if t.Sign() == 0 || new(big.Float).Abs(t).Cmp(eps) < 0 {
			break
		}
	}
	return sum.Mul(sum, bnew().SetInt64(2))
}

var bigLn2 = sync.OnceValue(func() *big.Float {
	// ln 2 = 2 atanh(1/3)
	return atanhSeries(bnew().Quo(bnew().SetInt64(1), bnew().SetInt64(3)))
})

// bigLog returns log(x) for a positive x.
func bigLog(x *big.Float) *big.Float {
	if x.Sign() <= 0 {
		panic("bigLog of a non-positive number")
	}
	m := bnew()
	e := x.MantExp(m) // x = m * 2^e, m in [0.5, 1)
	if m.Cmp(big.NewFloat(math.Sqrt2/2)) < 0 {
		m.SetMantExp(m, 1)
		e--
	}
	// m in [sqrt(1/2), sqrt(2)): log m = 2 atanh((m-1)/(m+1))
	one := bnew().SetInt64(1)
	s := bnew().Quo(bnew().Sub(m, one), bnew().Add(m, one))
	l := atanhSeries(s)
	return l.Add(l, bnew().Mul(bnew().SetInt64(int64(e)), bigLn2()))
}

// bigExp returns exp(x) for |x| < 2000.
func bigExp(x *big.Float) *big.Float {
	// x = k ln2 + r, |r| <= ln2/2; exp(r) = exp(r/2^16)^(2^16)
	q, _ := bnew().Quo(x, bigLn2()).Float64()
	k := math.Round(q)
	r := bnew().Sub(x, bnew().Mul(bnew().SetFloat64(k), bigLn2()))
	const halvings = 16
	r.SetMantExp(r, -halvings)
	sum := bnew().SetInt64(1)
	term := bnew().SetInt64(1)
	eps := new(big.Float).SetMantExp(big.NewFloat(1), -refPrec-8)
	for n := int64(1); ; n++ {
		term.Mul(term, r)
		term.Quo(term, bnew().SetInt64(n))
		sum.Add(sum, term)
		if term.Sign() == 0 || new(big.Float).Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	for range halvings {
		sum.Mul(sum, sum)
	}
	return sum.SetMantExp(sum, int(k))
}

// round returns the float64 nearest to x (ties to even), subnormals included.
func round(x *big.Float) float64 {
	f, _ := x.Float64()
	return f
}

// ulpsOff returns (got - exact) / ulp(exact), with the ulp of the binade of exact (2^-1074 below the
// normal range).
func ulpsOff(got float64, exact *big.Float) float64 {
	d := bnew().Sub(bf(got), exact)
	e := exact.MantExp(nil) - 1 // exact = 1.m * 2^e
	ue := max(e-52, -1074)
	d.SetMantExp(d, -ue)
	f, _ := d.Float64()
	return f
}

// refExp and refLog are the correctly rounded exp and log.
func refExp(x float64) float64 { return round(bigExp(bf(x))) }
func refLog(x float64) float64 { return round(bigLog(bf(x))) }

// bigLog1p returns log(1 + x) for x > -1, by its series where 1 + x would lose x's digits.
func bigLog1p(x float64) *big.Float {
	if math.Abs(x) >= 0x1p-20 {
		return bigLog(bnew().Add(bf(x), bnew().SetInt64(1)))
	}
	bx := bf(x)
	sum := bnew()
	pow := bnew().SetInt64(1)
	for n := int64(1); n < 40; n++ {
		pow.Mul(pow, bx)
		t := bnew().Quo(pow, bnew().SetInt64(n))
		if n%2 == 0 {
			t.Neg(t)
		}
		sum.Add(sum, t)
	}
	return sum
}
