// Package sharetest checks shared bundles in tests: STIX 2.1 against the
// OASIS JSON schemas kept in share/testdata, and MISP events against the
// fields the MISP core format requires.
package sharetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaBase is the $id prefix of the OASIS schemas.
const schemaBase = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

// schemaDir is where the schemas are kept, found from this file so that
// any package's test can use them.
func schemaDir(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate sharetest")
	}
	return filepath.Join(filepath.Dir(file), "..", "testdata", "stix2-json-schemas", "schemas")
}

// ValidateSTIX fails the test unless data is a STIX 2.1 bundle that
// validates against the bundle schema, and each object against the schema
// of its type.
func ValidateSTIX(t testing.TB, data []byte) {
	t.Helper()
	dir := schemaDir(t)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rel, _ := filepath.Rel(dir, path)
		return c.AddResource(schemaBase+filepath.ToSlash(rel), doc)
	})
	if err != nil {
		t.Fatal(err)
	}
	compile := func(rel string) *jsonschema.Schema {
		sch, err := c.Compile(schemaBase + rel)
		if err != nil {
			t.Fatalf("compile %s: %v", rel, err)
		}
		return sch
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the bundle is not JSON: %v", err)
	}
	if err := compile("common/bundle.json").Validate(inst); err != nil {
		t.Errorf("the bundle does not validate: %v", err)
	}
	objects, _ := inst.(map[string]any)["objects"].([]any)
	if len(objects) == 0 {
		t.Fatal("the bundle holds no object")
	}
	for _, o := range objects {
		kind, _ := o.(map[string]any)["type"].(string)
		rel := ""
		for _, sub := range []string{"sdos", "sros", "observables", "common"} {
			if _, err := os.Stat(filepath.Join(dir, sub, kind+".json")); err == nil {
				rel = sub + "/" + kind + ".json"
			}
		}
		if rel == "" {
			t.Errorf("no schema for STIX type %q", kind)
			continue
		}
		if err := compile(rel).Validate(o); err != nil {
			t.Errorf("%s does not validate: %v", kind, err)
		}
	}
}

// mispCategories are the categories the MISP core format allows for each
// attribute type that leakdesk writes.
var mispCategories = map[string][]string{
	"text":            {"Internal reference", "Targeting data", "Antivirus detection", "Payload delivery", "Artifacts dropped", "Payload installation", "Persistence mechanism", "Network activity", "Payload type", "Attribution", "External analysis", "Financial fraud", "Support Tool", "Social network", "Person", "Other"},
	"comment":         {"Internal reference", "Targeting data", "Antivirus detection", "Payload delivery", "Artifacts dropped", "Payload installation", "Persistence mechanism", "Network activity", "Payload type", "Attribution", "External analysis", "Support Tool", "Social network", "Person", "Other"},
	"filename|sha256": {"Payload delivery", "Artifacts dropped", "Payload installation", "Persistence mechanism", "Network activity", "External analysis"},
	"link":            {"Internal reference", "Payload delivery", "Antivirus detection", "External analysis", "Support Tool"},
	"email-dst":       {"Payload delivery", "Network activity", "Social network"},
	"domain":          {"Network activity", "External analysis"},
	"phone-number":    {"Person", "Other", "Financial fraud"},
	"threat-actor":    {"Attribution"},
}

var (
	uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	epoch       = regexp.MustCompile(`^\d+$`)
)

// MISPEvent is a MISP event as the core format lays it out.
type MISPEvent struct {
	Event struct {
		UUID          *string
		Info          *string
		Date          *string
		ThreatLevelID *string `json:"threat_level_id"`
		Analysis      *string
		Distribution  *string
		Timestamp     *string
		Published     *bool
		Attribute     []struct {
			UUID, Type, Category, Value, Distribution, Timestamp *string
			ToIDS                                                *bool `json:"to_ids"`
		}
	}
}

// ValidateMISP fails the test unless data is a MISP event with the fields
// the core format requires, in their allowed values, and returns it.
func ValidateMISP(t testing.TB, data []byte) MISPEvent {
	t.Helper()
	var ev MISPEvent
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&ev); err != nil {
		t.Fatalf("not a MISP event: %v", err)
	}
	e := ev.Event
	check := func(name string, v *string, ok func(string) bool) {
		if v == nil || !ok(*v) {
			t.Errorf("Event.%s missing or invalid: %v", name, v)
		}
	}
	oneOf := func(values ...string) func(string) bool {
		return func(v string) bool { return slices.Contains(values, v) }
	}
	check("uuid", e.UUID, uuidPattern.MatchString)
	check("info", e.Info, func(v string) bool { return strings.TrimSpace(v) != "" })
	check("date", e.Date, datePattern.MatchString)
	check("threat_level_id", e.ThreatLevelID, oneOf("1", "2", "3", "4"))
	check("analysis", e.Analysis, oneOf("0", "1", "2"))
	check("distribution", e.Distribution, oneOf("0", "1", "2", "3", "4"))
	check("timestamp", e.Timestamp, epoch.MatchString)
	if e.Published == nil {
		t.Error("Event.published missing")
	}
	if len(e.Attribute) == 0 {
		t.Error("the event holds no attribute")
	}
	for i, a := range e.Attribute {
		name := fmt.Sprintf("Attribute[%d]", i)
		if a.Type == nil || a.Category == nil || a.Value == nil || a.ToIDS == nil || a.UUID == nil {
			t.Errorf("%s lacks type, category, value, to_ids or uuid", name)
			continue
		}
		check(name+".uuid", a.UUID, uuidPattern.MatchString)
		check(name+".distribution", a.Distribution, oneOf("0", "1", "2", "3", "4", "5"))
		check(name+".timestamp", a.Timestamp, epoch.MatchString)
		if !slices.Contains(mispCategories[*a.Type], *a.Category) {
			t.Errorf("%s: type %q in category %q is not allowed", name, *a.Type, *a.Category)
		}
		if *a.Value == "" {
			t.Errorf("%s: empty value", name)
		}
	}
	return ev
}
