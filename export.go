package leakdesk

import (
	"context"
	"time"
)

// Export is a fingerprinted export of the registry that leakdesk made and
// recorded: who received it, what it held, and the positions of the code
// it carries, so that a leak of it can later name its recipient.
type Export struct {
	ID        string   `json:"id"` // FX- and 8 hex digits: it seeds the export's codeword
	Recipient string   `json:"recipient"`
	Purpose   string   `json:"purpose"`
	Filter    string   `json:"filter"`
	Columns   []string `json:"columns"`
	Format    string   `json:"format"`
	Region    string   `json:"region,omitempty"` // phone region (ISO 3166) of its numbers; "" before it was recorded: FR
	File      string   `json:"file"`
	SHA256    string   `json:"sha256"`
	Rows      int      `json:"rows"`   // real rows
	Decoys    int      `json:"decoys"` // decoy rows among them
	// DecoyDomain and DecoyPhone are the one domain and range of the
	// decoys of exports made by earlier releases.
	DecoyDomain string `json:"decoy_domain,omitempty"`
	DecoyPhone  string `json:"decoy_phone,omitempty"`
	DecoyPool   int    `json:"decoy_pool,omitempty"`
	// DecoyDomains and DecoyPhoneRanges are what the decoys were drawn
	// from; DecoyContacts is the pool the export drew from, as recorded to
	// find its decoys in a leak without the registry.
	DecoyDomains     []string       `json:"decoy_domains,omitempty"`
	DecoyPhoneRanges []string       `json:"decoy_phone_ranges,omitempty"`
	DecoyContacts    []DecoyContact `json:"-"`
	Positions        []string       `json:"-"`
	Actor            string         `json:"actor"`
	CreatedAt        time.Time      `json:"created_at"`
}

// DecoyContact is a decoy an export could carry: its code position and the
// values that find it in a leak, or in mail and calls it receives.
type DecoyContact struct {
	Pos    string `json:"pos"`
	Email  string `json:"email,omitempty"`
	Phone  string `json:"phone,omitempty"`
	Mobile string `json:"mobile,omitempty"`
}

// ExportService records fingerprinted exports.
type ExportService interface {
	// RecordExport stores e. Returns EINVALID or ECONFLICT for a known ID.
	RecordExport(ctx context.Context, e *Export) error
	// Exports lists every recorded export, oldest first, with positions.
	Exports(ctx context.Context) ([]*Export, error)
}
