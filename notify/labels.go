package notify

import "strings"

// fieldLabels name, in each language, the kinds of data matching reports
// (dump's column roles, and "name" for names read from free text).
var fieldLabels = map[string][2]string{ // kind: {fr, en}
	"email":          {"adresse e-mail", "e-mail address"},
	"phone":          {"numéro de téléphone", "phone number"},
	"name":           {"nom", "name"},
	"full_name":      {"nom", "name"},
	"first_name":     {"prénom", "first name"},
	"last_name":      {"nom de famille", "surname"},
	"organisation":   {"organisation", "organisation"},
	"job_title":      {"fonction", "job title"},
	"postal_address": {"adresse postale", "postal address"},
	"postcode":       {"code postal", "postcode"},
	"city":           {"ville", "city"},
	"country":        {"pays", "country"},
	"date_of_birth":  {"date de naissance", "date of birth"},
	"national_id":    {"numéro d'identification national", "national identity number"},
	"iban":           {"IBAN", "IBAN"},
	"payment_card":   {"numéro de carte de paiement", "payment card number"},
	"username":       {"identifiant", "user name"},
	"password":       {"mot de passe", "password"},
	"password_hash":  {"empreinte de mot de passe", "password hash"},
	"ip_address":     {"adresse IP", "IP address"},
}

// ExposedLabels names the kinds of data in lang, once each, in the order
// given; first and last names read as one "name".
func ExposedLabels(fields []string, lang string) []string {
	i := 1
	if lang == "fr" {
		i = 0
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range fields {
		label := strings.ReplaceAll(f, "_", " ")
		if l, ok := fieldLabels[f]; ok {
			label = l[i]
		}
		if f == "first_name" || f == "last_name" || f == "full_name" {
			label = fieldLabels["name"][i]
		}
		if !seen[label] {
			seen[label] = true
			out = append(out, label)
		}
	}
	return out
}

// LanguageOf chooses the language of a recipient's notices: the registry's
// own language column first, then French for French-speaking countries, and
// English for everyone else.
func LanguageOf(language, country string) string {
	language = strings.ToLower(strings.TrimSpace(language))
	if len(language) >= 2 {
		switch language[:2] {
		case "fr":
			return "fr"
		case "en":
			return "en"
		}
	}
	switch strings.ToUpper(strings.TrimSpace(country)) {
	case "FR", "BE", "LU", "MC", "SN", "CI", "MA", "TN", "DZ", "RE", "GP", "MQ", "GF", "YT", "NC", "PF", "FRANCE", "BELGIQUE", "BELGIUM", "LUXEMBOURG":
		return "fr"
	}
	return "en"
}
