package leakdesk

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// RolesTable is the table of docs/accounts.md, made from Policy so that
// the documentation cannot drift from what Authorize decides.
func rolesTable() string {
	var b strings.Builder
	b.WriteString("| action | what it is |")
	for _, r := range Roles() {
		b.WriteString(" " + string(r) + " |")
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(Roles())) + "\n")
	for _, rule := range Policy() {
		b.WriteString("| `" + string(rule.Action) + "` | " + rule.Description + " |")
		for _, r := range Roles() {
			if slices.Contains(rule.Roles, r) {
				b.WriteString(" yes |")
			} else {
				b.WriteString(" |")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestAccountsDocMatchesPolicy(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("docs/accounts.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), rolesTable()) {
		t.Errorf("docs/accounts.md does not hold the policy's table; replace it with:\n\n%s", rolesTable())
	}
}
