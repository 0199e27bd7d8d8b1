package model

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var updateSchema = flag.Bool("update-schema", false, "rewrite schema/scenario.schema.json")

const schemaFile = "../schema/scenario.schema.json"

// TestSchemaShipped: the shipped schema is what Schema generates from the loader's tables.
func TestSchemaShipped(t *testing.T) {
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	if *updateSchema {
		if err := os.WriteFile(schemaFile, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, b) {
		t.Fatalf("%s is not what Schema generates (refresh with go test ./model -run TestSchemaShipped -update-schema)", schemaFile)
	}
}

// compiledSchema compiles the shipped schema with an independent implementation
// (santhosh-tekuri/jsonschema), as draft-07.
func compiledSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	if err := c.AddResource("scenario.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("scenario.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// asJSON reads YAML as a JSON value, the way an editor's YAML language server hands it to a
// schema validator.
func asJSON(t *testing.T, src []byte) (any, error) {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// docsExample returns the first yaml block of docs/scenario-format.md.
func docsExample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../docs/scenario-format.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```yaml\n")
	if !ok {
		t.Fatal("no yaml block in docs/scenario-format.md")
	}
	block, _, _ := strings.Cut(rest, "```")
	return []byte(block)
}

// TestSchemaAcceptsShipped: every shipped scenario and the docs' example pass the schema.
func TestSchemaAcceptsShipped(t *testing.T) {
	sch := compiledSchema(t)
	files, err := filepath.Glob("../scenarios/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	srcs := map[string][]byte{"docs/scenario-format.md": docsExample(t)}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs[f] = b
		first, _, _ := strings.Cut(string(b), "\n")
		if first != "# yaml-language-server: $schema=../schema/scenario.schema.json" && first != "# yaml-language-server: $schema="+SchemaURL {
			t.Errorf("%s: first line %q, want the yaml-language-server $schema line", f, first)
		}
	}
	for name, src := range srcs {
		if _, err := Parse(name, src); err != nil {
			t.Fatalf("%s does not load: %v", name, err)
		}
		v, err := asJSON(t, src)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s fails the schema: %v", name, err)
		}
	}
}

// TestSchemaRejectsStructure: the catalogue's scenarios that are wrong in structure (an unknown
// key, a wrong type, a missing required field) fail the schema too.
func TestSchemaRejectsStructure(t *testing.T) {
	sch := compiledSchema(t)
	cases := []string{
		"14-type-string-for-number", "15-type-list-for-mapping", "16-type-mapping-for-list",
		"17-type-bool-for-number", "18-type-yes-for-bool", "19-type-scalar-for-list",
		"20-type-mapping-for-text", "21-type-list-for-estimate", "22-type-quoted-number",
		"23-unknown-top-level-typo", "24-unknown-scenario-field-typo", "25-unknown-finding-field-typo",
		"26-unknown-field-capitalised", "27-unknown-distribution-parameter", "28-unknown-distribution-name",
		"29-unknown-effect-field-typo", "30-unknown-field-unrelated", "31-missing-scenario-name-and-horizon",
		"32-missing-scenario-section", "33-missing-findings", "34-missing-finding-id-title-site",
		"35-missing-afe-and-loss", "36-missing-effect-finding", "91-events-unknown",
	}
	for _, c := range cases {
		t.Run(c, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "bad", c+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Parse(c, src); err == nil {
				t.Fatal("the loader accepts it")
			}
			v, err := asJSON(t, src)
			if err != nil {
				t.Fatalf("not read as YAML: %v", err)
			}
			if err := sch.Validate(v); err == nil {
				t.Errorf("passes the schema")
			}
		})
	}
}
