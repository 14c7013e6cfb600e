package trace

import (
	"strings"

	"github.com/leakdesk/leakdesk/dump"
)

// CarrierTitle is the carrier kind of job titles written in one of two
// equivalent spellings.
const CarrierTitle = "title"

// titleSpellings pairs equivalent spellings of job titles: an acronym and
// its expansion, or two usual wordings. Both say the same, so the value
// stays correct; they differ in more than case, accents, dots and spaces,
// so a leaker's normaliser keeps them apart.
var titleSpellings = [][2]string{
	{"RSSI", "Responsable de la sécurité des systèmes d'information"},
	{"Responsable sécurité", "Responsable de la sécurité"},
	{"Administrateur systèmes", "Administrateur système"},
	{"Responsable des achats", "Responsable achats"},
	{"Technicien informatique", "Technicien IT"},
	{"Directeur général", "Directeur général (DG)"},
	{"Chef de projet informatique", "Chef de projet IT"},
	{"Délégué à la protection des données", "Délégué à la protection des données (DPO)"},
	{"Responsable informatique", "Responsable IT"},
	{"IT Manager", "Information Technology Manager"},
	{"CTO", "Chief Technology Officer"},
	{"CIO", "Chief Information Officer"},
	{"CISO", "Chief Information Security Officer"},
	{"DPO", "Data Protection Officer"},
	{"Head of IT", "Head of Information Technology"},
	{"Service Desk Lead", "Service Desk Team Lead"},
	{"IT-Leiter", "Leiter IT"},
	{"Leiter Informatik", "Informatikleiter"},
	{"Geschäftsführer", "Geschäftsführer (GF)"},
	{"Datenschutzbeauftragter", "Datenschutzbeauftragter (DSB)"},
	{"Director de TI", "Director de Tecnologías de la Información"},
	{"Administrador de sistemas", "Administrador de sistemas informáticos"},
	{"Responsabile IT", "Responsabile informatico"},
	{"Amministratore di sistema", "Amministratore di sistemi"},
}

// titleIndex finds a spelling by its folded form.
var titleIndex = func() map[string][2]int {
	at := map[string][2]int{}
	for i, pair := range titleSpellings {
		for v, spelling := range pair {
			at[dump.Fold(spelling)] = [2]int{i, v}
		}
	}
	return at
}()

// titleSpelling finds which pair a job title belongs to, and which of its
// spellings it has.
func titleSpelling(title string) (pair int, second bool, ok bool) {
	at, ok := titleIndex[dump.Fold(strings.Join(strings.Fields(title), " "))]
	return at[0], at[1] == 1, ok
}

// rowKey names a row by the value that survives normalisation: its e-mail
// address, lower case, or else its E.164 number.
func (m *Marker) rowKey(roles []dump.Role, row []string) string {
	var phone string
	for i, role := range roles {
		if i >= len(row) {
			break
		}
		switch role {
		case dump.RoleEmail:
			if e, ok := m.n.Email(row[i]); ok {
				return e
			}
		case dump.RolePhone:
			if e, ok := m.n.Phone(row[i]); ok && phone == "" {
				phone = e
			}
		}
	}
	return phone
}
