package verdict

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// Whether a claim of access is supported.
const (
	Supports    = "supports"
	NotSupports = "does not support"
)

// Claim is one kind of proof of access a seller may offer, and whether the
// leak holds it. Values that are secrets or personal data are never shown:
// secrets by type and count, credentials by row.
type Claim struct {
	Kind     string   `json:"kind"`
	Verdict  string   `json:"verdict"` // supports, does not support, unknown
	Count    int64    `json:"count"`
	Evidence []string `json:"evidence"`
}

// Kinds of claims.
const (
	ClaimSecrets       = "secrets"
	ClaimConfiguration = "configuration and detection rules"
	ClaimCredentials   = "credentials on own domains"
	ClaimHosts         = "internal host names"
	ClaimAddresses     = "internal IP addresses"
)

// roleSample is how many first rows tell a table's column roles when the
// reader has no preview of it.
const roleSample = 200

func rowCells(rows []dump.Row) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = r.Cells
	}
	return out
}

// shownAtMost is how many rows or hosts a claim names as evidence.
const shownAtMost = 5

func (v *Verifier) access(ctx context.Context, leak match.Source, own Own) ([]Claim, []leakdesk.SecretCount, error) {
	counts, err := v.secretCounts(ctx, leak)
	if err != nil {
		return nil, nil, err
	}
	claims := v.secretClaims(counts)
	seen, err := v.ownScan(ctx, leak, own)
	if err != nil {
		return nil, nil, err
	}
	return append(claims, seen.claims(own)...), counts, nil
}

func (v *Verifier) secretCounts(ctx context.Context, leak match.Source) ([]leakdesk.SecretCount, error) {
	profiler := dump.NewProfiler(v.reader, v.secrets, false)
	var fp *dump.FileProfile
	var err error
	if leak.Open == nil {
		fp, err = profiler.Profile(ctx, leak.Path)
	} else {
		var rc io.ReadCloser
		if rc, err = leak.Open(); err != nil {
			return nil, err
		}
		defer rc.Close()
		fp, err = profiler.ProfileStream(ctx, leak.Name, rc, -1)
	}
	if _, err := dump.Unreads(err); err != nil {
		return nil, fmt.Errorf("look for secrets in %s: %w", leak.Name, err)
	}
	byRule := map[string]int64{}
	if fp != nil {
		for _, t := range fp.Tables {
			for rule, n := range t.SecretCounts {
				byRule[rule] += n
			}
		}
	}
	var out []leakdesk.SecretCount
	for _, r := range v.secrets.Rules() {
		if n := byRule[r.ID]; n > 0 {
			out = append(out, leakdesk.SecretCount{Rule: r.ID, Category: r.Category, Description: r.Description, Count: n})
		}
	}
	return out, nil
}

func (v *Verifier) secretClaims(counts []leakdesk.SecretCount) []Claim {
	secrets := Claim{Kind: ClaimSecrets, Verdict: NotSupports}
	config := Claim{Kind: ClaimConfiguration, Verdict: NotSupports}
	for _, c := range counts {
		claim := &config
		if c.Category == "secret" {
			claim = &secrets
		}
		claim.Verdict = Supports
		claim.Count += c.Count
		claim.Evidence = append(claim.Evidence, fmt.Sprintf("%d × %s (%s)", c.Count, c.Description, c.Rule))
	}
	if secrets.Count == 0 {
		secrets.Evidence = []string{"no password, key, token or connection string recognised"}
	}
	if config.Count == 0 {
		config.Evidence = []string{"no firewall, network or detection-rule fragment recognised"}
	}
	return []Claim{secrets, config}
}

// ownSeen is what of the organisation's own the leak holds.
type ownSeen struct {
	credentialRows  []int64 // own-domain address with a password beside it
	addressOnlyRows int64   // own-domain address, no password
	hosts           map[string]int64
	addresses       map[string]int64
}

func (v *Verifier) ownScan(ctx context.Context, leak match.Source, own Own) (*ownSeen, error) {
	seen := &ownSeen{hosts: map[string]int64{}, addresses: map[string]int64{}}
	if len(own.Domains)+len(own.Networks)+len(own.HostSuffixes) == 0 {
		return seen, nil
	}
	var offset int64
	err := match.ReadSource(ctx, v.reader, leak, func(t *dump.Table) error {
		// Formats without a preview (JSON, SQL...) show their columns'
		// roles in their first rows, as the match scanner reads them.
		var buffered []dump.Row
		var passwords []int
		var last int64
		see := func(row dump.Row) {
			last = max(last, row.Pos.Record)
			seen.row(own, offset+row.Pos.Record, row, passwords)
		}
		decide := func(sample [][]string) {
			for i, cr := range v.reader.InferRoles(t, sample, nil) {
				if cr.Role == dump.RolePassword {
					passwords = append(passwords, i)
				}
			}
			for _, r := range buffered {
				see(r)
			}
			buffered = nil
		}
		preview := t.Preview()
		decided := len(preview) > 0
		if decided {
			decide(preview)
		}
		err := t.Rows(ctx, func(row dump.Row) error {
			if decided {
				see(row)
				return nil
			}
			// Kept beyond the callback, which may reuse them.
			row.Cells, row.Tokens = slices.Clone(row.Cells), slices.Clone(row.Tokens)
			if buffered = append(buffered, row); len(buffered) == roleSample {
				decided = true
				decide(rowCells(buffered))
			}
			return nil
		})
		if !decided {
			decide(rowCells(buffered))
		}
		offset += last
		return err
	})
	if _, err := dump.Unreads(err); err != nil {
		return nil, fmt.Errorf("look for the organisation's own in %s: %w", leak.Name, err)
	}
	return seen, nil
}

