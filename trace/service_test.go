package trace_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/internal/testdesk"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/sample"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/trace"
)

// desk is a trace service over a real store, with one incident.
type desk struct {
	*testdesk.Desk
	svc     *trace.Service
	exports leakdesk.ExportService
	dir     string
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	d := &desk{Desk: testdesk.New(t), dir: t.TempDir()}
	d.exports = store.NewExportService(d.DB)
	code, err := trace.NewCode(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	key := func(bool) (*trace.Code, error) { return code, nil }
	d.svc = trace.NewService(d.exports, d.Incidents, key, time.Now)
	return d
}

// lastEvent decodes the details of the incident's last event, of kind.
func (d *desk) lastEvent(t *testing.T, kind string, details any) {
	t.Helper()
	events := d.Events(t)
	last := events[len(events)-1]
	if last.Kind != kind || last.Actor != "bob" {
		t.Fatalf("last event: %s by %s, want %s by bob", last.Kind, last.Actor, kind)
	}
	if err := json.Unmarshal(last.Details, details); err != nil {
		t.Fatal(err)
	}
}

// writeRegistry writes a sample registry of n contacts.
func writeRegistry(t *testing.T, dir string, n int) string {
	t.Helper()
	s, err := sample.Generate(sample.Config{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.WriteContactsCSV(&buf, n); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "registry.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if leakdesk.ErrorCode(err) != code {
		t.Fatalf("error %v: code %q, want %s", err, leakdesk.ErrorCode(err), code)
	}
}

// TestMadeExportIsRecordedAndDecoded: exports made by the service are
// recorded, written as recorded, and a partial leak of one names its
// recipient, on the incident's timeline too.
func TestMadeExportIsRecordedAndDecoded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	reg := writeRegistry(t, d.dir, 300)
	made := map[string]*leakdesk.Export{}
	for _, who := range []string{"sales", "support", "agency", "auditor"} {
		format := map[string]string{"sales": "xlsx", "support": "json"}[who]
		if format == "" {
			format = "csv"
		}
		e, err := d.svc.MakeExport(ctx, trace.ExportRequest{Registry: reg, Region: "fr", Recipient: who, Format: format,
			Out: filepath.Join(d.dir, who+"."+format), Decoys: testDecoys, Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(e.File)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if e.SHA256 != hex.EncodeToString(sum[:]) || e.Rows != 300 || e.Decoys == 0 || e.Region != "FR" || len(e.Positions) == 0 {
			t.Fatalf("export for %s: %+v", who, e)
		}
		made[who] = e
	}
	recorded, err := d.exports.Exports(ctx)
	if err != nil || len(recorded) != 4 {
		t.Fatalf("%d exports recorded (%v), want 4", len(recorded), err)
	}

	// A third of the agency's copy leaks.
	f, err := os.Open(made["agency"].File)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.WriteAll(rows[:len(rows)/3])
	leakPath := filepath.Join(d.dir, "leak.csv")
	if err := os.WriteFile(leakPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := d.svc.Decode(ctx, trace.DecodeRequest{Leak: match.Files(leakPath)[0], Incident: d.Incident, Actor: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Outcome != trace.VerdictAccused || len(v.Accused) != 1 || v.Accused[0].Recipient != "agency" || v.Accused[0].Bound > trace.AccuseBelow || len(v.Suspects) != 4 {
		t.Fatalf("verdict = %+v", v)
	}
	var ev leakdesk.FingerprintTraced
	d.lastEvent(t, leakdesk.EventFingerprintTraced, &ev)
	if ev.Verdict != "accused" || ev.Leak != leakPath || len(ev.Accused) != 1 || ev.Accused[0].Export != made["agency"].ID || ev.Accused[0].Bound != v.Accused[0].Bound {
		t.Fatalf("event = %+v", ev)
	}

	// A decoy of the sales copy, contacted, is scored; a value that is no
	// decoy is refused.
	var hit string
	for _, c := range made["sales"].DecoyContacts {
		if c.Email != "" {
			hit = c.Email
			break
		}
	}
	v, err = d.svc.Decode(ctx, trace.DecodeRequest{DecoyHits: []string{hit}, Incident: d.Incident, Actor: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Outcome != trace.VerdictInconclusive || v.Observation.Decoys != 1 || !strings.Contains(v.Leak, hit) {
		t.Fatalf("decoy %s: %+v", hit, v)
	}
	// Nobody is accused, so the event keeps the best suspects with the
	// bound that was too high: the exports that carried the decoy (the
	// sales copy, and the others when they drew the same decoy).
	ev = leakdesk.FingerprintTraced{}
	d.lastEvent(t, leakdesk.EventFingerprintTraced, &ev)
	if ev.Verdict != "inconclusive" || len(ev.Accused) != 0 || len(ev.Suspects) == 0 || len(ev.Suspects) > 3 || ev.Suspects[0] != leakdesk.AccusedRecipient(v.Suspects[0]) {
		t.Fatalf("event = %+v, suspects %+v", ev, v.Suspects)
	}
	for _, s := range ev.Suspects {
		if s.Decoys != 1 || s.Bound <= trace.AccuseBelow {
			t.Errorf("suspect recorded as %+v", s)
		}
	}
	_, err = d.svc.Decode(ctx, trace.DecodeRequest{DecoyHits: []string{"someone@else.example"}})
	wantCode(t, err, leakdesk.EINVALID)
}

// TestMakeExportRefusesBadRequests: a request that cannot be made records
// nothing and writes nothing.
func TestMakeExportRefusesBadRequests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	reg := writeRegistry(t, d.dir, 50)
	out := filepath.Join(d.dir, "out.csv")
	ok := trace.ExportRequest{Registry: reg, Region: "FR", Recipient: "sales", Format: "csv", Out: out, Actor: "alice"}
	for name, change := range map[string]func(r *trace.ExportRequest){
		"no recipient":   func(r *trace.ExportRequest) { r.Recipient = " " },
		"no file":        func(r *trace.ExportRequest) { r.Out = "" },
		"unknown format": func(r *trace.ExportRequest) { r.Format = "pdf" },
		"bad decoy": func(r *trace.ExportRequest) {
			r.Decoys = trace.DecoyConfig{Domains: []string{"not a domain"}, PhoneRanges: []string{"+3342299"}, Pool: 5}
		},
		"unknown column":  func(r *trace.ExportRequest) { r.Where = []string{"planet=Mars"} },
		"no row kept":     func(r *trace.ExportRequest) { r.Where = []string{"country=ZZ"} },
		"missing columns": func(r *trace.ExportRequest) { r.Columns = []string{"shoe_size"} },
	} {
		r := ok
		change(&r)
		_, err := d.svc.MakeExport(ctx, r)
		if leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("%s: error %v, want EINVALID", name, err)
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused export wrote its file: %v", err)
	}
	if list, err := d.exports.Exports(ctx); err != nil || len(list) != 0 {
		t.Errorf("refused exports were recorded: %d, %v", len(list), err)
	}
	// Without decoys, the export is made.
	if e, err := d.svc.MakeExport(ctx, ok); err != nil || e.Decoys != 0 || e.Rows != 50 {
		t.Fatalf("export without decoys: %+v, %v", e, err)
	}
}

// TestDecodeNeedsExportsAndTheKey: without recorded exports there is
// nothing to decode against, and without the key they cannot be decoded.
func TestDecodeNeedsExportsAndTheKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	leakPath := writeRegistry(t, d.dir, 20)
	req := trace.DecodeRequest{Leak: match.Files(leakPath)[0]}
	_, err := d.svc.Decode(ctx, req)
	wantCode(t, err, leakdesk.EINVALID)
	if _, err := d.svc.MakeExport(ctx, trace.ExportRequest{Registry: leakPath, Recipient: "x", Format: "csv", Out: filepath.Join(d.dir, "x.csv"), Actor: "alice"}); err != nil {
		t.Fatal(err)
	}
	noKey := func(create bool) (*trace.Code, error) {
		if create {
			t.Error("decoding made a key")
		}
		return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "no fingerprint key")
	}
	_, err = trace.NewService(d.exports, d.Incidents, noKey, time.Now).Decode(ctx, req)
	wantCode(t, err, leakdesk.EUNAUTHORIZED)
}

// TestRankRecordsOnTheIncident: a ranking of the sample's exports finds
// the source, dates the leak, and is recorded with its best three; a
// ranking with no incident needs no store.
func TestRankRecordsOnTheIncident(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	s, err := sample.Generate(sample.Config{Seed: 61, LeakStyle: sample.LeakCSV, Organisations: 40})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(d.dir); err != nil {
		t.Fatal(err)
	}
	exports := filepath.Join(d.dir, "exports")
	req := trace.RankRequest{Leak: match.Files(filepath.Join(d.dir, s.LeakPath()))[0], Candidates: []string{exports}, Log: filepath.Join(exports, "export_log.csv"),
		Registry: filepath.Join(d.dir, "registry", "contacts.csv"), History: filepath.Join(d.dir, "registry", "history.csv"),
		Read: dump.Options{Region: "FR"}, Incident: d.Incident, Actor: "bob"}
	res, err := d.svc.Rank(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	top := res.Candidates[0]
	if res.Verdict != "source" || filepath.Base(top.File) != s.Truth().SourceExport || top.Export == nil || res.Dating == nil || res.Dating.Informative == 0 {
		t.Fatalf("ranking: verdict %s, top %s, dating %+v", res.Verdict, top.File, res.Dating)
	}
	for _, c := range res.Candidates {
		if strings.HasSuffix(c.File, "export_log.csv") {
			t.Error("the export log was ranked as a candidate")
		}
	}
	var ev leakdesk.TraceRanked
	d.lastEvent(t, leakdesk.EventTraceRanked, &ev)
	if ev.Verdict != "source" || len(ev.Top) != 3 || ev.Top[0].File != top.File || ev.Top[0].Export == nil || ev.Top[0].Export.ID != top.Export.ID ||
		ev.Dating == nil || ev.Dating.Note != res.Dating.Note || ev.Candidates != len(res.Candidates) {
		t.Fatalf("event = %+v", ev)
	}
	// Each recorded candidate carries its evidence, and no leaked value:
	// the example a person sees on screen stays off the timeline.
	examples := 0
	for i, c := range ev.Top {
		if !slices.Equal(c.Evidence, res.Candidates[i].Evidence) || len(c.Evidence) == 0 {
			t.Errorf("candidate %d evidence recorded as %q, ranked with %q", i+1, c.Evidence, res.Candidates[i].Evidence)
		}
		if res.Candidates[i].Example != "" {
			examples++
		}
	}
	if examples == 0 {
		t.Fatal("no candidate among the best three has a leaked row whose values differ: the check below proves nothing")
	}
	events := d.Events(t)
	details := string(events[len(events)-1].Details)
	leaked, err := os.ReadFile(filepath.Join(d.dir, s.LeakPath()))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range regexp.MustCompile(`[\w.+-]+@[\w-]+(\.[\w-]+)+`).FindAllString(string(leaked), -1) {
		if strings.Contains(details, v) {
			t.Fatalf("the recorded ranking holds the leaked address %s", v)
		}
	}

	stateless := trace.NewService(nil, nil, nil, time.Now)
	req.Incident, req.Registry, req.History, req.Candidates = 0, "", "", []string{top.File}
	if res, err := stateless.Rank(ctx, req); err != nil || res.Dating != nil || len(res.Candidates) != 1 || res.Candidates[0].Export.ID != top.Export.ID {
		t.Fatalf("ranking without a store: %v, %+v", err, res)
	}
	req.Registry = filepath.Join(d.dir, "registry", "contacts.csv")
	_, err = stateless.Rank(ctx, req)
	wantCode(t, err, leakdesk.EINVALID)
}

func TestPreviewExport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	reg := filepath.Join(dir, "registry.csv")
	os.WriteFile(reg, []byte("id,name,country\n1,Ann,FR\n2,Bob,DE\n3,Cy,FR\n"), 0o644)
	p, err := trace.PreviewExport(context.Background(), reg, "FR", []string{"country=FR", "name~y"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Rows != 3 || len(p.Filters) != 2 || p.Filters[0].Keeps != 2 || p.Filters[1].Keeps != 1 || p.Filters[1].Left != 1 {
		t.Fatalf("preview = %+v", p)
	}
	_, err = trace.PreviewExport(context.Background(), reg, "FR", []string{"planet=Mars"})
	wantCode(t, err, leakdesk.EINVALID)
}
