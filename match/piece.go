package match

import (
	"context"
	"io"
	"os"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// Piece is a part of a leak that is scanned on its own: a byte range of
// a line-format file, or, for archives and formats that cannot be split,
// a whole file.
type Piece struct {
	File string `json:"file"`
	// Layout, for a byte range, is how the whole file reads; nil for a
	// whole file.
	Layout *dump.Layout `json:"layout,omitempty"`
	Start  int64        `json:"start"`
	End    int64        `json:"end"` // a whole file's size
	// Evidence, for a piece of an incident's evidence, names it in the
	// vault; File is then its label.
	Evidence *EvidencePiece `json:"evidence,omitempty"`

	open   func() (io.ReadCloser, error)       // reads Evidence whole, logged
	openAt func() (leakdesk.RangedBlob, error) // reads Evidence by range, logged
}

// Split cuts the files into pieces of about size bytes, in reading order:
// files of a line format by byte ranges, the others whole. A piece is
// never smaller than dump.MinSplit, so that a file's header is always in
// its first piece.
func Split(r *dump.Reader, files []string, size int64) ([]Piece, error) {
	size = max(size, dump.MinSplit)
	var pieces []Piece
	for _, f := range files {
		info, err := os.Stat(f)
		if err != nil {
			return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "file %s cannot be read: %v", f, err)
		}
		if info.IsDir() {
			pieces = append(pieces, Piece{File: f, End: info.Size()})
			continue
		}
		cut, err := cutPieces(Piece{File: f, End: info.Size()}, size, func() (dump.Layout, bool, error) { return r.SplitLayout(f) })
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, cut...)
	}
	return pieces, nil
}

// cutPieces cuts whole, a piece of a whole file, into byte ranges of
// size when the file is larger and layout says it is of a line format;
// else it is one piece. layout is asked only of a larger file.
func cutPieces(whole Piece, size int64, layout func() (dump.Layout, bool, error)) ([]Piece, error) {
	if whole.End <= size {
		return []Piece{whole}, nil
	}
	l, ok, err := layout()
	if err != nil || !ok {
		return []Piece{whole}, err
	}
	var pieces []Piece
	for start := int64(0); start < whole.End; start += size {
		p := whole
		p.Layout, p.Start, p.End = &l, start, min(start+size, whole.End)
		pieces = append(pieces, p)
	}
	return pieces, nil
}

// ScanPiece scans one piece, its rows numbered from 1 within it: Merge
// numbers them as one scan of the whole leak would.
func (s *Scanner) ScanPiece(ctx context.Context, p Piece) (*Partial, error) {
	return s.ScanPieceVisiting(ctx, p, nil)
}

// ScanPieceVisiting is ScanPiece that also shows every row it reads to
// the visitor of the worker that reads it, as ScanVisiting does.
func (s *Scanner) ScanPieceVisiting(ctx context.Context, p Piece, visitor func(worker int) RowVisitor) (*Partial, error) {
	accs := s.newAccs(visitor)
	var rows int64
	visit := func(t *dump.Table) error {
		n, err := s.scanTable(ctx, t, rows, accs)
		rows += n
		return err
	}
	if p.Layout == nil {
		src := Source{Name: p.File, Path: p.File}
		if p.Evidence != nil {
			if p.open == nil {
				return nil, leakdesk.Errorf(leakdesk.EINVALID, "evidence %s is read through the vault, which is not open", p.File)
			}
			src = Source{Name: p.File, Open: p.open}
		}
		unread, err := dump.Unreads(readSource(ctx, s.reader, src, visit))
		if err != nil {
			return nil, err
		}
		return s.partial(rows, accs, unread), nil
	}
	var met *RangeRead
	err := s.readRange(ctx, p, func(t *dump.Table) error {
		err := visit(t)
		met = rangeReadOf(p, t)
		return err
	})
	if err != nil {
		return nil, err
	}
	partial := s.partial(rows, accs, []leakdesk.Unread{})
	partial.Range = met
	return partial, nil
}

// readRange reads the byte range of p: of its file, or of its evidence
// in the vault.
func (s *Scanner) readRange(ctx context.Context, p Piece, fn func(*dump.Table) error) error {
	if p.Evidence == nil {
		return s.reader.ReadRange(ctx, p.File, *p.Layout, p.Start, p.End, fn)
	}
	if p.openAt == nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "evidence %s is read through the vault, which is not open", p.File)
	}
	src, err := p.openAt()
	if err != nil {
		return err
	}
	defer src.Close()
	return s.reader.ReadRangeAt(ctx, p.File, src, *p.Layout, p.Start, p.End, fn)
}

func (s *Scanner) newAccs(visitor func(worker int) RowVisitor) []*acc {
	accs := make([]*acc, s.workers)
	for i := range accs {
		accs[i] = &acc{memo: newMemo(), links: newLinkCache(), contacts: map[int]*contactAcc{}, unlinked: newUnlinked()}
		if visitor != nil {
			accs[i].visit = visitor(i)
		}
	}
	return accs
}
