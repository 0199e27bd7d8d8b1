// Package xmath holds the elementary functions the engine's numeric paths use, written so that they
// give the same bits on every machine and architecture: pure Go (no assembly), table-driven, and
// with every product that feeds an addition rounded by an explicit float64(...) conversion, which
// the Go specification ("Floating-point operators") says prevents the compiler from fusing the two
// into one multiply-add. The standard library's math.Exp has an assembly path on amd64 that uses
// FMA when the CPU has it and one on arm64 that always does, math.Log has assembly on amd64 only,
// and the pure-Go code of the others may be fused on arm64 (and on amd64 with GOAMD64=v3), so
// their last bits depend on where the program runs.
//
// Exp and Log are within 1 ulp of the correctly rounded result (measured well under that: see the
// tests, which check against math/big); the special values (±Inf, NaN, ±0) are those of package
// math, and at the ends of the range (overflow, underflow, subnormals) the results are the correctly
// rounded ones, which package math's on amd64 are not in two places (Exp(709.782712893384) is
// finite here, and Log(5e-324) is -744.44).
package xmath

import "math"

// Exp: x = k*ln2/N + r with |r| <= ln2/(2N), exp(x) = 2^(k/N) * exp(r); 2^(k/N) = 2^(k>>7) *
// T[k%N] * (1 + tail[k%N]), with T and tail from math/big (tables.go), and exp(r)-1 by its Taylor
// polynomial of degree 5, whose truncation error (|r|^6/720 < 2^-60) is far below an ulp.
const (
	expBits  = 7
	expN     = 1 << expBits
	invLn2N  = 0x1.71547652b82fep0 * expN // N/ln2
	shift    = 0x1.8p52                   // adding it rounds to an integer
	expC2    = 1.0 / 2
	expC3    = 1.0 / 6
	expC4    = 1.0 / 24
	expC5    = 1.0 / 120
	overExp  = 1024.0  // exp(x) is +Inf from below this on
	underExp = -1024.0 // and 0 from above this down
)

// Exp returns e**x.
func Exp(x float64) float64 {
	abstop := math.Float64bits(x) >> 52 & 0x7ff
	if abstop-0x3c9 >= 0x408-0x3c9 { // |x| < 2^-54, |x| >= 512, Inf or NaN
		if abstop < 0x3c9 {
			return 1 + x
		}
		switch {
		case x != x:
			return x
		case x >= overExp:
			return math.Inf(1)
		case x <= underExp:
			return 0
		}
		return expSpecial(x)
	}
	sbits, tmp := expCore(x)
	scale := math.Float64frombits(sbits)
	return scale + float64(scale*tmp)
}

// expCore reduces x to k ln2/N + r and returns the bits of 2^(k/N) (its exponent possibly out of
// range for |x| >= 512) and the polynomial's part, so that exp(x) = s + s tmp with s from sbits.
func expCore(x float64) (sbits uint64, tmp float64) {
	z := float64(invLn2N * x)
	kd := float64(z + shift)
	ki := math.Float64bits(kd)
	kd -= shift
	r := float64(x+float64(kd*negLn2hiN)) + float64(kd*negLn2loN)
	idx := ki % expN
	sbits = expT[idx] + ki<<(52-expBits)
	r2 := float64(r * r)
	tmp = expTail[idx] + r + float64(r2*float64(expC2+float64(r*expC3))) +
		float64(float64(r2*r2)*float64(expC4+float64(r*expC5)))
	return sbits, tmp
}

// expSpecial is Exp for 512 <= |x| < 1024, where 2^(k/N) may leave the normal range.
func expSpecial(x float64) float64 {
	sbits, tmp := expCore(x)
	if x > 0 {
		// The exponent of scale may have overflowed by up to 460: take 1009 off and multiply back.
		scale := math.Float64frombits(sbits - 1009<<52)
		return 0x1p1009 * float64(scale+float64(scale*tmp))
	}
	// The result may be subnormal: compute it scaled by 2^1022, and round it to the subnormal's
	// precision once (adding 1 does that) before scaling back, so that it is not rounded twice.
	scale := math.Float64frombits(sbits + 1022<<52)
	y := scale + float64(scale*tmp)
	if y < 1 {
		lo := scale - y + float64(scale*tmp)
		hi := 1 + y
		lo = 1 - hi + y + lo
		y = float64(hi+lo) - 1
		if y == 0 {
			y = 0 // not -0
		}
	}
	return 0x1p-1022 * y
}

// Log: x = 2^k * z with z in [0x1.6p-1, 0x1.6p0), z = C(1 + r) with C from a table of N subintervals
// (1/C exact as invc, C as chi + clo, log(C) as logchi + logclo, all from math/big), log(x) =
// k*ln2 + log(C) + log1p(r), |r| < 2^-8, log1p(r) - r by its Taylor polynomial to r^7 (error below
// 2^-66). The sum k*ln2hi + logchi is exact (both are multiples of 2^-42), and the rounding error of
// adding r to it is kept. Near 1, where the table's error would be large against the result, a
// polynomial in r = x - 1 with r - r^2/2 carried in double-double.
const (
	logBits = 7
	logN    = 1 << logBits
	logOff  = 0x3fe6000000000000
	// the near-1 range: 1 - 2^-4 <= x < 1 + 0x1.09p-4
	logLo = 0x3fee000000000000
	logHi = 0x3ff1090000000000
)

