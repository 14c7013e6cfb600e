package sample

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Leak styles: the shapes in which leaked lists are posted.
const (
	LeakPaste  = "paste"  // "Org | Name | email | phone | title" lines under a forum banner
	LeakCSV    = "csv"    // semicolon CSV re-saved by Excel in Windows-1252
	LeakNDJSON = "ndjson" // one JSON object per line
	LeakSQL    = "sql"    // a mysqldump-style INSERT
)

// LeakStyles lists every style the generator can produce.
func LeakStyles() []string { return []string{LeakPaste, LeakCSV, LeakNDJSON, LeakSQL} }

// Leak is the file as it was posted, with the truth behind each record.
type Leak struct {
	File        string
	Style       string
	PhoneLayout string
	Mojibake    bool     // UTF-8 text decoded as Windows-1252 and saved again as UTF-8
	RowContacts []string // for each record in reading order: the contact ID, or "" for a stranger
	content     []byte
}

// leakRecord is one leaked person, before rendering.
type leakRecord struct {
	contactID string
	org       string
	first     string
	last      string
	email     string
	phone     string
	title     string
	country   *country
}

// makeLeak copies part of the source export, damages it as re-typing and
// re-saving does, and mixes in strangers.
func (w *world) makeLeak(src *Export, strangers *world, cfg Config) *Leak {
	leak := &Leak{Style: cfg.LeakStyle, PhoneLayout: cfg.LeakPhoneLayout}
	if leak.Style == "" {
		leak.Style = LeakStyles()[w.rng.IntN(len(LeakStyles()))]
	}
	if leak.PhoneLayout == "" {
		leak.PhoneLayout = phoneLayouts()[w.rng.IntN(len(phoneLayouts()))]
	}
	leak.Mojibake = leak.Style != LeakCSV && w.chance(0.25)
	dropAccents := w.chance(0.3)
	upperSurnames := w.chance(0.4)

	keep := 0.85 + 0.12*w.rng.Float64()
	var records []leakRecord
	for _, id := range src.Contacts {
		if !w.chance(keep) {
			continue
		}
		p := w.contacts[contactIndex(id)]
		o := w.org(p.OrgID)
		phone := p.Value(fieldMobile, src.At)
		if !slices.Contains(src.Columns, colMobile) || phone == "" {
			phone = p.Value(fieldPhone, src.At)
		}
		if !slices.Contains(src.Columns, colPhone) && !slices.Contains(src.Columns, colMobile) {
			phone = ""
		}
		r := leakRecord{contactID: id, org: o.Name, first: p.FirstName, last: p.LastName, email: p.Value(fieldEmail, src.At),
			phone: phone, title: p.Value(fieldTitle, src.At), country: w.data.Countries[o.Country]}
		w.damage(&r, dropAccents, upperSurnames)
		records = append(records, r)
	}
	// Strangers: rows from another source that the seller mixed in.
	nStrangers := len(records) * (2 + w.rng.IntN(4)) / 100
	for i := 0; i < nStrangers && i < len(strangers.contacts); i++ {
		p := strangers.contacts[i]
		o := strangers.org(p.OrgID)
		phone := p.Value(fieldMobile, src.At)
		if phone == "" {
			phone = p.Value(fieldPhone, src.At)
		}
		at := w.rng.IntN(len(records) + 1)
		r := leakRecord{org: o.Name, first: p.FirstName, last: p.LastName, email: p.Value(fieldEmail, src.At), phone: phone,
			title: p.Value(fieldTitle, src.At), country: strangers.data.Countries[o.Country]}
		records = append(records[:at], append([]leakRecord{r}, records[at:]...)...)
	}
	for _, r := range records {
		leak.RowContacts = append(leak.RowContacts, r.contactID)
	}
	leak.content = renderLeak(leak, records)
	if leak.Mojibake {
		leak.content = mojibake(leak.content)
	}
	leak.File = strings.ReplaceAll(strings.ToLower(src.Report), " ", "_") + map[string]string{
		LeakPaste: ".txt", LeakCSV: ".csv", LeakNDJSON: ".ndjson", LeakSQL: ".sql",
	}[leak.Style]
	return leak
}

