package dump_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk/dump"
)

func TestLDIFRealFiles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file    string
		rows    int
		first   int   // the row of the first contact
		line1   int64 // the line where the first contact's entry starts
		columns []string
		cells   []cellCheck
	}{
		{"slapcat.ldif", 62, 2, 25, []string{"dn", "cn", "sn", "givenName", "mail", "mail 2", "telephoneNumber", "o", "l", "c", "entryUUID"}, []cellCheck{
			{2, "cn", "Amélie Vidal"},
			{2, "mail", "amelie.vidal@example.net"},
			{2, "mail 2", "amelie.vidal@mairiesaint.fr"},
			{2, "description", "Met at the fair, stand 0;\nfollow up with \"Mairie de Saint-Étienne-du-Bois\" in June"},
			{5, "o", `Hôpital "Les Tilleuls"`},
			{5, "l", "Nîmes"},
			{4, "o", "Société Générale d'Équipements, S.A."},
			{21, "sn", "O'Brien"},
		}},
		{"ldapsearch.ldif", 60, 0, 10, []string{"dn", "cn", "sn", "givenName", "mail", "mobile"}, []cellCheck{
			{0, "givenName", "Amélie"},
			{0, "mobile", "+33 6 00 00 00 00"},
			{9, "o", "Data, Care & Co SARL"},
			{1, "dn", "uid=c1001,ou=people,dc=example,dc=org"},
		}},
		{"abook.ldif", 60, 0, 2, []string{"cn", "mail", "mail 2", "locality", "countryname", "telephonenumber"}, []cellCheck{
			{0, "dn", "cn=Amélie Vidal,mail=amelie.vidal@example.net"},
			{3, "cn", "Jürgen Caron"},
			{3, "locality", "Nîmes"},
			{0, "objectclass 2", "person"},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			res := oneTable(t, tc.file, realBytes(t, tc.file), dump.FormatLDIF, dump.Options{})
			if len(res.rows) != tc.rows || len(res.stats.Warnings) != 0 {
				t.Fatalf("%d rows, warnings %v", len(res.rows), res.stats.Warnings)
			}
			for _, c := range tc.columns {
				if !slices.Contains(res.table.Columns, c) {
					t.Errorf("no column %q in %q", c, res.table.Columns)
				}
			}
			checkCells(t, res, tc.cells)
			if p := res.rows[tc.first].Pos; p.Line != tc.line1 || p.Record != int64(tc.first+1) {
				t.Errorf("first contact at %+v, want line %d", p, tc.line1)
			}
		})
	}
}

func TestLDIFRecords(t *testing.T) {
	t.Parallel()
	data := "# a comment\n# that goes on\nversion: 1\n\n" +
		"dn: cn=A,o=x\n" +
		"objectClass: person\n" +
		"cn;lang-fr: Amélie\n" +
		"cn: Amelie\n" +
		"mail: a@example.net\n" +
		"description: a long\n  line folded\n" +
		"jpegPhoto:: /9j/4AAQSkZJRgABAQ==\n" +
		"objectGUID:: AAECAwQF\n" +
		"seeAlso:< file:///etc/passwd\n" +
		"\n" +
		"dn: cn=B,o=x\nchangetype: add\nmail: b@example.net\n\n" +
		"dn: cn=C,o=x\nchangetype: modify\nreplace: mail\nmail: c@example.net\n-\ndelete: telephoneNumber\ntelephoneNumber: 01 02 03 04 05\n-\n\n" +
		"dn: cn=D,o=x\nchangetype: delete\n\n" +
		"dn: cn=E,o=x\nchangetype: modrdn\nnewrdn: cn=F\ndeleteoldrdn: 1\n\n" +
		"mail: orphan@example.net\n"
	res := oneTable(t, "dir.ldif", []byte(data), dump.FormatLDIF, dump.Options{})
	if len(res.rows) != 3 {
		t.Fatalf("%d rows: %+v", len(res.rows), res.rows)
	}
	checkCells(t, res, []cellCheck{
		{0, "cn", "Amélie"},
		{0, "cn 2", "Amelie"},
		{0, "description", "a long line folded"},
		{0, "objectGUID", "000102030405"},
		{0, "seeAlso", ""},
		{1, "mail", "b@example.net"},
		{2, "mail", "c@example.net"},
		{2, "telephoneNumber", ""},
	})
	for _, c := range res.table.Columns {
		if c == "jpegPhoto" || c == "changetype" || c == "replace" || c == "newrdn" {
			t.Errorf("column %q read", c)
		}
	}
	if p := res.rows[1].Pos; p.Line != 16 || p.Record != 2 {
		t.Errorf("second entry at %+v", p)
	}
	var msgs []string
	for _, w := range res.stats.Warnings {
		msgs = append(msgs, w.Message)
	}
	if want := []string{"seeAlso refers to a URL, which is not followed", "entry has no dn: line; skipped"}; !slices.Equal(msgs, want) {
		t.Errorf("warnings %q, want %q", msgs, want)
	}
}

