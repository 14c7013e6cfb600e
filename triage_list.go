package leakdesk

import "context"

// TriageFilter selects a page of the files taken in, newest first.
type TriageFilter struct {
	State  string // one of the triage states, or "shredded"; every file when empty
	Offset int
	Limit  int
}

// TriageEntry is a file taken in, with the incident its alert proposed.
type TriageEntry struct {
	*TriageFile
	// Incident is the proposed incident the file's alert opened; zero if none.
	Incident int64 `json:"incident,omitempty"`
}

// TriagePage is one page of the files taken in and how many the filter
// selects in all.
type TriagePage struct {
	Files []TriageEntry `json:"files"`
	Total int           `json:"total"`
}

// TriageShredded selects the files whose content was destroyed.
const TriageShredded = "shredded"

// TriageLister lists the files taken in.
type TriageLister interface {
	// ListTriage returns the page filter selects. EINVALID for an unknown state.
	ListTriage(ctx context.Context, filter TriageFilter) (*TriagePage, error)
}

// ValidTriageState reports whether state filters the files taken in.
func ValidTriageState(state string) bool {
	switch state {
	case "", TriageQueued, TriageDone, TriageUnread, TriageFailed, TriageShredded:
		return true
	}
	return false
}
