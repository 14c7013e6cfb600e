package rules

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"
)

// holidayRule is one public holiday of a country, as held in
// holidays.json: a fixed date ("12-25"), a day counted from Easter Sunday
// ("easter": 1 is Easter Monday), or the nth weekday of a month ("nth": -1
// is the last). From and Until also hold one-off days, such as the United
// Kingdom's bank holidays by royal proclamation. Substitute moves a holiday that falls on a weekend to the
// next working day (the United Kingdom, Ireland); SundayShift moves one
// that falls on a Sunday by that many days (the Dutch King's Day, held on
// 26 April when 27 April is a Sunday). From and Until bound the years it
// is held.
type holidayRule struct {
	Name        string `json:"name"`
	Date        string `json:"date,omitempty"`
	Easter      *int   `json:"easter,omitempty"`
	Month       int    `json:"month,omitempty"`
	Weekday     string `json:"weekday,omitempty"`
	Nth         int    `json:"nth,omitempty"`
	Substitute  bool   `json:"substitute,omitempty"`
	SundayShift int    `json:"sunday_shift,omitempty"`
	// FridayInstead ("02-01") holds the holiday on that date instead when
	// it is a Friday (Ireland's St Brigid's Day: the first Monday of
	// February, or 1 February when that is a Friday).
	FridayInstead string `json:"friday_instead,omitempty"`
	From          int    `json:"from,omitempty"`
	Until         int    `json:"until,omitempty"`
}

// holidayFile is holidays.json: the sources it was taken from, and each
// country's national public holidays.
type holidayFile struct {
	Sources   []Source                 `json:"sources"`
	Countries map[string][]holidayRule `json:"countries"`
}

func (r *Rules) loadHolidays() error {
	data, err := fs.ReadFile(embedded, "holidays.json")
	if err != nil {
		return fmt.Errorf("read holidays: %w", err)
	}
	var f holidayFile
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("parse holidays.json: %w", err)
	}
	for country, list := range f.Countries {
		for i, h := range list {
			if _, err := h.dates(2026); err != nil {
				return fmt.Errorf("holidays.json: %s[%d] (%s): %w", country, i, h.Name, err)
			}
		}
	}
	r.holidays = f.Countries
	return nil
}

// Easter returns Easter Sunday of a year in the Gregorian calendar (the
// anonymous Gregorian algorithm, also known as Meeus/Jones/Butcher).
func Easter(year int) time.Time {
	a, b, c := year%19, year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

var weekdays = map[string]time.Weekday{"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday,
	"wednesday": time.Wednesday, "thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday}

// dates returns the day a rule gives in a year (none outside its years).
func (h holidayRule) dates(year int) ([]time.Time, error) {
	if (h.From != 0 && year < h.From) || (h.Until != 0 && year > h.Until) {
		return nil, nil
	}
	var d time.Time
	switch {
	case h.Date != "":
		t, err := time.Parse("01-02", h.Date)
		if err != nil {
			return nil, fmt.Errorf("date %q: want MM-DD", h.Date)
		}
		d = time.Date(year, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	case h.Easter != nil:
		d = Easter(year).AddDate(0, 0, *h.Easter)
	case h.Month >= 1 && h.Month <= 12 && h.Nth != 0:
		wd, ok := weekdays[strings.ToLower(h.Weekday)]
		if !ok {
			return nil, fmt.Errorf("weekday %q", h.Weekday)
		}
		if h.Nth > 0 {
			d = time.Date(year, time.Month(h.Month), 1, 0, 0, 0, 0, time.UTC)
			d = d.AddDate(0, 0, (int(wd)-int(d.Weekday())+7)%7+7*(h.Nth-1))
		} else {
			d = time.Date(year, time.Month(h.Month)+1, 0, 0, 0, 0, 0, time.UTC)
			d = d.AddDate(0, 0, -((int(d.Weekday())-int(wd)+7)%7)-7*(-h.Nth-1))
		}
	default:
		return nil, fmt.Errorf("want date, easter, or month with weekday and nth")
	}
	if h.FridayInstead != "" {
		t, err := time.Parse("01-02", h.FridayInstead)
		if err != nil {
			return nil, fmt.Errorf("friday_instead %q: want MM-DD", h.FridayInstead)
		}
		if f := time.Date(year, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC); f.Weekday() == time.Friday {
			d = f
		}
	}
	if h.SundayShift != 0 && d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, h.SundayShift)
	}
	return []time.Time{d}, nil
}

// holidaysOf returns a country's public holidays in a year, by day.
func (r *Rules) holidaysOf(country string, year int) map[time.Time]string {
	out := map[time.Time]string{}
	var substitutes []holidayRule
	for _, h := range r.holidays[country] {
		days, _ := h.dates(year)
		for _, d := range days {
			out[d] = h.Name
			if h.Substitute && (d.Weekday() == time.Saturday || d.Weekday() == time.Sunday) {
				substitutes = append(substitutes, h)
			}
		}
	}
	// A holiday on a weekend is held on the next weekday that is not
	// already a holiday, in date order (Christmas on a Saturday: Monday
	// 27, Boxing Day then Tuesday 28).
	for _, day := range sortedDays(substitutes, year) {
		d := day.date.AddDate(0, 0, 1)
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || out[d] != "" {
			d = d.AddDate(0, 0, 1)
		}
		out[d] = day.name + " (substitute day)"
	}
	return out
}

type namedDay struct {
	date time.Time
	name string
}

func sortedDays(rules []holidayRule, year int) []namedDay {
	var out []namedDay
	for _, h := range rules {
		days, _ := h.dates(year)
		for _, d := range days {
			out = append(out, namedDay{d, h.Name})
		}
	}
	slices.SortFunc(out, func(a, b namedDay) int { return a.date.Compare(b.date) })
	return out
}

// Holiday says whether the calendar day of t (in t's location) is a
// national public holiday of country, and which. Regional holidays (a
// German Land, a Spanish community) are not held: a regime file or a
// national transposition that needs them says so.
func (r *Rules) Holiday(country string, t time.Time) (string, bool) {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	name, ok := r.holidaysOf(country, t.Year())[day]
	return name, ok
}

// HasHolidays says whether public holidays are known for country.
func (r *Rules) HasHolidays(country string) bool { return len(r.holidays[country]) > 0 }
