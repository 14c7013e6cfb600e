package match

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// readRegistry reads the registry file's first table twice: once to
// choose its columns, the second time to pass each row, normalised, to
// add, in order. It holds no more than a few batches of rows and the
// contacts' IDs, so that a registry of millions of contacts can be
// indexed as it is read. Rows are normalised on every core, most of the
// work being phone numbers; add is called on one goroutine.
func readRegistry(ctx context.Context, r *dump.Reader, n *Normaliser, path string, opts RegistryOptions, add func(*Contact) error) (invalidEmails, invalidPhones int, err error) {
	chooser := columnChooser{r: r, opts: opts}
	if err := r.Read(ctx, path, chooser.read(ctx)); err != nil {
		return 0, 0, err
	}
	if chooser.table == nil || chooser.rows == 0 {
		return 0, 0, leakdesk.Errorf(leakdesk.EINVALID, "registry %s holds no rows", path)
	}
	cols, err := chooser.columns()
	if err != nil {
		return 0, 0, leakdesk.Errorf(leakdesk.EINVALID, "registry %s: %s", path, leakdesk.ErrorMessage(err))
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := normaliseRows(ctx, r, n, path, cols)
	seen := map[string]int{}
	var failed error
	for b := range batches.ordered {
		<-b.done
		if failed != nil {
			continue // drained, so that the reader and the workers end
		}
		invalidEmails += b.invalidEmails
		invalidPhones += b.invalidPhones
		for i, c := range b.contacts {
			record := b.first + i
			if c.ID == "" {
				failed = leakdesk.Errorf(leakdesk.EINVALID, "registry %s: record %d has no ID in column %q", path, record, chooser.table.Columns[cols.id])
			} else if prev, dup := seen[c.ID]; dup {
				failed = leakdesk.Errorf(leakdesk.EINVALID, "registry %s: ID %q appears in records %d and %d; IDs must be unique (or choose another --id-column)", path, c.ID, prev, record)
			} else {
				seen[strings.Clone(c.ID)] = record
				failed = add(c)
			}
			if failed != nil {
				cancel()
				break
			}
		}
	}
	if failed != nil {
		return 0, 0, failed
	}
	if err := <-batches.err; err != nil {
		return 0, 0, err
	}
	if len(seen) != chooser.rows {
		return 0, 0, leakdesk.Errorf(leakdesk.EINVALID, "registry %s changed while it was read: %d records, then %d", path, chooser.rows, len(seen))
	}
	return invalidEmails, invalidPhones, nil
}

// rowBatch is a run of registry rows, normalised by one worker.
type rowBatch struct {
	first                        int // the record number of the first row
	rows                         [][]string
	contacts                     []*Contact
	invalidEmails, invalidPhones int
	done                         chan struct{} // closed once normalised
}

// registryBatch is how many rows a worker normalises at a time.
const registryBatch = 256

// normalisedRows are the batches of a registry's rows, in order, each
// closing done once normalised, and the error of reading them, sent once
// ordered is closed.
type normalisedRows struct {
	ordered <-chan *rowBatch
	err     <-chan error
}

// normaliseRows reads the first table of the registry file and normalises
// its rows, as contacts of columns cols, on every core.
func normaliseRows(ctx context.Context, r *dump.Reader, n *Normaliser, path string, cols columns) normalisedRows {
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *rowBatch)
	ordered := make(chan *rowBatch, 2*workers)
	readErr := make(chan error, 1)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				b.normalise(n, cols)
				close(b.done)
			}
		}()
	}
	go func() {
		defer close(ordered)
		defer wg.Wait()
		defer close(jobs)
		batch := &rowBatch{first: 1, done: make(chan struct{})}
		send := func() error {
			next := batch.first + len(batch.rows) // before a worker lets the rows go
			for _, ch := range []chan *rowBatch{jobs, ordered} {
				select {
				case ch <- batch:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			batch = &rowBatch{first: next, done: make(chan struct{})}
			return nil
		}
		var read bool
		err := r.Read(ctx, path, func(t *dump.Table) error {
			if read {
				return nil // the first table is the registry
			}
			read = true
			return t.Rows(ctx, func(row dump.Row) error {
				batch.rows = append(batch.rows, slices.Clone(row.Cells))
				if len(batch.rows) == registryBatch {
					return send()
				}
				return nil
			})
		})
		if err == nil && len(batch.rows) > 0 {
			err = send()
		}
		readErr <- err
	}()
	return normalisedRows{ordered: ordered, err: readErr}
}

func (b *rowBatch) normalise(n *Normaliser, cols columns) {
	b.contacts = make([]*Contact, len(b.rows))
	for i, row := range b.rows {
		var badEmails, badPhones int
		b.contacts[i], badEmails, badPhones = contactOf(n, row, cols)
		b.invalidEmails += badEmails
		b.invalidPhones += badPhones
	}
	b.rows = nil
}
