package dump

import "testing"

func TestCleanCell(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		repaired bool
	}{
		{"plain ascii", "plain ascii", false},
		{"Ménard", "Ménard", false},
		{"MÃ©nard", "Ménard", true},
		{"FranÃ§ois LefÃ¨vre", "François Lefèvre", true},
		{"Ã‰ric", "Éric", true},           // É is C3 89; 0x89 is ‰ in 1252
		{"BesanÃƒÂ§on", "Besançon", true}, // encoded twice
		{"MÃ¼ller GmbH", "Müller GmbH", true},
		{"SÃ£o Paulo", "São Paulo", true},
		{"São Paulo", "São Paulo", false},
		{"Ã", "Ã", false},                         // a lone capital A tilde is a letter
		{"\u0065\u0301cole", "\u00e9cole", false}, // NFC, not a repair
		{"Zürich – Genève", "Zürich – Genève", false},
		{"Ã¢â‚¬â„¢", "’", true}, // a curly apostrophe, encoded twice
	}
	for _, tc := range tests {
		got, repaired := cleanCell(tc.in)
		if got != tc.want || repaired != tc.repaired {
			t.Errorf("cleanCell(%q) = %q, %v; want %q, %v", tc.in, got, repaired, tc.want, tc.repaired)
		}
	}
}

func TestDetectEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"utf8", []byte("Prénom;Nom\nJosé;Müller\n"), EncUTF8},
		{"bom", []byte("\xEF\xBB\xBFPrénom"), EncUTF8BOM},
		{"utf16le bom", []byte("\xFF\xFEP\x00r\x00"), EncUTF16LE},
		{"utf16le", []byte("n\x00a\x00m\x00e\x00,\x00e\x00m\x00a\x00i\x00l\x00\n\x00j\x00o\x00e\x00,\x00j\x00@\x00x\x00.\x00f\x00r\x00\n\x00a\x00n\x00n\x00,\x00a\x00@\x00x\x00.\x00f\x00r\x00\n\x00"), EncUTF16LE},
		{"cp1252", []byte("Soci\xe9t\xe9;Pr\xe9nom\nL\x92Or\xe9al;Jos\xe9\n"), EncCP1252},
		{"accents only: 1252 by default", []byte("Soci\xe9t\xe9;Pr\xe9nom\nJos\xe9;M\xfcller\n"), EncCP1252},
		{"latin1", []byte("Soci\xe9t\xe9;Pr\xe9nom\nJos\xe9;M\xfcller\x81\n"), EncLatin1},
		{"latin9 euro", []byte("Prix;Nom\n12 \xa4;Jos\xe9\n"), EncLatin9},
		{"binary", []byte("\x7fELF\x02\x01\x01\x00\x00\x00"), EncBinary},
		{"ascii", []byte("a,b\n1,2\n"), EncUTF8},
	}
	for _, tc := range tests {
		if got := detectEncoding(tc.in); got != tc.want {
			t.Errorf("%s: detectEncoding = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestFixInvalidUTF8(t *testing.T) {
	t.Parallel()
	got, n := fixInvalidUTF8([]byte("Jos\xe9 Müller"))
	if string(got) != "José Müller" || n != 1 {
		t.Fatalf("fixInvalidUTF8 = %q, %d", got, n)
	}
}

func TestCompactDates(t *testing.T) {
	for s, want := range map[string]bool{"19850314": true, "20991231": true, "18491231": false, "12345678": false, "19851314": false, "1985031": false, "1985-03-14": true} {
		if got := isDate(s); got != want {
			t.Errorf("isDate(%q) = %v", s, got)
		}
	}
}
