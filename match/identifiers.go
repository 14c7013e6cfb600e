package match

import (
	"github.com/leakdesk/leakdesk/dump"
)

// identifiersOnly sorts, without making a record of it, a line of free text
// that holds nothing but e-mail addresses and phone numbers none of which
// is a registry contact's: most lines of a combolist. Such a line can link
// no one, since every other key of a contact needs a name; it is counted
// as unlink would count it. It reports false, having done nothing, for any
// other row, which the whole link then reads.
func (s *Scanner) identifiersOnly(a *acc, p plan, format dump.Format, row dump.Row) bool {
	if format != dump.FormatText || p.fromCells || s.past != nil || !s.namelessLinksNone {
		return false
	}
	found := false
	for _, tok := range row.Tokens {
		switch tok.Kind {
		case dump.TokenEmail:
			e, ok := s.n.Email(tok.Value)
			if !ok {
				continue
			}
			if s.m.blocksEmail(e) {
				return false
			}
		case dump.TokenPhone:
			// A number that is no registry number in any layout is keyed
			// by phone as "#" and its digits, which no registry key is:
			// registry numbers are keyed in E.164, which begins with "+".
			// So only the layouts are looked up.
			var buf [maxPhoneDigits]byte
			digits, ok := phoneDigits(tok.Value, buf[:0])
			if !ok {
				continue
			}
			if _, ok := s.forms.find(string(digits)); ok {
				return false
			}
		default:
			return false
		}
		found = true
	}
	if found {
		a.unlinked.identifierRows++
	} else {
		a.unlinked.noContactRows++
	}
	return true
}

// readsCells reports whether a record is read from the row's cells, as
// well as from the tokens of free text.
func (p *plan) readsCells() bool {
	pc := p.personColumns
	return len(p.emails)+len(p.phones)+len(p.first)+len(p.last)+len(p.full)+len(p.org)+len(pc.address) > 0 ||
		pc.birth >= 0 || pc.nationalID >= 0 || pc.postcode >= 0 || pc.city >= 0
}
