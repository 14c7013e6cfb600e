// Package notify tells every affected person of a leak, once per notice,
// and tracks until everyone is reached: templates, audiences, the delivery
// worker behind the durable queue, SMTP and outbox senders, delivery
// reports and acknowledgement tokens.
package notify

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	texttemplate "text/template"

	"github.com/leakdesk/leakdesk"
)

//go:embed templates
var builtin embed.FS

// Languages are the languages every template comes in.
var Languages = []string{"fr", "en"}

// Data is what a template sees for one recipient.
type Data struct {
	Recipient    *leakdesk.Recipient
	Incident     string   // the incident's reference, INC-0001
	Exposed      []string // what of the recipient's data leaked, in their language
	Rows         int      // how many leaked records hold it
	Sender       From
	Facts        Facts
	Update       string // an update's text, or an answer's
	UpdateNumber int
	AckURL       string
	// PortalURL is the private link to the page of the recipient's
	// organisation, or empty: no organisation, no live link, or no base
	// URL to make it with. Only a message being sent carries the real one.
	PortalURL string
}

// Former reports whether the recipient is a former contact: no longer in
// the registry, so that a notice says nothing of a current relationship.
func (d *Data) Former() bool { return d.Recipient.Kind == leakdesk.RecipientFormer }

// From is who the notices come from.
type From struct {
	Name    string // the organisation, as recipients know it
	Address string // the From address
}

// Facts are what GDPR Art. 34(2) requires a notice to say, in the
// recipient's language: the nature of the breach, the likely consequences,
// the measures taken, and whom to contact (the DPO or another point).
type Facts struct {
	Circumstances string
	Consequences  string
	Measures      string
	Contact       string
}

// RequiredFacts names the incident facts a notice is built from, as
// recorded with "leakdesk incident fact ID KEY VALUE". A key suffixed with a
// language (measures.fr) is used for that language before the plain key.
var RequiredFacts = []string{"circumstances", "consequences", "measures", "dpo"}

// FactsFor picks the facts in lang from those recorded, and reports the keys
// missing in that language.
func FactsFor(recorded map[string]string, lang string) (Facts, []string) {
	var missing []string
	get := func(key string) string {
		if v := strings.TrimSpace(recorded[key+"."+lang]); v != "" {
			return v
		}
		v := strings.TrimSpace(recorded[key])
		if v == "" {
			missing = append(missing, key)
		}
		return v
	}
	f := Facts{Circumstances: get("circumstances"), Consequences: get("consequences"), Measures: get("measures"), Contact: get("dpo")}
	return f, missing
}

// Rendered is a message ready to send.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

// Templates hold the notice templates, by name and language: the builtin
// "first" and "update", and any a user adds or overrides.
type Templates struct {
	text map[string]*texttemplate.Template // "first.fr"
	html map[string]*htmltemplate.Template
}

// LoadTemplates parses the builtin templates, then those in dir (if not
// empty), which replace builtin ones of the same name. A template is a pair
// of files, NAME.LANG.txt (defining "subject" and "text") and NAME.LANG.html
// (defining "html"), for every language in Languages.
func LoadTemplates(dir string) (*Templates, error) {
	sub, err := fs.Sub(builtin, "templates")
	if err != nil {
		return nil, err
	}
	t := &Templates{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	if err := t.load(sub, "builtin"); err != nil {
		return nil, err
	}
	if dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "template directory: %v", err)
		}
		if err := t.load(os.DirFS(dir), dir); err != nil {
			return nil, err
		}
	}
	for _, name := range t.Names() {
		for _, lang := range Languages {
			key := name + "." + lang
			if t.text[key] == nil || t.html[key] == nil {
				return nil, leakdesk.Errorf(leakdesk.EINVALID, "template %q has no %s version: %s.txt and %s.html are both needed", name, lang, key, key)
			}
		}
	}
	return t, nil
}

var funcs = map[string]any{
	"join": strings.Join,
	// paragraphs splits an update's text on blank lines for HTML.
	"paragraphs": func(s string) []string {
		var out []string
		for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	},
}

