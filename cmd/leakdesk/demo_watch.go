package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/verdict"
	"github.com/leakdesk/leakdesk/watch"
)

// demoDomain is the decoy domain the demo's mail server receives for: one
// of those demoFingerprints plants decoys on.
const demoDomain = "vernier-conseil.fr"

// demoDiscovery shows how a desk finds out first: the leak dropped in a
// watched directory raises an alert and proposes an incident, the verdict
// weighs the seller's claims, mail to a decoy raises an alarm naming the
// export, and the incident goes to CERTs as a STIX bundle. Alerts go to
// the demo's outbox directory.
func (a *app) demoDiscovery(ctx context.Context, dir string, inc *leakdesk.Incident) error {
	if a.format == "json" {
		return nil
	}
	registry, history, leakPath := filepath.Join(dir, "registry", "contacts.csv"), filepath.Join(dir, "registry", "history.csv"), filepath.Join(dir, "fingerprinted", "forum-post.csv")
	outbox, drop := filepath.Join(dir, "alerts"), filepath.Join(dir, "drop")
	for _, d := range []string{outbox, drop} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "cannot create %s: %v", d, err)
		}
	}
	flags := &alertFlags{alertMin: 10, role: leakdesk.RoleController, regimes: "gdpr"}
	desk, err := a.watchDesk(ctx, flags, watch.Config{
		Triage: watch.TriageConfig{Registry: registry, AlertMin: flags.alertMin, Read: dump.Options{Region: "FR"}},
		Alerts: watch.AlertConfig{Mail: &notify.OutboxDialer{Dir: outbox}, From: notify.From{Name: "leakdesk", Address: "desk@example.org"}, To: "dpo@example.org"},
	})
	if err != nil {
		return err
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	triage := store.NewTriageService(db)
	incidents, err := a.incidents(ctx)
	if err != nil {
		return err
	}
	serve, decoyAddr, err := a.decoySMTP(ctx, desk, "127.0.0.1:0", demoDomain)
	if err != nil {
		return err
	}
	watchCtx, stop := context.WithCancel(ctx)
	defer stop()
	taken := make(chan *watch.Received, 2)
	drops := watch.NewDropDirs(desk.Intake, []string{drop}, 100*time.Millisecond, a.principal, a.logger)
	drops.Taken = func(_ string, r *watch.Received) { taken <- r }
	done := make(chan error, 1)
	go func() {
		done <- runDesk(watchCtx, desk, func(ctx context.Context) error {
			go serve(ctx)
			return drops.Run(ctx)
		})
	}()
	defer func() { stop(); <-done }()

	a.say("\n15. Finding out first (leakdesk watch %s --registry %s --smtp ... --alert-to dpo@example.org):", drop, registry)
	first, err := demoDrop(ctx, leakPath, drop, "forum-post.csv", taken)
	if err != nil {
		return err
	}
	f, err := demoWait(ctx, func() (*leakdesk.TriageFile, bool, error) {
		f, err := triage.FindTriage(ctx, first.File.ID)
		return f, err == nil && f.State != leakdesk.TriageQueued && (f.AlertedAt.IsZero() || !f.MailSentAt.IsZero()), err
	})
	if err != nil {
		return err
	}
	a.say("    The forum post dropped in the watched directory is kept as evidence (sha256 %.16s…) and matched: %d registry contacts in %d rows.", f.SHA256, f.Contacts, f.Rows)
	if !f.AlertedAt.IsZero() {
		a.say("    Alert mailed to dpo@example.org (%s), once.", outbox)
	}
	proposed, err := demoWait(ctx, func() ([]*leakdesk.Incident, bool, error) {
		list, err := incidents.FindIncidents(ctx, leakdesk.IncidentFilter{Status: leakdesk.StatusProposed})
		return list, err == nil && len(list) > 0, err
	})
	if err != nil {
		return err
	}
	a.say("    Incident %s proposed, aware at the alert's time %s, for a person to confirm or correct (leakdesk incident confirm %s [--aware-at T]).",
		proposed[0].PublicID(), showTime(proposed[0].AwareAt, proposed[0].Location()), proposed[0].PublicID())
	again, err := demoDrop(ctx, leakPath, drop, "forum-post-again.csv", taken)
	if err != nil {
		return err
	}
	a.say("    Posted again elsewhere: %s.", again)

	rep, err := verdict.Run(ctx, verdict.Request{Leak: match.Files(leakPath)[0], Registry: registry, History: history,
		Own: verdict.Own{Domains: []string{demoDomain}}, Read: dump.Options{Region: "FR"}})
	if err != nil {
		return err
	}
	a.say("\n16. The verdict on the leak and the seller's claims (leakdesk verify-leak %s --registry ... --history ...):", leakPath)
	for _, finding := range rep.Findings() {
		a.say("    %-36s %s", finding.Question, finding.Verdict)
	}

	if err := a.demoDecoyMail(ctx, store.NewExportService(db), incidents, store.NewDecoyAlarmService(db), decoyAddr, outbox); err != nil {
		return err
	}
	return a.demoShare(ctx, inc, dir)
}

