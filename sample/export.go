package sample

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// Column keys of exports and leaks.
const (
	colContactID    = "contact_id"
	colOrgID        = "org_id"
	colOrganisation = "organisation"
	colFirstName    = "first_name"
	colLastName     = "last_name"
	colFullName     = "full_name"
	colTitle        = "job_title"
	colEmail        = "email"
	colPhone        = "phone"
	colMobile       = "mobile"
	colCountry      = "country"
	colCity         = "city"
	colOffers       = "offers"
	colPublic       = "public_sector"
)

// frenchHeader returns the French label of a column.
func frenchHeader(col string) string {
	return map[string]string{
		colContactID: "ID contact", colOrgID: "ID client", colOrganisation: "Société", colFirstName: "Prénom",
		colLastName: "Nom", colFullName: "Nom complet", colTitle: "Fonction", colEmail: "E-mail", colPhone: "Téléphone",
		colMobile: "Portable", colCountry: "Pays", colCity: "Ville", colOffers: "Offres", colPublic: "Secteur public",
	}[col]
}

// Phone layouts found in exports and leaks.
const (
	PhoneE164     = "e164"     // +33123456789
	PhoneIntl     = "intl"     // +33 1 23 45 67 89
	PhoneNational = "national" // 01 23 45 67 89
	PhoneDotted   = "dotted"   // 01.23.45.67.89
	Phone00       = "00"       // 0033 1 23 45 67 89
)

func phoneLayouts() []string {
	return []string{PhoneE164, PhoneIntl, PhoneNational, PhoneDotted, Phone00}
}

// Export file formats.
const (
	FormatCSV        = "csv"        // UTF-8, comma
	FormatCSVExcelFR = "csv-cp1252" // Windows-1252, semicolon, CRLF: what Excel saves in France
	FormatXLSX       = "xlsx"
)

// report is a saved CRM report that employees export.
type report struct {
	Name    string
	Stem    string
	Columns []string
	Filter  func(o *Organisation, p *Contact) bool
}

func reports() []report {
	microSOC := func(o *Organisation, _ *Contact) bool { return slices.Contains(o.Offers, "Micro-SOC") }
	return []report{
		{"Tous les clients", "tous_les_clients", []string{colContactID, colOrgID, colOrganisation, colFirstName, colLastName, colTitle, colEmail, colPhone, colMobile, colCountry, colCity, colOffers}, func(*Organisation, *Contact) bool { return true }},
		{"Clients Micro-SOC", "clients_micro_soc", []string{colOrganisation, colFirstName, colLastName, colEmail, colPhone, colMobile, colTitle, colCountry}, microSOC},
		{"Micro-SOC renewals", "micro_soc_renewals", []string{colOrgID, colOrganisation, colFullName, colEmail, colMobile, colOffers}, microSOC},
		{"Secteur public", "secteur_public", []string{colOrganisation, colLastName, colFirstName, colTitle, colEmail, colPhone, colCity}, func(o *Organisation, _ *Contact) bool { return o.PublicSector }},
		{"Invitation webinaire", "invitation_webinaire", []string{colFirstName, colLastName, colEmail, colOrganisation}, func(*Organisation, *Contact) bool { return true }},
	}
}

// Export is one file an employee exported from the CRM.
type Export struct {
	ID          string
	File        string
	User        string
	Report      string
	At          time.Time
	Format      string
	PhoneLayout string
	French      bool // French column headers
	Columns     []string
	Contacts    []string // contact IDs, in file order
	content     []byte
}

// row renders one contact as it was at t, keyed by column.
func (w *world) row(p *Contact, t time.Time, layout string) map[string]string {
	o := w.org(p.OrgID)
	c := w.data.Countries[o.Country]
	public := "no"
	if o.PublicSector {
		public = "yes"
	}
	return map[string]string{
		colContactID: p.ID, colOrgID: o.ID, colOrganisation: o.Name, colFirstName: p.FirstName, colLastName: p.LastName,
		colFullName: p.FirstName + " " + p.LastName, colTitle: p.Value(fieldTitle, t), colEmail: p.Value(fieldEmail, t),
		colPhone: formatPhone(p.Value(fieldPhone, t), c, layout), colMobile: formatPhone(p.Value(fieldMobile, t), c, layout),
		colCountry: o.Country, colCity: o.City, colOffers: strings.Join(o.Offers, "/"), colPublic: public,
	}
}