// row notes an own-domain address, and whether a password stands beside
// it, and every own host name and address in the row's values.
func (s *ownSeen) row(own Own, n int64, row dump.Row, passwords []int) {
	values := slices.Clone(row.Cells) // the reader owns Cells
	for _, tok := range row.Tokens {
		values = append(values, tok.Value)
	}
	ownEmail := false
	var hosts, addrs []string
	for _, cell := range values {
		for _, word := range strings.FieldsFunc(cell, separator) {
			word = strings.Trim(word, ".[]()")
			switch {
			case strings.Contains(word, "@"):
				ownEmail = ownEmail || own.OwnDomain(word)
			case own.OwnHost(word):
				hosts = append(hosts, strings.ToLower(word))
			default:
				if a, err := netip.ParseAddr(word); err == nil && own.OwnAddress(a) {
					addrs = append(addrs, a.String())
				}
			}
		}
	}
	withPassword := slices.ContainsFunc(passwords, func(i int) bool { return i < len(row.Cells) && strings.TrimSpace(row.Cells[i]) != "" })
	switch {
	case ownEmail && withPassword:
		s.credentialRows = append(s.credentialRows, n)
	case ownEmail:
		s.addressOnlyRows++
	}
	for _, h := range hosts {
		s.hosts[h]++
	}
	for _, a := range addrs {
		s.addresses[a]++
	}
}

func separator(r rune) bool {
	return strings.ContainsRune(" \t\r\n,;:|<>\"'=/\\", r)
}

func (s *ownSeen) claims(own Own) []Claim {
	creds := Claim{Kind: ClaimCredentials, Verdict: NotSupports, Count: int64(len(s.credentialRows))}
	switch {
	case len(own.Domains) == 0:
		creds.Verdict, creds.Evidence = Unknown, []string{"no own domain declared (--own-domains)"}
	case creds.Count > 0:
		slices.Sort(s.credentialRows)
		creds.Verdict = Supports
		creds.Evidence = []string{fmt.Sprintf("%d rows hold an address on an own domain with a password, e.g. rows %s", creds.Count, rowList(s.credentialRows))}
	default:
		creds.Evidence = []string{"no address on an own domain stands beside a password"}
	}
	if s.addressOnlyRows > 0 {
		creds.Evidence = append(creds.Evidence, fmt.Sprintf("%d rows hold an address on an own domain without a password: contact data, not access", s.addressOnlyRows))
	}
	return []Claim{creds,
		seenClaim(ClaimHosts, s.hosts, len(own.HostSuffixes) > 0, "no internal host suffix declared (--own-hosts)", "host names"),
		seenClaim(ClaimAddresses, s.addresses, len(own.Networks) > 0, "no internal network declared (--own-networks)", "addresses"),
	}
}

// seenClaim is the claim of internal names or addresses found, naming a
// few of them: they describe the organisation's network, not a person.
func seenClaim(kind string, found map[string]int64, declared bool, undeclared, what string) Claim {
	c := Claim{Kind: kind, Verdict: NotSupports}
	if !declared {
		c.Verdict, c.Evidence = Unknown, []string{undeclared}
		return c
	}
	for _, n := range found {
		c.Count += n
	}
	if len(found) == 0 {
		c.Evidence = []string{"none of the declared " + what + " found"}
		return c
	}
	c.Verdict = Supports
	names := slices.Sorted(maps.Keys(found))
	more := ""
	if len(names) > shownAtMost {
		names, more = names[:shownAtMost], fmt.Sprintf(" and %d more", len(found)-shownAtMost)
	}
	c.Evidence = []string{fmt.Sprintf("%d distinct internal %s, %d mentions: %s%s", len(found), what, c.Count, strings.Join(names, ", "), more)}
	return c
}

func rowList(rows []int64) string {
	parts := make([]string, 0, shownAtMost)
	for _, r := range rows[:min(shownAtMost, len(rows))] {
		parts = append(parts, fmt.Sprint(r))
	}
	return strings.Join(parts, ", ")
}
