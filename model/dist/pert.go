package dist

import (
	"fmt"
)

// NewPERT builds the Beta-PERT distribution on [min, max] with most likely value mode:
// alpha = 1 + shape(mode-min)/(max-min), beta = 1 + shape(max-mode)/(max-min), so that
// mean = (min + shape*mode + max)/(shape+2) (Vose, Risk Analysis, 3rd ed., section 9.1.4).
func NewPERT(min, mode, max, shape float64) (Beta, error) {
	if err := checkAll(map[string]float64{"min": min, "mode": mode, "max": max, "shape": shape}, "min", "mode", "max", "shape"); err != nil {
		return Beta{}, err
	}
	if err := orderedMinModeMax(min, mode, max); err != nil {
		return Beta{}, err
	}
	if !(shape > 0) || shape > maxShape-1 {
		return Beta{}, &ParamError{"shape", fmt.Sprintf("must be > 0 and at most %g", float64(maxShape-1)), shape}
	}
	w := max - min
	return Beta{1 + shape*(mode-min)/w, 1 + shape*(max-mode)/w, min, max}, nil
}
