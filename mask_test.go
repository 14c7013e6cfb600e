package leakdesk

import "testing"

func TestMask(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"email", MaskEmail, "jean.dupont@exemple.fr", "j***@e***.fr"},
		{"email subdomain", MaskEmail, "a@mail.exemple.co.uk", "a***@m***.uk"},
		{"email no dot", MaskEmail, "root@localhost", "r***@l***"},
		{"email accented", MaskEmail, "élodie@exemple.fr", "é***@e***.fr"},
		{"email without @", MaskEmail, "not an address", "n*** a*** a***"},
		{"email empty", MaskEmail, "", ""},
		{"phone", MaskPhone, "+33 6 12 34 56 78", "+** * ** ** ** 78"},
		{"phone short", MaskPhone, "12", "12"},
		{"phone dashes", MaskPhone, "555-0100", "***-**00"},
		{"name", MaskName, "Jean Dupont", "J*** D***"},
		{"name spaces", MaskName, "  Ana   María  ", "A*** M***"},
		{"name empty", MaskName, "", ""},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%s: %q masks to %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}
