package register

import (
	"path/filepath"

	"github.com/alesim/alesim/model"
	"strconv"
	"strings"
)

// build writes the scenario YAML for the tables read; problems go to c.errs.
func (c *converter) build(ts map[string]*table) []byte {
	risks := ts[risksSheet.Name]
	if risks == nil {
		return nil
	}
	c.kindRows = map[string][]loc{}
	w := &c.w
	top := loc{file: c.display}
	w.line(top, "# yaml-language-server: $schema=%s", model.SchemaURL)
	w.line(top, "# Scenario imported by alesim from a risk register (%s).", c.layoutName)
	for _, s := range c.sources {
		w.line(top, "# Source: %s", s)
	}
	w.line(top, "# Each item names the sheet row it came from. Running the register and running this file")
	w.line(top, "# give the same results; edit the register and import it again, or edit this file instead.")
	if len(c.ignored) > 0 {
		w.line(top, "# Columns not part of the layout, left out: %s", strings.Join(c.ignored, "; "))
	}
	c.settings(ts[scenarioSheet.Name])
	c.sites(ts[sitesSheet.Name], risks)
	c.assets(risks)
	c.classes(risks)
	c.findings(risks, ts[sitesSheet.Name] != nil)
	c.safeguards(ts[controlsSheet.Name])
	c.portfolios(ts[portfoliosSheet.Name])
	c.correlations(ts[correlationsSheet.Name])
	if len(risks.rows) == 0 {
		c.add(loc{file: risks.file, sheet: risks.sheet, order: risks.order, row: 2, col: 1}, "no risks: the sheet has a header but no rows below it")
		return nil
	}
	return w.buf.Bytes()
}

func (c *converter) settings(t *table) {
	w := &c.w
	vals := map[string]string{}
	at := map[string]loc{}
	top := loc{file: c.display}
	if t != nil {
		for _, r := range t.rows {
			k := normal(t.text(r, "setting"))
			kc, _ := t.get(r, "setting")
			spec := t.spec.column("setting")
			if k == "" {
				c.add(t.at(r, "setting"), "missing setting name (want one of %s)", strings.Join(spec.Choices, ", "))
				continue
			}
			if !containsStr(spec.Choices, k) {
				c.add(t.at(r, "setting"), "unknown setting %q (want one of %s)", kc.Text, strings.Join(spec.Choices, ", "))
				continue
			}
			if _, dup := vals[k]; dup {
				c.add(t.at(r, "setting"), "setting %q is given twice (first in row %d)", k, at[k].row)
				continue
			}
			vals[k] = t.text(r, "value")
			at[k] = t.at(r, "value")
		}
	}
	w.line(top, "scenario:")
	name, ok := vals["name"]
	if !ok || name == "" {
		base := filepath.Base(c.path)
		name = strings.TrimSuffix(base, filepath.Ext(base))
		w.line(top, "  name: %s # the register's file name (no name setting)", quote(name))
	} else {
		w.line(at["name"], "  name: %s", quote(name))
	}
	for _, k := range []string{"description", "currency"} {
		if v, ok := vals[k]; ok {
			w.line(at[k], "  %s: %s", k, quote(v))
		}
	}
	_, hasH := vals["horizon_years"]
	_, hasR := vals["discount_rate"]
	_, hasA := vals["annuity_factor"]
	for _, k := range []string{"horizon_years", "discount_rate", "annuity_factor"} {
		if v, ok := vals[k]; ok {
			w.line(at[k], "  %s: %s", k, number(v))
		}
	}
	if !hasH && !hasA {
		w.line(top, "  horizon_years: 5 # default: no horizon_years setting")
	}
	if !hasR && !hasA {
		w.line(top, "  discount_rate: 0.1 # default: no discount_rate setting (A = 3.79 over 5 years, as in the 1983 report)")
	}
}

// defaultSite is the site of risks whose site cell is blank.
const defaultSite = "all"

func (c *converter) riskSite(t *table, r sheetRow) string {
	if s := t.text(r, "site"); s != "" {
		return s
	}
	return defaultSite
}

