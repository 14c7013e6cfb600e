package dump

import (
	"context"
	"io"
	"math/bits"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/cespare/xxhash/v2"

	"github.com/leakdesk/leakdesk"
)

// GDPR data categories, as the regulator's forms ask for them.
const (
	CategoryIdentity     = "identity"
	CategoryContact      = "contact"
	CategoryProfessional = "professional"
	CategoryLocation     = "location"
	CategoryCredentials  = "credentials"
	CategoryFinancial    = "financial"
	CategoryGovernmentID = "government_identifiers"
	CategorySpecial      = "special_category_hints"
)

// Category returns the GDPR data category of a role, or "".
func (r Role) Category() string {
	switch r {
	case RoleFullName, RoleFirstName, RoleLastName, RoleDateOfBirth:
		return CategoryIdentity
	case RoleEmail, RolePhone, RolePostalAddress:
		return CategoryContact
	case RoleOrganisation, RoleJobTitle, RoleCompanyID:
		return CategoryProfessional
	case RolePostcode, RoleCity, RoleCountry, RoleIPAddress:
		return CategoryLocation
	case RoleUsername, RolePassword, RolePasswordHash:
		return CategoryCredentials
	case RoleIBAN, RolePaymentCard:
		return CategoryFinancial
	case RoleNationalID:
		return CategoryGovernmentID
	}
	return ""
}

// FileProfile describes one leaked file.
type FileProfile struct {
	File       string           `json:"file"`
	Size       int64            `json:"size"`
	Tables     []*TableProfile  `json:"tables"`
	Categories map[string]int64 `json:"categories"`
	Secrets    int64            `json:"secrets"`
	// Unread names the files or members that yielded no record or stopped
	// early, and why.
	Unread []leakdesk.Unread `json:"unread"`
}

// Records counts the records read from the file.
func (fp *FileProfile) Records() int64 {
	var n int64
	for _, tp := range fp.Tables {
		n += tp.Rows
	}
	return n
}

// TableProfile describes one table of a leaked file.
type TableProfile struct {
	File         string           `json:"file"`
	Sheet        string           `json:"sheet,omitempty"`
	Format       Format           `json:"format"`
	Encoding     string           `json:"encoding,omitempty"`
	Delimiter    string           `json:"delimiter,omitempty"`
	Header       bool             `json:"header"`
	Rows         int64            `json:"rows"`
	SkippedLines int64            `json:"skipped_lines"`
	Columns      []ColumnProfile  `json:"columns"`
	Categories   map[string]int64 `json:"categories"`
	SpecialHints []string         `json:"special_category_hints,omitempty"`
	Secrets      []SecretFinding  `json:"secrets"`
	SecretCounts map[string]int64 `json:"secret_counts"`
	Quality      Quality          `json:"quality"`
	Warnings     []Warning        `json:"warnings"`
	MoreWarnings int64            `json:"more_warnings,omitempty"`
}

// ColumnProfile describes one column.
type ColumnProfile struct {
	Index          int      `json:"index"` // 1-based
	Header         string   `json:"header"`
	Role           Role     `json:"role"`
	Confidence     float64  `json:"confidence"`
	Reason         string   `json:"reason"`
	Category       string   `json:"category,omitempty"`
	Filled         float64  `json:"filled"` // share of rows with a value
	Values         int64    `json:"values"` // rows with a value
	Distinct       int64    `json:"distinct"`
	DistinctApprox bool     `json:"distinct_approx,omitempty"`
	Samples        []string `json:"samples"` // masked unless asked for in clear
}

// Quality notes what a responder should know about the data's state.
type Quality struct {
	DuplicateRows    int64 `json:"duplicate_rows"`
	DuplicatesApprox bool  `json:"duplicates_approx,omitempty"`
	RepairedCells    int64 `json:"repaired_cells"`
	InvalidBytes     int64 `json:"invalid_bytes"`
	IrregularRows    int64 `json:"irregular_rows"`
	RecoveredRows    int64 `json:"recovered_rows,omitempty"` // rows read after an unclosed quote was cut
	DroppedValues    int64 `json:"dropped_values,omitempty"` // values of keys past the column cap
}

// Profiler builds profiles of leaked files.
type Profiler struct {
	reader     *Reader
	secrets    *Secrets
	showValues bool
	workers    int
}

// NewProfiler returns a profiler. With showValues, samples are shown in
// clear instead of masked.
func NewProfiler(r *Reader, s *Secrets, showValues bool) *Profiler {
	return &Profiler{reader: r, secrets: s, showValues: showValues, workers: r.opts.Workers}
}

