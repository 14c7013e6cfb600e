package dump

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// addSeeds adds every file under testdata as a seed: the corpus kept in the
// repository.
func addSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	// Files written by real programs: archives, office files, database
	// dumps, each a different path through the reader.
	real, err := filepath.Glob(filepath.Join("testdata", "real", "files", "*"))
	if err != nil {
		f.Fatal(err)
	}
	files = append(files, real...)
	for _, name := range files {
		if info, err := os.Stat(name); err != nil || info.IsDir() {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("INSERT INTO t (a,b) VALUES (1,'x\\'y'),(2,NULL);\nCOPY t (a) FROM stdin;\n1\n\\.\n"))
	f.Add([]byte(`{"a":[{"b":1},{"b":[1,{"c":2}]}]}`))
	f.Add([]byte("PK\x03\x04truncated"))
	f.Add([]byte("\x1f\x8b\x08\x00broken gzip"))
}

// FuzzRead reads arbitrary bytes as a leaked file: it must not panic or
// hang, and records must be numbered 1, 2, 3... in each table.
func FuzzRead(f *testing.F) {
	addSeeds(f)
	r := fuzzReader(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r.ReadStream(context.Background(), "fuzz", bytes.NewReader(data), checkRows(t))
	})
}

func FuzzSplitDelimited(f *testing.F) {
	for _, s := range []string{`a,b,"c,d",e`, `"x""y",z`, `"open,never`, ` a | b | c `, "a\tb", `,,`, `"",""`} {
		f.Add(s, uint8(0))
	}
	delims := []string{",", ";", "\t", "|", "||", " | "}
	f.Fuzz(func(t *testing.T, line string, d uint8) {
		delim := delims[int(d)%len(delims)]
		cells, _ := splitDelimited(line, delim, nil)
		if len(cells) == 0 {
			t.Fatal("no cells")
		}
		if !strings.Contains(line, `"`) && len(cells) != strings.Count(line, delim)+1 {
			t.Fatalf("%q split at %q into %d cells", line, delim, len(cells))
		}
		if n := countFields(line, delim); n != len(cells) {
			t.Fatalf("countFields = %d, split gives %d", n, len(cells))
		}
	})
}

func FuzzCleanCell(f *testing.F) {
	for _, s := range []string{"MÃ©nard", "Ménard", "BesanÃƒÂ§on", "Ã", "e\u0301", "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		once, _ := cleanCell(s)
		if !utf8.ValidString(once) {
			t.Fatalf("cleanCell(%q) = %q is not valid UTF-8", s, once)
		}
		if twice, _ := cleanCell(once); twice != once && !isASCII(once) {
			// A repaired cell may still hold a further layer; three layers
			// are undone at most, so a fourth application may change it.
			if thrice, _ := cleanCell(twice); thrice == twice {
				return
			}
		}
	})
}

func FuzzExtractTokens(f *testing.F) {
	for _, s := range []string{"Jeanne Martin <j@x.fr> +33 6 12 34 56 78", "a@b.c@d.ef", "+++0000000000", "@@@", "mail: x@y.zz, 0612345678"} {
		f.Add(s)
	}
	k, err := loadKnowledge("FR")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range k.extractTokens(nil, s) {
			// Names are rebuilt from their words with single spaces, or
			// from two cells joined by ";"; other tokens are taken from the
			// text as they are.
			parts := []string{tok.Value}
			if tok.Kind == TokenName {
				parts = strings.FieldsFunc(tok.Value, func(r rune) bool { return unicode.IsSpace(r) || r == ';' })
			}
			for _, part := range parts {
				if !strings.Contains(s, part) {
					t.Fatalf("token %q is not in %q", tok.Value, s)
				}
			}
			if tok.Kind == TokenEmail && !isEmail(tok.Value) {
				t.Fatalf("token %q is not an e-mail", tok.Value)
			}
		}
	})
}

// FuzzFold checks the fast Fold against the plain composition of
// transforms it replaces: lower case, NFD, marks removed, NFC, then the
// letters spelt out.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"Élodie", "GROSS Straße", "Œuvre Ærø Łódź", "한국어", "plain ascii", "\xff\xfe", "e\u0301"} {
		f.Add(s)
	}
	spelt := strings.NewReplacer("ß", "ss", "æ", "ae", "œ", "oe", "ø", "o", "ł", "l")
	f.Fuzz(func(t *testing.T, s string) {
		want, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), strings.ToLower(s))
		if err != nil {
			t.Skip()
		}
		if got, want := Fold(s), spelt.Replace(want); got != want {
			t.Fatalf("Fold(%q) = %q, want %q", s, got, want)
		}
	})
}

// FuzzUnescapeCopy checks COPY's unescaping against the plain replacer it
// replaces.
func FuzzUnescapeCopy(f *testing.F) {
	for _, s := range []string{`a\tb`, `\\t`, `end\`, `\x\n\r\\`, "plain"} {
		f.Add(s)
	}
	plain := strings.NewReplacer(`\\`, `\`, `\t`, "\t", `\n`, "\n", `\r`, "\r")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := unescapeCopy(s), plain.Replace(s); got != want {
			t.Fatalf("unescapeCopy(%q) = %q, want %q", s, got, want)
		}
	})
}