func (c *converter) sites(st *table, risks *table) {
	w := &c.w
	if st != nil {
		if len(st.rows) == 0 {
			return
		}
		w.line(loc{file: c.display}, "sites:")
		for _, r := range st.rows {
			w.line(loc{}, "  # %s row %d", st.at(r, "id").sheetLabel(), r.N)
			idAt := st.at(r, "id")
			c.kindRows["sites"] = append(c.kindRows["sites"], idAt)
			id := st.text(r, "id")
			if id == "" {
				c.add(idAt, "missing: every site needs an id")
				id = placeholderID(r)
			}
			w.line(itemLoc(idAt), "  - id: %s", quote(id))
			if n := st.text(r, "name"); n != "" {
				w.line(st.at(r, "name"), "    name: %s", quote(n))
			}
		}
		return
	}
	var ids []string
	first := map[string]loc{}
	for _, r := range risks.rows {
		s := c.riskSite(risks, r)
		if _, ok := first[s]; !ok {
			ids = append(ids, s)
			first[s] = risks.at(r, "site")
		}
	}
	if len(ids) == 0 {
		return
	}
	w.line(loc{file: c.display}, "sites: # the distinct values of Risks.site (no Sites sheet)")
	for _, id := range ids {
		w.line(first[id], "  - id: %s", quote(id))
		c.kindRows["sites"] = append(c.kindRows["sites"], first[id])
	}
}

func placeholderID(r sheetRow) string { return "(row " + strconv.Itoa(r.N) + ")" }

func (c *converter) assets(t *table) {
	type asset struct {
		id, site, value string
		at, valueAt     loc
	}
	var list []*asset
	byID := map[string]*asset{}
	for _, r := range t.rows {
		id := t.text(r, "asset")
		v := t.text(r, "asset_value")
		if id == "" {
			if v != "" {
				c.add(t.at(r, "asset_value"), "asset_value given without an asset; name the asset in the asset column")
			}
			continue
		}
		a, ok := byID[id]
		if !ok {
			a = &asset{id: id, site: c.riskSite(t, r), at: t.at(r, "asset")}
			byID[id] = a
			list = append(list, a)
		}
		if v == "" {
			continue
		}
		if a.value == "" {
			a.value, a.valueAt = v, t.at(r, "asset_value")
		} else if number(a.value) != number(v) {
			c.add(t.at(r, "asset_value"), "asset %q has value %s here and %s in row %d; give one value", id, v, a.value, a.valueAt.row)
		}
	}
	if len(list) == 0 {
		return
	}
	w := &c.w
	w.line(loc{file: c.display}, "assets: # from Risks.asset and asset_value")
	for _, a := range list {
		w.line(a.at, "  - id: %s", quote(a.id))
		w.line(a.at, "    site: %s", quote(a.site))
		if a.value == "" {
			c.add(a.at, "asset %q has no asset_value on any row; give its value once", a.id)
			w.line(a.at, "    value: 1")
			continue
		}
		w.line(a.valueAt, "    value: %s", number(a.value))
	}
}

func (c *converter) classes(t *table) {
	var ids []string
	first := map[string]loc{}
	for _, r := range t.rows {
		if s := t.text(r, "class"); s != "" {
			if _, ok := first[s]; !ok {
				ids = append(ids, s)
				first[s] = t.at(r, "class")
			}
		}
	}
	if len(ids) == 0 {
		return
	}
	w := &c.w
	w.line(loc{file: c.display}, "classes: # the distinct values of Risks.class")
	for _, id := range ids {
		w.line(first[id], "  - id: %s", quote(id))
	}
}