const (
	roleSampleSize = 300
	maxSecretsKept = 100
	shownSamples   = 3
)

// Profile reads the file at path and describes every table in it. Parts
// that could not be read are listed in the profile's Unread, not returned
// as an error.
func (p *Profiler) Profile(ctx context.Context, path string) (*FileProfile, error) {
	fp := &FileProfile{File: path, Categories: map[string]int64{}}
	if info, err := os.Stat(path); err == nil {
		fp.Size = info.Size()
	}
	var err error
	fp.Unread, err = Unreads(p.reader.Read(ctx, path, p.collect(ctx, fp)))
	return fp, err
}

// ProfileFiles profiles each file at paths in turn, "-" being stdin.
func (p *Profiler) ProfileFiles(ctx context.Context, paths []string, stdin io.Reader) ([]*FileProfile, error) {
	var out []*FileProfile
	for _, path := range paths {
		var fp *FileProfile
		var err error
		if path == "-" {
			fp, err = p.ProfileStream(ctx, "stdin", stdin, -1)
		} else {
			fp, err = p.Profile(ctx, path)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, fp)
	}
	return out, nil
}

// ProfileStream describes a stream of size bytes, such as evidence read
// from the vault, named name in the profile.
func (p *Profiler) ProfileStream(ctx context.Context, name string, r io.Reader, size int64) (*FileProfile, error) {
	fp := &FileProfile{File: name, Size: size, Categories: map[string]int64{}}
	var err error
	fp.Unread, err = Unreads(p.reader.ReadStream(ctx, name, r, p.collect(ctx, fp)))
	return fp, err
}

func (p *Profiler) collect(ctx context.Context, fp *FileProfile) func(*Table) error {
	return func(t *Table) error {
		tp, err := p.profileTable(ctx, t)
		if err != nil {
			return err
		}
		fp.Tables = append(fp.Tables, tp)
		for c, n := range tp.Categories {
			fp.Categories[c] += n
		}
		for _, n := range tp.SecretCounts {
			fp.Secrets += n
		}
		return nil
	}
}

// columnAcc gathers one column's statistics on one worker.
type columnAcc struct {
	values   int64
	distinct *distinct
	samples  []sample // the earliest values, for role inference and display
}

type sample struct {
	record int64
	value  string
}

// workerAcc gathers a table's statistics on one worker, without locks.
type workerAcc struct {
	cols     []columnAcc
	rows     *distinct
	secrets  []SecretFinding
	counts   map[string]int64
	tokens   map[TokenKind]*columnAcc
	nrecords int64
}

func (w *workerAcc) col(i int) *columnAcc {
	for len(w.cols) <= i {
		w.cols = append(w.cols, columnAcc{distinct: newDistinct()})
	}
	return &w.cols[i]
}

func (a *columnAcc) add(record int64, v string) { a.addHashed(record, v, xxhash.Sum64String(v)) }

func (a *columnAcc) addHashed(record int64, v string, h uint64) {
	if v == "" {
		return
	}
	a.values++
	a.distinct.add(h)
	if len(a.samples) < roleSampleSize {
		a.samples = append(a.samples, sample{record, strings.Clone(v)})
	}
}

func (a *columnAcc) merge(o *columnAcc) {
	a.values += o.values
	a.distinct.merge(o.distinct)
	a.samples = append(a.samples, o.samples...)
	sort.Slice(a.samples, func(i, j int) bool { return a.samples[i].record < a.samples[j].record })
	if len(a.samples) > roleSampleSize {
		a.samples = a.samples[:roleSampleSize]
	}
}

// typedRole reports roles whose values leave no room for a secret: their
// cells are scanned for secrets only when they are long.
func typedRole(r Role) bool {
	switch r {
	case RoleUnknown, RoleFreeText, RolePassword, RolePasswordHash, RoleUsername, RoleURL:
		return false
	}
	return true
}

// longCell is the length past which a cell of a typed column is scanned for
// secrets too: keys, connection strings and rules are long; names, e-mail
// addresses and phone numbers are not.
const longCell = 64