func TestLDIFDamaged(t *testing.T) {
	t.Parallel()
	real := realBytes(t, "slapcat.ldif")
	cut := real[:bytes.Index(real, []byte("o:: TWFpcmllIGRl"))+10] // inside a base64 value
	garbage := bytes.Replace(real, []byte("sn: Vidal\n"), []byte("sn: Vidal\nthis is no attribute\n"), 1)
	huge := bytes.Replace(real, []byte("sn: Vidal\n"), []byte("sn: Vidal\ndescription: "+strings.Repeat("x", 5000)+"\n"), 1)
	checkDamaged(t, "cut.ldif", dump.FormatLDIF, []damagedCase{
		{"cut in base64", cut, 3, "o: invalid base64"},
		{"garbage line", garbage, 62, "not an LDIF attribute"},
		{"entry over the record cap", huge, 61, "longer than 4096 bytes; skipped"},
		{"only a version", []byte("version: 1\n"), 0, ""},
	})
}

func FuzzLDIF(f *testing.F) {
	seeds := [][]byte{
		[]byte("version: 1\ndn: cn=a\nmail: a@b.fr\nmail: c@d.fr\n\n"),
		[]byte("dn:: Y249YQ==\ncn:: ////\nx:< file:///etc/passwd\n o\n-\nchangetype: modify\nadd: x\n"),
		[]byte("# c\ndn: x\n \n\n\n-\n:\n;:\nchangetype: delete\n"),
	}
	for _, name := range []string{"slapcat.ldif", "ldapsearch.ldif", "abook.ldif"} {
		seeds = append(seeds, realBytes(f, name))
	}
	fuzzReader(f, dump.FormatLDIF, seeds)
}

// BenchmarkReadLDIF and BenchmarkReadKeyValueLDIF read the same entries, as
// LDIF and as the key-value blocks the nearest existing reader reads.
func BenchmarkReadLDIF(b *testing.B) {
	benchReadRepeated(b, "contacts.ldif", realBytes(b, "slapcat.ldif"), dump.FormatLDIF)
}

func BenchmarkReadKeyValueLDIF(b *testing.B) {
	plain := bytes.ReplaceAll(bytes.ReplaceAll(bytes.ReplaceAll(realBytes(b, "slapcat.ldif"), []byte("\n "), nil), []byte(":: "), []byte(": ")), []byte("dn: "), []byte("entry: "))
	benchReadRepeated(b, "contacts.txt", plain, dump.FormatKeyValue)
}

// TestLDIFRoles checks that LDAP's attribute names, in their usual and
// their lower-case spellings, are known for what they hold.
func TestLDIFRoles(t *testing.T) {
	t.Parallel()
	want := map[string]dump.Role{
		"sn": dump.RoleLastName, "givenName": dump.RoleFirstName, "cn": dump.RoleFullName, "mail": dump.RoleEmail, "mail 2": dump.RoleEmail,
		"telephoneNumber": dump.RolePhone, "mobile": dump.RolePhone, "o": dump.RoleOrganisation, "l": dump.RoleCity, "c": dump.RoleCountry,
		"telephonenumber": dump.RolePhone, "locality": dump.RoleCity, "countryname": dump.RoleCountry,
	}
	r := newReader(t, dump.Options{})
	for _, file := range []string{"slapcat.ldif", "abook.ldif"} {
		res := oneTable(t, file, realBytes(t, file), dump.FormatLDIF, dump.Options{})
		var sample [][]string
		for _, row := range res.rows {
			sample = append(sample, row.Cells)
		}
		for i, cr := range r.InferRoles(res.table, sample, nil) {
			if role, ok := want[res.table.Columns[i]]; ok && cr.Role != role {
				t.Errorf("%s: %q is %s, want %s", file, res.table.Columns[i], cr.Role, role)
			}
		}
	}
}
