package rules

import (
	"fmt"
	"strings"
	"time"

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

// SubjectsInformed says, in lang, how far the people concerned were told:
// the affected contacts (and outside, those of the findings no notice can
// reach yet) and the former contacts, each as far as evidence shows.
// since is the first notice, updates how many followed it.
func SubjectsInformed(lang string, s leakdesk.CoverageSummary, outside int, since time.Time, updates int) string {
	fr := lang == "fr"
	counts := func(c leakdesk.CoverageCounts, extra int) string {
		if fr {
			return fmt.Sprintf("%d jointe(s) de façon attestée (accusé de réception, appel, rapport de remise), %d message(s) envoyé(s) sans preuve de réception à ce jour, %d non jointe(s)",
				c.Reached(), c.Sent, c.Unreached+extra)
		}
		return fmt.Sprintf("%d reached on evidence (acknowledgement, call, delivery report), %d sent with no evidence yet that it arrived, %d not reached", c.Reached(), c.Sent, c.Unreached+extra)
	}
	affected, former := s.ByKind[leakdesk.RecipientAffected], s.ByKind[leakdesk.RecipientFormer]
	var out string
	if fr {
		out = fmt.Sprintf("Depuis le %s (premier message, puis %d point(s) de situation), sur %d personne(s) concernée(s) : %s.",
			since.Format("02/01/2006"), updates, affected.Recipients+outside, counts(affected, outside))
		if former.Recipients > 0 {
			out += fmt.Sprintf(" Sur %d ancien(s) contact(s) : %s.", former.Recipients, counts(former, 0))
		}
		return out + " Source : leakdesk notify coverage."
	}
	out = fmt.Sprintf("Since %s (first notice, then %d update(s)), of %d affected person(s): %s.",
		since.Format("2006-01-02"), updates, affected.Recipients+outside, counts(affected, outside))
	if former.Recipients > 0 {
		out += fmt.Sprintf(" Of %d former contact(s): %s.", former.Recipients, counts(former, 0))
	}
	return out + " Source: leakdesk notify coverage."
}
