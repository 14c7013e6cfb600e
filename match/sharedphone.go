package match

// A phone number is often shared: a switchboard, a team's line, a number
// given to someone else. A link that rests on it alone, against a name that
// disagrees and with no e-mail address agreeing, is held for review
// however much the other fields add.

// outcome notes what the fields of a pair said, for that rule.
type outcome struct {
	phone, email            bool // agreed
	lastAgrees, lastDiffers bool
	firstDiffers            bool
}

// note records the level a field earned.
func (o *outcome) note(lv level) {
	switch lv {
	case phoneExact:
		o.phone = true
	case emailExact, emailAlias, emailFuzzy:
		o.email = true
	case lastExact:
		o.lastAgrees = true
	case lastDisagree:
		o.lastDiffers = true
	case firstDisagree:
		o.firstDiffers = true
	}
}

// sharedPhone reports a pair that only a phone number ties, against the
// name: the surname differs, or the given name does and the surname is
// not equal. A name merely alike is not enough: Roux and Leroux are two
// families, and colleagues share given names.
func (o outcome) sharedPhone() bool {
	return o.phone && !o.email && (o.lastDiffers || o.firstDiffers && !o.lastAgrees)
}

// capped returns weight w of a pair with outcome o, lowered for a shared
// phone to that of a possible link: reviewed, never counted as affected.
func (m *Matcher) capped(o outcome, w float64) float64 {
	if o.sharedPhone() {
		return min(w, m.w.PriorBits+1)
	}
	return w
}
