package leakdesk

import "time"

// TraceRanked is the payload of an EventTraceRanked event: candidate files
// ranked by how well each explains a leak. Its JSON names are those of the
// events written before payloads were typed, so that old timelines read,
// and its fields are in the order of those names, as the maps of those
// events were written, so that an event is written as before, byte for byte.
type TraceRanked struct {
	// Candidates counts the files ranked, of which Top keeps the best;
	// zero in events written before it was recorded.
	Candidates int `json:"candidates,omitempty"`
	// Dating is when the leaked data was taken; nil when it was not dated.
	Dating *LeakDating `json:"dating"`
	Leak   string      `json:"leak"`
	Note   string      `json:"note"`
	// Top holds the best three candidates, best first.
	Top []RankedCandidate `json:"top"`
	// Union names the files that together explain the leak when no single
	// one does (verdict union).
	Union   []string `json:"union,omitempty"`
	Verdict string   `json:"verdict"` // source, union or none
}

// RankedCandidate is a candidate file as a ranking event keeps it.
type RankedCandidate struct {
	Containment float64 `json:"containment"` // share of leaked rows found in it
	Coverage    float64 `json:"coverage"`    // share of its rows found in the leak
	// Error says why the file could not be read; it then has no score.
	Error string `json:"error,omitempty"`
	// Evidence is why it ranks where it does, in sentences a person can
	// check: counts, row numbers, file names, fields and the export log's
	// line, never a leaked value. Empty in events written before it was
	// recorded.
	Evidence []string `json:"evidence,omitempty"`
	// Export is the line of the organisation's export log that made the
	// file; nil when no log names it.
	Export *ExportLogEntry `json:"export"`
	File   string          `json:"file"`
	Rank   int             `json:"rank"`
	Score  float64         `json:"score"`
}

// ExportLogEntry is a line of the organisation's own export audit log.
type ExportLogEntry struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	User   string    `json:"user"`
	Report string    `json:"report"`
	File   string    `json:"file"`
}

// LeakDating estimates when leaked data was taken, from the registry's
// history of changes.
type LeakDating struct {
	From        time.Time `json:"from,omitzero"` // zero: no earlier bound
	To          time.Time `json:"to,omitzero"`   // zero: no later bound
	Support     int       `json:"support"`       // informative rows consistent with the estimate
	Informative int       `json:"informative"`   // rows whose values changed at some point
	Note        string    `json:"note"`
}

// FingerprintTraced is the payload of an EventFingerprintTraced event: a
// leak decoded against every fingerprinted export. Its JSON names are
// those of the events written before payloads were typed, in the same
// order, so that an event is written as before, byte for byte.
type FingerprintTraced struct {
	// Accused lists the recipients accused, never nil: empty when the
	// verdict is inconclusive.
	Accused []AccusedRecipient `json:"accused"`
	Leak    string             `json:"leak"` // the leak's name, or the decoys contacted
	Note    string             `json:"note"`
	// Suspects are the best-scoring recipients not accused, each with the
	// bound that was too high to accuse them.
	Suspects []AccusedRecipient `json:"suspects,omitempty"`
	Verdict  string             `json:"verdict"` // accused or inconclusive
}

// AccusedRecipient is the recipient of an export accused of a leak, with
// the proven bound on the chance that an innocent one scores as high.
type AccusedRecipient struct {
	Export    string  `json:"export_id"`
	Recipient string  `json:"recipient"`
	Score     float64 `json:"score"`
	Bound     float64 `json:"bound"`
	Positions int     `json:"positions"` // positions of the code scored
	Decoys    int     `json:"decoys"`    // of them, decoys the leak holds
}
