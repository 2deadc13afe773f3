package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Defaults of [dossier] and of a procedure's cut-off.
const (
	DefaultCodeFormat   = "{unit}-{yymmdd}-{seq:4}"
	defaultNearDueDays  = 2
	defaultLostAfter    = 3
	defaultMorning      = "07:30-11:30"
	defaultAfternoon    = "13:30-17:00"
	defaultCutoff       = "15:00"
	noCutoff            = "none"
	minSeqDigits        = 4 // Circular 01/2018 Art. 19: XXXX
	maxSeqDigits        = 9 // fits any int on every platform
	maxCodeFormatLength = 64
	maxUnitLength       = 40
	overrideDateLayout  = "2006-01-02"
)

// WorkHours ([dossier.hours]) are the two sessions of a working day, as
// "HH:MM-HH:MM", that hour-counted procedures count in.
type WorkHours struct {
	Morning   string `toml:"morning"`   // default "07:30-11:30"
	Afternoon string `toml:"afternoon"` // default "13:30-17:00"
}

// Sessions returns the morning and the afternoon as [from, to) minutes since
// midnight.
func (h WorkHours) Sessions() (morning, afternoon [2]int, err error) {
	m, err := parseHours(h.Morning)
	if err != nil {
		return morning, afternoon, fmt.Errorf("morning: %w", err)
	}
	a, err := parseHours(h.Afternoon)
	if err != nil {
		return morning, afternoon, fmt.Errorf("afternoon: %w", err)
	}
	if m.to > a.from {
		return morning, afternoon, fmt.Errorf("morning %q must end before afternoon %q starts", h.Morning, h.Afternoon)
	}
	return [2]int{m.from, m.to}, [2]int{a.from, a.to}, nil
}

// DayOverride ([[dossier.override]]) changes one day of the computed
// calendar: an extra day off (Working false) or a make-up working day, such
// as a Saturday worked in exchange for a bridge day (Working true).
type DayOverride struct {
	// Date is "YYYY-MM-DD", e.g. "2026-02-16".
	Date    string `toml:"date"`
	Working bool   `toml:"working"`
	// Reason is shown with the day, e.g. "Nghỉ Tết theo Thông báo số …".
	Reason string `toml:"reason"`
}

// OverrideOn returns the override of the given day (its date as written in
// the day's own location), if there is one.
func (d Dossier) OverrideOn(day time.Time) (DayOverride, bool) {
	date := day.Format(overrideDateLayout)
	for _, o := range d.Overrides {
		if o.Date == date {
			return o, true
		}
	}
	return DayOverride{}, false
}

// CutoffMinutes returns the procedure's cut-off as minutes since midnight;
// ok is false when it has none. An empty Cutoff is the default, 15:00.
func (p Procedure) CutoffMinutes() (minutes int, ok bool) {
	c := p.Cutoff
	if c == "" {
		c = defaultCutoff
	}
	if c == noCutoff {
		return 0, false
	}
	m, ok := clockMinutes(c)
	if !ok || m >= 24*60 {
		return 0, false
	}
	return m, true
}