func (t *Templates) load(fsys fs.FS, where string) error {
	files, err := fs.Glob(fsys, "*.*.*")
	if err != nil {
		return err
	}
	for _, file := range files {
		base, ext := strings.TrimSuffix(file, filepath.Ext(file)), filepath.Ext(file)
		_, lang, _ := strings.Cut(base, ".")
		if !slices.Contains(Languages, lang) {
			return leakdesk.Errorf(leakdesk.EINVALID, "template %s/%s: language %q is not one of %s", where, file, lang, strings.Join(Languages, ", "))
		}
		body, err := fs.ReadFile(fsys, file)
		if err != nil {
			return fmt.Errorf("read template %s/%s: %w", where, file, err)
		}
		switch ext {
		case ".txt":
			tt, err := texttemplate.New(base).Funcs(funcs).Option("missingkey=error").Parse(string(body))
			if err != nil {
				return leakdesk.Errorf(leakdesk.EINVALID, "template %s/%s: %v", where, file, err)
			}
			for _, part := range []string{"subject", "text"} {
				if tt.Lookup(part) == nil {
					return leakdesk.Errorf(leakdesk.EINVALID, "template %s/%s defines no %q", where, file, part)
				}
			}
			t.text[base] = tt
		case ".html":
			// The HTML part may show the subject, so it sees the text
			// template's definitions too.
			txt, err := fs.ReadFile(fsys, base+".txt")
			if errors.Is(err, fs.ErrNotExist) {
				return leakdesk.Errorf(leakdesk.EINVALID, "template %s/%s needs %s.txt beside it", where, file, base)
			}
			if err != nil {
				return fmt.Errorf("read template %s/%s.txt: %w", where, base, err)
			}
			ht, err := htmltemplate.New(base).Funcs(funcs).Option("missingkey=error").Parse(string(txt) + string(body))
			if err != nil {
				return leakdesk.Errorf(leakdesk.EINVALID, "template %s/%s: %v", where, file, err)
			}
			if ht.Lookup("html") == nil {
				return leakdesk.Errorf(leakdesk.EINVALID, "template %s/%s defines no \"html\"", where, file)
			}
			t.html[base] = ht
		default:
			return leakdesk.Errorf(leakdesk.EINVALID, "template %s/%s: want NAME.LANG.txt or NAME.LANG.html", where, file)
		}
	}
	return nil
}

// Names lists the templates, sorted.
func (t *Templates) Names() []string {
	seen := map[string]bool{}
	for key := range t.text {
		name, _, _ := strings.Cut(key, ".")
		seen[name] = true
	}
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Render fills the template name in lang for d.
func (t *Templates) Render(name, lang string, d *Data) (*Rendered, error) {
	key := name + "." + lang
	tt, ht := t.text[key], t.html[key]
	if tt == nil || ht == nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "no template %q in %q: templates are %s", name, lang, strings.Join(t.Names(), ", "))
	}
	var subject, text, html bytes.Buffer
	if err := tt.ExecuteTemplate(&subject, "subject", d); err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "template %s subject: %v", key, err)
	}
	if err := tt.ExecuteTemplate(&text, "text", d); err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "template %s text: %v", key, err)
	}
	if err := ht.ExecuteTemplate(&html, "html", d); err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "template %s html: %v", key, err)
	}
	return &Rendered{
		// A subject is one line: a stray newline would end the header.
		Subject: strings.Join(strings.Fields(subject.String()), " "),
		Text:    strings.TrimLeft(text.String(), "\n"),
		HTML:    html.String(),
	}, nil
}

// Validate renders the template in every language for a made-up recipient
// whose every field is filled, so that a template that names a missing
// field, or fails in one language only, is refused before anything is sent.
func (t *Templates) Validate(name string) error {
	d := &Data{
		Recipient: &leakdesk.Recipient{Name: "Camille Exemple", Organisation: "Exemple SA", Email: "camille@example.org", Phone: "+33100000000", Fields: []string{"email"}},
		Incident:  "INC-0000", Exposed: []string{"e-mail"}, Rows: 1,
		Sender: From{Name: "Exemple", Address: "dpo@example.org"},
		Facts:  Facts{Circumstances: "x", Consequences: "x", Measures: "x", Contact: "x"},
		Update: "x", UpdateNumber: 1, AckURL: "https://example.org/ack/x",
		PortalURL: "https://example.org/portal/x",
	}
	for _, lang := range Languages {
		if _, err := t.Render(name, lang, d); err != nil {
			return err
		}
	}
	return nil
}