// damage applies the small changes of hand re-typing.
func (w *world) damage(r *leakRecord, dropAccents, upperSurnames bool) {
	if dropAccents {
		r.first, r.last, r.org = fold(r.first), fold(r.last), fold(r.org)
	}
	if upperSurnames && w.chance(0.3) {
		r.last = strings.ToUpper(r.last)
	}
	if w.chance(0.02) {
		r.first = typo(w, r.first)
	}
	if w.chance(0.02) {
		r.last = typo(w, r.last)
	}
	switch x := w.rng.Float64(); {
	case x < 0.02:
		r.email = strings.ToUpper(r.email[:1]) + r.email[1:]
	case x < 0.03:
		local, domain, _ := strings.Cut(r.email, "@")
		r.email = typo(w, local) + "@" + domain
	}
}

// typo swaps, drops or doubles one letter.
func typo(w *world, s string) string {
	rs := []rune(s)
	if len(rs) < 4 {
		return s
	}
	i := 1 + w.rng.IntN(len(rs)-2)
	switch w.rng.IntN(3) {
	case 0:
		rs[i], rs[i+1] = rs[i+1], rs[i]
	case 1:
		rs = append(rs[:i], rs[i+1:]...)
	default:
		rs = append(rs[:i+1], rs[i:]...)
	}
	return string(rs)
}

func renderLeak(leak *Leak, records []leakRecord) []byte {
	var buf bytes.Buffer
	phone := func(r leakRecord) string { return formatPhone(r.phone, r.country, leak.PhoneLayout) }
	switch leak.Style {
	case LeakPaste:
		fmt.Fprintf(&buf, "#####  CUSTOMER DB  -  %d entries  #####\n# fresh dump, more on request.\n\n", len(records))
		for _, r := range records {
			fmt.Fprintf(&buf, "%s | %s %s | %s | %s | %s\n", r.org, r.first, r.last, r.email, phone(r), r.title)
		}
		buf.WriteString("\n-- end --\n")
	case LeakCSV:
		rows := make([][]string, len(records))
		for i, r := range records {
			rows[i] = []string{r.org, r.last, r.first, r.email, phone(r), r.title}
		}
		out, _ := renderCSV([]string{"Société", "Nom", "Prénom", "Email", "Tél", "Fonction"}, rows, ';', true, charmap.Windows1252.NewEncoder())
		buf.Write(out)
	case LeakNDJSON:
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		for _, r := range records {
			enc.Encode(map[string]string{"company": r.org, "name": r.first + " " + r.last, "mail": r.email, "tel": phone(r), "position": r.title})
		}
	case LeakSQL:
		buf.WriteString("-- MySQL dump 10.13\n--\n-- Table structure for table `customers`\n--\n\nLOCK TABLES `customers` WRITE;\nINSERT INTO `customers` VALUES ")
		for i, r := range records {
			if i > 0 {
				buf.WriteString(",")
			}
			fmt.Fprintf(&buf, "(%d,%s,%s,%s,%s,%s,%s)", i+1, sqlQuote(r.org), sqlQuote(r.first), sqlQuote(r.last), sqlQuote(r.email), sqlQuote(phone(r)), sqlQuote(r.title))
		}
		buf.WriteString(";\nUNLOCK TABLES;\n")
	}
	return buf.Bytes()
}

func sqlQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// mojibake double-encodes text: each UTF-8 byte of a non-ASCII character is
// read as Windows-1252 and written back as UTF-8, so "é" becomes "Ã©".
func mojibake(b []byte) []byte {
	var out bytes.Buffer
	dec := charmap.Windows1252
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r < utf8.RuneSelf || !unicode.IsLetter(r) {
			out.Write(b[:size])
		} else {
			for _, c := range b[:size] {
				out.WriteRune(dec.DecodeByte(c))
			}
		}
		b = b[size:]
	}
	return out.Bytes()
}

func contactIndex(id string) int {
	var n int
	fmt.Sscanf(id, "C-%d", &n)
	return n - 1
}