func (p *Profiler) profileTable(ctx context.Context, t *Table) (*TableProfile, error) {
	accs := make([]*workerAcc, p.workers)
	for i := range accs {
		accs[i] = &workerAcc{rows: newDistinct(), counts: map[string]int64{}, tokens: map[TokenKind]*columnAcc{}}
	}
	keep := func(w *workerAcc, f SecretFinding) {
		w.counts[f.Rule]++
		if len(w.secrets) < maxSecretsKept {
			w.secrets = append(w.secrets, f)
		}
	}
	// Where the first rows say what each column holds, secrets are looked
	// for where they can hide; elsewhere, in every cell.
	var scanColumn []bool
	if preview := t.Preview(); len(preview) > 0 {
		for _, r := range p.reader.InferRoles(t, preview, nil) {
			scanColumn = append(scanColumn, !typedRole(r.Role))
		}
	}
	t.OnSkipped(func(worker int, line string, lineNo int64) {
		p.secrets.Scan(line, lineNo, Position{File: t.File, Sheet: t.Sheet}, func(f SecretFinding) { keep(accs[worker], f) })
	})
	batches := make([]*secretBatch, p.workers)
	for i := range batches {
		w := accs[i]
		batches[i] = &secretBatch{secrets: p.secrets, found: func(f SecretFinding) { keep(w, f) }}
	}
	err := t.ParallelRows(ctx, p.workers, func(worker int, row Row) error {
		w := accs[worker]
		w.nrecords++
		var rowHash uint64
		irregular := scanColumn != nil && len(row.Cells) != len(scanColumn)
		batch := batches[worker]
		for i, c := range row.Cells {
			h := xxhash.Sum64String(c)
			w.col(i).addHashed(row.Pos.Record, c, h)
			rowHash = bits.RotateLeft64(rowHash, 7) ^ h
			if c != "" && (scanColumn == nil || irregular || i >= len(scanColumn) || scanColumn[i] || len(c) > longCell) {
				batch.add(c, h, row.Pos)
			}
		}
		w.rows.add(rowHash)
		for _, tok := range row.Tokens {
			a := w.tokens[tok.Kind]
			if a == nil {
				a = &columnAcc{distinct: newDistinct()}
				w.tokens[tok.Kind] = a
			}
			a.add(row.Pos.Record, tok.Value)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, b := range batches {
		b.flush()
	}
	return p.finish(t, accs), nil
}

// secretBatch gathers cells to scan for secrets, so that the keyword
// automaton runs over tens of kilobytes at a time rather than cell by cell.
// It remembers the hashes of cells in which nothing was found, so that a
// column of a few repeated values (a status, a category) is scanned once
// per value, not once per row.
type secretBatch struct {
	secrets *Secrets
	found   func(SecretFinding)
	text    []byte
	lines   []Position // the row each line of text came from
	cells   []batchCell
	clean   map[uint64]struct{}
}

// batchCell is a cell in the batch: its hash, and its first line in text.
type batchCell struct {
	hash      uint64
	firstLine int
}

// maxCleanCells bounds the memory of clean cells, about 2 MB per worker:
// beyond it, the memory starts again.
const maxCleanCells = 1 << 16

func (b *secretBatch) add(cell string, hash uint64, pos Position) {
	if _, ok := b.clean[hash]; ok {
		return
	}
	b.cells = append(b.cells, batchCell{hash: hash, firstLine: len(b.lines) + 1})
	// A cell that spans lines is scanned line by line, all from its row.
	for line := range strings.SplitSeq(cell, "\n") {
		b.text = append(append(b.text, line...), '\n')
		b.lines = append(b.lines, pos)
	}
	if len(b.text) >= 64<<10 {
		b.flush()
	}
}

func (b *secretBatch) flush() {
	if len(b.text) == 0 {
		return
	}
	var dirty []bool // by line of text, where something was found
	b.secrets.Scan(string(b.text), 1, Position{}, func(f SecretFinding) {
		if dirty == nil {
			dirty = make([]bool, len(b.lines)+1)
		}
		dirty[f.Pos.Line] = true
		f.Pos = b.lines[f.Pos.Line-1]
		b.found(f)
	})
	if b.clean == nil || len(b.clean) > maxCleanCells {
		b.clean = make(map[uint64]struct{}, len(b.cells))
	}
	for i, c := range b.cells {
		end := len(b.lines) + 1
		if i+1 < len(b.cells) {
			end = b.cells[i+1].firstLine
		}
		if dirty == nil || !slices.Contains(dirty[c.firstLine:end], true) {
			b.clean[c.hash] = struct{}{}
		}
	}
	b.text, b.lines, b.cells = b.text[:0], b.lines[:0], b.cells[:0]
}

// InferRoles decides each column's role from sample values: rows as read,
// or, when rows is nil, samples already laid out column by column.
func (r *Reader) InferRoles(t *Table, rows [][]string, samples [][]string) []ColumnRole {
	n := len(t.Columns)
	for _, r := range rows {
		n = max(n, len(r))
	}
	values := samples
	if values == nil {
		values = make([][]string, n)
		for _, r := range rows {
			for i, c := range r {
				values[i] = append(values[i], c)
			}
		}
	}
	for len(values) < n {
		values = append(values, nil)
	}
	roles := make([]ColumnRole, n)
	// Two passes: the second lets a column that nothing recognised see what
	// its neighbours hold.
	for pass := range 2 {
		for i := range n {
			if pass == 1 && roles[i].Role != RoleUnknown && roles[i].Confidence >= 0.6 {
				continue
			}
			header := ""
			// Combolist columns are named by the format itself.
			if i < len(t.Columns) && (t.HasHeader || t.Format == FormatCombolist) {
				header = t.Columns[i]
			}
			var neighbours []Role
			if pass == 1 {
				if i > 0 {
					neighbours = append(neighbours, roles[i-1].Role)
				}
				if i+1 < n {
					neighbours = append(neighbours, roles[i+1].Role)
				}
			}
			roles[i] = r.k.inferRole(header, values[i], neighbours)
		}
	}
	return roles
}

// finish merges the workers' statistics and infers the roles.
func (p *Profiler) finish(t *Table, accs []*workerAcc) *TableProfile {
	all := accs[0]
	for _, w := range accs[1:] {
		for i := range w.cols {
			all.col(i).merge(&w.cols[i])
		}
		all.rows.merge(w.rows)
		all.secrets = append(all.secrets, w.secrets...)
		for k, n := range w.counts {
			all.counts[k] += n
		}
		for kind, a := range w.tokens {
			if mine := all.tokens[kind]; mine != nil {
				mine.merge(a)
			} else {
				all.tokens[kind] = a
			}
		}
		all.nrecords += w.nrecords
	}
	stats := t.Stats()
	tp := &TableProfile{
		File: t.File, Sheet: t.Sheet, Format: t.Format, Encoding: t.Encoding, Delimiter: t.Delimiter, Header: t.HasHeader,
		Rows: stats.Records, SkippedLines: stats.SkippedLines, Categories: map[string]int64{}, SecretCounts: all.counts,
		Quality: Quality{RepairedCells: stats.RepairedCells, InvalidBytes: stats.InvalidBytes, IrregularRows: stats.IrregularRows,
			RecoveredRows: stats.RecoveredRows, DroppedValues: stats.DroppedValues},
		Warnings: stats.Warnings, MoreWarnings: stats.MoreWarnings, Secrets: all.secrets,
	}
	if tp.Warnings == nil {
		tp.Warnings = []Warning{}
	}
	sort.Slice(tp.Secrets, func(i, j int) bool { return tp.Secrets[i].Pos.Line < tp.Secrets[j].Pos.Line })
	if len(tp.Secrets) > maxSecretsKept {
		tp.Secrets = tp.Secrets[:maxSecretsKept]
	}
	for i := range tp.Secrets {
		// Rules and configuration are shown as found: the responder must see
		// what leaked. Secrets are masked like passwords.
		if tp.Secrets[i].Category == "secret" {
			tp.Secrets[i].Match = p.maskSecret(tp.Secrets[i].Match)
		}
	}
	if tp.Secrets == nil {
		tp.Secrets = []SecretFinding{}
	}
	distinctRows, approx := all.rows.count()
	tp.Quality.DuplicateRows, tp.Quality.DuplicatesApprox = max(0, all.nrecords-distinctRows), approx
	if approx && float64(tp.Quality.DuplicateRows) < 3*hllError*float64(all.nrecords) {
		tp.Quality.DuplicateRows = 0 // within the sketch's error: no evidence of duplicates
	}

	if t.Format == FormatText {
		p.tokenColumns(tp, all)
	} else {
		p.columns(tp, t, all)
	}
	for _, c := range tp.Columns {
		if c.Category != "" {
			tp.Categories[c.Category] += c.Values
		}
	}
	return tp
}

func (p *Profiler) columns(tp *TableProfile, t *Table, all *workerAcc) {
	n := max(len(t.Columns), len(all.cols))
	samples := make([][]string, n)
	for i := range n {
		for _, s := range all.col(i).samples {
			samples[i] = append(samples[i], s.value)
		}
	}
	for i, cr := range p.reader.InferRoles(t, nil, samples) {
		tp.Columns = append(tp.Columns, p.columnProfile(i, t, all, cr, tp.Rows))
	}
	for _, c := range t.Columns {
		if t.HasHeader {
			if hint := p.reader.k.specialCategoryHint(c); hint != "" && !slices.Contains(tp.SpecialHints, c) {
				tp.SpecialHints = append(tp.SpecialHints, c)
			}
		}
	}
	if len(tp.SpecialHints) > 0 {
		tp.Categories[CategorySpecial] = int64(len(tp.SpecialHints))
	}
}

func (p *Profiler) columnProfile(i int, t *Table, all *workerAcc, cr ColumnRole, rows int64) ColumnProfile {
	a := all.col(i)
	header := ""
	if i < len(t.Columns) {
		header = t.Columns[i]
	}
	d, approx := a.distinct.count()
	// The sketch can overshoot; a column has no more distinct values than
	// values.
	d = min(d, a.values)
	cp := ColumnProfile{Index: i + 1, Header: header, Role: cr.Role, Confidence: cr.Confidence, Reason: cr.Reason,
		Category: cr.Role.Category(), Values: a.values, Distinct: d, DistinctApprox: approx, Samples: []string{}}
	if rows > 0 {
		cp.Filled = round2(float64(a.values) / float64(rows))
	}
	for _, s := range a.samples {
		if len(cp.Samples) == shownSamples {
			break
		}
		if m := p.mask(cr.Role, s.value); !slices.Contains(cp.Samples, m) {
			cp.Samples = append(cp.Samples, m)
		}
	}
	return cp
}

// tokenColumns describes free text by the tokens found in it.
func (p *Profiler) tokenColumns(tp *TableProfile, all *workerAcc) {
	for i, kind := range []TokenKind{TokenEmail, TokenPhone, TokenName} {
		a := all.tokens[kind]
		if a == nil {
			continue
		}
		role := map[TokenKind]Role{TokenEmail: RoleEmail, TokenPhone: RolePhone, TokenName: RoleFullName}[kind]
		d, approx := a.distinct.count()
		cp := ColumnProfile{Index: i + 1, Header: string(kind) + "s found in text", Role: role, Confidence: 1, Reason: "tokens found in free text",
			Category: role.Category(), Values: a.values, Distinct: d, DistinctApprox: approx, Samples: []string{}}
		if kind == TokenName {
			cp.Confidence = 0.6
		}
		if tp.Rows > 0 {
			cp.Filled = round2(float64(a.values) / float64(tp.Rows))
		}
		for _, s := range a.samples[:min(shownSamples, len(a.samples))] {
			cp.Samples = append(cp.Samples, p.mask(role, s.value))
		}
		tp.Columns = append(tp.Columns, cp)
	}
	if tp.Columns == nil {
		tp.Columns = []ColumnProfile{}
	}
}

// mask hides most of a value: j***@m***.fr, +336******78, J***.
func (p *Profiler) mask(role Role, v string) string {
	if p.showValues {
		return v
	}
	runes := []rune(v)
	switch role {
	case RoleEmail:
		at := strings.LastIndexByte(v, '@')
		if at < 1 {
			break
		}
		domain := v[at+1:]
		tld := ""
		if dot := strings.LastIndexByte(domain, '.'); dot > 0 {
			tld = domain[dot:]
		}
		return firstRune(v) + "***@" + firstRune(domain) + "***" + tld
	case RolePhone, RoleIBAN, RolePaymentCard, RoleNationalID, RoleCompanyID:
		if len(runes) > 6 {
			return string(runes[:min(3, len(runes))]) + strings.Repeat("*", len(runes)-5) + string(runes[len(runes)-2:])
		}
		return "***"
	case RolePassword:
		return "********"
	case RolePasswordHash:
		// The algorithm prefix ($2y$10$, $argon2id$) helps judge the risk.
		if strings.HasPrefix(v, "$") && len(runes) > 12 {
			return string(runes[:7]) + "…"
		}
		return "********"
	}
	if len(runes) <= 1 {
		return "***"
	}
	return firstRune(v) + "***"
}

// maskSecret keeps enough of a secret to tell its kind: AKIAIO…, postgr….
func (p *Profiler) maskSecret(v string) string {
	if p.showValues {
		return v
	}
	runes := []rune(v)
	if len(runes) <= 12 {
		return "********"
	}
	return string(runes[:6]) + "…"
}

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}
