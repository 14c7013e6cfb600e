package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	ldhttp "github.com/leakdesk/leakdesk/http"
)

// commandRoutes is the API route that does what each command does, with
// the same JSON as its --format json.
var commandRoutes = map[string]string{
	"incident new":        "POST /api/v1/incidents",
	"incident list":       "GET /api/v1/incidents",
	"incident show":       "GET /api/v1/incidents/{id}",
	"incident status":     "GET /api/v1/incidents/{id}/status",
	"incident log":        "GET /api/v1/incidents/{id}/events",
	"incident verify":     "GET /api/v1/incidents/{id}/verify",
	"incident prove":      "GET /api/v1/incidents/{id}/events/{seq}/proof",
	"incident checkpoint": "POST /api/v1/incidents/{id}/checkpoint",
	"incident bundle":     "POST /api/v1/incidents/{id}/bundle",
	"incident aware":      "POST /api/v1/incidents/{id}/aware",
	"incident note":       "POST /api/v1/incidents/{id}/notes",
	"incident fact":       "POST /api/v1/incidents/{id}/facts",
	"incident close":      "POST /api/v1/incidents/{id}/close",
	"incident shred":      "POST /api/v1/incidents/{id}/shred",
	"incident erase":      "POST /api/v1/incidents/{id}/erase",
	"incident retain":     "POST /api/v1/incidents/{id}/retain",
	"incident confirm":    "POST /api/v1/incidents/{id}/confirm",
	"portal link":         "POST /api/v1/incidents/{id}/portal/links",
	"portal revoke":       "POST /api/v1/incidents/{id}/portal/links/{link}/revoke",
	"portal questions":    "GET /api/v1/incidents/{id}/questions",
	"portal answer":       "POST /api/v1/incidents/{id}/questions/{question}/answer",
	"incident reopen":     "POST /api/v1/incidents/{id}/reopen",
	"bundle verify":       "POST /api/v1/bundles/verify",
	"evidence add":        "POST /api/v1/incidents/{id}/evidence",
	"evidence list":       "GET /api/v1/incidents/{id}/evidence",
	"evidence get":        "POST /api/v1/incidents/{id}/evidence/{ref}/read",
	"evidence verify":     "POST /api/v1/incidents/{id}/evidence/verify",
	"inspect":             "POST /api/v1/incidents/{id}/evidence/{ref}/inspect",
	"match":               "POST /api/v1/incidents/{id}/match",
	"trace":               "POST /api/v1/incidents/{id}/trace",
	"export":              "POST /api/v1/exports",
	"deadlines":           "GET /api/v1/incidents/{id}/deadlines",
	"filed":               "POST /api/v1/incidents/{id}/filings",
	"assess":              "POST /api/v1/incidents/{id}/assessment",
	"report":              "GET /api/v1/incidents/{id}/reports/{kind}",
	"notify plan":         "POST /api/v1/incidents/{id}/notices/plan",
	"notify preview":      "POST /api/v1/incidents/{id}/notices/preview",
	"notify send":         "POST /api/v1/incidents/{id}/notices",
	"notify update":       "POST /api/v1/incidents/{id}/notices/updates",
	"notify recipients":   "GET /api/v1/incidents/{id}/recipients",
	"notify coverage":     "GET /api/v1/incidents/{id}/coverage",
	"notify log-contact":  "POST /api/v1/incidents/{id}/contacts",
	"notify reports":      "POST /api/v1/delivery-reports",
	"user add":            "POST /api/v1/accounts",
	"user list":           "GET /api/v1/accounts",
	"user disable":        "POST /api/v1/accounts/{account}/disable",
	"user password":       "PUT /api/v1/accounts/{account}/password",
	"user grant":          "POST /api/v1/accounts/{account}/grants",
	"user revoke":         "POST /api/v1/accounts/{account}/revoke",
	"user token":          "POST /api/v1/accounts/{account}/tokens",
	"user tokens":         "GET /api/v1/accounts/{account}/tokens",
	"user revoke-token":   "POST /api/v1/accounts/{account}/tokens/{token}/revoke",
	"user log":            "GET /api/v1/account-events",
	"approvals require":   "PUT /api/v1/incidents/{id}/approvals/required",
	"approvals list":      "GET /api/v1/incidents/{id}/approvals",
	"approve":             "POST /api/v1/incidents/{id}/approvals/{req}/approve",
	"verify-leak":         "POST /api/v1/incidents/{id}/verify-leak",
	"share":               "GET /api/v1/incidents/{id}/share",
	"triage shred":        "POST /api/v1/intake/{file}/shred",
}

// notOverHTTP are the commands the API does not offer, each with why.
// A command in neither list fails TestEveryCommandHasARoute.
var notOverHTTP = map[string]string{
	"serve":          "it is the server",
	"worker":         "a process of its own that takes matching jobs from the queue",
	"registry index": "writes an index file beside the registry file, on the machine that runs the matching",
	"watch":          "watches a local directory, for as long as it runs",
	"decoy-smtp":     "is a mail server of its own, for as long as it runs",
	"demo":           "sets up a local data directory and prints how to log in",
	"sample":         "writes synthetic files to a local directory",
	"triage move":    "an operator's one-off move of the vault's old files, on the machine that holds the vault",
}

// TestEveryCommandHasARoute: every command of the CLI is an API route, or
// is listed with the reason it is not, and the route is authorised for
// the same action as the command.
func TestEveryCommandHasARoute(t *testing.T) {
	t.Parallel()
	documented := documentedActions(t)
	a := newApp(func(string) string { return "" }, nil, nil, nil)
	actions := commandActions()
	var walk func(cmd *cobra.Command)
	walk = func(cmd *cobra.Command) {
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
		if !cmd.Runnable() || cmd.HasSubCommands() || cmd.Name() == "help" || strings.HasPrefix(cmd.Name(), "completion") {
			return
		}
		name := commandName(cmd)
		if _, ok := notOverHTTP[name]; ok {
			return
		}
		route, ok := commandRoutes[name]
		if !ok {
			t.Errorf("%q has no API route: add one to http/routes.go and to commandRoutes, or say in notOverHTTP why not", name)
			return
		}
		action, ok := documented[route]
		if !ok {
			t.Errorf("%q: its route %s is not in the API's OpenAPI document", name, route)
			return
		}
		if string(actions[name]) != action {
			t.Errorf("%q is authorised for %q, its route %s for %q", name, actions[name], route, action)
		}
	}
	walk(a.rootCommand())
}

// documentedActions reads the server's OpenAPI document: each operation
// ("POST /api/v1/...") with its x-leakdesk-action.
func documentedActions(t *testing.T) map[string]string {
	t.Helper()
	h, err := ldhttp.NewServer(ldhttp.Config{})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json: status %d: %v", w.Code, err)
	}
	ops := map[string]string{}
	for path, methods := range doc.Paths {
		for method, raw := range methods {
			var op struct {
				Action string `json:"x-leakdesk-action"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("openapi.json %s %s: %v", method, path, err)
			}
			ops[strings.ToUpper(method)+" "+path] = op.Action
		}
	}
	return ops
}
