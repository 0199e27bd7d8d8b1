package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/alesim/alesim/model/dist"
)

// SchemaURL is where the scenario's JSON Schema is published; shipped scenarios point their
// editors at the copy in the repository (schema/scenario.schema.json) instead.
const SchemaURL = "https://raw.githubusercontent.com/alesim/alesim/main/schema/scenario.schema.json"

type js = map[string]any

func ref(name string) js { return js{"$ref": "#/definitions/" + name} }

// scalar is what the loader reads as text or an id: any scalar, by its source text.
var scalar = []string{"string", "number", "boolean"}

func text(desc string) js { return js{"type": scalar, "description": desc} }
func idOf(desc string) js { return js{"$ref": "#/definitions/id", "description": desc} }
func idList(desc string, min int) js {
	s := js{"type": "array", "items": ref("id"), "description": desc}
	if min > 0 {
		s["minItems"] = min
	}
	return s
}

// keySchemas gives, for each mapping of a scenario and each key the loader accepts there (its key
// tables in load.go), the key's schema. Schema fails when the two disagree, so a key added to the
// loader without a schema (or the reverse) is caught by the schema's golden test.
func keySchemas() map[string]js {
	estimate := func(desc string) js { return js{"$ref": "#/definitions/estimate", "description": desc} }
	return map[string]js{
		"top": {
			"scenario":     js{"$ref": "#/definitions/scenario"},
			"sites":        js{"type": "array", "items": ref("site"), "description": "places where findings occur"},
			"assets":       js{"type": "array", "items": ref("asset"), "description": "things of bounded value: losses charged to one are capped at its value within a year"},
			"classes":      js{"type": "array", "items": ref("class"), "description": "threat classes"},
			"hazards":      js{"type": "array", "items": ref("hazard"), "description": "shared hazards: one event felt by every finding naming it"},
			"findings":     js{"type": "array", "items": ref("finding"), "minItems": 1, "description": "threats at sites, the unit of the analysis"},
			"safeguards":   js{"type": "array", "items": ref("safeguard"), "description": "controls with costs and effects on findings"},
			"portfolios":   js{"type": "array", "items": ref("portfolio"), "description": "named sets of safeguards evaluated together"},
			"correlations": js{"type": "array", "items": ref("correlation"), "description": "Spearman rank correlations between uncertain inputs, drawn by a Gaussian copula"},
			"tolerance":    js{"type": "array", "items": ref("tolerance"), "description": "the risk tolerance: {loss, probability} points, a log-log line between them; one point is an appetite"},
		},
		"tolerance": {
			"loss":        js{"type": "number", "exclusiveMinimum": 0, "description": "an annual loss, increasing from point to point"},
			"probability": js{"type": "number", "exclusiveMinimum": 0, "maximum": 1, "description": "the most accepted probability a year of a loss above it"},
		},
		"scenario": {
			"name":           text("the scenario's name"),
			"description":    text("what the scenario is about"),
			"currency":       text("currency of every amount: an upper-case ISO 4217 code (default USD)"),
			"point_label":    text("what reports call the point figures (default \"point estimate\")"),
			"horizon_years":  js{"type": "integer", "minimum": 1, "maximum": 1000, "description": "years over which safeguards are compared"},
			"discount_rate":  js{"type": "number", "exclusiveMinimum": -1, "maximum": 1, "description": "annual rate as a fraction (0.10 is 10%); default 0"},
			"annuity_factor": js{"type": "number", "exclusiveMinimum": 0, "maximum": maxAnnuity, "description": "A, used instead of (1 - (1+r)^-H) / r"},
		},
		"site": {
			"id":   idOf("unique site id"),
			"name": text("the site's name"),
		},
		"asset": {
			"id":    idOf("unique asset id"),
			"name":  text("the asset's name"),
			"site":  idOf("a site id"),
			"value": js{"type": "number", "exclusiveMinimum": 0, "description": "the asset's value: losses charged to it are capped at it within a year"},
		},
		"class": {
			"id":        idOf("unique class id"),
			"name":      text("the class's name"),
			"afe_range": js{"type": "array", "items": js{"type": "number", "minimum": 0}, "minItems": 2, "maxItems": 2, "description": "[low, high]: the published range of AFEs for the class"},
			"note":      text("free text"),
		},
		"hazard": {
			"id":     idOf("unique hazard id"),
			"title":  text("what happens"),
			"afe":    ref("frequency"),
			"events": ref("events"),
			"note":   text("free text"),
		},
		"finding": {
			"id":             idOf("unique finding id"),
			"title":          text("what can go wrong"),
			"site":           idOf("a site id (required for a quantified finding)"),
			"class":          idOf("a class id"),
			"asset":          idOf("an asset id: the finding's losses are charged to it"),
			"hazard":         idOf("instead of afe: a shared hazard's id"),
			"afe":            ref("frequency"),
			"events":         ref("events"),
			"loss":           js{"$ref": "#/definitions/loss", "description": "loss per event: each simulated event draws its own; parameters may be estimates, or a product of factors"},
			"covered_by":     idList("finding ids whose analysis covers this one", 1),
			"not_quantified": text("why the finding was not quantified"),
			"note":           text("free text"),
		},
		"safeguard": {
			"id":            idOf("unique safeguard id"),
			"title":         text("the safeguard"),
			"one_time_cost": estimate("one-time cost, default 0"),
			"annual_cost":   estimate("annual cost, default 0"),
			"alternative":   js{"type": "boolean", "description": "true for an option analysed but not recommended"},
			"effects":       js{"type": "array", "items": ref("effect"), "minItems": 1, "description": "what the safeguard changes, one effect per finding"},
			"insurance":     ref("insurance"),
			"note":          text("free text"),
		},
		"insurance": {
			"premium":         estimate("the policy's annual premium, its annual cost"),
			"deductible":      js{"type": "number", "minimum": 0, "description": "per event: the part of each event's loss the policy does not pay; default 0"},
			"limit":           js{"type": "number", "exclusiveMinimum": 0, "description": "the most paid for one event, above the deductible; default unlimited"},
			"aggregate_limit": js{"type": "number", "exclusiveMinimum": 0, "description": "the most paid in a year; default unlimited"},
			"findings":        idList("the finding ids the policy covers (a finding takes at most one policy)", 1),
			"note":            text("free text"),
		},
		"effect": {
			"finding":          idOf("a quantified finding's id"),
			"findings":         idList("several findings sharing one uncertain value, drawn once per year", 1),
			"ale_reduction":    estimate("the fraction in [0, 1] by which the finding's ALE falls"),
			"frequency_factor": estimate("multiplies the AFE, >= 0"),
			"loss_factor":      estimate("multiplies each event's loss, >= 0"),
			"new_afe":          estimate("the AFE with the safeguard in place"),
			"new_loss":         estimate("the loss per event with the safeguard in place"),
			"applies_to":       js{"enum": []string{"frequency", "loss"}, "description": "for ale_reduction: reduce the frequency (default) or the loss"},
			"note":             text("free text"),
		},
		"correlation": {
			"inputs": js{"type": "array", "items": js{"type": scalar}, "minItems": 2, "maxItems": MaxCorrelated, "description": "input names, as alesim sensitivity --list prints them"},
			"rank":   js{"type": "number", "minimum": -1, "maximum": 1, "description": "with two inputs: their Spearman rank correlation"},
			"matrix": js{"type": "array", "items": js{"type": "array", "items": js{"type": "number", "minimum": -1, "maximum": 1}}, "description": "with n inputs: their n x n matrix of rank correlations (symmetric, unit diagonal)"},
			"repair": js{"type": "boolean", "description": "use the nearest correlation matrix when the stated one is not positive semidefinite (with a warning)"},
			"note":   text("free text"),
		},
		"portfolio": {
			"id":         idOf("unique portfolio id, not a safeguard's"),
			"title":      text("the set's name"),
			"safeguards": idList("safeguard ids", 1),
			"note":       text("free text"),
		},
	}
}

