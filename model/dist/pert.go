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

var pertKind = Kind{
	Name:   "pert",
	Params: []Param{{Name: "min"}, {Name: "mode"}, {Name: "max"}, {Name: "shape", Optional: true, Default: 4}},
	Note:   "Beta-PERT: mean (min + shape·mode + max) / (shape + 2)",
	New: func(v Values) (Distribution, error) {
		return distribution(NewPERT(v.Nums["min"], v.Nums["mode"], v.Nums["max"], v.Nums["shape"]))
	},
	Describe: func(v Values) string {
		lo, mo, hi, shape := v.Nums["min"], v.Nums["mode"], v.Nums["max"], v.Nums["shape"]
		if shape != 4 {
			return fmt.Sprintf("pert(%g, %g, %g, shape %g)", lo, mo, hi, shape)
		}
		return fmt.Sprintf("pert(%g, %g, %g)", lo, mo, hi)
	},
}
