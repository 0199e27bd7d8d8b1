package xmath

import "math"

// Tanh, Sinh and Cosh are package math's (math/tanh.go and math/sinh.go, Copyright 2009 The Go
// Authors, BSD licence; tanh from the Cephes library, sinh's coefficients #2029 of Hart & Cheney)
// on xmath.Exp, with every product rounded before it is added.

var tanhP = [...]float64{
	-9.64399179425052238628e-1,
	-9.92877231001918586564e1,
	-1.61468768441708447952e3,
}
var tanhQ = [...]float64{
	1.12811678491632931402e2,
	2.23548839060100448583e3,
	4.84406305325125486048e3,
}

// Tanh returns the hyperbolic tangent of x.
func Tanh(x float64) float64 {
	const maxLog = 8.8029691931113054295988e+01 // log(2**127)
	z := math.Abs(x)
	switch {
	case z != z:
		return x
	case z > 0.5*maxLog:
		if x < 0 {
			return -1
		}
		return 1
	case z >= 0.625:
		s := Exp(2 * z)
		z = 1 - 2/(s+1)
		if x < 0 {
			z = -z
		}
	default:
		if x == 0 {
			return x
		}
		s := float64(x * x)
		num := float64(tanhP[0]*s) + tanhP[1]
		num = float64(num*s) + tanhP[2]
		den := float64((s+tanhQ[0])*s) + tanhQ[1]
		den = float64(den*s) + tanhQ[2]
		z = x + x*s*num/den // a quotient, not a product, is added
	}
	return z
}

// Sinh returns the hyperbolic sine of x.
func Sinh(x float64) float64 {
	const (
		P0 = -0.6307673640497716991184787251e+6
		P1 = -0.8991272022039509355398013511e+5
		P2 = -0.2894211355989563807284660366e+4
		P3 = -0.2630563213397497062819489e+2
		Q0 = -0.6307673640497716991212077277e+6
		Q1 = 0.1521517378790019070696485176e+5
		Q2 = -0.173678953558233699533450911e+3
	)
	sign := false
	if x < 0 {
		x = -x
		sign = true
	}
	var temp float64
	switch {
	case x > 21:
		temp = Exp(x) * 0.5
	case x > 0.5:
		ex := Exp(x)
		temp = (ex - 1/ex) * 0.5
	default:
		sq := float64(x * x)
		num := float64(P3*sq) + P2
		num = float64(num*sq) + P1
		num = float64(num*sq) + P0
		den := float64((sq+Q2)*sq) + Q1
		den = float64(den*sq) + Q0
		temp = num * x / den
	}
	if sign {
		temp = -temp
	}
	return temp
}

// Cosh returns the hyperbolic cosine of x.
func Cosh(x float64) float64 {
	x = math.Abs(x)
	if x > 21 {
		return Exp(x) * 0.5
	}
	ex := Exp(x)
	return (ex + 1/ex) * 0.5
}