// checkProcedureCatalogue fills in the defaults of [dossier] and of each
// procedure, and checks them.
func (c *Config) checkProcedureCatalogue(p *problems, services map[string]bool) {
	c.checkDossier(p)
	serviceDept := make(map[string]string, len(c.Services))
	for _, s := range c.Services {
		serviceDept[s.ID] = s.Department
	}
	depts := make(map[string]Department, len(c.Departments))
	for _, d := range c.Departments {
		depts[d.ID] = d
	}
	usesDept := false
	if parts, err := parseCodeFormat(c.Dossier.CodeFormat); err == nil {
		for _, pt := range parts {
			usesDept = usesDept || pt.kind == partDept
		}
	}
	codes := make(map[string]int)
	badShort := make(map[string]bool)
	for i := range c.Procedures {
		pr := &c.Procedures[i]
		l := label("procedure", i, pr.Code)
		switch {
		case strings.TrimSpace(pr.Code) == "":
			p.add("%s: code is missing", l)
		case strings.IndexFunc(pr.Code, unicode.IsSpace) >= 0:
			p.add("%s: code must have no spaces, e.g. \"1.001612\"", l)
		}
		if pr.Code != "" {
			if first, ok := codes[pr.Code]; ok {
				p.add("%s: code is used twice (#%d and #%d)", l, first+1, i+1)
			} else {
				codes[pr.Code] = i
			}
		}
		if strings.TrimSpace(pr.Name) == "" {
			p.add("%s: name is missing", l)
		}
		switch {
		case pr.Service == "":
			p.add("%s: service is missing", l)
		case !services[pr.Service]:
			p.add("%s: service %q does not exist", l, pr.Service)
		}
		if pr.Department == "" {
			pr.Department = serviceDept[pr.Service]
		} else if _, ok := depts[pr.Department]; !ok {
			p.add("%s: department %q does not exist", l, pr.Department)
		}
		checkPeriod(p, l, *pr)
		if pr.Cutoff == "" {
			pr.Cutoff = defaultCutoff
		}
		if _, ok := pr.CutoffMinutes(); !ok && pr.Cutoff != noCutoff {
			p.add("%s: cutoff %q must be a time \"HH:MM\" before 24:00, e.g. \"15:00\", or \"none\"", l, pr.Cutoff)
		}
		switch pr.OnlineLevel {
		case 0, 2, 3, 4:
		default:
			p.add("%s: online_level %d must be 2, 3 or 4 (or left out)", l, pr.OnlineLevel)
		}
		seen := make(map[string]bool, len(pr.Documents))
		for j, doc := range pr.Documents {
			switch {
			case strings.TrimSpace(doc) == "":
				p.add("%s: document #%d is empty", l, j+1)
			case seen[doc]:
				p.add("%s: document %q is listed twice", l, doc)
			}
			seen[doc] = true
		}
		if d, ok := depts[pr.Department]; ok && usesDept && !badShort[d.ID] && !codeSafe(d.Short) {
			badShort[d.ID] = true
			p.add("dossier: code_format uses {dept}, but department %q has short %q; in a code it must be letters A-Z, a-z, digits, '.', '-' or '_'", d.ID, d.Short)
		}
	}
}

// checkPeriod: exactly one of processing_days, processing_hours and
// same_day.
func checkPeriod(p *problems, l string, pr Procedure) {
	if pr.ProcessingDays < 0 {
		p.add("%s: processing_days %d must be >= 0", l, pr.ProcessingDays)
	}
	if pr.ProcessingHours < 0 {
		p.add("%s: processing_hours %d must be >= 0", l, pr.ProcessingHours)
	}
	if pr.ProcessingDays < 0 || pr.ProcessingHours < 0 {
		return
	}
	days, hours := pr.ProcessingDays > 0, pr.ProcessingHours > 0
	switch {
	case pr.SameDay && (days || hours):
		p.add("%s: same_day is set, so processing_days and processing_hours must be left out", l)
	case days && hours:
		p.add("%s: has both processing_days and processing_hours; choose one", l)
	case !pr.SameDay && !days && !hours:
		p.add("%s: needs processing_days, processing_hours or same_day = true", l)
	}
}

