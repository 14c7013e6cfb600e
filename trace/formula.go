package trace

import "strings"

// A spreadsheet runs a cell that starts with =, +, -, @, a tab or a
// carriage return as a formula (CSV injection, CWE-1236): a registry value
// written by an adversary, such as =HYPERLINK(...) in a name, would run on
// the machine of whoever opens the export. OWASP's advice (ASVS 1.2.10) is
// to escape such a first character with a single quote, in CSV and in
// spreadsheet formats alike; spreadsheets show the quote as a "text"
// marker, and drop it when they save the file again.

// formulaTriggers are the first characters that make a cell a formula.
const formulaTriggers = "=+-@\t\r"

// NeutraliseCell returns cell as it is safe to write in an export: with a
// single quote before it when a spreadsheet would run it as a formula.
// A cell of only digits, spaces and . ( ) / - after a leading + or - is
// kept as it is: a phone number (+33 6 12 34 56 78, the layouts that carry
// the fingerprint) or a negative number must stay what it is, and with no
// letter, quote, ! or | it can name no function, reference or DDE link.
func NeutraliseCell(cell string) string {
	if cell == "" || !strings.ContainsRune(formulaTriggers, rune(cell[0])) || numeric(cell) {
		return cell
	}
	return "'" + cell
}

// RestoreCell undoes NeutraliseCell, for reading an export as leakdesk
// wrote it: a quote before a formula's first character is dropped.
func RestoreCell(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && strings.ContainsRune(formulaTriggers, rune(cell[1])) {
		return cell[1:]
	}
	return cell
}

// numeric reports whether cell is a sign then digits, spaces and . ( ) / -
// with at least one digit.
func numeric(cell string) bool {
	if cell[0] != '+' && cell[0] != '-' {
		return false
	}
	digit := false
	for _, r := range cell[1:] {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(" .()/-", r):
		default:
			return false
		}
	}
	return digit
}

// NeutraliseRows returns rows with every cell neutralised, leaving rows as
// they are.
func NeutraliseRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for k, r := range rows {
		out[k] = make([]string, len(r))
		for i, c := range r {
			out[k][i] = NeutraliseCell(c)
		}
	}
	return out
}
