package match

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
)

// Change is one dated change of a registry contact, as a CRM's audit trail
// records it: a new e-mail address or phone number, or the contact's
// leaving the registry.
type Change struct {
	At        time.Time
	ContactID string
	Field     string // email, phone, mobile or left
	Old, New  string
}

// HistoryFields are the fields of the history that ReadHistory keeps.
var HistoryFields = []string{"email", "phone", "mobile", "left"}

// ReadHistory reads a registry history file: CSV with the columns at
// (RFC 3339), contact_id, field, old and new. Changes of fields other than
// HistoryFields are skipped.
func ReadHistory(path string) ([]Change, error) {
	var out []Change
	err := ReadCSV(path, "registry history", []string{"at", "contact_id", "field", "old", "new"}, func(line int, get func(string) string) error {
		field := get("field")
		if !slices.Contains(HistoryFields, field) {
			return nil
		}
		at, err := time.Parse(time.RFC3339, get("at"))
		if err != nil {
			return fmt.Errorf("at %q is not RFC 3339", get("at"))
		}
		out = append(out, Change{At: at, ContactID: get("contact_id"), Field: field, Old: get("old"), New: get("new")})
		return nil
	})
	return out, err
}

// ReadCSV reads a CSV file with a header, checks that the needed columns
// are there, and calls fn for each record with a getter by column name.
// Errors name the file (as what), and the line where there is one.
func ReadCSV(path, what string, need []string, fn func(line int, get func(string) string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return leakdesk.Errorf(leakdesk.ENOTFOUND, "%s %s cannot be read: %v", what, path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s %s: %v", what, path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, n := range need {
		if _, ok := col[n]; !ok {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s %s: no %q column (want %s)", what, path, n, strings.Join(need, ", "))
		}
	}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s %s line %d: %v", what, path, line, err)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		if err := fn(line, get); err != nil {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s %s line %d: %v", what, path, line, err)
		}
	}
}