// objectKeys is, for each mapping, the loader's own key table.
func objectKeys() map[string][]string {
	return map[string][]string{
		"top": topKeys, "scenario": scenarioKeys, "site": siteKeys, "asset": assetKeys,
		"class": classKeys, "hazard": hazardKeys, "finding": findingKeys, "safeguard": safeguardKeys,
		"effect": effectFields, "insurance": insuranceKeys, "portfolio": portfolioKeys, "correlation": correlationKeys, "tolerance": toleranceKeys,
	}
}

// Schema returns the JSON Schema (draft-07, the draft yaml-language-server and SchemaStore read)
// of a scenario file, generated from the loader's key tables, the distribution registry and the
// effect-kind table. It describes structure (keys, types, required fields, the parameters of each
// distribution); the loader checks the rest (ranges of parameters, references between ids).
func Schema() ([]byte, error) {
	props := keySchemas()
	defs := js{}
	for obj, keys := range objectKeys() {
		ps, ok := props[obj]
		if !ok {
			return nil, fmt.Errorf("schema: no key schemas for %s", obj)
		}
		p := js{}
		for _, k := range keys {
			s, ok := ps[k]
			if !ok {
				return nil, fmt.Errorf("schema: the loader accepts %s key %q, which has no schema", obj, k)
			}
			p[k] = s
		}
		for k := range ps {
			if !slices.Contains(keys, k) {
				return nil, fmt.Errorf("schema: %s key %q has a schema but the loader does not accept it", obj, k)
			}
		}
		o := js{"type": "object", "properties": p, "additionalProperties": false}
		switch obj {
		case "top":
			o["required"] = []string{"scenario", "findings"}
		case "scenario":
			o["required"] = []string{"name"}
			o["anyOf"] = []js{{"required": []string{"horizon_years"}}, {"required": []string{"annuity_factor"}}}
		case "tolerance":
			o["required"] = []string{"loss", "probability"}
		case "site", "class":
			o["required"] = []string{"id"}
		case "asset":
			o["required"] = []string{"id", "value"}
		case "hazard":
			o["required"] = []string{"id", "afe"}
		case "finding":
			o["required"] = []string{"id", "title"}
			o["anyOf"] = []js{{"required": []string{"afe", "loss"}}, {"required": []string{"hazard", "loss"}},
				{"required": []string{"covered_by"}}, {"required": []string{"not_quantified"}}}
		case "safeguard":
			o["required"] = []string{"id", "title"}
			o["oneOf"] = []js{{"required": []string{"effects"}}, {"required": []string{"insurance"}}}
		case "insurance":
			o["required"] = []string{"premium", "findings"}
		case "effect":
			o["anyOf"] = []js{{"required": []string{"finding"}}, {"required": []string{"findings"}}}
			var one []js
			for _, k := range effectKeys() {
				if !slices.Contains(keys, k) {
					return nil, fmt.Errorf("schema: effect kind %q is not an effect key of the loader", k)
				}
				one = append(one, js{"required": []string{k}})
			}
			o["oneOf"] = one
		case "portfolio":
			o["required"] = []string{"id", "safeguards"}
		case "correlation":
			o["required"] = []string{"inputs"}
			o["oneOf"] = []js{{"required": []string{"rank"}}, {"required": []string{"matrix"}}}
		}
		if obj == "top" {
			continue
		}
		defs[obj] = o
	}
	top := props["top"]
	defs["id"] = js{"type": scalar, "description": "an id: any text without \"/\""}
	defs["events"] = js{"enum": []string{"poisson", "bernoulli"}, "description": "poisson: N ~ Poisson(AFE) events a year (default); bernoulli: at most once a year, P = AFE"}
	var plain, named []js
	plain = append(plain, js{"type": "number"})
	named = append(named, js{"type": "number"})
	var lossDists, lossFactors []js
	lossFactors = append(lossFactors, js{"type": "number"})
	for _, k := range dist.Kinds() {
		// variant 0: an estimate; 1: a named factor of a product; 2: a loss whose parameters may
		// be estimates; 3: a loss factor, named, drawn per event or per year.
		for variant := 0; variant < 4; variant++ {
			withName := variant == 1 || variant == 3
			p := js{"dist": js{"const": k.Name}, "point": js{"type": "number", "description": "the value the 1983 point arithmetic uses; default the mean"}}
			if withName {
				p["name"] = text("names the factor in sensitivity output")
			}
			if variant == 3 {
				p["per"] = js{"enum": []string{"event", "year"}, "description": "drawn for each event (default) or once a year"}
			}
			for _, par := range k.Params {
				switch {
				case par.Pairs:
					p[par.Name] = js{"type": "array", "items": js{"type": "array", "items": js{"type": "number"}, "minItems": 2, "maxItems": 2}, "description": "pairs [p, x]"}
				case par.List:
					p[par.Name] = js{"type": "array", "items": js{"type": "number"}}
				case variant == 2:
					p[par.Name] = js{"$ref": "#/definitions/estimate", "description": "a number, or an estimate drawn once a year"}
				default:
					p[par.Name] = js{"type": "number"}
				}
			}
			o := js{"type": "object", "properties": p, "additionalProperties": false, "description": k.Name + ": " + k.Note}
			req := []string{"dist"}
			if k.Name == "constant" {
				req = nil // {value: 3} is a constant
			}
			if k.NumForms() == 1 {
				for _, par := range k.Params {
					if !par.Optional {
						req = append(req, par.Name)
					}
				}
			} else {
				var forms []js
				for i := 0; i < k.NumForms(); i++ {
					var fr []string
					for _, par := range k.FormParams(i) {
						if !par.Optional {
							fr = append(fr, par.Name)
						}
					}
					forms = append(forms, js{"required": fr})
				}
				o["oneOf"] = forms
			}
			if len(req) > 0 {
				o["required"] = req
			}
			name := "dist_" + k.Name
			switch variant {
			case 1:
				name = "factor_" + k.Name
				named = append(named, ref(name))
			case 2:
				name = "lossdist_" + k.Name
				lossDists = append(lossDists, ref(name))
			case 3:
				name = "lossfactor_" + k.Name
				lossFactors = append(lossFactors, ref(name))
			default:
				plain = append(plain, ref(name))
			}
			defs[name] = o
		}
	}
	// A SIP from a SIPmath library (sip.go): {dist: sip, library: FILE, name: SIP}; in a factor,
	// whose name names the factor, the SIP is named by sip:.
	for variant := 0; variant < 2; variant++ {
		p := js{"dist": js{"const": "sip"}, "library": text("a SIPmath 3.0 library file, relative to the scenario"),
			"sip": text("the SIP's name in the library"), "point": js{"type": "number", "description": "the value the 1983 point arithmetic uses; default the mean"}}
		name := "dist_sip"
		if variant == 1 {
			name = "factor_sip"
			p["name"] = text("names the factor in sensitivity output")
			named = append(named, ref(name))
		} else {
			p["name"] = text("the SIP's name in the library")
			plain = append(plain, ref(name))
		}
		defs[name] = js{"type": "object", "properties": p, "additionalProperties": false, "required": []string{"dist", "library"},
			"description": "sip: trial t takes the SIP's trial t modulo its length"}
	}
	defs["estimate"] = js{"description": "a plain number, or a distribution {dist: NAME, parameters..., point: N}", "anyOf": plain}
	defs["factor"] = js{"description": "one factor of a product: an estimate, optionally with a name", "anyOf": named}
	defs["loss"] = js{"description": "loss per event: an estimate, a distribution whose parameters may be estimates (drawn once a year), or {factors: [...]} multiplied together",
		"anyOf": append(append([]js{ref("estimate")}, lossDists...), js{"type": "object", "additionalProperties": false, "required": []string{"factors"},
			"properties": js{"factors": js{"type": "array", "minItems": 1, "items": js{"anyOf": lossFactors}}}})}
	defs["frequency"] = js{"description": "annual frequency estimate (events a year): an estimate, or {factors: [...]} multiplied together",
		"anyOf": []js{ref("estimate"), {"type": "object", "additionalProperties": false, "required": []string{"factors"},
			"properties": js{"factors": js{"type": "array", "minItems": 1, "items": ref("factor")}}}}}
	root := js{
		"$schema":              "http://json-schema.org/draft-07/schema#",
		"$id":                  SchemaURL,
		"title":                "alesim scenario",
		"description":          "A risk scenario for alesim (docs/scenario-format.md). Generated by 'alesim schema' from the loader's tables; do not edit.",
		"type":                 "object",
		"properties":           top,
		"required":             []string{"scenario", "findings"},
		"additionalProperties": false,
		"definitions":          defs,
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
