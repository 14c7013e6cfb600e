package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
)

func TestUserCommands(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, c *cli) {
		c.ok("incident", "new", "--title", "accounts")
		var acc leakdesk.Account
		out, errOut, code := c.runIn("correct horse battery\n", "user", "add", "alice", "--role", "analyst", "--incident", "1", "--password-stdin", "--format", "json")
		if code != 0 {
			t.Fatalf("user add: exit %d, %s", code, errOut)
		}
		if err := json.Unmarshal([]byte(out), &acc); err != nil || acc.Name != "alice" || len(acc.Grants) != 1 || acc.Grants[0].Role != leakdesk.RoleAnalyst || acc.Grants[0].IncidentID != 1 {
			t.Fatalf("user add: %+v %v\n%s", acc, err, out)
		}
		c.ok("user", "grant", "alice", "--role", "viewer")
		if out := c.ok("user", "list"); !strings.Contains(out, "viewer on all incidents, analyst on INC-0001") {
			t.Errorf("user list:\n%s", out)
		}
		if _, errOut, code := c.run("user", "grant", "alice", "--role", "admin", "--incident", "1"); code != exitInvalid || !strings.Contains(errOut, "admin") {
			t.Errorf("admin on one incident: exit %d, %s", code, errOut)
		}
		if _, _, code := c.run("user", "add", "alice"); code != exitConflict {
			t.Errorf("a second alice: exit %d", code)
		}
		if _, _, code := c.runIn("short\n", "user", "add", "bob", "--password-stdin"); code != exitInvalid {
			t.Errorf("a short password: exit %d", code)
		}
		if _, _, code := c.run("user", "list", "--format", "json"); code != 0 {
			t.Error("user list --format json fails")
		}
		if _, _, code := c.run("user", "add", "bob", "--role", "lead", "--incident", "7"); code != exitNotFound {
			t.Errorf("a role on an unknown incident: exit %d", code)
		}
		// bob was not created by the refused commands.
		if _, _, code := c.run("user", "disable", "bob"); code != exitNotFound {
			t.Errorf("bob exists after a refused add: exit %d", code)
		}

		var tok struct {
			ID     int64  `json:"id"`
			Secret string `json:"secret"`
		}
		c.json(&tok, "user", "token", "alice", "--role", "viewer", "--expires", "24h", "--note", "ci")
		if tok.ID == 0 || !strings.HasPrefix(tok.Secret, "ldt_") {
			t.Fatalf("user token: %+v", tok)
		}
		if out := c.ok("user", "tokens", "alice"); !strings.Contains(out, "active") || strings.Contains(out, tok.Secret) {
			t.Errorf("user tokens shows no active token, or its secret:\n%s", out)
		}
		if _, _, code := c.run("user", "token", "alice", "--expires", "9000h"); code != exitInvalid {
			t.Errorf("a token for more than a year: exit %d", code)
		}
		c.ok("user", "revoke-token", "1")
		if out := c.ok("user", "tokens", "alice"); !strings.Contains(out, "revoked") {
			t.Errorf("the token is not revoked:\n%s", out)
		}
		c.ok("user", "revoke", "alice", "--role", "viewer")
		c.ok("user", "disable", "alice")

		// Every change is in the audit log, under the local principal.
		log := c.ok("user", "log")
		for _, want := range []string{"account.created", "account.password_set", "account.granted", "token.created", "token.revoked", "account.revoked", "account.disabled", "local:tester"} {
			if !strings.Contains(log, want) {
				t.Errorf("user log lacks %q:\n%s", want, log)
			}
		}
		if strings.Contains(log, "correct horse") || strings.Contains(log, tok.Secret) {
			t.Error("the audit log holds a password or a secret")
		}
	})
}

// Nobody writes under another name: --actor and LEAKDESK_ACTOR are refused,
// and the timeline names local: and the operating-system user.
func TestActorIsTheOSUser(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	if _, errOut, code := c.run("incident", "new", "--title", "x", "--actor", "someone-else"); code != exitInvalid || !strings.Contains(errOut, "operating-system user") {
		t.Errorf("--actor: exit %d, %s", code, errOut)
	}
	c.env["LEAKDESK_ACTOR"] = "someone-else"
	if _, errOut, code := c.run("incident", "list"); code != exitInvalid || !strings.Contains(errOut, "LEAKDESK_ACTOR") {
		t.Errorf("LEAKDESK_ACTOR: exit %d, %s", code, errOut)
	}
	delete(c.env, "LEAKDESK_ACTOR")
	c.osUser = "marie"
	c.ok("incident", "new", "--title", "x")
	var events []leakdesk.Event
	c.json(&events, "incident", "log", "1")
	if len(events) != 1 || events[0].Actor != "local:marie" {
		t.Errorf("the opening event names %+v, want local:marie", events)
	}
}

// An acknowledgement is recorded only by the link in the notice.
func TestLogContactRefusesAck(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	c.ok("incident", "new", "--title", "x")
	path := filepath.Join(t.TempDir(), "recipients.csv")
	os.WriteFile(path, []byte("email,name,organisation,role,language\njo@client.example,Jo Client,Client SA,security,fr\n"), 0o644)
	c.ok("notify", "recipients", "1", "--add", path)
	_, errOut, code := c.run("notify", "log-contact", "1", "jo@client.example", "--channel", "ack", "--outcome", "acknowledged")
	if code != exitForbidden || !strings.Contains(errOut, "acknowledgement link") {
		t.Errorf("log-contact --channel ack: exit %d, %s", code, errOut)
	}
}

// Every command names the action it is authorised for, and every action
// is in the policy.
func TestEveryCommandHasAnAction(t *testing.T) {
	t.Parallel()
	a := newApp(func(string) string { return "" }, nil, nil, nil)
	actions := commandActions()
	seen := map[string]bool{}
	var walk func(cmd *cobra.Command)
	walk = func(cmd *cobra.Command) {
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
		if !cmd.Runnable() || cmd.HasSubCommands() {
			return
		}
		name := commandName(cmd)
		seen[name] = true
		action, ok := actions[name]
		if !ok {
			t.Errorf("%q has no action in commandActions", name)
			return
		}
		if _, ok := leakdesk.RuleFor(action); !ok {
			t.Errorf("%q: action %s is not in leakdesk.Policy", name, action)
		}
	}
	walk(a.rootCommand())
	for name := range actions {
		if !seen[name] {
			t.Errorf("commandActions names %q, which is no command", name)
		}
	}
}
