// Package riverdb opens River, the job queue that notify, watch and match
// share, over the store's database/sql connection in either dialect, so
// that jobs are written in the same transactions as the rows they act on.
package riverdb

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// Open returns River's driver for db in dialect ("sqlite" or
// "postgres"), with River's tables created or brought up to date.
func Open(ctx context.Context, db *sql.DB, dialect string, log *slog.Logger) (riverdriver.Driver[*sql.Tx], error) {
	var driver riverdriver.Driver[*sql.Tx]
	switch dialect {
	case "sqlite":
		driver = riversqlite.New(db)
	case "postgres":
		driver = riverdatabasesql.New(db)
	default:
		return nil, fmt.Errorf("job queue: unknown dialect %q", dialect)
	}
	return driver, migrate(ctx, driver, log)
}

// migrate creates River's tables. Processes started together (workers,
// a server and a command) race to create them; each migration runs in a
// transaction, so the losers find the tables made when they try again.
func migrate(ctx context.Context, driver riverdriver.Driver[*sql.Tx], log *slog.Logger) error {
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	for attempt := 1; ; attempt++ {
		_, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
		if err == nil {
			return nil
		}
		if attempt == 5 {
			return fmt.Errorf("job queue: create River's tables: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		}
	}
}