// demoDrop writes the leak into the drop directory as a writer should,
// under a name the watcher leaves alone, then renamed, and waits for it
// to be taken.
func demoDrop(ctx context.Context, src, drop, name string, taken <-chan *watch.Received) (*watch.Received, error) {
	data, err := os.ReadFile(src)
	if err != nil {
		return nil, err
	}
	part := filepath.Join(drop, name+".part")
	if err := os.WriteFile(part, data, 0o644); err != nil {
		return nil, err
	}
	if err := os.Rename(part, filepath.Join(drop, name)); err != nil {
		return nil, err
	}
	select {
	case r := <-taken:
		return r, nil
	case <-time.After(time.Minute):
		return nil, fmt.Errorf("the demo's watcher did not take %s in a minute", name)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// demoWait polls get until it says ready, for a minute at most.
func demoWait[T any](ctx context.Context, get func() (T, bool, error)) (T, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		v, ready, err := get()
		if ready || time.Now().After(deadline) {
			if !ready && err == nil {
				err = fmt.Errorf("the demo's desk did not finish its work in a minute")
			}
			return v, err
		}
		select {
		case <-ctx.Done():
			return v, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// demoDecoyMail sends mail to a decoy, as someone using a leaked list
// would, and shows the alarm.
func (a *app) demoDecoyMail(ctx context.Context, exports leakdesk.ExportService, incidents leakdesk.IncidentService, alarms leakdesk.DecoyAlarmService, addr, outbox string) error {
	list, err := exports.Exports(ctx)
	if err != nil {
		return err
	}
	// The decoy written into the fewest export files names the fewest; the
	// first by address among them, so that a seed always mails the same
	// one. An export's decoy set is the pool its decoys were drawn from,
	// not what its file holds: a decoy of the pool that no file holds is
	// carried by no export.
	carriers := map[string]int{}
	for _, e := range list {
		file, err := os.ReadFile(e.File)
		if err != nil {
			continue // an export written elsewhere
		}
		file = bytes.ToLower(file) // exports may write an address's case as people do
		for _, c := range e.DecoyContacts {
			if strings.HasSuffix(c.Email, "@"+demoDomain) && bytes.Contains(file, []byte(strings.ToLower(c.Email))) {
				carriers[c.Email]++
			}
		}
	}
	decoy := ""
	for email, n := range carriers {
		if decoy == "" || n < carriers[decoy] || n == carriers[decoy] && email < decoy {
			decoy = email
		}
	}
	if decoy == "" {
		return fmt.Errorf("the demo's exports hold no decoy at %s", demoDomain)
	}
	msg := "From: seller@market.example\r\nTo: " + decoy + "\r\nSubject: your data\r\n\r\nWe have your customer list.\r\n"
	if err := smtp.SendMail(addr, nil, "seller@market.example", []string{decoy}, []byte(msg)); err != nil {
		return fmt.Errorf("mail the demo's decoy: %w", err)
	}
	a.say("\n17. A decoy is mailed (leakdesk serve --decoy-smtp :25 --decoy-domain %s, here on %s): %s.", demoDomain, addr, decoy)
	line, err := demoWait(ctx, func() (string, bool, error) {
		files, _ := filepath.Glob(filepath.Join(outbox, "*.eml"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return "", false, err
			}
			text, err := plainText(data)
			if err != nil {
				return "", false, fmt.Errorf("read the alarm mail %s: %w", f, err)
			}
			if _, rest, ok := strings.Cut(text, "Exports that carried it: "); ok {
				line, _, _ := strings.Cut(rest, "\n")
				return strings.TrimSuffix(strings.TrimSpace(line), "."), true, nil
			}
		}
		return "", false, nil
	})
	if err != nil {
		return err
	}
	proposed, err := demoWait(ctx, func() ([]*leakdesk.Incident, bool, error) {
		list, err := incidents.FindIncidents(ctx, leakdesk.IncidentFilter{Status: leakdesk.StatusProposed})
		return list, err == nil && len(list) > 1, err
	})
	if err != nil {
		return err
	}
	a.say("    Alarm mailed: the exports that carried it are %s. Incident %s proposed.", line, proposed[0].PublicID())
	recorded, err := alarms.FindDecoyAlarms(ctx, leakdesk.DecoyAlarmFilter{Incident: proposed[0].ID})
	if err != nil {
		return err
	}
	if len(recorded) != 1 {
		return fmt.Errorf("incident %s holds %d decoy alarms, want the one raised", proposed[0].PublicID(), len(recorded))
	}
	a.say("    On the record as alarm %s, on %s's timeline and Source page (GET /api/v1/incidents/%s/alarms); the mail, sha256 %s, is its evidence.",
		recorded[0].Key, proposed[0].PublicID(), proposed[0].PublicID(), recorded[0].Evidence)
	return nil
}

// plainText returns the text/plain body of a message, decoded: mail
// writers wrap long lines with quoted-printable soft breaks.
func plainText(data []byte) (string, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		body := io.Reader(msg.Body)
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		text, err := io.ReadAll(body)
		return string(text), err
	}
	parts := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := parts.NextPart() // decodes quoted-printable itself
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(part.Header.Get("Content-Type"), "text/plain") {
			text, err := io.ReadAll(part)
			return string(text), err
		}
	}
}

// demoShare writes the incident for CERTs as a STIX 2.1 bundle.
func (a *app) demoShare(ctx context.Context, inc *leakdesk.Incident, dir string) error {
	data, err := a.shareIncident(ctx, inc.ID, "stix")
	if err != nil {
		return err
	}
	out := filepath.Join(dir, "share.stix.json")
	if err := os.WriteFile(out, data, 0o600); err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "write %s: %v", out, err)
	}
	a.say("\n18. For CERTs (leakdesk share %s --format stix --out %s): a STIX 2.1 bundle of %d bytes, the leak's hashes and the decoys as indicators, no personal data.",
		inc.PublicID(), out, len(data))
	return nil
}
