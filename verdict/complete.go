package verdict

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/trace"
)

// completeAbove is the share of the best export's rows a leak must hold to
// be called that export whole.
const completeAbove = 0.95

// Completeness says how much of the registry, and of its best-matching
// export, the leak holds.
type Completeness struct {
	Verdict          string       `json:"verdict"`           // complete, partial, unknown (no export given)
	Contacts         int          `json:"contacts"`          // registry contacts in the leak
	RegistryContacts int          `json:"registry_contacts"` // contacts in the registry
	RegistryShare    float64      `json:"registry_share"`
	Export           *ExportShare `json:"export,omitempty"` // the best-matching export
	Evidence         []string     `json:"evidence"`
}

// ExportShare is how the leak covers one export.
type ExportShare struct {
	File        string  `json:"file"`
	Rows        int     `json:"rows"`
	Coverage    float64 `json:"coverage"`    // share of the export's rows in the leak
	Containment float64 `json:"containment"` // share of the leak's rows in the export
}

func (v *Verifier) completeness(ctx context.Context, in Input, f *leakdesk.Findings) (Completeness, error) {
	c := Completeness{Contacts: len(f.Contacts), RegistryContacts: in.Registry.Len()}
	c.RegistryShare = share(int64(c.Contacts), int64(c.RegistryContacts))
	c.Evidence = []string{fmt.Sprintf("%d of the registry's %d contacts are in the leak (%s)", c.Contacts, c.RegistryContacts, percent(c.RegistryShare))}
	if len(in.Exports) == 0 {
		c.Verdict = Unknown
		c.Evidence = append(c.Evidence, "no past export given (--exports): the share of the source export is unknown")
		return c, nil
	}
	res, err := trace.New(v.reader, v.n).Trace(ctx, in.Leak, in.Exports, nil)
	if err != nil {
		return c, fmt.Errorf("rank the exports: %w", err)
	}
	for _, cand := range res.Candidates {
		if cand.Error == "" {
			c.Export = &ExportShare{File: cand.File, Rows: cand.Rows, Coverage: cand.Coverage, Containment: cand.Containment}
			break
		}
	}
	if c.Export == nil {
		c.Verdict = Unknown
		c.Evidence = append(c.Evidence, "no export given could be read")
		return c, nil
	}
	c.Verdict = "partial"
	if c.Export.Coverage >= completeAbove {
		c.Verdict = "complete"
	}
	c.Evidence = append(c.Evidence, fmt.Sprintf("the best-matching export, %s, has %s of its %d rows in the leak, and holds %s of the leak's rows",
		filepath.Base(c.Export.File), percent(c.Export.Coverage), c.Export.Rows, percent(c.Export.Containment)))
	return c, nil
}
