package dump

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	ahocorasick "github.com/petar-dambovaliev/aho-corasick"
)

// SecretRule detects one kind of secret or leaked configuration. Rules are
// data (data/secrets.json), each with samples that must and must not match.
type SecretRule struct {
	ID          string   `json:"id"`
	Category    string   `json:"category"` // secret, configuration, detection-rule
	Description string   `json:"description"`
	Keywords    []string `json:"keywords"` // lower case; a line without any is never tested
	Regex       string   `json:"regex"`
	True        []string `json:"true"`
	False       []string `json:"false"`

	re *regexp.Regexp
}

// Secrets finds secrets in text. A keyword automaton runs over the text
// first; a rule's regular expression runs only on lines holding one of
// its keywords.
type Secrets struct {
	rules    []*SecretRule
	keywords []string
	byKey    [][]int // indexes of rules per keyword index
	ac       ahocorasick.AhoCorasick
}

// LoadSecrets compiles the embedded rules.
func LoadSecrets() (*Secrets, error) {
	b, err := dataFiles.ReadFile("data/secrets.json")
	if err != nil {
		return nil, fmt.Errorf("read secret rules: %w", err)
	}
	var rules []*SecretRule
	if err := json.Unmarshal(b, &rules); err != nil {
		return nil, fmt.Errorf("parse secret rules: %w", err)
	}
	if len(rules) > 64 {
		return nil, fmt.Errorf("secret rules: %d rules; Scan tracks at most 64", len(rules))
	}
	s := &Secrets{rules: rules}
	index := map[string]int{}
	for ri, r := range rules {
		if r.re, err = regexp.Compile(r.Regex); err != nil {
			return nil, fmt.Errorf("secret rule %s: %w", r.ID, err)
		}
		for _, k := range r.Keywords {
			k = strings.ToLower(k)
			i, ok := index[k]
			if !ok {
				i = len(s.keywords)
				index[k] = i
				s.keywords = append(s.keywords, k)
				s.byKey = append(s.byKey, nil)
			}
			s.byKey[i] = append(s.byKey[i], ri)
		}
	}
	builder := ahocorasick.NewAhoCorasickBuilder(ahocorasick.Opts{AsciiCaseInsensitive: true, MatchKind: ahocorasick.StandardMatch, DFA: true})
	s.ac = builder.Build(s.keywords)
	return s, nil
}

// Rules lists the rules.
func (s *Secrets) Rules() []*SecretRule { return s.rules }

// SecretFinding is one match.
type SecretFinding struct {
	Rule        string   `json:"rule"`
	Category    string   `json:"category"`
	Description string   `json:"description"`
	Pos         Position `json:"position"`
	Match       string   `json:"match"`
}

// Scan reports the secrets in text, a run of lines whose first line is
// firstLine (0 when lines are not known). Each rule is reported at most
// once per line.
func (s *Secrets) Scan(text string, firstLine int64, pos Position, found func(SecretFinding)) {
	iter := s.ac.IterOverlapping(text)
	lastLineStart := -1
	var tested uint64 // rules already run on the current line
	for m := iter.Next(); m != nil; m = iter.Next() {
		start := strings.LastIndexByte(text[:m.Start()], '\n') + 1
		end := strings.IndexByte(text[m.End():], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += m.End()
		}
		if start != lastLineStart {
			lastLineStart, tested = start, 0
		}
		line := trimCR(text[start:end])
		for _, ri := range s.byKey[m.Pattern()] {
			if tested&(1<<ri) != 0 {
				continue
			}
			tested |= 1 << ri
			r := s.rules[ri]
			if match := r.re.FindString(line); match != "" {
				p := pos
				if firstLine > 0 {
					p.Line = firstLine + int64(strings.Count(text[:start], "\n"))
				}
				found(SecretFinding{Rule: r.ID, Category: r.Category, Description: r.Description, Pos: p, Match: strings.Clone(match)})
			}
		}
	}
}
