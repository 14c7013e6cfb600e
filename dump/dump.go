// Package dump reads leaked files of any shape into tables of rows with
// typed columns: delimited text with any separator, XLSX, JSON, NDJSON, SQL
// dumps, key-value blocks, combolists and free text, in any common
// encoding, inside zip, gzip, tar, 7-Zip, RAR, xz, bzip2 and Zstandard
// archives, password-protected ones included. It repairs mojibake,
// infers what each column holds, and profiles the personal data and
// secrets a leak contains.
//
// Reading streams: memory is bounded by the block size and the number of
// workers, not by the size of the file.
package dump

import (
	"cmp"
	"fmt"
	"io"
	"runtime"
)

// Format is the shape of a table's source.
type Format string

const (
	FormatDelimited Format = "delimited" // CSV, TSV, pastes: any separator
	FormatXLSX      Format = "xlsx"
	FormatJSON      Format = "json"
	FormatNDJSON    Format = "ndjson"
	FormatSQL       Format = "sql"
	FormatKeyValue  Format = "key-value"
	FormatCombolist Format = "combolist"
	FormatText      Format = "text" // no columns: rows are lines, with tokens
)

// Options bound what reading may cost. Zero fields take defaults.
type Options struct {
	// MaxExpandedBytes caps the total bytes archives may expand to.
	MaxExpandedBytes int64
	// MaxRatio caps how many times larger than its compressed size an
	// archive member may grow: zip bombs reach thousands.
	MaxRatio int64
	// MaxDepth caps how deeply archives may nest.
	MaxDepth int
	// MaxRecordBytes caps one record (a line, a JSON record, an SQL tuple);
	// longer records are skipped with a warning.
	MaxRecordBytes int
	// MaxJSONDepth caps nesting inside one JSON record; deeper values are
	// kept as raw JSON text.
	MaxJSONDepth int
	// MaxCellLines caps the lines one quoted cell of delimited text may
	// span. A cell whose quote is not closed within them, or within
	// MaxRecordBytes, or before the end of the file, is an unclosed quote:
	// its first line is read as it is and reading resumes on the next.
	MaxCellLines int
	// SpoolDir is where streams that need random access (a zip inside
	// another archive, a zip on standard input) are copied while they are
	// read. Empty means the system's temporary directory, which is often
	// memory: the command line passes a directory inside its data
	// directory.
	SpoolDir string
	// Workers is how many goroutines parse and consume delimited text.
	Workers int
	// Region is the default phone region for role inference (ISO 3166).
	Region string
	// Password opens password-protected archives (zip, 7-Zip, RAR).
	Password string
	// Progress, if set, wraps the top-level input so that callers can show
	// how much of it was read.
	Progress func(name string, r io.Reader, size int64) io.Reader
}

// Defaults for Options.
//
// DefaultMaxExpandedBytes is 8 GiB: inflated bytes are parsed, not held, but
// nested archives are spooled to disk, and at the ~100 MB/s that parsing
// runs here 8 GiB is over a minute of work. A laptop survives that in time
// and in free disk; a leak that is really larger is read with
// --max-expanded.
const (
	DefaultMaxExpandedBytes = 8 << 30
	DefaultMaxRatio         = 1000
	DefaultMaxDepth         = 4
	DefaultMaxRecordBytes   = 16 << 20
	DefaultMaxJSONDepth     = 32
	DefaultMaxCellLines     = 1000
)

// maxColumns caps the columns of a table whose columns are the keys of its
// records (JSON, NDJSON, key-value blocks): a file of ever-new keys would
// otherwise grow every row without limit.
const maxColumns = 4096

func (o Options) withDefaults() Options {
	o.MaxExpandedBytes = cmp.Or(o.MaxExpandedBytes, DefaultMaxExpandedBytes)
	o.MaxRatio = cmp.Or(o.MaxRatio, DefaultMaxRatio)
	o.MaxDepth = cmp.Or(o.MaxDepth, DefaultMaxDepth)
	o.MaxRecordBytes = cmp.Or(o.MaxRecordBytes, DefaultMaxRecordBytes)
	o.MaxJSONDepth = cmp.Or(o.MaxJSONDepth, DefaultMaxJSONDepth)
	o.MaxCellLines = cmp.Or(o.MaxCellLines, DefaultMaxCellLines)
	o.Workers = cmp.Or(o.Workers, runtime.GOMAXPROCS(0))
	o.Region = cmp.Or(o.Region, "FR")
	return o
}

// Position locates a record in the evidence.
type Position struct {
	File   string `json:"file"`            // the file, with archive members as "a.zip!/b.csv"
	Sheet  string `json:"sheet,omitempty"` // the XLSX sheet, or the SQL table
	Line   int64  `json:"line,omitempty"`  // the 1-based line where the record starts, in text formats
	Record int64  `json:"record"`          // the 1-based record number within the table, not counting headers or skipped lines
}

func (p Position) String() string {
	s := p.File
	if p.Sheet != "" {
		s += " [" + p.Sheet + "]"
	}
	if p.Line > 0 {
		return fmt.Sprintf("%s line %d", s, p.Line)
	}
	return fmt.Sprintf("%s record %d", s, p.Record)
}

// Warning is a problem that did not stop reading.
type Warning struct {
	Pos     Position `json:"position"`
	Message string   `json:"message"`
}

// TokenKind is what a token found in free text is.
type TokenKind string

const (
	TokenEmail TokenKind = "email"
	TokenPhone TokenKind = "phone"
	TokenName  TokenKind = "name" // "Jeanne Dupont", or "Jeanne;Dupont" when written in two cells, given name first
)

// Token is a value found in text without columns.
type Token struct {
	Kind  TokenKind `json:"kind"`
	Value string    `json:"value"`
}

// Row is one record. Cells are aligned with the table's Columns (a row may
// hold fewer or more cells when the source was irregular). The Cells and
// Tokens slices are reused after the callback that receives them returns;
// the strings in them may be kept.
type Row struct {
	Pos    Position
	Cells  []string
	Tokens []Token // FormatText only
}