func (c *converter) findings(t *table, hasSites bool) {
	w := &c.w
	w.line(loc{file: c.display}, "findings:")
	for _, r := range t.rows {
		idAt := t.at(r, "id")
		w.line(loc{}, "  # %s row %d", idAt.sheetLabel(), r.N)
		c.kindRows["findings"] = append(c.kindRows["findings"], idAt)
		id := t.text(r, "id")
		if c.missing(t, r, "id", "every risk needs an id") {
			id = placeholderID(r)
		}
		w.line(itemLoc(idAt), "  - id: %s", quote(id))
		title := t.text(r, "title")
		c.missing(t, r, "title", "every risk needs a title")
		w.line(t.at(r, "title"), "    title: %s", quote(title))
		site := t.text(r, "site")
		if site == "" {
			if hasSites {
				c.add(t.at(r, "site"), "missing: name one of the Sites sheet's sites")
			}
			site = defaultSite
		}
		w.line(t.at(r, "site"), "    site: %s", quote(site))
		for _, k := range []string{"class", "asset"} {
			if v := t.text(r, k); v != "" {
				w.line(t.at(r, k), "    %s: %s", k, quote(v))
			}
		}
		if ev := t.text(r, "events"); ev != "" {
			w.line(t.at(r, "events"), "    events: %s", quote(strings.ToLower(ev)))
		}
		c.estimate(t, r, "freq", "afe", "    ", true, "frequency")
		c.estimate(t, r, "loss", "loss", "    ", true, "loss per event")
		if n := t.text(r, "note"); n != "" {
			w.line(t.at(r, "note"), "    note: %s", quote(n))
		}
	}
}

