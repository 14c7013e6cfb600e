package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/auth"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/sample"
	"github.com/leakdesk/leakdesk/trace"
)

func (a *app) demoCommand() *cobra.Command {
	var seed uint64
	var serveAfter bool
	var serveAddr string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the response to a synthetic leak end to end on the embedded store",
		Long: `Run the main job on a synthetic incident: generate a customer registry, its
exports and a leaked copy; open an incident that became known a few hours
ago under GDPR and NIS2; store the leaked file as evidence; and show the
incident with its legal clocks. Everything goes to the data directory.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.demo = true // a demo's key may sit beside its data
			ctx := cmd.Context()
			dir := filepath.Join(a.dataDir, "demo", fmt.Sprintf("seed-%d", seed))
			s, err := sample.Generate(sample.Config{Seed: seed})
			if err != nil {
				return err
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "cannot create %s: %v", dir, err)
			}
			if err := s.Write(dir); err != nil {
				return err
			}
			a.say("1. Synthetic incident written to %s (%d registry contacts, %d exports).", dir, len(s.Registry), len(s.Exports))

			svc, err := a.incidents(ctx)
			if err != nil {
				return err
			}
			// Awareness a few hours ago, so the clocks are running.
			inc := &leakdesk.Incident{
				Title:        "Customer contact list posted on a criminal forum",
				AwareAt:      a.now().Add(-5 * time.Hour).Truncate(time.Minute),
				DiscoveredBy: "threat-intelligence watch",
				Role:         leakdesk.RoleController, Regimes: []string{"gdpr", "nis2"}, Country: "FR", TimeZone: "Europe/Paris",
			}
			if err := svc.CreateIncident(ctx, inc, a.actor); err != nil {
				return err
			}
			a.say("2. Incident %s opened; awareness %s starts the clocks.", inc.PublicID(), showTime(inc.AwareAt, inc.Location()))

			ev, err := a.evidence(ctx)
			if err != nil {
				return err
			}
			leakPath := filepath.Join(dir, s.LeakPath())
			f, _, err := openInput(leakPath)
			if err != nil {
				return err
			}
			defer f.Close()
			e := &leakdesk.Evidence{IncidentID: inc.ID, Filename: filepath.Base(leakPath), Source: "forum post (synthetic)", AddedBy: a.actor}
			if err := ev.AddEvidence(ctx, e, f); err != nil {
				return err
			}
			a.say("3. Leaked file stored as evidence #%d, sha256 %s, encrypted in %s.", e.ID, e.SHA256, filepath.Join(a.dataDir, "evidence"))

			// Read the leak back out of the vault, as every later step will:
			// the read is logged on the timeline.
			profiler, err := dump.NewEvidenceProfiler(ev, a.evidenceSpool)
			if err != nil {
				return err
			}
			fp, err := profiler.ProfilePiece(ctx, inc.ID, e, a.actor, "profile the leaked file")
			if err != nil {
				return err
			}
			a.say("4. What the leak holds (values masked):")
			if a.format != "json" {
				printProfile(a.stdout, fp)
			}

			// Who is in it: link the leak to the registry.
			registry, history := filepath.Join(dir, "registry", "contacts.csv"), filepath.Join(dir, "registry", "history.csv")
			pastExports, err := trace.CandidateFiles([]string{filepath.Join(dir, "exports")})
			if err != nil {
				return err
			}
			matcher, err := a.matchService(ctx)
			if err != nil {
				return err
			}
			matched, err := matcher.Match(ctx, match.Request{Registry: registry, Leaks: match.Files(leakPath), PastExports: pastExports, History: history,
				Read: dump.Options{Region: "FR"}, Incident: inc.ID, Actor: a.actor})
			if err != nil {
				return err
			}
			res := matched.Findings
			a.say("\n5. Who is in it (leakdesk match --incident %s --registry %s --export DIR --history FILE):", inc.PublicID(), res.Registry)
			a.say("   %d of %d leaked rows belong to %d registry contacts of %d organisations; %d rows to review.",
				res.MatchedRows, res.Rows, len(res.Contacts), len(res.Organisations), len(res.Review))
			people := res.Count()
			a.say("   %d people in the leak: %d affected contacts, %d former contacts (in past exports or the registry's history), %d unknown.",
				people.Total, people.Affected, people.Former, people.Unknown)
			if len(res.Contacts) > 0 {
				c := res.Contacts[0]
				var why []string
				for _, e := range c.Evidence {
					why = append(why, fmt.Sprintf("%s %s (%+g)", e.Field, e.How, e.Weight))
				}
				a.say("   Why %s is in it (%s, %.3f): %s.", c.ID, c.Class, c.Confidence, strings.Join(why, "; "))
			}

			// Where it came from: rank the exports found on the shared drive,
			// recorded on the timeline, where the status page finds the source.
			tracer, err := a.traceService(ctx, true)
			if err != nil {
				return err
			}
			traced, err := tracer.Rank(ctx, trace.RankRequest{Leak: match.Files(leakPath)[0], Candidates: []string{filepath.Join(dir, "exports")},
				Log: filepath.Join(dir, "exports", "export_log.csv"), Registry: registry, History: history, Read: dump.Options{Region: "FR"}, Incident: inc.ID, Actor: a.actor})
			if err != nil {
				return err
			}
			a.say("\n6. Where it came from (leakdesk trace --leak ... --candidates %s --log ...):", filepath.Join(dir, "exports"))
			if top := traced.Candidates[0]; top.Export != nil {
				a.say("   %s, exported %s by %s (%s). %d of %d leaked rows are in it.",
					filepath.Base(top.File), top.Export.At.Format("2006-01-02"), top.Export.User, top.Export.ID, top.Found, traced.LeakRows)
				for _, e := range top.Evidence[2:] {
					a.say("   - %s", e)
				}
			}
			a.say("   Dating, from the registry's history: %s.", traced.Dating.Note)

			// The responder confirms the severity: the list was offered for sale.
			rs, err := a.rulesServices(ctx)
			if err != nil {
				return err
			}
			result, err := rs.Assess(ctx, inc.ID, rules.AssessRequest{Actor: a.actor, Confirm: true, Now: a.now(),
				Set: map[string]float64{"malicious": 0.5}, Why: map[string]string{"malicious": "the list was offered for sale on a criminal forum"}})
			if err != nil {
				return err
			}
			a.say("\n7. Severity, confirmed by %s:", a.actor)
			if a.format != "json" {
				a.printAssessment(result)
			}

			rep, err := rs.Summary(ctx, inc.ID, a.now())
			if err != nil {
				return err
			}
			a.say("\n8. The incident as it stands:\n")
			if err := a.printIncidentReport(rep); err != nil {
				return err
			}
			filing, err := rs.Report(ctx, inc.ID, "cnil", "fr", a.now())
			if err != nil {
				return err
			}
			a.say("\n9. The CNIL notification, pre-filled (leakdesk report %s --kind cnil):\n", inc.PublicID())
			if a.format != "json" {
				fmt.Fprint(a.stdout, filing.Markdown())
			}
			if err := a.demoNotices(ctx, inc); err != nil {
				return err
			}
			if err := a.demoFingerprints(ctx, dir); err != nil {
				return err
			}
			if err := a.demoPersonLinkage(ctx, dir, seed); err != nil {
				return err
			}
			if err := a.demoAccounts(ctx, inc); err != nil {
				return err
			}
			if err := a.demoDiscovery(ctx, dir, inc); err != nil {
				return err
			}
			// The demo ends where a responder starts each day: the status page.
			st, err := a.status(ctx, inc.ID)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, st)
			}
			a.say("\n19. Where the incident stands (leakdesk incident status %s):\n", inc.PublicID())
			if err := printStatus(a.stdout, st); err != nil {
				return err
			}
			if err := a.demoBundle(ctx, inc, dir); err != nil || !serveAfter {
				return err
			}
			return a.demoServe(ctx, dir, serveAddr)
		},
	}
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the synthetic incident")
	cmd.Flags().BoolVar(&serveAfter, "serve", false, "then keep the console up on the demo's data, with the demo's accounts")
	cmd.Flags().StringVar(&serveAddr, "addr", "127.0.0.1:8080", "with --serve: the address the console listens on")
	return cmd
}

// demoNotices tells the affected contacts, then updates them, into the
// outbox directory (the demo configures no mail server), and shows who is
// reached.
func (a *app) demoNotices(ctx context.Context, inc *leakdesk.Incident) error {
	svc, err := a.incidents(ctx)
	if err != nil {
		return err
	}
	// What GDPR Art. 34(2) requires a notice to say, as a responder records it.
	for _, f := range [][2]string{
		{"circumstances", "On the night of Sunday, a list of our customers' contacts (names, e-mail addresses, phone numbers, organisations) was posted on a criminal forum."},
		{"circumstances.fr", "Dans la nuit de dimanche, une liste de contacts de nos clients (noms, adresses e-mail, numéros de téléphone, organisations) a été publiée sur un forum criminel."},
		{"consequences", "Your details may be used for phishing e-mails or fraudulent calls that seem to come from us or from someone you know."},
		{"consequences.fr", "Vos coordonnées peuvent servir à des courriels d'hameçonnage ou à des appels frauduleux qui semblent venir de nous ou d'une personne que vous connaissez."},
		{"measures", "We identified the export the list came from, closed the access used, and informed the CNIL and ANSSI. No configuration or detection rule was in the file."},
		{"measures.fr", "Nous avons identifié l'export d'origine, fermé l'accès utilisé, et informé la CNIL et l'ANSSI. Aucune configuration ni règle de détection ne figurait dans le fichier."},
		{"dpo", "Our DPO, dpo@provider.example, +33 1 00 00 00 00 (working days, 9:00-18:00)"},
		{"dpo.fr", "Notre DPO, dpo@provider.example, +33 1 00 00 00 00 (jours ouvrés, 9h-18h)"},
		{"controller", "Provider SAS (demo)"},
	} {
		if err := svc.AppendEvent(ctx, leakdesk.NewEvent(inc.ID, a.actor, leakdesk.EventFact, a.now(), leakdesk.FactPayload{Key: f[0], Value: f[1]})); err != nil {
			return err
		}
	}
	nf := &notifyFlags{
		from: demoFrom, baseURL: a.envOr("LEAKDESK_BASE_URL", "http://localhost:8080"),
		outbox: filepath.Join(a.dataDir, "outbox"), connections: 4, lease: notify.DefaultLease,
	}
	first, err := a.sendNotice(ctx, nf, inc.ID, &leakdesk.Notice{Campaign: "first-notice", Kind: leakdesk.NoticeFirst, Template: "first"})
	if err != nil {
		return err
	}
	a.say("\n10. First notice (leakdesk notify send %s --campaign first-notice): %d sent in %.1fs to %s, each with its own acknowledgement link.",
		first.Incident, first.States[leakdesk.DeliverySent], first.Seconds, nf.outbox)
	update, err := a.sendNotice(ctx, nf, inc.ID, &leakdesk.Notice{Campaign: "update-1", Kind: leakdesk.NoticeUpdate, Template: "update",
		Message:      "The inquiry found the export the list came from. The account used to make it is closed, and no other file left our systems.",
		Translations: map[string]string{"fr": "L'enquête a identifié l'export d'où vient la liste. Le compte qui l'a produit est fermé, et aucun autre fichier n'est sorti de nos systèmes."}})
	if err != nil {
		return err
	}
	a.say("11. Update 1 (leakdesk notify update %s --message FILE): %d sent.", update.Incident, update.States[leakdesk.DeliverySent])
	cov, err := a.coverage(ctx, inc.ID)
	if err != nil {
		return err
	}
	if a.format == "json" {
		return writeJSON(a.stdout, map[string]any{"incident": inc.PublicID(), "first_notice": first, "update": update, "coverage": cov})
	}
	a.say("12. Coverage (leakdesk notify coverage %s):", inc.PublicID())
	printCoverageSummary(a, cov)
	return nil
}

// demoFingerprints shows the exports made from now on: each fingerprinted
// for its recipient, so that the next leak names its source with a proven
// bound, without candidate files.
func (a *app) demoFingerprints(ctx context.Context, dir string) error {
	if a.format == "json" {
		return nil
	}
	out := filepath.Join(dir, "fingerprinted")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "cannot create %s: %v", out, err)
	}
	a.say("\n13. From now on, every export is fingerprinted for its recipient (leakdesk export):")
	// Decoys on four domains the provider owns, and its ranges in France
	// and Germany, fixed and mobile.
	decoys := trace.DecoyConfig{Domains: []string{"vernier-conseil.fr", "atelier-moreau.fr", "bellanger-industrie.fr", "hartmann-technik.de"},
		PhoneRanges: []string{"+3342299", "+3376490", "+4930901", "+49176901"}, Pool: trace.DefaultDecoyPool}
	svc, err := a.traceService(ctx, true)
	if err != nil {
		return err
	}
	var leaked *leakdesk.Export
	for _, who := range []string{"sales", "support", "marketing agency", "auditor"} {
		e, err := svc.MakeExport(ctx, trace.ExportRequest{Registry: filepath.Join(dir, "registry", "contacts.csv"), Region: "FR", Recipient: who, Purpose: "demo",
			Format: "csv", Out: filepath.Join(out, strings.ReplaceAll(who, " ", "-")+".csv"), Decoys: decoys, Actor: a.actor})
		if err != nil {
			return err
		}
		a.say("    %s for %s: %d rows, %d decoys, %d positions of the code.", e.ID, e.Recipient, e.Rows, e.Decoys, len(e.Positions))
		if who == "marketing agency" {
			leaked = e
		}
	}
	// A fifth of one copy, shuffled, turns up on a forum.
	f, err := os.Open(leaked.File)
	if err != nil {
		return err
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		return fmt.Errorf("read %s: %w", leaked.File, err)
	}
	body := rows[1:]
	rng := mrand.New(mrand.NewPCG(7, 7))
	rng.Shuffle(len(body), func(i, j int) { body[i], body[j] = body[j], body[i] })
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.Write(rows[0])
	w.WriteAll(body[:len(body)/5])
	leakPath := filepath.Join(out, "forum-post.csv")
	if err := os.WriteFile(leakPath, buf.Bytes(), 0o644); err != nil {
		return err
	}
	a.say("    A fifth of one copy, shuffled, turns up (%s). leakdesk trace --leak, with no candidates:\n", leakPath)
	v, err := svc.Decode(ctx, trace.DecodeRequest{Leak: match.Files(leakPath)[0], Read: dump.Options{Region: "FR"}, Actor: a.actor})
	if err != nil {
		return err
	}
	return a.printVerdict(v)
}

// demoPersonLinkage links person records (names, address, date of birth,
// identity number) shaped like the public FEBRL 4 benchmark, with the
// default weights and with weights estimated from the leak.
func (a *app) demoPersonLinkage(ctx context.Context, dir string, seed uint64) error {
	const persons = 2000
	out := filepath.Join(dir, "persons")
	p, err := sample.GeneratePersonLinkage(seed, persons)
	if err != nil {
		return err
	}
	if err := p.Write(out); err != nil {
		return err
	}
	a.say("\n14. Person records too (leakdesk sample --person-linkage %s; leakdesk match --registry a.csv b.csv):", out)
	a.say("    each of %d records in b.csv is a copy of one in a.csv, damaged as data entry damages it.", persons)
	reader, err := dump.NewReader(dump.Options{Region: "FR"})
	if err != nil {
		return err
	}
	n := match.NewNormaliser("FR")
	reg, err := match.LoadRegistry(ctx, reader, n, filepath.Join(out, "a.csv"), match.RegistryOptions{})
	if err != nil {
		return err
	}
	leak := match.Files(filepath.Join(out, "b.csv"))
	recs, err := match.SampleRecords(ctx, reader, n, leak, persons)
	if err != nil {
		return err
	}
	estimated, _ := match.NewMatcher(reg, match.DefaultWeights()).EstimateWeights(recs)
	for _, run := range []struct {
		name string
		w    match.Weights
	}{{"default weights", match.DefaultWeights()}, {"--estimate-weights", estimated}} {
		res, err := match.NewScanner(reader, n, match.NewMatcher(reg, run.w), 2).Scan(ctx, leak)
		if err != nil {
			return err
		}
		linked, correct := 0, 0
		for _, c := range res.Contacts {
			for _, row := range c.Rows {
				linked++
				if p.Truth[p.Duplicates[row-1][0]] == c.ID {
					correct++
				}
			}
		}
		a.say("    %-20s %d linked, %d correct: precision %.4f, recall %.4f.", run.name+":", linked, correct,
			float64(correct)/float64(max(linked, 1)), float64(correct)/float64(persons))
	}
	return nil
}

// say prints a step of a narrated command; JSON output carries only the result.
func (a *app) say(format string, args ...any) {
	if a.format != "json" {
		fmt.Fprintf(a.stdout, format+"\n", args...)
	}
}

// demoAccounts makes one account per role, with one shared password made
// for this run, and says how to log in.
func (a *app) demoAccounts(ctx context.Context, inc *leakdesk.Incident) error {
	svc, err := a.accounts(ctx)
	if err != nil {
		return err
	}
	password := auth.NewSecret("")[:16]
	var names []string
	for _, role := range leakdesk.Roles() {
		name := "demo-" + string(role)
		acc, err := svc.FindAccountByName(ctx, name)
		if leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND {
			acc = &leakdesk.Account{Name: name, DisplayName: "Demo " + string(role)}
			err = svc.CreateAccount(ctx, acc, a.actor)
		}
		if err != nil {
			return err
		}
		if err := svc.SetPassword(ctx, acc.ID, password, a.actor); err != nil {
			return err
		}
		g := leakdesk.Grant{AccountID: acc.ID, Role: role, IncidentID: inc.ID}
		if role.ConcernsNoIncident() {
			g.IncidentID = leakdesk.AllIncidents
		}
		if err := svc.GrantRole(ctx, g, a.actor); err != nil && leakdesk.ErrorCode(err) != leakdesk.ECONFLICT {
			return err
		}
		names = append(names, name)
	}
	a.say("\n    Accounts, one per role on %s (admin on accounts only, intake on the intake API only): %s, all with the password %s", inc.PublicID(), strings.Join(names, ", "), password)
	a.say("    Start the server with: leakdesk serve --data %s --addr 127.0.0.1:8080, then log in as one of them.", a.dataDir)
	return nil
}
