package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/auth"
	"github.com/leakdesk/leakdesk/proof"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/vault"
)

// app holds what every subcommand shares: the environment, the global
// flags, and the services, opened on first use and closed at exit.
type app struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time
	// osUser names the operating-system account running leakdesk, which
	// is who acts on the command line; tests replace it.
	osUser func() (string, error)
	// passwordParams are the argon2id costs of new passwords; tests lower them.
	passwordParams auth.Params

	dataDir string
	keyFile string
	dbURL   string
	// busyTimeout is how long the embedded store waits for another
	// process's write; store.DefaultBusyTimeout when zero.
	busyTimeout time.Duration
	rulesDir    string
	format      string
	verbose     bool

	// principal is who acts: local: and the operating-system user, with
	// every right (see docs/accounts.md). actor is its String, as events
	// record it.
	principal leakdesk.Principal
	actor     string
	// actorFlag is only read to refuse it: see checkNoActor.
	actorFlag string

	// demo is set under leakdesk demo, whose key may sit in its data
	// directory without a warning.
	demo bool

	logger *slog.Logger
	db     *store.DB
	vault  *vault.Vault
	spool  *vault.Spool
	rules  *rules.Rules
	// signer is the proof service that signs, built on first use: serve's
	// API, reports and checkpointer share one.
	signer *proof.Service
}

func newApp(getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) *app {
	return &app{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now, osUser: currentOSUser, passwordParams: auth.DefaultParams()}
}

