package http

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/trace"
)

// tracing is the body of POST .../trace. With rank, the leak (a piece of
// evidence: the only one when evidence is omitted) is ranked against the
// server's past exports (serve --export), as "trace --incident ID
// CANDIDATE..." ranks files; without, it is decoded against the
// fingerprinted exports, as "trace --incident ID" without candidates.
// Decoys, with no evidence, names the exports that carried the decoys
// contacted, as "trace --decoy".
type tracing struct {
	Evidence string   `json:"evidence,omitempty"`
	Rank     bool     `json:"rank,omitempty"`
	Decoys   []string `json:"decoys,omitempty"`
}

// handleTrace answers what "trace --incident ID --format json" prints: a
// ranking (trace.Result) with rank, a verdict (trace.Verdict) without.
// Either is recorded on the timeline.
func (s *server) handleTrace() http.Handler {
	return call(s, func(r *http.Request, in tracing) (any, error) {
		svc, err := s.tracer()
		if err != nil {
			return nil, err
		}
		id, actor := incidentID(r), principal(r).String()
		reg := s.cfg.Registry
		if len(in.Decoys) > 0 && !in.Rank && in.Evidence == "" {
			return svc.Decode(r.Context(), trace.DecodeRequest{DecoyHits: in.Decoys, Read: reg.Read, Incident: id, Actor: actor})
		}
		if in.Rank && len(reg.PastExports) == 0 {
			return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server knows no past exports to rank: start it with --export FILE_OR_DIR")
		}
		leak, err := match.EvidenceSource(r.Context(), s.cfg.Evidence, id, in.Evidence, actor, "trace the source of the leak")
		if err != nil {
			return nil, err
		}
		if !in.Rank {
			return svc.Decode(r.Context(), trace.DecodeRequest{Leak: leak, Read: reg.Read, Incident: id, Actor: actor})
		}
		rank := trace.RankRequest{Leak: leak, Candidates: reg.PastExports, Read: reg.Read, Incident: id, Actor: actor}
		if reg.Path != "" && reg.History != "" {
			rank.Registry, rank.History = reg.Path, reg.History
		}
		return svc.Rank(r.Context(), rank)
	})
}

// handleAlarms lists the decoy alarms that concern the incident, beside
// its trace results: the alarms that proposed it, and those naming an
// export that a ranking or a fingerprint verdict on its timeline names.
func (s *server) handleAlarms() http.Handler {
	return call(s, func(r *http.Request, _ none) ([]*leakdesk.DecoyAlarm, error) {
		if s.cfg.Alarms == nil {
			return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server keeps no decoy alarms")
		}
		id := incidentID(r)
		events, err := s.cfg.Incidents.FindEvents(r.Context(), id)
		if err != nil {
			return nil, err
		}
		return leakdesk.FindIncidentAlarms(r.Context(), s.cfg.Alarms, events, id)
	})
}

// tracer is the server's trace service, which it must have.
func (s *server) tracer() (*trace.Service, error) {
	if s.cfg.Trace == nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server does not trace leaks or make exports")
	}
	return s.cfg.Trace, nil
}

// exporting is the body of POST /api/v1/exports, as export's flags.
type exporting struct {
	Recipient        string   `json:"recipient"`
	Purpose          string   `json:"purpose,omitempty"`
	Where            []string `json:"where,omitempty"`
	Columns          []string `json:"columns,omitempty"`
	Format           string   `json:"format,omitempty"` // csv (default), xlsx or json
	Region           string   `json:"region,omitempty"` // FR by default
	DecoyDomains     []string `json:"decoy_domains,omitempty"`
	DecoyPhoneRanges []string `json:"decoy_phone_ranges,omitempty"`
	DecoyPool        int      `json:"decoy_pool,omitempty"`
	NoDecoys         bool     `json:"no_decoys,omitempty"`
}

// exportTypes are the media types of the export formats.
var exportTypes = map[string]string{
	"csv":  "text/csv; charset=utf-8",
	"json": "application/json",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// handleExport makes a fingerprinted export of the server's registry and
// sends it as a download, as "export --out FILE" writes it. The record
// that "export --format json" prints is stored as the command stores it;
// its id, sha256, rows and decoys are in the Leakdesk-Export headers.
func (s *server) handleExport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e, data, err := s.export(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", exportTypes[e.Format])
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": e.ID + "." + e.Format}))
		w.Header().Set("Leakdesk-Export", e.ID)
		w.Header().Set("Leakdesk-Export-Sha256", e.SHA256)
		w.Header().Set("Leakdesk-Export-Rows", strconv.Itoa(e.Rows))
		w.Header().Set("Leakdesk-Export-Decoys", strconv.Itoa(e.Decoys))
		w.Write(data)
	})
}

func (s *server) export(w http.ResponseWriter, r *http.Request) (*leakdesk.Export, []byte, error) {
	in, err := decode[exporting](w, r)
	if err != nil {
		return nil, nil, err
	}
	svc, err := s.tracer()
	if err != nil {
		return nil, nil, err
	}
	reg, err := s.registry()
	if err != nil {
		return nil, nil, err
	}
	if in.Format == "" {
		in.Format = "csv"
	}
	if _, ok := exportTypes[in.Format]; !ok {
		return nil, nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid format %q: want csv, xlsx or json", in.Format)
	}
	if in.Region == "" {
		in.Region = "FR"
	}
	decoys := trace.DecoyConfig{}
	if !in.NoDecoys {
		decoys = trace.DecoyConfig{Domains: lower(in.DecoyDomains), PhoneRanges: in.DecoyPhoneRanges, Pool: in.DecoyPool}
		if decoys.Pool == 0 {
			decoys.Pool = trace.DefaultDecoyPool
		}
		if err := decoys.Validate(); err != nil {
			return nil, nil, leakdesk.Errorf(leakdesk.EINVALID, "%s (decoy_domains and decoy_phone_ranges); no_decoys exports without, which a leaker who normalises values can defeat", leakdesk.ErrorMessage(err))
		}
	}
	return svc.MakeExportData(r.Context(), trace.ExportRequest{Registry: reg.Path, Recipient: in.Recipient, Purpose: in.Purpose, Where: in.Where,
		Columns: in.Columns, Format: in.Format, Out: "downloaded through the API", Region: in.Region, Decoys: decoys, Actor: principal(r).String()})
}

func lower(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = strings.ToLower(strings.TrimSpace(v))
	}
	return out
}
