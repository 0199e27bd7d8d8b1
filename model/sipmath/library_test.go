package sipmath

import (
	"bytes"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/alesim/alesim/model/dist"
)

// TestHDR checks HDR_2_0 against values computed with arbitrary-precision integers from the
// formula as rmetalog's rHDR and PySIPmath's hdr write it ((7440893 A + B) 1343 mod 2^32): the
// Go int64 arithmetic must neither overflow nor reorder it, up to the standard's largest seeds.
func TestHDR(t *testing.T) {
	for _, c := range []struct {
		pm, v, e, s3, s4 int64
		want             float64
	}{
		{1, 1, 1, 0, 0, 0.9097355402773246},
		{2, 1, 1, 0, 0, 0.7586898015579209},
		{3, 1, 1, 0, 0, 0.07985927711706609},
		{1, 0, 0, 0, 0, 0.3000069559784606},
		{100000000, 99999999, 99999999, 9999999, 9999999, 0.6378762834938243},
		{12345, 1234567, 9039920, 3, 4, 0.35851536702830344},
	} {
		if got := HDR(c.pm, c.v, c.e, c.s3, c.s4); got != c.want {
			t.Errorf("HDR(%d, var %d, entity %d, %d, %d) = %.17g, want %.17g", c.pm, c.v, c.e, c.s3, c.s4, got, c.want)
		}
	}
}

// TestHDRUniform: 200000 trials of one variable are uniform on (0, 1) by Kolmogorov-Smirnov at
// significance 0.001 (critical value 1.949/sqrt(n)), and two variables' trials are uncorrelated
// (|r| < 4/sqrt(n), four standard errors of a null correlation).
func TestHDRUniform(t *testing.T) {
	const n = 200000
	us := make([]float64, n)
	vs := make([]float64, n)
	for i := range us {
		us[i] = HDR(int64(i+1), 7, 1, 0, 0)
		vs[i] = HDR(int64(i+1), 8, 1, 0, 0)
	}
	var sxy, sx, sy, sxx, syy float64
	for i := range us {
		sx += us[i]
		sy += vs[i]
		sxy += us[i] * vs[i]
		sxx += us[i] * us[i]
		syy += vs[i] * vs[i]
	}
	r := (sxy/n - sx/n*sy/n) / math.Sqrt((sxx/n-sx/n*sx/n)*(syy/n-sy/n*sy/n))
	if math.Abs(r) > 4/math.Sqrt(n) {
		t.Errorf("correlation of two variables %g", r)
	}
	sort.Float64s(us)
	ks := 0.0
	for i, u := range us {
		ks = math.Max(ks, math.Max(math.Abs(u-float64(i)/n), math.Abs(float64(i+1)/n-u)))
	}
	if crit := 1.949 / math.Sqrt(n); ks > crit {
		t.Errorf("KS %g > %g", ks, crit)
	}
}

// standardExample is a library in the shape of the standard's own example (the JSON Schema's
// examples[0], cut down): HDR and Index sources, a Gaussian copula, metalog SIPs with and without
// bounds, a SIP given again for two environments, and SIP_Array trials inline and in a CSV file.
const standardExample = `{
  "name": "Gaussian Copula Development Time Library",
  "dateCreated": "2021-07-03", "version": "0", "provenance": "SLS 4-23-21",
  "globalVariables": [{"name": "correlationMatrixValue", "value": {"columns": ["A", "B"], "rows": ["A", "B"],
    "matrix": [{"row": "A", "col": "A", "value": 1}, {"row": "A", "col": "B", "value": 0.5}, {"row": "B", "col": "B", "value": 1}]}}],
  "U01": {
    "rng": [
      {"name": "HDR1", "function": "HDR_2_0", "arguments": {"counter": "PM_Index", "entity": 9039920, "varId": 1, "seed3": 0, "seed4": 0}},
      {"name": "HDR2", "function": "HDR_2_0", "arguments": {"counter": "PM_Index", "entity": 9039920, "varId": 2, "seed3": {"type": "parameter", "name": "User-entered Seed3"}, "seed4": 0}},
      {"name": "indexRng", "function": "Index", "arguments": {"counter": "PM_Index"}}
    ],
    "copula": [{"name": "Gaussian", "function": "GaussianCopula",
      "arguments": {"correlationMatrix": {"type": "globalVariables", "value": "correlationMatrixValue"}, "rng": ["HDR1", "HDR2"]},
      "copulaLayer": ["cl1", "cl2"]}]
  },
  "sips": [
    {"name": "Variable1", "ref": {"source": "rng", "name": "HDR1"}, "function": "Metalog_1_0",
     "arguments": {"lowerBound": 0, "upperBound": 5, "aCoefficients": [-0.44366710027334577, 0.31428823046335125, -0.46025990428473268, 0.52556291243339126, 2.11565238380833565]}},
    {"name": "StandardNormal", "ref": {"source": "rng", "name": "HDR1"}, "environment": "ExcelFrontline", "function": "PsiNormal", "arguments": {"mean": 0, "stdDev": 1}},
    {"name": "StandardNormal", "ref": {"source": "rng", "name": "HDR1"}, "environment": "ExcelPalisade", "function": "RiskNormal", "arguments": {"mean": 0, "stdDev": 1}},
    {"name": "Accounts", "ref": {"source": "copula", "name": "Gaussian", "copulaLayer": "cl1"}, "function": "Metalog_1_0",
     "arguments": {"aCoefficients": [9.872717622, 1.678242357, 2.54967822, 3.535388319, -13.40905029]}, "metadata": {"min": 0, "mean": 10}},
    {"name": "ProductDemand", "function": "SIP_Array", "ref": {"source": "rng", "name": "indexRng"},
     "arguments": {"type": "csv", "url": "https://sipmath.network/libraries/DemandSimpleCsvLib.csv", "value": "Demand"}},
    {"name": "SIP_2", "function": "SIP_Array", "ref": {"source": "rng", "name": "indexRng"}, "arguments": {"type": "array", "value": [1.0, 2.0, 3.0, 0.3527161]}}
  ]
}`

