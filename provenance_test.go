package leakdesk_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/leakdesk/leakdesk"
)

// Event details written by the release before payloads were typed, when
// they were maps: each must decode into its payload, losing nothing.
var untypedProvenance = []struct {
	kind, details string
}{
	{leakdesk.EventTraceRanked, `{"dating":{"from":"2026-06-08T15:00:00+02:00","to":"2026-06-29T21:00:00+02:00","support":41,"informative":41,"note":"the leaked data was taken between 2026-06-08 and 2026-06-29 (41 of 41 rows whose values changed agree)"},"leak":"s/leak/clients_micro-soc.csv","note":"Best explained by s/exports/clients_micro_soc_2026-06-27_lefebvre.csv","top":[{"containment":0.986,"coverage":0.88,"export":{"id":"EXP-08","at":"2026-06-27T09:05:00+02:00","user":"m.lefebvre","report":"Clients Micro-SOC","file":"clients_micro_soc_2026-06-27_lefebvre.csv"},"file":"s/exports/clients_micro_soc_2026-06-27_lefebvre.csv","rank":1,"score":-83.72},{"containment":0.953,"coverage":0.825,"export":{"id":"EXP-09","at":"2026-07-20T14:09:00+02:00","user":"t.nguyen","report":"Clients Micro-SOC","file":"clients_micro_soc_2026-07-20_nguyen.csv"},"file":"s/exports/clients_micro_soc_2026-07-20_nguyen.csv","rank":2,"score":-139.73},{"containment":0.953,"coverage":0.825,"export":{"id":"EXP-10","at":"2026-07-25T09:05:00+02:00","user":"m.lefebvre","report":"Clients Micro-SOC","file":"clients_micro_soc_2026-07-25_lefebvre.csv"},"file":"s/exports/clients_micro_soc_2026-07-25_lefebvre.csv","rank":3,"score":-143.85}],"verdict":"source"}`},
	{leakdesk.EventTraceRanked, `{"dating":null,"leak":"evidence #1 dump.csv","note":"No candidate explains the leak","top":[{"containment":0.01,"coverage":0.002,"export":null,"file":"a.csv","rank":1,"score":-412.5}],"verdict":"none"}`},
	{leakdesk.EventFingerprintTraced, `{"accused":[{"export_id":"FX-16d82d9a","recipient":"b","score":262.57685392769883,"bound":4.6938460580756685e-71,"positions":325,"decoys":6}],"leak":"leak2.csv","note":"b (export FX-16d82d9a) is accused: the chance that an innocent recipient scores as high is at most 4.7e-71","verdict":"accused"}`},
	{leakdesk.EventFingerprintTraced, `{"accused":[],"leak":"decoys a.b@vernier-conseil.fr","note":"no recipient can be accused: the best bound reached is 0.31, above 1e-06","verdict":"inconclusive"}`},
}

func TestUntypedProvenanceEventsDecode(t *testing.T) {
	t.Parallel()
	for _, tc := range untypedProvenance {
		var payload any = &leakdesk.TraceRanked{}
		if tc.kind == leakdesk.EventFingerprintTraced {
			payload = &leakdesk.FingerprintTraced{}
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(tc.details)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(payload); err != nil {
			t.Fatalf("%s: %v", tc.kind, err)
		}
		// Written again, the payload says what the map said.
		again, err := json.Marshal(payload)
		if err != nil {
			t.Fatal(err)
		}
		var was, is any
		json.Unmarshal([]byte(tc.details), &was)
		json.Unmarshal(again, &is)
		if !reflect.DeepEqual(was, is) {
			t.Errorf("%s:\nwas %s\nis  %s", tc.kind, tc.details, again)
		}
	}
	var ranked leakdesk.TraceRanked
	json.Unmarshal([]byte(untypedProvenance[0].details), &ranked)
	if len(ranked.Top) != 3 || ranked.Top[0].Export.User != "m.lefebvre" || ranked.Dating.Support != 41 || ranked.Dating.From.IsZero() {
		t.Errorf("ranking read as %+v", ranked)
	}
}

// TestProvenanceFieldsKeepTheirOrder: a ranking, its candidates and a
// fingerprint verdict with every field set are written with their keys in
// alphabetical order, as the untyped events were, and read back whole.
func TestProvenanceFieldsKeepTheirOrder(t *testing.T) {
	t.Parallel()
	ranked := &leakdesk.TraceRanked{Candidates: 4, Dating: &leakdesk.LeakDating{Support: 3, Informative: 4, Note: "n"}, Leak: "leak.csv", Note: "best",
		Top: []leakdesk.RankedCandidate{{Containment: 0.9, Coverage: 0.5, Error: "e", Evidence: []string{"9 of 10 leaked rows are in this file"},
			Export: &leakdesk.ExportLogEntry{ID: "EXP-1"}, File: "a.csv", Rank: 1, Score: -3}},
		Union: []string{"a.csv", "b.csv"}, Verdict: "union"}
	traced := &leakdesk.FingerprintTraced{Accused: []leakdesk.AccusedRecipient{}, Leak: "leak.csv", Note: "n",
		Suspects: []leakdesk.AccusedRecipient{{Export: "FX-1", Recipient: "r", Score: 1, Bound: 0.3, Positions: 2, Decoys: 1}}, Verdict: "inconclusive"}
	rankedJSON, err := json.Marshal(ranked)
	if err != nil {
		t.Fatal(err)
	}
	tracedJSON, err := json.Marshal(traced)
	if err != nil {
		t.Fatal(err)
	}
	var top struct{ Top []json.RawMessage }
	json.Unmarshal(rankedJSON, &top)
	for _, obj := range append(top.Top, rankedJSON, tracedJSON) {
		if keys := keyOrder(t, obj); !slices.IsSorted(keys) || len(keys) < 5 {
			t.Errorf("keys %q are not in alphabetical order", keys)
		}
	}
	for _, tc := range []struct {
		written []byte
		was     any
		fresh   any
	}{{rankedJSON, ranked, &leakdesk.TraceRanked{}}, {tracedJSON, traced, &leakdesk.FingerprintTraced{}}} {
		dec := json.NewDecoder(bytes.NewReader(tc.written))
		dec.DisallowUnknownFields()
		if err := dec.Decode(tc.fresh); err != nil || !reflect.DeepEqual(tc.fresh, tc.was) {
			t.Errorf("read back as %+v (%v), written from %+v", tc.fresh, err, tc.was)
		}
	}
}

// keyOrder lists the keys of a JSON object in the order they are written.
func keyOrder(t *testing.T, obj []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", obj)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}