// formatPhone lays out an E.164 number the way people and CRMs write it.
func formatPhone(e164 string, c *country, layout string) string {
	if e164 == "" || layout == PhoneE164 {
		return e164
	}
	nsn := strings.TrimPrefix(e164, "+"+c.Dial)
	groups := groupDigits(nsn, c.Group)
	switch layout {
	case PhoneIntl:
		return "+" + c.Dial + " " + groups
	case Phone00:
		return "00" + c.Dial + " " + groups
	case PhoneDotted:
		return strings.ReplaceAll(groupDigits(c.Trunk+nsn, c.Group), " ", ".")
	default:
		return groupDigits(c.Trunk+nsn, c.Group)
	}
}

// groupDigits splits digits into pairs from the end, as French and Belgian
// numbers are written; other countries get groups of three and four.
func groupDigits(d, style string) string {
	size, head := 3, 4 // never leave a lone leading digit
	if style == "pairs" || style == "be" || style == "ch" {
		size, head = 2, 2
	}
	var parts []string
	for len(d) > head {
		parts = append([]string{d[len(d)-size:]}, parts...)
		d = d[:len(d)-size]
	}
	return strings.Join(append([]string{d}, parts...), " ")
}

// render writes rows in the export's format.
func render(format string, header []string, rows [][]string) ([]byte, error) {
	switch format {
	case FormatXLSX:
		return renderXLSX(header, rows)
	case FormatCSVExcelFR:
		return renderCSV(header, rows, ';', true, charmap.Windows1252.NewEncoder())
	default:
		return renderCSV(header, rows, ',', false, nil)
	}
}

func renderCSV(header []string, rows [][]string, comma rune, crlf bool, enc *encoding.Encoder) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma, w.UseCRLF = comma, crlf
	if header != nil {
		w.Write(header)
	}
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	if enc == nil {
		return buf.Bytes(), nil
	}
	out, err := encoding.ReplaceUnsupported(enc).Bytes(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("encode csv: %w", err)
	}
	return out, nil
}

func renderXLSX(header []string, rows [][]string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, fmt.Errorf("xlsx stream: %w", err)
	}
	for i, r := range append([][]string{header}, rows...) {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			return nil, fmt.Errorf("xlsx row %d: %w", i+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("xlsx flush: %w", err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("xlsx write: %w", err)
	}
	return buf.Bytes(), nil
}

// makeExport renders report r as the registry was at spec.At.
func (w *world) makeExport(spec *Export, r report) error {
	var contacts []*Contact
	for _, p := range w.snapshot(spec.At) {
		if r.Filter(w.org(p.OrgID), p) {
			contacts = append(contacts, p)
		}
	}
	// CRMs sort reports by organisation, then surname.
	slices.SortStableFunc(contacts, func(a, b *Contact) int {
		if c := strings.Compare(w.org(a.OrgID).Name, w.org(b.OrgID).Name); c != 0 {
			return c
		}
		return strings.Compare(a.LastName, b.LastName)
	})
	header := make([]string, len(spec.Columns))
	for i, col := range spec.Columns {
		header[i] = col
		if spec.French {
			header[i] = frenchHeader(col)
		}
	}
	rows := make([][]string, 0, len(contacts))
	for _, p := range contacts {
		values := w.row(p, spec.At, spec.PhoneLayout)
		row := make([]string, len(spec.Columns))
		for i, col := range spec.Columns {
			row[i] = values[col]
		}
		rows = append(rows, row)
		spec.Contacts = append(spec.Contacts, p.ID)
	}
	content, err := render(spec.Format, header, rows)
	if err != nil {
		return fmt.Errorf("export %s: %w", spec.ID, err)
	}
	spec.content = content
	return nil
}