// TestCheckStandardExample: the standard's example obeys every rule, and reading it gives what
// this package supports and says what it does not.
func TestCheckStandardExample(t *testing.T) {
	if errs := Check([]byte(standardExample)); len(errs) > 0 {
		t.Fatalf("the standard's example breaks the rules: %v", errs)
	}
	l, err := Read([]byte(standardExample))
	if err != nil {
		t.Fatal(err)
	}
	s, err := l.Trials("SIP_2")
	if err != nil || s.Len() != 4 || s.At(5) != 2 {
		t.Errorf("SIP_2: %v, %d trials, trial 5 = %g (want trial 1's 2)", err, s.Len(), s.At(5))
	}
	v, err := l.Trials("Variable1")
	if err != nil {
		t.Fatal(err)
	}
	// Trial 0 of the run is PM_Index 1: HDR(1, varId 1, entity 9039920, 0, 0) through the metalog.
	d, _ := dist.NewMetalog([]float64{-0.44366710027334577, 0.31428823046335125, -0.46025990428473268, 0.52556291243339126, 2.11565238380833565}, 0, 5)
	if got, want := v.At(0), d.Quantile(HDR(1, 1, 9039920, 0, 0)); got != want || !(got > 0 && got < 5) {
		t.Errorf("Variable1 trial 0: %g, want %g in (0, 5)", got, want)
	}
	for name, want := range map[string]string{
		"Accounts":       "draws from a copula",
		"ProductDemand":  "csv file",
		"StandardNormal": "each for an environment",
		"Nope":           `no SIP named "Nope"`,
	} {
		if _, err := l.Trials(name); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", name, err, want)
		}
	}
}

