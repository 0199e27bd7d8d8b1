package xmath

import "gonum.org/v1/gonum/mathext"

func mathextNormalQuantile(p float64) float64 { return mathext.NormalQuantile(p) }
