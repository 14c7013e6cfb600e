package verdict_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"testing"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/verdict"
)

// claimsByKind indexes a report's claims of access.
func claimsByKind(rep *verdict.Report) map[string]verdict.Claim {
	out := map[string]verdict.Claim{}
	for _, c := range rep.Access {
		out[c.Kind] = c
	}
	return out
}

// sampleOf returns a true sample of the first recogniser of the category.
func sampleOf(t *testing.T, category string) *dump.SecretRule {
	t.Helper()
	secrets, err := dump.LoadSecrets()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range secrets.Rules() {
		if r.Category == category && len(r.True) > 0 {
			return r
		}
	}
	t.Fatalf("no %s recogniser with a true sample", category)
	return nil
}

func TestClaimsOfAccess(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 4)
	secret, config := sampleOf(t, "secret"), sampleOf(t, "configuration")
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"email", "password", "host", "notes"})
	for i := range 30 {
		email, password, host, notes := fmt.Sprintf("user%d@gmail.example", i), "", "www.example.org", "-"
		switch {
		case i < 4: // credentials on the organisation's own domain
			email, password = fmt.Sprintf("agent%d@sub.provider.example", i), fmt.Sprintf("Pw-%d-xyzzy", i)
		case i < 6: // its address, but no password: contact data
			email = fmt.Sprintf("sales%d@provider.example", i)
		case i < 9:
			host = fmt.Sprintf("db%d.corp.provider.example", i)
		case i < 11:
			host = fmt.Sprintf("10.20.0.%d", i)
		case i == 12:
			notes = secret.True[0]
		case i == 13:
			notes = config.True[0]
		case i == 14: // a look-alike suffix and an outside address: not its own
			host, notes = "notcorp.provider.example.evil.test", "192.168.1.1"
		}
		w.Write([]string{email, password, host, notes})
	}
	w.Flush()
	leak := f.write(t, "access.csv", buf.Bytes())

	own, err := verdict.ParseOwn("provider.example", "10.0.0.0/8", "corp.provider.example")
	if err != nil {
		t.Fatal(err)
	}
	// Claims of access need neither the past exports nor the history.
	f.in.Own, f.in.Exports, f.in.History = own, nil, nil
	claims := claimsByKind(f.verify(t, leak))
	want := map[string]int64{verdict.ClaimCredentials: 4, verdict.ClaimHosts: 3, verdict.ClaimAddresses: 2, verdict.ClaimSecrets: 1, verdict.ClaimConfiguration: 1}
	for kind, count := range want {
		c := claims[kind]
		if c.Verdict != verdict.Supports || c.Count < count || kind != verdict.ClaimSecrets && kind != verdict.ClaimConfiguration && c.Count != count {
			t.Errorf("%s: %s, %d found, want %d: %v", kind, c.Verdict, c.Count, count, c.Evidence)
		}
	}
	for _, c := range claims {
		for _, e := range c.Evidence {
			if bytes.Contains([]byte(e), []byte("xyzzy")) || bytes.Contains([]byte(e), []byte("@")) {
				t.Errorf("%s shows a password or an address: %s", c.Kind, e)
			}
		}
	}

	// JSON has no preview: the password column is told from its first rows.
	var ndjson bytes.Buffer
	for i := range 12 {
		email := fmt.Sprintf("user%d@gmail.example", i)
		if i%4 == 0 {
			email = fmt.Sprintf("agent%d@provider.example", i)
		}
		fmt.Fprintf(&ndjson, "{\"email\":%q,\"password\":\"Pw-%d-xyzzy\"}\n", email, i)
	}
	creds := claimsByKind(f.verify(t, f.write(t, "access.ndjson", ndjson.Bytes())))[verdict.ClaimCredentials]
	if creds.Verdict != verdict.Supports || creds.Count != 3 {
		t.Errorf("NDJSON credentials: %s, %d found, want 3: %v", creds.Verdict, creds.Count, creds.Evidence)
	}

	// Undeclared, the organisation's own cannot be recognised: unknown.
	f.in.Own = verdict.Own{}
	claims = claimsByKind(f.verify(t, leak))
	for _, kind := range []string{verdict.ClaimCredentials, verdict.ClaimHosts, verdict.ClaimAddresses} {
		if claims[kind].Verdict != verdict.Unknown {
			t.Errorf("%s with nothing declared: %s", kind, claims[kind].Verdict)
		}
	}
}

func TestParseOwnRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range [][3]string{{"bad domain", "", ""}, {"", "10.0.0.0", ""}, {"", "", "a..b"}} {
		if _, err := verdict.ParseOwn(tc[0], tc[1], tc[2]); err == nil {
			t.Errorf("ParseOwn%q accepted", tc)
		}
	}
}

func FuzzParseOwn(f *testing.F) {
	f.Add("provider.example,@b.example", "10.0.0.0/8, fd00::/8", ".corp.example")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, domains, networks, hosts string) {
		own, err := verdict.ParseOwn(domains, networks, hosts)
		if err != nil {
			return
		}
		for _, d := range own.Domains {
			if !own.OwnDomain("someone@" + d) {
				t.Errorf("an address on %q is not its own", d)
			}
		}
		for _, h := range own.HostSuffixes {
			if !own.OwnHost("host" + h) {
				t.Errorf("host%s is not its own", h)
			}
		}
		for _, p := range own.Networks {
			if !own.OwnAddress(p.Addr()) {
				t.Errorf("%s is not in its own %s", p.Addr(), p)
			}
		}
	})
}
