package leakdesk_test

import (
	"bytes"
	"encoding/json"
	"reflect"
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