// checkDossier fills in the defaults of [dossier] and checks it. The unit
// may be empty while the center does not number dossiers; FormatCode then
// fails for a format that uses it.
func (c *Config) checkDossier(p *problems) {
	d := &c.Dossier
	if d.CodeFormat == "" {
		d.CodeFormat = DefaultCodeFormat
	}
	if d.NearDueDays == 0 {
		d.NearDueDays = defaultNearDueDays
	}
	if d.LostAfterDays == 0 {
		d.LostAfterDays = defaultLostAfter
	}
	if d.Hours.Morning == "" {
		d.Hours.Morning = defaultMorning
	}
	if d.Hours.Afternoon == "" {
		d.Hours.Afternoon = defaultAfternoon
	}
	if d.Unit == "" && len(c.Procedures) > 0 && strings.Contains(d.CodeFormat, "{unit}") {
		p.add("dossier: unit is missing: the receiving unit's identifier (Circular 01/2018/TT-VPCP Art. 19), e.g. \"000.00.01.H42\", begins every dossier code")
	}
	if d.Unit != "" && !unitSafe(d.Unit) {
		p.add("dossier: unit %q must be 1 to %d letters, digits and dots, e.g. \"000.00.01.H42\"", d.Unit, maxUnitLength)
	}
	if _, err := parseCodeFormat(d.CodeFormat); err != nil {
		p.add("dossier: %w", err)
	}
	if d.NearDueDays < 0 {
		p.add("dossier: near_due_days %d must be > 0", d.NearDueDays)
	}
	if d.LostAfterDays < 0 {
		p.add("dossier: lost_after_days %d must be > 0", d.LostAfterDays)
	}
	if d.Hotline != "" && strings.IndexFunc(d.Hotline, isDigit) < 0 {
		p.add("dossier: hotline %q has no phone number", d.Hotline)
	}
	if _, _, err := d.Hours.Sessions(); err != nil {
		p.add("dossier: hours: %w", err)
	}
	dates := make(map[string]int, len(d.Overrides))
	for i, o := range d.Overrides {
		l := fmt.Sprintf("dossier: override #%d", i+1)
		if o.Date != "" {
			l += " (" + o.Date + ")"
		}
		if _, err := time.Parse(overrideDateLayout, o.Date); err != nil {
			p.add("%s: date %q must be a date \"YYYY-MM-DD\", e.g. \"2026-02-16\"", l, o.Date)
		} else if first, ok := dates[o.Date]; ok {
			p.add("%s: date is overridden twice (#%d and #%d)", l, first+1, i+1)
		} else {
			dates[o.Date] = i
		}
		if strings.TrimSpace(o.Reason) == "" {
			p.add("%s: reason is missing", l)
		}
	}
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// codeSafe reports whether s may appear in a dossier code: codes are typed
// into public lookup pages, put in URLs and read aloud over the phone.
func codeSafe(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || isDigit(r) || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// unitSafe reports whether s has the shape of a unit identifier: letters,
// digits and dots (no '-', which separates the parts of a code).
func unitSafe(s string) bool {
	return len(s) <= maxUnitLength && codeSafe(s) && !strings.ContainsAny(s, "-_")
}

// The kinds of a code format's parts.
const (
	partLiteral = iota
	partUnit
	partYYMMDD
	partYYYY
	partMM
	partDD
	partSeq
	partDept
)

var placeholders = map[string]int{
	"unit":   partUnit,
	"yymmdd": partYYMMDD,
	"yyyy":   partYYYY,
	"mm":     partMM,
	"dd":     partDD,
	"dept":   partDept,
}

// codePart is a literal or a placeholder of a code format.
type codePart struct {
	kind   int
	lit    string // partLiteral
	digits int    // partSeq
}

// parseCodeFormat reads a dossier code format such as
// "{unit}-{yymmdd}-{seq:4}".
func parseCodeFormat(s string) ([]codePart, error) {
	bad := func(why string, args ...any) error {
		return fmt.Errorf("code_format %q: %s", s, fmt.Sprintf(why, args...))
	}
	if len(s) > maxCodeFormatLength {
		return nil, bad("longer than %d characters", maxCodeFormatLength)
	}
	var parts []codePart
	seen := make(map[int]bool)
	for rest := s; rest != ""; {
		open := strings.IndexByte(rest, '{')
		if open != 0 {
			lit := rest
			if open > 0 {
				lit = rest[:open]
			}
			if strings.ContainsRune(lit, '}') {
				return nil, bad("a '}' without its '{'")
			}
			if !codeSafe(lit) {
				return nil, bad("text %q may use only letters A-Z, a-z, digits, '.', '-' and '_' besides the placeholders", lit)
			}
			parts = append(parts, codePart{kind: partLiteral, lit: lit})
			rest = rest[len(lit):]
			continue
		}
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return nil, bad("a '{' without its '}'")
		}
		name := rest[1:end]
		rest = rest[end+1:]
		if n, ok := strings.CutPrefix(name, "seq:"); ok {
			digits, err := strconv.Atoi(n)
			if err != nil || !isAllDigits(n) {
				return nil, bad("{%s}: the sequence's width must be a number, e.g. {seq:4}", name)
			}
			if digits < minSeqDigits || digits > maxSeqDigits {
				return nil, bad("{%s}: the sequence needs %d to %d digits", name, minSeqDigits, maxSeqDigits)
			}
			if seen[partSeq] {
				return nil, bad("{seq:N} appears twice")
			}
			seen[partSeq] = true
			parts = append(parts, codePart{kind: partSeq, digits: digits})
			continue
		}
		kind, ok := placeholders[name]
		if !ok {
			return nil, bad("unknown placeholder {%s}; known: {unit}, {yymmdd}, {yyyy}, {mm}, {dd}, {seq:N}, {dept}", name)
		}
		seen[kind] = true
		parts = append(parts, codePart{kind: kind})
	}
	if !seen[partSeq] {
		return nil, bad("no sequence; add {seq:4}")
	}
	if !seen[partYYMMDD] && !(seen[partYYYY] && seen[partMM] && seen[partDD]) {
		return nil, bad("no date; add {yymmdd}, or {yyyy}, {mm} and {dd}")
	}
	return parts, nil
}

func isAllDigits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return !isDigit(r) }) < 0
}