// TestCheckRules breaks each rule once.
func TestCheckRules(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`[]`, "must be a JSON object"},
		{`{"name": 3}`, "library.name: must be a string"},
		{`{}`, `library: missing "name"`},
		{`{"name": "x", "version": 1}`, "library.version: must be a string"},
		{`{"name": "x", "U01": {}}`, `U01: missing "rng"`},
		{`{"name": "x", "U01": {"rng": [{"name": "a", "function": "HDR_2_0", "arguments": {"entity": 1.5}}]}}`, "U01.rng[0].arguments.entity: must be an integer"},
		{`{"name": "x", "U01": {"rng": [{"name": "a", "function": "Index"}]}}`, `U01.rng[0]: missing "arguments"`},
		{`{"name": "x", "U01": {"rng": [{"name": "a", "function": "Index", "arguments": {}}, {"name": "a", "function": "Index", "arguments": {}}]}}`, `names another rng already`},
		{`{"name": "x", "sips": [{"name": "s", "ref": {"source": "rng", "name": "none"}, "function": "SIP_Array", "arguments": {"type": "array", "value": [1]}}]}`, `names the rng "none", which U01.rng does not list`},
		{`{"name": "x", "U01": {"rng": [{"name": "i", "function": "Index", "arguments": {}}]}, "sips": [{"name": "s", "ref": {"source": "rng", "name": "i"}, "function": "SIP_Array", "arguments": {"type": "array", "value": [1, "2"]}}]}`, "sips[0].arguments.value[1]: must be a number"},
		{`{"name": "x", "U01": {"rng": [{"name": "i", "function": "Index", "arguments": {}}]}, "sips": [{"name": "s", "ref": {"source": "rng", "name": "i"}, "function": "Metalog_1_0", "arguments": {"lowerBound": "0"}}]}`, `sips[0].arguments: missing "aCoefficients"`},
		{`{"name": "x", "U01": {"rng": [{"name": "i", "function": "Index", "arguments": {}}]}, "sips": [{"name": "s", "ref": {"source": "rng", "name": "i"}, "function": "SIP_Array", "arguments": {"type": "csv"}}]}`, `sips[0].arguments: missing "url"`},
		{`{"name": "x", "U01": {"rng": [{"name": "i", "function": "Index", "arguments": {}}]}, "sips": [{"name": "s", "ref": {"source": "copula", "name": "i"}, "function": "SIP_Array", "arguments": {"type": "array", "value": []}}]}`, `names the copula "i"`},
		{`{"name": "x", "U01": {"rng": [{"name": "i", "function": "Index", "arguments": {}}]}, "sips": [{"name": "s", "ref": {"name": "i"}, "function": "SIP_Array", "arguments": {"type": "array", "value": []}}]}`, `sips[0].ref: missing "source"`},
		{`{"name": "x", "U01": {"rng": [{"name": "i", "function": "Index", "arguments": {}}]}, "sips": [{"name": "s", "ref": {"source": "rng", "name": "i"}, "function": "SIP_Array", "arguments": {"type": "array", "value": []}}, {"name": "s", "ref": {"source": "rng", "name": "i"}, "function": "SIP_Array", "arguments": {"type": "array", "value": []}}]}`, `names another SIP`},
		{`{"name": "x", "sips": [{"name": "s"}]}`, `sips[0]: missing "ref"`},
		{`{"name": "x"} {}`, "more than one JSON value"},
	} {
		errs := Check([]byte(c.src))
		found := false
		for _, e := range errs {
			found = found || strings.Contains(e.Error(), c.want)
		}
		if !found {
			t.Errorf("%s: errors %v, want one with %q", c.src, errs, c.want)
		}
	}
}

// TestWriteReadRoundTrip: a library written by this package obeys the rules and gives back its
// trials bit for bit, and its metalog SIP trial for trial.
func TestWriteReadRoundTrip(t *testing.T) {
	vals := []float64{0, 1.5, 1e-300, 123456789.123456789, -2.5e10, math.SmallestNonzeroFloat64, 1e99}
	m, err := dist.FitMetalog([]float64{0.1, 0.5, 0.9}, []float64{1, 2, 4}, 0, 0, math.Inf(1))
	if err != nil {
		t.Fatal(err)
	}
	l := New("run", "alesim test", "2026-12-01", map[string]any{"seed": 1})
	l.AddIndex("index")
	l.AddHDR("hdr1", 1, 42)
	if err := l.AddArray("loss", "index", vals, map[string]any{"count": len(vals)}); err != nil {
		t.Fatal(err)
	}
	l.AddMetalog("loss (metalog)", "hdr1", m, nil)
	if err := l.AddArray("bad", "index", []float64{math.Inf(1)}, nil); err == nil {
		t.Error("an infinite trial was accepted")
	}
	var buf bytes.Buffer
	if err := l.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if errs := Check(buf.Bytes()); len(errs) > 0 {
		t.Fatalf("written library breaks the rules: %v\n%s", errs, buf.String())
	}
	back, err := Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if back.LibraryType != "SIPmath_3_0" || back.ObjectType != "sipModel" || back.Name != "run" {
		t.Errorf("header %+v", back)
	}
	s, err := back.Trials("loss")
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		if s.At(int64(i)) != v || s.At(int64(i+len(vals))) != v {
			t.Errorf("trial %d: %g, want %g", i, s.At(int64(i)), v)
		}
	}
	c, err := back.Trials("loss (metalog)")
	if err != nil {
		t.Fatal(err)
	}
	for i := int64(0); i < 5; i++ {
		if got, want := c.At(i), m.Quantile(HDR(i+1, 42, 1, 0, 0)); got != want {
			t.Errorf("metalog trial %d: %g, want %g", i, got, want)
		}
	}
}
