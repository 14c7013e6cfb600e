package notify_test

import (
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

func TestFormerContactsAreToldAsSuch(t *testing.T) {
	t.Parallel()
	f := &leakdesk.Findings{Former: []leakdesk.LeakedPerson{
		{Name: "Bob Roux", Organisation: "Acme SAS", Country: "FR", Email: "bob@acme.fr", Fields: []string{"email"}, Rows: []int64{3}, ContactID: "C-7"},
		{Name: "Cara Nobody", Organisation: "Acme SAS"}, // no address nor number: nobody can tell her
		{Name: "Dan Phone", Organisation: "Beta Ltd", Country: "GB", Phone: "+447700900123", Rows: []int64{5}},
	}}
	rs := notify.FormerAudience(f)
	if len(rs) != 2 || rs[0].Key != "former:bob@acme.fr" || rs[0].Kind != leakdesk.RecipientFormer || rs[0].Language != "fr" || rs[0].ContactID != "C-7" ||
		rs[1].Key != "former:+447700900123" || rs[1].Language != "en" {
		t.Fatalf("former audience = %+v, %+v", rs[0], rs[len(rs)-1])
	}
	if n := notify.FormerOutside(f, rs[:1]); n != 1 {
		t.Errorf("former outside the audience = %d, want 1", n)
	}
	tmpl, err := notify.LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][2]string{"fr": {"en tant qu'ancien contact de Acme SAS", "en tant que contact de Acme SAS"}, "en": {"as a former contact of Acme SAS", "as a contact of Acme SAS"}} {
		d := sampleData()
		d.Recipient = rs[0]
		former, err := tmpl.Render("first", lang, d)
		if err != nil {
			t.Fatal(err)
		}
		d.Recipient = &leakdesk.Recipient{Kind: leakdesk.RecipientAffected, Name: "Ann", Organisation: "Acme SAS", Email: "ann@acme.fr"}
		current, err := tmpl.Render("first", lang, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(former.Text, want[0]) || !strings.Contains(former.HTML, want[0][:12]) || strings.Contains(former.Text, want[1]) || !strings.Contains(current.Text, want[1]) {
			t.Errorf("%s: former notice %q, current %q", lang, former.Text, current.Text)
		}
	}
}