func (c *converter) ids(t *table, r sheetRow, col string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(t.text(r, col), func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func (c *converter) safeguards(t *table) {
	if t == nil || len(t.rows) == 0 {
		return
	}
	w := &c.w
	w.line(loc{file: c.display}, "safeguards:")
	for _, r := range t.rows {
		idAt := t.at(r, "id")
		w.line(loc{}, "  # %s row %d", idAt.sheetLabel(), r.N)
		c.kindRows["safeguards"] = append(c.kindRows["safeguards"], idAt)
		id := t.text(r, "id")
		if c.missing(t, r, "id", "every control needs an id") {
			id = placeholderID(r)
		}
		w.line(itemLoc(idAt), "  - id: %s", quote(id))
		title := t.text(r, "title")
		c.missing(t, r, "title", "every control needs a title")
		w.line(t.at(r, "title"), "    title: %s", quote(title))
		c.estimate(t, r, "one_time", "one_time_cost", "    ", false, "one-time cost")
		c.estimate(t, r, "annual", "annual_cost", "    ", false, "annual cost")
		if a := t.text(r, "alternative"); a != "" {
			switch strings.ToLower(a) {
			case "yes", "y", "true", "1", "x":
				w.line(t.at(r, "alternative"), "    alternative: true")
			case "no", "n", "false", "0":
			default:
				c.add(t.at(r, "alternative"), "must be yes or no (got %q)", a)
			}
		}
		kind := normal(t.text(r, "effect"))
		switch kind {
		case "", "reduction", "ale_reduction":
			kind = "ale_reduction"
		case "frequency_factor", "loss_factor", "new_afe", "new_loss":
		default:
			c.add(t.at(r, "effect"), "unknown effect %q (want ale_reduction, frequency_factor, loss_factor, new_afe or new_loss)", t.text(r, "effect"))
			kind = "ale_reduction"
		}
		risks := c.ids(t, r, "risks")
		c.missing(t, r, "risks", "name the risk ids the control acts on, separated by commas")
		w.line(t.at(r, "risks"), "    effects:")
		if len(risks) == 0 {
			w.line(t.at(r, "risks"), "      []")
		}
		for i, f := range risks {
			w.line(t.at(r, "risks"), "      - finding: %s", quote(f))
			if i == 0 {
				c.estimate(t, r, "effect", kind, "        ", true, "effect")
			} else {
				c.quiet(func() { c.estimate(t, r, "effect", kind, "        ", true, "effect") })
			}
		}
		if n := t.text(r, "note"); n != "" {
			w.line(t.at(r, "note"), "    note: %s", quote(n))
		}
	}
}

// missing records a problem when a row has nothing in a required column, and reports whether the
// value is unusable (blank, or a cell with a problem of its own). A column the sheet lacks has
// been reported at the header.
func (c *converter) missing(t *table, r sheetRow, col, why string) bool {
	if _, ok := t.cols[col]; !ok {
		return true
	}
	if x, ok := t.get(r, col); ok && x.Bad {
		return true
	}
	if t.blank(r, col) {
		c.add(t.at(r, col), "missing: %s", why)
		return true
	}
	return false
}

// quiet runs f and drops the problems it records (an estimate written again for a control's
// further risks has the same problems as the first time).
func (c *converter) quiet(f func()) {
	n := len(c.errs)
	f()
	c.errs = c.errs[:n]
}

func (c *converter) portfolios(t *table) {
	if t == nil || len(t.rows) == 0 {
		return
	}
	w := &c.w
	w.line(loc{file: c.display}, "portfolios:")
	for _, r := range t.rows {
		idAt := t.at(r, "id")
		w.line(loc{}, "  # %s row %d", idAt.sheetLabel(), r.N)
		c.kindRows["portfolios"] = append(c.kindRows["portfolios"], idAt)
		id := t.text(r, "id")
		if c.missing(t, r, "id", "every portfolio needs an id") {
			id = placeholderID(r)
		}
		w.line(itemLoc(idAt), "  - id: %s", quote(id))
		if s := t.text(r, "title"); s != "" {
			w.line(t.at(r, "title"), "    title: %s", quote(s))
		}
		ctl := c.ids(t, r, "controls")
		c.missing(t, r, "controls", "name the control ids in the portfolio, separated by commas")
		w.line(t.at(r, "controls"), "    safeguards:")
		if len(ctl) == 0 {
			w.line(t.at(r, "controls"), "      []")
		}
		for _, s := range ctl {
			w.line(t.at(r, "controls"), "      - %s", quote(s))
		}
	}
}

// correlations writes the correlations section: each row a pair of uncertain inputs, by the names
// `alesim sensitivity --list` prints (R1.afe, C1.annual_cost, ...), with its Spearman rank
// correlation; the loader checks the names and the matrix, its problems mapped to the cells.
func (c *converter) correlations(t *table) {
	if t == nil || len(t.rows) == 0 {
		return
	}
	w := &c.w
	w.line(loc{file: c.display}, "correlations:")
	for _, r := range t.rows {
		at := t.at(r, "a")
		w.line(loc{}, "  # %s row %d", at.sheetLabel(), r.N)
		c.missing(t, r, "a", "name an uncertain input, e.g. R1.afe")
		c.missing(t, r, "b", "name another uncertain input")
		c.missing(t, r, "rho", "give the rank correlation, a number in [-1, 1]")
		w.line(itemLoc(at), "  - inputs:")
		w.line(at, "      - %s", quote(t.text(r, "a")))
		w.line(t.at(r, "b"), "      - %s", quote(t.text(r, "b")))
		rho := t.text(r, "rho")
		if rho == "" {
			rho = "0"
		}
		w.line(t.at(r, "rho"), "    rank: %s", rho)
	}
}

// estimate writes key: an estimate from the group's cells (group_dist, _min, _likely, _max, _p05,
// _p95, _point). With no cells it writes nothing, or records a problem when required.
func (c *converter) estimate(t *table, r sheetRow, group, key, indent string, required bool, what string) {
	w := &c.w
	has := map[string]cell{}
	var present []string
	unusable := false
	for _, s := range estSuffixes {
		if x, ok := t.get(r, group+"_"+s); ok && (strings.TrimSpace(x.Text) != "" || x.Bad) {
			has[s] = x
			present = append(present, s)
			unusable = unusable || x.Bad
		}
	}
	col := func(s string) string { return group + "_" + s }
	at := func(s string) loc { return t.at(r, col(s)) }
	firstAt := func() loc {
		if len(present) > 0 {
			return at(present[0])
		}
		for _, s := range estSuffixes {
			if _, ok := t.cols[col(s)]; ok {
				return at(s)
			}
		}
		return t.at(r, "id")
	}
	placeholder := func() { w.line(firstAt(), "%s%s: 0", indent, key) }
	if unusable {
		placeholder()
		return
	}
	if len(present) == 0 {
		if required && !t.hasGroup(group) {
			placeholder() // reported at the header
			return
		}
		if required {
			l := firstAt()
			if _, ok := t.cols[l.column]; !ok && l.column == "id" {
				l = t.at(r, "id")
			}
			c.add(l, "no %s given: fill %s and %s (a range), %s and %s (a 90%% interval), or %s (a fixed value)", what, col("min"), col("max"), col("p05"), col("p95"), col("likely"))
			placeholder()
		}
		return
	}
	d := ""
	if x, ok := has["dist"]; ok {
		d = normal(x.Text)
		switch d {
		case "log_normal":
			d = "lognormal"
		case "log_uniform":
			d = "loguniform"
		case "fixed", "point":
			d = "constant"
		case "beta_pert":
			d = "pert"
		}
		if !containsStr(distChoices, d) {
			c.add(at("dist"), "unknown distribution %q (want %s, or blank to infer it from the columns filled)", x.Text, strings.Join(distChoices, ", "))
			placeholder()
			return
		}
	} else {
		_, lo := has["min"]
		_, hi := has["max"]
		_, l := has["likely"]
		_, p5 := has["p05"]
		_, p95 := has["p95"]
		switch {
		case p5 || p95:
			d = "lognormal"
		case lo || hi:
			d = "uniform"
			if l {
				d = "pert"
			}
		default:
			d = "constant"
		}
	}
	needs := map[string][]string{
		"pert": {"min", "likely", "max"}, "triangular": {"min", "likely", "max"},
		"uniform": {"min", "max"}, "loguniform": {"min", "max"}, "lognormal": {"p05", "p95"},
		"constant": {},
	}[d]
	bad := false
	var lack []string
	for _, s := range needs {
		if _, ok := has[s]; !ok {
			lack = append(lack, col(s))
		}
	}
	if len(lack) > 0 {
		where := firstAt()
		if _, ok := has["dist"]; ok {
			where = at("dist")
		}
		verb := "is"
		if len(lack) > 1 {
			verb = "are"
		}
		c.add(where, "a %s %s needs %s; %s %s empty", d, what, joinAnd(colsOf(group, needs)), joinAnd(lack), verb)
		bad = true
	}
	for _, s := range present {
		if s == "dist" || s == "point" || containsStr(needs, s) {
			continue
		}
		if d == "constant" && s == "likely" {
			continue
		}
		c.add(at(s), "not used by a %s %s (which takes %s); clear the cell or change %s", d, what, joinAnd(colsOf(group, needs)), col("dist"))
		bad = true
	}
	if d == "constant" {
		_, l := has["likely"]
		_, p := has["point"]
		if !l && !p {
			c.add(at("dist"), "a constant %s needs %s", what, col("likely"))
			bad = true
		}
	}
	if bad {
		placeholder()
		return
	}
	if d == "constant" {
		v, ok := has["likely"]
		if !ok {
			v = has["point"]
		}
		if p, ok := has["point"]; ok && has["likely"].Text != "" {
			w.line(firstAt(), "%s%s:", indent, key)
			w.line(at("likely"), "%s  value: %s", indent, number(v.Text))
			w.line(at("point"), "%s  point: %s", indent, number(p.Text))
			return
		}
		l := at("likely")
		if _, ok := has["likely"]; !ok {
			l = at("point")
		}
		w.line(l, "%s%s: %s", indent, key, number(v.Text))
		return
	}
	w.line(firstAt(), "%s%s:", indent, key)
	dl := firstAt()
	if _, ok := has["dist"]; ok {
		dl = at("dist")
	}
	w.line(dl, "%s  dist: %s", indent, d)
	param := map[string]string{"likely": "mode"}
	for _, s := range needs {
		name := s
		if p, ok := param[s]; ok {
			name = p
		}
		w.line(at(s), "%s  %s: %s", indent, name, number(has[s].Text))
	}
	if p, ok := has["point"]; ok {
		w.line(at("point"), "%s  point: %s", indent, number(p.Text))
	}
}

func colsOf(group string, suffixes []string) []string {
	out := make([]string, len(suffixes))
	for i, s := range suffixes {
		out[i] = group + "_" + s
	}
	return out
}

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return "nothing"
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// itemLoc is the place of a line that starts an item: the row's id cell, naming no column, as
// problems there concern the whole item.
func itemLoc(idAt loc) loc {
	idAt.column = ""
	return idAt
}
