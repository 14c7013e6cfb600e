package match

import (
	"context"

	"github.com/leakdesk/leakdesk/dump"
)

// ReadSource reads a file or a stream with r, table by table.
func ReadSource(ctx context.Context, r *dump.Reader, src Source, fn func(*dump.Table) error) error {
	return readSource(ctx, r, src, fn)
}
