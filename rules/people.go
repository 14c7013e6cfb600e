package rules

import (
	"fmt"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// PeopleHow says, in lang, how the leak's people were counted: the
// registry contacts found, the former contacts, and the people found
// nowhere, each a data subject; rows still to review are counted apart.
func PeopleHow(lang string, p leakdesk.People) string {
	fr := lang == "fr"
	say := func(en, frText string, args ...any) string {
		if fr {
			return fmt.Sprintf(frText, args...)
		}
		return fmt.Sprintf(en, args...)
	}
	parts := []string{say("%d registry contact(s) found in the leak", "%d contact(s) du référentiel retrouvé(s) dans la fuite", p.Affected)}
	if p.Former > 0 || len(p.Searched) > 0 {
		parts = append(parts, say("%d former contact(s), no longer in the registry, found in past exports or its history",
			"%d ancien(s) contact(s), sorti(s) du référentiel, retrouvé(s) dans des exports passés ou son historique", p.Former))
	}
	if p.Unknown > 0 {
		parts = append(parts, say("%d person(s) found nowhere else, data subjects too if real",
			"%d personne(s) introuvable(s) ailleurs, concernée(s) elles aussi si elles existent", p.Unknown))
	}
	out := strings.Join(parts, ", ")
	if p.ReviewRows > 0 {
		out += say("; %d row(s) still to review", " ; %d ligne(s) encore à examiner", p.ReviewRows)
	}
	if len(p.Searched) == 0 {
		out += say("; past exports and the registry's history not searched", " ; exports passés et historique du référentiel non consultés")
	}
	return out
}
