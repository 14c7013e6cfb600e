// Package http serves leakdesk over HTTP: the console, the JSON API under
// /api/v1, the login, the acknowledgement links in notices, the delivery-report
// webhook, and health checks.
package http

import (
	"context"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/proof"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/trace"
)

//go:embed views/*.html
var views embed.FS

// Config holds what the server needs.
type Config struct {
	Logger  *slog.Logger
	Notices leakdesk.NoticeService
	Acks    *notify.Acknowledgements
	// DecoyCalls, when set, takes a phone system's reports of calls to
	// decoy numbers at POST /api/decoy-calls, behind WebhookToken
	// (package decoy's CallsHandler).
	DecoyCalls http.Handler
	// WebhookToken, when set, enables POST /api/reports for delivery
	// reports, for callers that send it as a bearer token.
	WebhookToken string

	Accounts  leakdesk.AccountService
	Incidents leakdesk.IncidentService
	Approvals leakdesk.ApprovalService
	Evidence  leakdesk.EvidenceService
	Findings  leakdesk.FindingsService
	// SpoolDir gives the directory where decrypted evidence that needs
	// random access is spooled (the vault's own); reading such evidence
	// fails without it.
	SpoolDir func() (string, error)
	// Rules assembles summaries, assessments and reports.
	Rules *rules.Services
	// Campaigns lists recipients, coverage and logs contacts.
	Campaigns *notify.Campaigns
	// Dispatcher sends notices in the background, for as long as the
	// server runs; without it, send and update answer 503.
	Dispatcher *notify.Dispatcher
	// Composes says that Campaigns has templates and a From (serve
	// --from): notices are planned and previewed; otherwise those routes
	// answer 503.
	Composes bool
	// Registry is the organisation's own registry of contacts, a file on
	// the server (serve --registry), which match and verify-leak read. Those
	// routes answer 503 without one.
	Registry Registry
	// Proof signs timelines and assembles bundles; without it (no signing
	// key) the bundle route answers 503.
	Proof *proof.Service
	// Exports are the fingerprinted exports, whose decoys share lists.
	Exports leakdesk.ExportService
	// Alarms are the decoy alarms on record, listed beside the trace of
	// the incidents they concern; without it the alarms route answers 503.
	Alarms leakdesk.DecoyAlarmService
	// Trace ranks the registry's past exports against a leak, decodes
	// fingerprints and makes fingerprinted exports; without it those
	// routes answer 503.
	Trace *trace.Service
	// Shredder destroys a closed incident's evidence key; without it the
	// shred route answers 503.
	Shredder Shredder
	// ShareKey keys the HMAC that masks people in what share writes (the
	// data directory's share.key); the share route answers 503 without it.
	ShareKey []byte
	// Portal keeps the affected organisations' links and questions; the
	// portal's pages answer 503 without it.
	Portal leakdesk.PortalService
	// OIDC, when set, enables single sign-on (NewOIDC).
	OIDC *OIDC
	// Intake, when set, takes files in for triage (POST /api/v1/intake),
	// each at most IntakeMaxBytes (DefaultIntakeMaxBytes when zero).
	Intake         Intake
	IntakeMaxBytes int64
	// IntakeFiles lists the files taken in, and KeptFiles shreds them;
	// without them those routes and the intake page answer 503.
	IntakeFiles IntakeFiles
	KeptFiles   leakdesk.KeptFileService

	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// SecureCookies marks the session cookie Secure. Only a server that
	// listens on loopback without TLS may leave it off.
	SecureCookies bool
	// SessionTTL is how long a login lasts; DefaultSessionTTL when zero.
	SessionTTL time.Duration
	// Limits are the per-client rate limits; DefaultLimits when zero.
	Limits Limits
}

// Registry says where the registry of contacts is and how to read it, as
// the flags of leakdesk match.
type Registry struct {
	Path    string
	Options match.RegistryOptions
	// History (the registry's change log) and PastExports are searched
	// for former contacts.
	History     string
	PastExports []string
	Read        dump.Options // how to read the registry and the evidence
}

// Shredder crypto-shreds a closed incident's evidence (store.EvidenceService).
type Shredder interface {
	ShredEvidence(ctx context.Context, incidentID int64, actor string) (*leakdesk.EvidenceShreddedPayload, error)
}

// DefaultSessionTTL is how long a login lasts: a working day.
const DefaultSessionTTL = 12 * time.Hour

// server holds the configuration and what NewServer prepares once.
type server struct {
	cfg          Config
	log          *slog.Logger
	tmpl         *template.Template
	logins       *limiter // every login attempt
	tokenFails   *limiter // failed bearer-token authentications
	ackLinks     *limiter // acknowledgement link requests
	crossOrigins *http.CrossOriginProtection
	console      []consolePage
	profiler     *dump.EvidenceProfiler // inspect: masked samples
	// personal erases and shows an incident's personal values; nil when
	// the store does not keep them apart from the timeline.
	personal leakdesk.PersonalService
}

// NewServer returns the handler for every route in routes.go. Views are
// parsed here, so that a broken one fails at start-up, not on a request.
func NewServer(cfg Config) (http.Handler, error) {
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, s.guard(rt))
	}
	return securityHeaders(s.crossOrigins.Handler(mux)), nil
}

func newServer(cfg Config) (*server, error) {
	tmpl, err := template.ParseFS(views, "views/*.html")
	if err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits()
	}
	s := &server{cfg: cfg, log: cfg.Logger, tmpl: tmpl,
		logins:       newLimiter(cfg.Limits.Login),
		tokenFails:   newLimiter(cfg.Limits.TokenFailures),
		ackLinks:     newLimiter(cfg.Limits.AckLinks),
		crossOrigins: http.NewCrossOriginProtection(),
	}
	s.personal, _ = cfg.Incidents.(leakdesk.PersonalService)
	if s.console, err = consolePages(ConsoleDeps{Logger: cfg.Logger, Incidents: cfg.Incidents, Personal: s.personal, Findings: cfg.Findings,
		Summaries: cfg.Rules, Campaigns: cfg.Campaigns, Portal: cfg.Portal, Accounts: cfg.Accounts, Now: cfg.Now, Notices: cfg.Notices, Approvals: cfg.Approvals, Evidence: cfg.Evidence,
		Registry: cfg.Registry, Composes: cfg.Composes, Dispatcher: cfg.Dispatcher, Alarms: cfg.Alarms,
		IntakeFiles: cfg.IntakeFiles, KeptFiles: cfg.KeptFiles}); err != nil {
		return nil, err
	}
	if cfg.SpoolDir == nil {
		cfg.SpoolDir = func() (string, error) {
			return "", leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server has no spool directory for evidence that must be read out of order")
		}
	}
	if s.profiler, err = dump.NewEvidenceProfiler(cfg.Evidence, cfg.SpoolDir); err != nil {
		return nil, err
	}
	s.crossOrigins.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, leakdesk.Errorf(leakdesk.EFORBIDDEN, "cross-origin request refused"))
	}))
	return s, nil
}

// securityHeaders sets, on every response, the headers that keep pages
// out of frames, stop content sniffing and keep URLs (which may hold an
// acknowledgement token) out of other sites' logs.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// render shows a view with status, and logs a failure once, here.
func render(w http.ResponseWriter, log *slog.Logger, tmpl *template.Template, status int, view string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := tmpl.ExecuteTemplate(w, view, data); err != nil {
		log.Error("render view", "view", view, "error", err)
	}
}