func (a *app) close() {
	if a.db != nil {
		a.db.Close()
	}
	if a.spool != nil {
		a.spool.Release()
	}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "leakdesk",
		Short: "The response desk for a personal-data leak",
		Long: `leakdesk takes in a leaked file, works out whose data is in it, finds the
export it came from, keeps the legal clocks, the evidence and the timeline
of the response, and tells every affected person, once per notice, until
everyone is reached.

Exit codes: 0 success, 1 internal error, 2 invalid input, 3 not found,
4 conflict, 5 wrong or missing key, 6 unavailable (database locked or
unreachable, disk full), 7 integrity check failed, 8 nothing could be
read, 9 forbidden (the principal's roles do not allow it), 130 interrupted.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
		RunE:          func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.setUp(); err != nil {
				return err
			}
			return a.authorizeCommand(cmd)
		},
		PersistentPostRunE: func(cmd *cobra.Command, _ []string) error {
			return a.checkpointAfterCommand(cmd.Context())
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return leakdesk.Errorf(leakdesk.EINVALID, "%v", err)
	})
	f := root.PersistentFlags()
	f.StringVar(&a.dataDir, "data", a.envOr("LEAKDESK_DATA", "leakdesk-data"), "data directory: SQLite store, evidence vault and key (env LEAKDESK_DATA)")
	f.StringVar(&a.keyFile, "key-file", a.getenv("LEAKDESK_KEY_FILE"), "the evidence master key, best kept outside the data directory; default DATA/key.txt (env LEAKDESK_KEY_FILE; LEAKDESK_KEY holds the key itself)")
	f.StringVar(&a.dbURL, "db", a.getenv("LEAKDESK_DB"), "PostgreSQL URL, postgres://…; empty for the embedded SQLite store (env LEAKDESK_DB)")
	f.StringVar(&a.rulesDir, "rules", a.getenv("LEAKDESK_RULES"), "directory of regime files that add to or replace the embedded ones (env LEAKDESK_RULES)")
	f.StringVar(&a.format, "format", "table", "output format: table or json (report: md, html or json)")
	f.StringVar(&a.actorFlag, "actor", "", "removed: the timeline records the operating-system user running leakdesk")
	f.MarkHidden("actor")
	f.BoolVarP(&a.verbose, "verbose", "v", false, "log what leakdesk does to stderr")

	root.AddCommand(a.incidentCommand(), a.evidenceCommand(), a.inspectCommand(), a.matchCommand(), a.traceCommand(), a.deadlinesCommand(), a.filedCommand(),
		a.assessCommand(), a.reportCommand(), a.notifyCommand(), a.serveCommand(), a.exportCommand(), a.sampleCommand(), a.demoCommand(),
		a.userCommand(), a.approvalsCommand(), a.approveCommand(), a.bundleCommand(), a.portalCommand())
	root.AddCommand(a.verifyLeakCommand(), a.shareCommand(), a.watchCommand(), a.decoySMTPCommand(), a.workerCommand(), a.registryCommand(), a.triageCommand())
	return root
}

func (a *app) envOr(key, fallback string) string {
	if v := a.getenv(key); v != "" {
		return v
	}
	return fallback
}

func (a *app) setUp() error {
	switch a.format {
	case "table", "json", "md", "html", "csv", "xlsx", "stix", "misp":
	default:
		return leakdesk.Errorf(leakdesk.EINVALID, "invalid --format %q: want table or json (report: md, html; match: csv; export: csv, xlsx, json; share: stix, misp)", a.format)
	}
	level := slog.LevelWarn
	if a.verbose {
		level = slog.LevelInfo
	}
	a.logger = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))
	return a.identify()
}

// openDB opens the incident store: PostgreSQL when --db is set, otherwise
// SQLite in the data directory.
func (a *app) openDB(ctx context.Context) (*store.DB, error) {
	if a.db != nil {
		return a.db, nil
	}
	dsn := a.dbURL
	if dsn == "" {
		if err := a.ensureDataDir(); err != nil {
			return nil, err
		}
		dsn = filepath.Join(a.dataDir, "leakdesk.db")
		if err := createPrivate(dsn); err != nil {
			return nil, err
		}
	} else if !store.IsPostgresURL(dsn) {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid --db: want a postgres:// URL, or nothing for the embedded SQLite store")
	}
	db, err := store.Open(ctx, dsn, store.Options{BusyTimeout: a.busyTimeout})
	if err != nil {
		return nil, err
	}
	a.logger.Info("store opened", "dialect", db.Dialect())
	a.db = db
	if a.dbURL == "" {
		a.tightenDatabaseFiles(dsn)
	}
	return db, nil
}

func (a *app) ensureDataDir() error {
	if err := os.MkdirAll(a.dataDir, 0o700); err != nil {
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "data directory %s cannot be created: %v", a.dataDir, err)
	}
	a.tightenDataDir()
	return nil
}

func (a *app) vaultDir() string { return filepath.Join(a.dataDir, "evidence") }

// openVault opens the evidence vault with the master key (see masterKey).
func (a *app) openVault() (*vault.Vault, error) {
	if a.vault != nil {
		return a.vault, nil
	}
	if err := a.ensureDataDir(); err != nil {
		return nil, err
	}
	dir := a.vaultDir()
	key, err := a.masterKey(dir)
	if err != nil {
		return nil, err
	}
	v, err := vault.Open(dir, key)
	if err != nil {
		return nil, err
	}
	a.vault = v
	return v, nil
}

// masterKey is the evidence master key: LEAKDESK_KEY itself, or the file
// --key-file names, or key.txt in the data directory. A key file is created
// for a new vault only. A key inside the data directory is reported: a copy
// of the directory would then decrypt all the evidence.
func (a *app) masterKey(vaultDir string) (string, error) {
	if key := a.getenv("LEAKDESK_KEY"); key != "" {
		return key, nil
	}
	path := a.keyFile
	if path == "" {
		path = filepath.Join(a.dataDir, "key.txt")
	}
	key, err := a.loadOrCreateKey(path, vaultDir)
	if err != nil {
		return "", err
	}
	if !a.demo && isInside(a.dataDir, path) {
		fmt.Fprintf(a.stderr, "leakdesk: warning: the evidence key %s is inside the data directory, so a copy of the directory decrypts all the evidence. Move it out (mv %s /somewhere/safe/leakdesk.key) and pass --key-file /somewhere/safe/leakdesk.key or set LEAKDESK_KEY_FILE.\n", path, path)
	}
	return key, nil
}

// evidenceSpool is where decrypted evidence is spooled for reading: this
// process's directory inside the vault, removed at exit.
func (a *app) evidenceSpool() (string, error) {
	if a.spool == nil {
		if err := a.ensureDataDir(); err != nil {
			return "", err
		}
		spool, err := vault.ClaimSpool(a.vaultDir())
		if err != nil {
			return "", leakdesk.Errorf(leakdesk.EUNAVAILABLE, "evidence spool cannot be made: %v", err)
		}
		a.spool = spool
	}
	return a.spool.Dir(), nil
}

func (a *app) loadOrCreateKey(path, vaultDir string) (string, error) {
	key, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(key)), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "evidence key %s cannot be read: %v", path, err)
	}
	if _, err := os.Stat(filepath.Join(vaultDir, "recipient.txt")); err == nil {
		return "", leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "the evidence vault exists but its key is missing: set LEAKDESK_KEY or LEAKDESK_KEY_FILE, or restore %s", path)
	}
	secret, err := vault.GenerateKey()
	if err != nil {
		return "", err
	}
	if err := writeKey(path, secret); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another process created the key first: use that one.
			return a.loadOrCreateKey(path, vaultDir)
		}
		return "", leakdesk.Errorf(leakdesk.EUNAVAILABLE, "evidence key %s cannot be written: %v", path, err)
	}
	fmt.Fprintf(a.stderr, "leakdesk: a new evidence key was created at %s. Back it up now: without it, no evidence can ever be read.\n", path)
	return secret, nil
}

// writeKey creates the key file whole or not at all: a process killed while
// writing must not leave a partial key that locks the evidence away. The
// key is written and synced under a temporary name, then linked into place,
// which fails if another process created it meanwhile.
func writeKey(path, secret string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(secret + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path)
}

func (a *app) loadRules() (*rules.Rules, error) {
	if a.rules == nil {
		var dirs []string
		if a.rulesDir != "" {
			dirs = append(dirs, a.rulesDir)
		}
		r, err := rules.Load(dirs...)
		if err != nil {
			return nil, err
		}
		a.rules = r
	}
	return a.rules, nil
}

func (a *app) incidents(ctx context.Context) (leakdesk.IncidentService, error) {
	return a.incidentStore(ctx)
}

// incidentStore is the incident service, which checks filings and closings
// against the clocks of the loaded rules.
func (a *app) incidentStore(ctx context.Context) (*store.IncidentService, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	r, err := a.loadRules()
	if err != nil {
		return nil, err
	}
	return store.NewIncidentService(db, r), nil
}

func (a *app) evidence(ctx context.Context) (leakdesk.EvidenceService, error) {
	return a.evidenceStore(ctx)
}

// evidenceStore is the evidence service, with a data key per incident.
func (a *app) evidenceStore(ctx context.Context) (*store.EvidenceService, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	v, err := a.openVault()
	if err != nil {
		return nil, err
	}
	return store.NewEvidenceService(db, v), nil
}

// parseTime reads an RFC 3339 time with an offset, or "now".
func (a *app) parseTime(flag, value string) (time.Time, error) {
	if value == "now" {
		return a.now(), nil
	}
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return time.Time{}, leakdesk.Errorf(leakdesk.EINVALID, "invalid %s %q: want RFC 3339 with an offset, such as 2026-03-01T21:00:00+01:00, or now", flag, value)
	}
	return t, nil
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return leakdesk.Errorf(leakdesk.EINVALID, "unknown command or argument %q for %q; see %s --help", args[0], cmd.CommandPath(), cmd.CommandPath())
	}
	return nil
}

func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != len(names) {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s takes %d argument(s): %s; got %d", cmd.CommandPath(), len(names), strings.Join(names, " "), len(args))
		}
		return nil
	}
}

// requireFlags reports the first of names that was not given. Cobra's own
// required flags fail with an error that carries no code, so they would
// leave with the wrong exit status.
func requireFlags(cmd *cobra.Command, names ...string) error {
	for _, name := range names {
		if !cmd.Flags().Changed(name) {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s needs --%s; see %s --help", cmd.CommandPath(), name, cmd.CommandPath())
		}
	}
	return nil
}

// loadOrCreateSecret reads the 32-byte secret at path, or makes one the
// first time, written as the evidence key is (writeKey). Instances sharing
// a PostgreSQL store must share the file.
func loadOrCreateSecret(path string) ([]byte, error) {
	for {
		data, err := os.ReadFile(path)
		if err == nil {
			key, err := hex.DecodeString(strings.TrimSpace(string(data)))
			if err != nil {
				return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "secret %s is not hexadecimal: %v", path, err)
			}
			return key, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read secret %s: %w", path, err)
		}
		key := make([]byte, 32)
		rand.Read(key)
		if err := writeKey(path, hex.EncodeToString(key)); err != nil {
			if errors.Is(err, fs.ErrExist) {
				continue // another process created it first: use that one
			}
			return nil, fmt.Errorf("create secret %s: %w", path, err)
		}
		return key, nil
	}
}
