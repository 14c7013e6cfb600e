package decoy

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// maxCallReport bounds a phone system's report.
const maxCallReport = 1 << 20

// call is one call a phone system reports: the number called, and the
// record as it came, kept as evidence.
type call struct {
	to     string
	record []byte
}

// CallsHandler takes a phone system's report of calls, JSON (one object
// or a list, with "to") or CSV (a header naming the called number "to",
// "called", "callee", "destination" or "number"), and raises an alarm for
// each call to a decoy number. It answers with the alarms raised. The
// HTTP server mounting it authenticates the phone system.
func CallsHandler(decoys *Addresses, alarms *Alarms) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxCallReport))
		if err != nil {
			http.Error(w, "cannot read the report", http.StatusBadRequest)
			return
		}
		calls, err := parseCalls(r.Header.Get("Content-Type"), body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		raised := []*leakdesk.DecoyAlarm{}
		for _, c := range calls {
			number, ok := decoys.Phone(c.to)
			if !ok {
				continue
			}
			a, err := alarms.Raise(r.Context(), leakdesk.AlarmByCall, []string{number}, bytes.NewReader(c.record))
			if err != nil {
				http.Error(w, "alarm not raised; send the report again", http.StatusServiceUnavailable)
				return
			}
			raised = append(raised, a)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"calls": len(calls), "alarms": raised})
	})
}

func parseCalls(contentType string, body []byte) ([]call, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "text/csv" || (mt != "application/json" && !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) && !bytes.HasPrefix(bytes.TrimSpace(body), []byte("["))) {
		return parseCSVCalls(body)
	}
	return parseJSONCalls(body)
}

func parseJSONCalls(body []byte) ([]call, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(body, &list); err != nil {
		list = []json.RawMessage{body}
	}
	var calls []call
	for _, raw := range list {
		var c struct {
			To string `json:"to"`
		}
		if err := json.Unmarshal(raw, &c); err != nil || c.To == "" {
			return nil, fmt.Errorf(`each call needs "to", the number called`)
		}
		calls = append(calls, call{to: c.To, record: raw})
	}
	return calls, nil
}

func parseCSVCalls(body []byte) ([]call, error) {
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, fmt.Errorf("the CSV report cannot be read")
	}
	col := slices.IndexFunc(rows[0], func(h string) bool {
		return slices.Contains([]string{"to", "called", "callee", "destination", "number"}, strings.ToLower(strings.TrimSpace(h)))
	})
	if col < 0 {
		return nil, fmt.Errorf(`the CSV header names no called number ("to", "called", "callee", "destination" or "number")`)
	}
	var calls []call
	for _, row := range rows[1:] {
		if col < len(row) {
			calls = append(calls, call{to: row[col], record: []byte(strings.Join(rows[0], ",") + "\n" + strings.Join(row, ",") + "\n")})
		}
	}
	return calls, nil
}
