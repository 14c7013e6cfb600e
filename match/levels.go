package match

// level is one outcome of comparing one field: each earns a weight, and
// EM estimates each one's m and u.
type level int

const (
	emailExact level = iota
	emailAlias
	emailFuzzy
	emailNamesake
	emailDisagree
	phoneExact
	phoneDisagree
	lastExact
	lastPartial
	lastDisagree
	firstExact
	firstPartial
	firstInitial
	firstDisagree
	orgExact
	orgPartial
	orgDisagree
	birthExact
	birthPartial
	birthDisagree
	nationalIDExact
	nationalIDPartial
	nationalIDDisagree
	postcodeExact
	postcodePartial
	postcodeDisagree
	cityExact
	cityDisagree
	addressExact
	addressPartial
	addressDisagree
	numLevels
)

// at returns the weight of level l in w.
func (w *Weights) at(l level) *float64 {
	return [numLevels]*float64{
		&w.EmailExact, &w.EmailAlias, &w.EmailFuzzy, &w.EmailNamesake, &w.EmailDisagree,
		&w.PhoneExact, &w.PhoneDisagree,
		&w.LastExact, &w.LastPartial, &w.LastDisagree,
		&w.FirstExact, &w.FirstPartial, &w.FirstInitial, &w.FirstDisagree,
		&w.OrgExact, &w.OrgPartial, &w.OrgDisagree,
		&w.BirthExact, &w.BirthPartial, &w.BirthDisagree,
		&w.NationalIDExact, &w.NationalIDPartial, &w.NationalIDDisagree,
		&w.PostcodeExact, &w.PostcodePartial, &w.PostcodeDisagree,
		&w.CityExact, &w.CityDisagree,
		&w.AddressExact, &w.AddressPartial, &w.AddressDisagree,
	}[l]
}

// field is the field a level is an outcome of; a pair has at most one
// level of each field.
func (l level) field() int {
	switch {
	case l <= emailDisagree:
		return 0
	case l <= phoneDisagree:
		return 1
	case l <= lastDisagree:
		return 2
	case l <= firstDisagree:
		return 3
	case l <= orgDisagree:
		return 4
	case l <= birthDisagree:
		return 5
	case l <= nationalIDDisagree:
		return 6
	case l <= postcodeDisagree:
		return 7
	case l <= cityDisagree:
		return 8
	}
	return 9
}

const numFields = 10

// String names a level as the findings report estimated weights.
func (l level) String() string {
	return [numLevels]string{
		"email.equal", "email.alias", "email.retyped", "email.namesake", "email.different",
		"phone.equal", "phone.different",
		"last_name.equal", "last_name.similar", "last_name.different",
		"first_name.equal", "first_name.similar", "first_name.initial", "first_name.different",
		"organisation.equal", "organisation.similar", "organisation.different",
		"date_of_birth.equal", "date_of_birth.close", "date_of_birth.different",
		"national_id.equal", "national_id.close", "national_id.different",
		"postcode.equal", "postcode.close", "postcode.different",
		"city.equal", "city.different",
		"postal_address.equal", "postal_address.similar", "postal_address.different",
	}[l]
}
