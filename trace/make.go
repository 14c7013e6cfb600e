package trace

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
)

// ExportRequest is a fingerprinted export to make.
type ExportRequest struct {
	Registry  string   // the registry file to export
	Region    string   // phone region of its national numbers, recorded so that trace decodes in it
	Recipient string   // who receives the export: the name a leak of it accuses
	Purpose   string   // why it is made
	Where     []string // filters rows must all pass (see ParseWhere)
	Columns   []string // columns kept, by header; none: all
	Format    string   // csv, xlsx or json
	Out       string   // the file written
	// Decoys are the decoy contacts planted; the zero value plants none.
	Decoys DecoyConfig
	Actor  string
}

// Validate reports the first problem with a request, before any work.
func (r *ExportRequest) Validate() error {
	switch {
	case strings.TrimSpace(r.Registry) == "":
		return leakdesk.Errorf(leakdesk.EINVALID, "an export needs the registry to export")
	case strings.TrimSpace(r.Recipient) == "":
		return leakdesk.Errorf(leakdesk.EINVALID, "an export needs its recipient")
	case strings.TrimSpace(r.Out) == "":
		return leakdesk.Errorf(leakdesk.EINVALID, "an export needs the file to write")
	case r.Format != "csv" && r.Format != "xlsx" && r.Format != "json":
		return leakdesk.Errorf(leakdesk.EINVALID, "export format %q: want csv, xlsx or json", r.Format)
	case len(r.Decoys.Domains) > 0 || len(r.Decoys.PhoneRanges) > 0:
		return r.Decoys.Validate()
	}
	return nil
}

// MakeExport writes a fingerprinted export of the registry for its
// recipient, with decoys, and records it. The export is recorded before
// its file appears: an export that exists is always one that can be
// decoded. The key is made on the first export.
func (s *Service) MakeExport(ctx context.Context, r ExportRequest) (*leakdesk.Export, error) {
	e, data, err := s.MakeExportData(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(r.Out, data); err != nil {
		return nil, err
	}
	return e, nil
}

// MakeExportData makes and records the export as MakeExport does, and
// returns its content instead of writing it to r.Out, which then only
// names it in the record: the API sends the content as a download.
func (s *Service) MakeExportData(ctx context.Context, r ExportRequest) (*leakdesk.Export, []byte, error) {
	if err := r.Validate(); err != nil {
		return nil, nil, err
	}
	region := strings.ToUpper(r.Region)
	code, err := s.key(true)
	if err != nil {
		return nil, nil, err
	}
	reg, err := readRegistryTable(ctx, r.Registry, region)
	if err != nil {
		return nil, nil, err
	}
	filters, err := ParseWhere(reg.header, r.Where)
	if err != nil {
		return nil, nil, err
	}
	e := &leakdesk.Export{ID: newExportID(), Recipient: r.Recipient, Purpose: r.Purpose, Filter: strings.Join(r.Where, " AND "), Format: r.Format, Region: region,
		DecoyDomains: r.Decoys.Domains, DecoyPhoneRanges: r.Decoys.PhoneRanges, DecoyPool: r.Decoys.Pool, Actor: r.Actor}
	marker := NewMarker(code, match.NewNormaliser(region))
	b, err := marker.BuildExport(reg.header, reg.roles, reg.rows, ExportSpec{ID: e.ID, Where: filters, Columns: r.Columns, Decoys: r.Decoys})
	if err != nil {
		return nil, nil, err
	}
	e.Columns, e.Rows, e.Decoys, e.Positions = b.Header, b.Real, b.Decoys, b.Positions
	for _, d := range b.Pool {
		e.DecoyContacts = append(e.DecoyContacts, leakdesk.DecoyContact{Pos: d.Pos, Email: d.Email, Phone: d.Phone, Mobile: d.Mobile})
	}
	data, err := encodeExport(r.Format, b.Header, b.Rows)
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(data)
	e.SHA256, e.File = hex.EncodeToString(sum[:]), r.Out
	if err := s.exports.RecordExport(ctx, e); err != nil {
		return nil, nil, err
	}
	return e, data, nil
}

// newExportID returns FX- and 8 random hex digits: random, so that
// instances sharing a store make different IDs, and so codewords.
func newExportID() string {
	var id [4]byte
	rand.Read(id[:])
	return "FX-" + hex.EncodeToString(id[:])
}