// ErrSeqTooLarge is returned by FormatCode when the day's sequence no longer
// fits in the digits the code format gives it.
var ErrSeqTooLarge = errors.New("dossier sequence exceeds the code's digits")

// FormatCode returns the code of the seq-th dossier (from 1) received on day
// by unit, for a procedure of the department with short code dept. The date
// is day's date in day's own location, so pass a local time. It is pure: the
// caller keeps the sequence, one per unit per day.
func (d Dossier) FormatCode(unit string, day time.Time, seq int, dept string) (string, error) {
	format := d.CodeFormat
	if format == "" {
		format = DefaultCodeFormat
	}
	parts, err := parseCodeFormat(format)
	if err != nil {
		return "", fmt.Errorf("dossier: %w", err)
	}
	if seq < 1 {
		return "", fmt.Errorf("dossier: sequence %d must be >= 1", seq)
	}
	year, month, dd := day.Date()
	if year < 1 || year > 9999 {
		return "", fmt.Errorf("dossier: year %d must be 1 to 9999", year)
	}
	var b strings.Builder
	for _, pt := range parts {
		switch pt.kind {
		case partLiteral:
			b.WriteString(pt.lit)
		case partUnit:
			if !unitSafe(unit) {
				return "", fmt.Errorf("dossier: unit %q must be 1 to %d letters, digits and dots", unit, maxUnitLength)
			}
			b.WriteString(unit)
		case partDept:
			if !codeSafe(dept) {
				return "", fmt.Errorf("dossier: department code %q must be letters A-Z, a-z, digits, '.', '-' or '_'", dept)
			}
			b.WriteString(dept)
		case partYYMMDD:
			fmt.Fprintf(&b, "%02d%02d%02d", year%100, int(month), dd)
		case partYYYY:
			fmt.Fprintf(&b, "%04d", year)
		case partMM:
			fmt.Fprintf(&b, "%02d", int(month))
		case partDD:
			fmt.Fprintf(&b, "%02d", dd)
		case partSeq:
			s := strconv.Itoa(seq)
			if len(s) > pt.digits {
				return "", fmt.Errorf("dossier: sequence %d has more than %d digits: %w", seq, pt.digits, ErrSeqTooLarge)
			}
			b.WriteString(strings.Repeat("0", pt.digits-len(s)))
			b.WriteString(s)
		}
	}
	return b.String(), nil
}
