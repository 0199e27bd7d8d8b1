package xmath

import "math"

// LogFactorial returns log(k!) = lgamma(k+1) for a whole number k >= 0 (a Poisson count): from a
// table of the correctly rounded values (tables.go, from math/big) below logFactN, and above it
// package math's asymptotic series for lgamma (math/lgamma.go, Copyright 2010 The Go Authors, BSD
// licence, from FreeBSD's e_lgamma_r.c, Copyright (C) 1993 Sun Microsystems, "Permission to use,
// copy, modify, and distribute this software is freely granted, provided that this notice is
// preserved.") with every product rounded before it is added. It returns NaN for k < 0 or not
// whole, and +Inf for k = +Inf.
func LogFactorial(k float64) float64 {
	if !(k >= 0) || k != math.Trunc(k) {
		if math.IsInf(k, 1) {
			return k
		}
		return math.NaN()
	}
	if k < logFactN {
		return logFact[int(k)]
	}
	x := k + 1
	if x >= 0x1p58 {
		return x * (Log(x) - 1)
	}
	t := Log(x)
	z := 1 / x
	y := float64(z * z)
	w := lgamW0 + float64(z*(lgamW1+float64(y*(lgamW2+float64(y*(lgamW3+float64(y*(lgamW4+float64(y*(lgamW5+float64(y*lgamW6)))))))))))
	return float64((x-0.5)*(t-1)) + w
}

const (
	lgamW0 = 4.18938533204672725052e-01  // 0x3FDACFE390C97D69
	lgamW1 = 8.33333333333329678849e-02  // 0x3FB555555555553B
	lgamW2 = -2.77777777728775536470e-03 // 0xBF66C16C16B02E5C
	lgamW3 = 7.93650558643019558500e-04  // 0x3F4A019F98CF38B6
	lgamW4 = -5.95187557450339963135e-04 // 0xBF4380CB8C0FE741
	lgamW5 = 8.36339918996282139126e-04  // 0x3F4B67BA4CDAD5D1
	lgamW6 = -1.63092934096575273989e-03 // 0xBF5AB89D0B9E43E4
	// logFactN is the length of the table of log(k!).
	logFactN = 256
)