// Log returns the natural logarithm of x.
func Log(x float64) float64 {
	ix := math.Float64bits(x)
	if ix-logLo < logHi-logLo {
		if ix == 0x3ff0000000000000 {
			return 0
		}
		hi, lo := logNear1(x - 1)
		return lo + hi
	}
	top := ix >> 48
	if top-0x0010 >= 0x7ff0-0x0010 { // x < 2^-1022, Inf or NaN
		switch {
		case ix<<1 == 0:
			return math.Inf(-1)
		case ix == 0x7ff0000000000000:
			return x
		case top&0x8000 != 0 || top&0x7ff0 == 0x7ff0:
			return math.NaN()
		}
		ix = math.Float64bits(x * 0x1p52) // subnormal: normalise
		ix -= 52 << 52
	}
	hi, lo := logTable(ix)
	return lo + hi
}

// logTable returns log(x) as hi + lo for the bits ix of a positive normal x outside the near-1
// range.
func logTable(ix uint64) (hi, lo float64) {
	tmp := ix - logOff
	i := tmp >> (52 - logBits) % logN
	k := int64(tmp) >> 52
	z := math.Float64frombits(ix - tmp&(0xfff<<52))
	e := &logTab[i]
	r := float64(float64((z-e.chi)-e.clo) * e.invc)
	kd := float64(k)
	w := float64(kd*ln2hi) + e.logchi // exact
	hi = w + r
	lo = w - hi + r + float64(float64(kd*ln2lo)+e.logclo)
	r2 := float64(r * r)
	p := float64(r2*-0.5) + float64(float64(r*r2)*float64(logB3+float64(r*logB4)+
		float64(r2*float64(logB5+float64(r*logB6)+float64(r2*logB7)))))
	return hi, lo + p
}

// logNear1 is log(1 + r) for -2^-4 <= r < 0x1.09p-4: r - r^2/2 in double-double, the rest by the
// Taylor series to r^15 (truncation error below 2^-63 * |r|).
func logNear1(r float64) (hi, lo float64) {
	r2 := float64(r * r)
	r3 := float64(r * r2)
	y := float64(r3 * float64(logB3+float64(r*logB4)+float64(r2*logB5)+
		float64(r3*float64(logB6+float64(r*logB7)+float64(r2*logB8)+
			float64(r3*float64(logB9+float64(r*logB10)+float64(r2*logB11)+
				float64(r3*float64(logB12+float64(r*logB13)+float64(r2*logB14)+float64(r3*logB15)))))))))
	w := float64(r * 0x1p27)
	rhi := float64(r+w) - w // r's top 26 bits, so rhi*rhi is exact
	rlo := r - rhi
	w = float64(float64(rhi*rhi) * -0.5)
	hi = r + w
	lo = r - hi + w
	lo += float64(-0.5 * float64(rlo*(rhi+r)))
	return hi, y + lo
}

// logB3 ... logB15 are the Taylor coefficients of log(1 + r), (-1)^(k+1)/k for r^k; logTable's
// polynomial uses the first five.
const (
	logB3  = 1.0 / 3
	logB4  = -1.0 / 4
	logB5  = 1.0 / 5
	logB6  = -1.0 / 6
	logB7  = 1.0 / 7
	logB8  = -1.0 / 8
	logB9  = 1.0 / 9
	logB10 = -1.0 / 10
	logB11 = 1.0 / 11
	logB12 = -1.0 / 12
	logB13 = 1.0 / 13
	logB14 = -1.0 / 14
	logB15 = 1.0 / 15
)

// Log1p returns log(1 + x), accurate also when x is near zero: log(u) for u = 1 + x rounded, as
// hi + lo, plus (x - (u - 1))/u, the first-order correction for the rounding of u, added to lo
// (u - 1 is exact for u in [1/2, 2], and the correction is negligible outside it).
func Log1p(x float64) float64 {
	switch {
	case x != x:
		return x
	case x < -1:
		return math.NaN()
	case x == -1:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	u := 1 + x
	if u == 1 {
		return x // |x| < 2^-53: log1p(x) = x(1 - x/2 + ...) rounds to x
	}
	c := (x - (u - 1)) / u
	iu := math.Float64bits(u)
	var hi, lo float64
	switch {
	case iu-logLo < logHi-logLo:
		hi, lo = logNear1(u - 1)
	default: // u >= 2^-53, normal
		hi, lo = logTable(iu)
	}
	return float64(lo+c) + hi
}

// Log10 returns the decimal logarithm of x (as math.Log10 does, log(x) * (1/ln 10)).
func Log10(x float64) float64 { return float64(Log(x) * (1 / math.Ln10)) }
