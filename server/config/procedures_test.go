package config

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestValidateProcedures(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		want   string // one problem's message or a part of it; "" for valid
	}{
		{"days", func(c *Config) {}, ""},
		{"hours", func(c *Config) { c.Procedures[0].ProcessingDays, c.Procedures[0].ProcessingHours = 0, 16 }, ""},
		{"same day", func(c *Config) { c.Procedures[0].ProcessingDays, c.Procedures[0].SameDay = 0, true }, ""},
		{"everything set", func(c *Config) {
			pr := &c.Procedures[0]
			pr.Department, pr.Fees, pr.OnlineLevel, pr.Cutoff = "nv", "50.000 đồng/hồ sơ", 4, "16:30"
			pr.Documents = []string{"Giấy đề nghị đăng ký doanh nghiệp", "Điều lệ công ty"}
		}, ""},
		{"no cutoff", func(c *Config) { c.Procedures[0].Cutoff = "none" }, ""},

		{"missing code", func(c *Config) { c.Procedures[0].Code = "" },
			`procedure #1: code is missing`},
		{"blank code", func(c *Config) { c.Procedures[0].Code = "  " },
			`procedure "  ": code is missing`},
		{"code with a space", func(c *Config) { c.Procedures[0].Code = "1.001 612" },
			`procedure "1.001 612": code must have no spaces, e.g. "1.001612"`},
		{"duplicate code", func(c *Config) {
			c.Procedures = append(c.Procedures, Procedure{Code: "1.001612", Name: "Khác", Service: "noi-vu", ProcessingDays: 1})
		}, `procedure "1.001612": code is used twice (#1 and #2)`},
		{"both days and hours", func(c *Config) { c.Procedures[0].ProcessingHours = 8 },
			`procedure "1.001612": has both processing_days and processing_hours; choose one`},
		{"neither and not same day", func(c *Config) { c.Procedures[0].ProcessingDays = 0 },
			`procedure "1.001612": needs processing_days, processing_hours or same_day = true`},
		{"same day and days", func(c *Config) { c.Procedures[0].SameDay = true },
			`procedure "1.001612": same_day is set, so processing_days and processing_hours must be left out`},
		{"same day and hours", func(c *Config) {
			c.Procedures[0].ProcessingDays, c.Procedures[0].ProcessingHours, c.Procedures[0].SameDay = 0, 8, true
		}, `procedure "1.001612": same_day is set, so processing_days and processing_hours must be left out`},
		{"negative hours", func(c *Config) { c.Procedures[0].ProcessingDays, c.Procedures[0].ProcessingHours = 0, -8 },
			`procedure "1.001612": processing_hours -8 must be >= 0`},
		{"unknown service", func(c *Config) { c.Procedures[0].Service = "dat-dai" },
			`procedure "1.001612": service "dat-dai" does not exist`},
		{"unknown department", func(c *Config) { c.Procedures[0].Department = "tnmt" },
			`procedure "1.001612": department "tnmt" does not exist`},
		{"cutoff without colon", func(c *Config) { c.Procedures[0].Cutoff = "1500" },
			`procedure "1.001612": cutoff "1500" must be a time "HH:MM" before 24:00, e.g. "15:00", or "none"`},
		{"cutoff 25:00", func(c *Config) { c.Procedures[0].Cutoff = "25:00" }, `cutoff "25:00" must be`},
		{"cutoff 24:00", func(c *Config) { c.Procedures[0].Cutoff = "24:00" }, `cutoff "24:00" must be`},
		{"cutoff 3pm", func(c *Config) { c.Procedures[0].Cutoff = "3pm" }, `cutoff "3pm" must be`},
		{"cutoff None", func(c *Config) { c.Procedures[0].Cutoff = "None" }, `cutoff "None" must be`},
		{"online level 1", func(c *Config) { c.Procedures[0].OnlineLevel = 1 },
			`procedure "1.001612": online_level 1 must be 2, 3 or 4 (or left out)`},
		{"online level 5", func(c *Config) { c.Procedures[0].OnlineLevel = 5 }, `online_level 5 must be 2, 3 or 4`},
		{"empty document", func(c *Config) { c.Procedures[0].Documents = []string{"Giấy đề nghị", " "} },
			`procedure "1.001612": document #2 is empty`},
		{"document twice", func(c *Config) { c.Procedures[0].Documents = []string{"Điều lệ", "Điều lệ"} },
			`procedure "1.001612": document "Điều lệ" is listed twice`},

		// [dossier]
		{"unit", func(c *Config) { c.Dossier.Unit = "000.00.01.H42" }, ""},
		{"electronic unit", func(c *Config) { c.Dossier.Unit = "H55.242" }, ""},
		{"unit with a dash", func(c *Config) { c.Dossier.Unit = "000.00.01-H42" },
			`dossier: unit "000.00.01-H42" must be 1 to 40 letters, digits and dots, e.g. "000.00.01.H42"`},
		{"unit with a space", func(c *Config) { c.Dossier.Unit = "000.00.01 H42" }, `dossier: unit "000.00.01 H42" must be`},
		{"code format no seq", func(c *Config) { c.Dossier.CodeFormat = "{unit}-{yymmdd}" },
			`dossier: code_format "{unit}-{yymmdd}": no sequence; add {seq:4}`},
		{"code format seq:3", func(c *Config) { c.Dossier.CodeFormat = "{unit}-{yymmdd}-{seq:3}" },
			`dossier: code_format "{unit}-{yymmdd}-{seq:3}": {seq:3}: the sequence needs 4 to 9 digits`},
		{"code format unknown placeholder", func(c *Config) { c.Dossier.CodeFormat = "{unit}-{yyyymmdd}-{seq:4}" },
			`dossier: code_format "{unit}-{yyyymmdd}-{seq:4}": unknown placeholder {yyyymmdd}; known: {unit}, {yymmdd}, {yyyy}, {mm}, {dd}, {seq:N}, {dept}`},
		{"code format no date", func(c *Config) { c.Dossier.CodeFormat = "{unit}-{seq:6}" },
			`dossier: code_format "{unit}-{seq:6}": no date; add {yymmdd}, or {yyyy}, {mm} and {dd}`},
		{"code format month without day", func(c *Config) { c.Dossier.CodeFormat = "{unit}-{yyyy}{mm}-{seq:6}" }, `no date`},
		{"code format full date", func(c *Config) { c.Dossier.CodeFormat = "HS.{yyyy}.{mm}.{dd}.{seq:5}" }, ""},
		{"code format dept with unsafe short", func(c *Config) {
			c.Dossier.CodeFormat = "{unit}-{dept}-{yymmdd}-{seq:4}"
			c.Departments[0].Short = "KH&ĐT"
		}, `dossier: code_format uses {dept}, but department "khdt" has short "KH&ĐT"; in a code it must be letters A-Z, a-z, digits, '.', '-' or '_'`},
		{"code format dept", func(c *Config) {
			c.Dossier.CodeFormat = "{unit}-{dept}-{yymmdd}-{seq:4}"
			c.Departments[0].Short = "KHDT"
		}, ""},
		{"near due negative", func(c *Config) { c.Dossier.NearDueDays = -1 }, `dossier: near_due_days -1 must be > 0`},
		{"lost after negative", func(c *Config) { c.Dossier.LostAfterDays = -2 }, `dossier: lost_after_days -2 must be > 0`},
		{"hotline without digits", func(c *Config) { c.Dossier.Hotline = "đường dây nóng" },
			`dossier: hotline "đường dây nóng" has no phone number`},
		{"hours overlap", func(c *Config) { c.Dossier.Hours = WorkHours{Morning: "07:30-14:00", Afternoon: "13:30-17:00"} },
			`dossier: hours: morning "07:30-14:00" must end before afternoon "13:30-17:00" starts`},
		{"hours malformed", func(c *Config) { c.Dossier.Hours.Afternoon = "13h30-17h" },
			`dossier: hours: afternoon: hours "13h30-17h" must be "HH:MM-HH:MM" with the opening before the closing, e.g. "07:30-17:00"`},
		{"override", func(c *Config) {
			c.Dossier.Overrides = []DayOverride{
				{Date: "2026-02-16", Reason: "Nghỉ Tết theo Thông báo của Bộ Nội vụ"},
				{Date: "2026-02-28", Working: true, Reason: "Làm bù"},
			}
		}, ""},
		{"bad override date", func(c *Config) {
			c.Dossier.Overrides = []DayOverride{{Date: "16/02/2026", Reason: "Nghỉ Tết"}}
		}, `dossier: override #1 (16/02/2026): date "16/02/2026" must be a date "YYYY-MM-DD", e.g. "2026-02-16"`},
		{"override on 30 February", func(c *Config) {
			c.Dossier.Overrides = []DayOverride{{Date: "2026-02-30", Reason: "Nghỉ"}}
		}, `dossier: override #1 (2026-02-30): date "2026-02-30" must be`},
		{"override date unpadded", func(c *Config) {
			c.Dossier.Overrides = []DayOverride{{Date: "2026-2-16", Reason: "Nghỉ"}}
		}, `date "2026-2-16" must be`},
		{"override without date", func(c *Config) {
			c.Dossier.Overrides = []DayOverride{{Reason: "Nghỉ"}}
		}, `dossier: override #1: date "" must be`},
		{"override without reason", func(c *Config) {
			c.Dossier.Overrides = []DayOverride{{Date: "2026-02-16"}}
		}, `dossier: override #1 (2026-02-16): reason is missing`},
		{"override twice", func(c *Config) {
			c.Dossier.Overrides = []DayOverride{{Date: "2026-02-16", Reason: "a"}, {Date: "2026-02-16", Working: true, Reason: "b"}}
		}, `dossier: override #2 (2026-02-16): date is overridden twice (#1 and #2)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := minimal()
			tt.change(c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("got error %q, want none", err)
			case tt.want != "" && err == nil:
				t.Fatalf("got no error, want %q", tt.want)
			case tt.want != "" && !hasProblem(err, tt.want):
				t.Fatalf("got error %q, want a problem containing %q", err, tt.want)
			}
		})
	}
}

// hasProblem reports whether one of the joined problems in err contains
// want: a message that names its item starts with the item's label.
func hasProblem(err error, want string) bool {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return strings.Contains(err.Error(), want)
	}
	for _, e := range j.Unwrap() {
		if strings.Contains(e.Error(), want) {
			return true
		}
	}
	return false
}

// One mistake is one problem, not a cascade.
func TestValidateProcedureOneProblemEach(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
	}{
		{"negative days", func(c *Config) { c.Procedures[0].ProcessingDays = -1 }},
		{"unknown service", func(c *Config) { c.Procedures[0].Service = "x" }},
		{"bad code format", func(c *Config) { c.Dossier.CodeFormat = "{seq:4}" }},
		{"bad override", func(c *Config) { c.Dossier.Overrides = []DayOverride{{Date: "x", Reason: "r"}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := minimal()
			tt.change(c)
			err := c.Validate()
			j, ok := err.(interface{ Unwrap() []error })
			if !ok {
				t.Fatalf("got %v, want a joined error", err)
			}
			if n := len(j.Unwrap()); n != 1 {
				t.Errorf("got %d problems, want 1:\n%v", n, err)
			}
		})
	}
}

func TestProcedureDefaults(t *testing.T) {
	c := minimal()
	c.Procedures = append(c.Procedures, Procedure{Code: "2.000366", Name: "Tặng Bằng khen", Service: "noi-vu", Department: "khdt", ProcessingDays: 20, Cutoff: "none"})
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	d := c.Dossier
	checks := []struct {
		name      string
		got, want any
	}{
		{"department from the service", c.Procedures[0].Department, "khdt"},
		{"department kept", c.Procedures[1].Department, "khdt"},
		{"cutoff", c.Procedures[0].Cutoff, "15:00"},
		{"cutoff none kept", c.Procedures[1].Cutoff, "none"},
		{"code_format", d.CodeFormat, "{unit}-{yymmdd}-{seq:4}"},
		{"near_due_days", d.NearDueDays, 2},
		{"lost_after_days", d.LostAfterDays, 3},
		{"morning", d.Hours.Morning, "07:30-11:30"},
		{"afternoon", d.Hours.Afternoon, "13:30-17:00"},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s: got %v, want %v", ck.name, ck.got, ck.want)
		}
	}
	// Set values are kept.
	c = minimal()
	c.Dossier = Dossier{Unit: "000.00.01.H42", CodeFormat: "{unit}.{yyyy}{mm}{dd}.{seq:5}", NearDueDays: 1, LostAfterDays: 5, Hours: WorkHours{"07:00-11:30", "13:00-16:30"}}
	want := c.Dossier
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := c.Dossier; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("dossier: got %+v, want %+v", got, want)
	}
}

func TestCutoffMinutes(t *testing.T) {
	tests := []struct {
		cutoff string
		want   int
		ok     bool
	}{
		{"", 15 * 60, true},
		{"15:00", 15 * 60, true},
		{"16:30", 16*60 + 30, true},
		{"00:00", 0, true},
		{"none", 0, false},
		{"24:00", 0, false},
		{"bad", 0, false},
	}
	for _, tt := range tests {
		got, ok := Procedure{Cutoff: tt.cutoff}.CutoffMinutes()
		if got != tt.want || ok != tt.ok {
			t.Errorf("CutoffMinutes(%q): got %d, %v, want %d, %v", tt.cutoff, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSessions(t *testing.T) {
	m, a, err := WorkHours{"07:30-11:30", "13:30-17:00"}.Sessions()
	if err != nil || m != [2]int{450, 690} || a != [2]int{810, 1020} {
		t.Errorf("got %v %v %v, want [450 690] [810 1020]", m, a, err)
	}
	// Back to back is allowed: a center without a lunch break.
	if _, _, err := (WorkHours{"07:30-12:00", "12:00-16:30"}).Sessions(); err != nil {
		t.Errorf("back to back: got %v, want no error", err)
	}
}

func TestOverrideOn(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	d := Dossier{Overrides: []DayOverride{
		{Date: "2026-02-16", Reason: "Nghỉ Tết"},
		{Date: "2026-02-28", Working: true, Reason: "Làm bù"},
	}}
	if o, ok := d.OverrideOn(time.Date(2026, 2, 16, 23, 59, 0, 0, loc)); !ok || o.Working || o.Reason != "Nghỉ Tết" {
		t.Errorf("2026-02-16: got %+v, %v, want the day off", o, ok)
	}
	if o, ok := d.OverrideOn(time.Date(2026, 2, 28, 8, 0, 0, 0, loc)); !ok || !o.Working {
		t.Errorf("2026-02-28: got %+v, %v, want the working Saturday", o, ok)
	}
	if o, ok := d.OverrideOn(time.Date(2026, 2, 17, 0, 0, 0, 0, loc)); ok {
		t.Errorf("2026-02-17: got %+v, want none", o)
	}
}

func TestFormatCode(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	day := time.Date(2026, 11, 27, 9, 15, 0, 0, loc)
	const unit = "000.00.01.H42"
	tests := []struct {
		name    string
		format  string
		unit    string
		day     time.Time
		seq     int
		dept    string
		want    string
		wantErr error // nil, ErrSeqTooLarge or errAny
	}{
		{"default", "", unit, day, 1, "", "000.00.01.H42-261127-0001", nil},
		{"explicit default", "{unit}-{yymmdd}-{seq:4}", unit, day, 1, "", "000.00.01.H42-261127-0001", nil},
		{"seq 12", "", unit, day, 12, "", "000.00.01.H42-261127-0012", nil},
		{"seq 9999", "", unit, day, 9999, "", "000.00.01.H42-261127-9999", nil},
		{"seq 10000 in 4 digits", "", unit, day, 10000, "", "", ErrSeqTooLarge},
		{"seq 10000 in 5 digits", "{unit}-{yymmdd}-{seq:5}", unit, day, 10000, "", "000.00.01.H42-261127-10000", nil},
		{"seq 0", "", unit, day, 0, "", "", errAny},
		{"seq negative", "", unit, day, -1, "", "", errAny},
		{"january the 5th", "", unit, time.Date(2027, 1, 5, 0, 0, 0, 0, loc), 3, "", "000.00.01.H42-270105-0003", nil},
		{"the day in its own location", "", unit, time.Date(2026, 11, 27, 23, 30, 0, 0, loc), 1, "", "000.00.01.H42-261127-0001", nil},
		{"year 2000", "", unit, time.Date(2000, 3, 1, 0, 0, 0, 0, loc), 1, "", "000.00.01.H42-000301-0001", nil},
		{"full date", "HS{yyyy}{mm}{dd}.{seq:6}", "", day, 42, "", "HS20261127.000042", nil},
		{"dept", "{unit}-{dept}-{yymmdd}-{seq:4}", unit, day, 7, "TNMT", "000.00.01.H42-TNMT-261127-0007", nil},
		{"dept missing", "{unit}-{dept}-{yymmdd}-{seq:4}", unit, day, 7, "", "", errAny},
		{"dept unsafe", "{unit}-{dept}-{yymmdd}-{seq:4}", unit, day, 7, "KH&ĐT", "", errAny},
		{"dept unused is ignored", "", unit, day, 1, "KH&ĐT", "000.00.01.H42-261127-0001", nil},
		{"unit missing", "", "", day, 1, "", "", errAny},
		{"unit with a dash", "", "000-00", day, 1, "", "", errAny},
		{"bad format", "{unit}-{seq:4}", unit, day, 1, "", "", errAny},
		{"year 10000", "", unit, time.Date(10000, 1, 1, 0, 0, 0, 0, loc), 1, "", "", errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Dossier{CodeFormat: tt.format}.FormatCode(tt.unit, tt.day, tt.seq, tt.dept)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("got error %q, want %q", err, tt.want)
			case tt.wantErr != nil && err == nil:
				t.Fatalf("got %q, want an error", got)
			case tt.wantErr != nil && tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Fatalf("got error %q, want one matching %q", err, tt.wantErr)
			case got != tt.want:
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// Circular 01/2018 Art. 19: V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX.
var circularCode = regexp.MustCompile(`^\d{3}\.\d{2}\.\d{2}\.[HG]\d{2}-\d{6}-\d{4}$`)

func TestDemoDossier(t *testing.T) {
	c := Demo()
	d := c.Dossier
	if d.Unit == "" || d.Hotline == "" {
		t.Errorf("got unit %q and hotline %q, want both", d.Unit, d.Hotline)
	}
	day := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	code, err := d.FormatCode(d.Unit, day, 1, "")
	if err != nil || !circularCode.MatchString(code) {
		t.Errorf("first code: got %q, %v, want the shape of Circular 01/2018", code, err)
	}
	var days, hours, sameDay int
	for _, pr := range c.Procedures {
		switch {
		case pr.SameDay:
			sameDay++
		case pr.ProcessingHours > 0:
			hours++
		case pr.ProcessingDays > 0:
			days++
		}
		if n := len(pr.Documents); n < 2 || n > 6 {
			t.Errorf("procedure %s: got %d documents, want 2 to 6", pr.Code, n)
		}
		if pr.Fees == "" || pr.Department == "" || pr.Cutoff == "" {
			t.Errorf("procedure %s: got fees %q, department %q, cutoff %q, want all set", pr.Code, pr.Fees, pr.Department, pr.Cutoff)
		}
		if pr.OnlineLevel < 2 {
			t.Errorf("procedure %s: got online_level %d, want 2 to 4", pr.Code, pr.OnlineLevel)
		}
	}
	if hours < 2 || sameDay < 1 || days <= hours+sameDay {
		t.Errorf("periods: got %d in days, %d in hours, %d same day; want mostly days, at least 2 in hours and 1 same day", days, hours, sameDay)
	}
	depts := make(map[string]bool)
	for _, pr := range c.Procedures {
		depts[pr.Department] = true
	}
	for _, id := range []string{"khdt", "tp", "tnmt", "xd", "nv", "thue", "kcn"} {
		if !depts[id] {
			t.Errorf("department %s: got no procedure, want some", id)
		}
	}
}

func TestSampleDossier(t *testing.T) {
	c, err := Load("sample-center.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Dossier.Unit == "" {
		t.Error("sample: got no dossier unit, want one")
	}
	// The commented example overrides are valid once uncommented.
	b, err := os.ReadFile("sample-center.toml")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		for _, key := range []string{"# [[dossier.override]]", "# date = ", "# working = ", "# reason = "} {
			if strings.HasPrefix(l, key) {
				l = strings.TrimPrefix(l, "# ")
				n++
			}
		}
		lines = append(lines, l)
	}
	if n == 0 {
		t.Fatal("sample: got no commented [[dossier.override]], want an example")
	}
	c, err = Parse([]byte(strings.Join(lines, "\n")), "sample-center.toml, overrides uncommented")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Dossier.Overrides) == 0 {
		t.Error("sample with overrides uncommented: got no overrides")
	}
}

func TestParseDossier(t *testing.T) {
	text := string(demoTOML) + `
[[dossier.override]]
date = "2026-02-16"
working = false
reason = "Nghỉ Tết theo Thông báo của Bộ Nội vụ"
`
	c, err := Parse([]byte(text), "center.toml")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Dossier.Overrides; len(got) != 1 || got[0].Date != "2026-02-16" || got[0].Working {
		t.Errorf("overrides: got %+v, want the day off of 2026-02-16", got)
	}
	_, err = Parse([]byte(string(demoTOML)+"\n[[dossier.override]]\ndate = \"2026-02-16\"\nholiday = true\n"), "center.toml")
	if err == nil || !strings.Contains(err.Error(), `unknown key "dossier.override.holiday"`) {
		t.Errorf("misspelt key: got %v, want it reported", err)
	}
}

// checkCodes checks the properties FormatCode promises for one format, unit,
// day and department: distinct sequences give distinct codes, and codes sort
// as their sequences do.
func checkCodes(t *testing.T, d Dossier, unit string, day time.Time, dept string, seqs []int) {
	t.Helper()
	type pair struct {
		seq  int
		code string
	}
	var got []pair
	for _, s := range seqs {
		code, err := d.FormatCode(unit, day, s, dept)
		if err != nil {
			t.Fatalf("FormatCode(%q, %d): %v", d.CodeFormat, s, err)
		}
		got = append(got, pair{s, code})
	}
	sort.Slice(got, func(i, j int) bool { return got[i].code < got[j].code })
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if a.seq == b.seq {
			if a.code != b.code {
				t.Fatalf("seq %d: got %q and %q, want one code", a.seq, a.code, b.code)
			}
			continue
		}
		if a.code == b.code {
			t.Fatalf("seqs %d and %d: both got %q, want distinct codes", a.seq, b.seq, a.code)
		}
		if a.seq > b.seq {
			t.Fatalf("%q (seq %d) sorts before %q (seq %d), want codes in sequence order", a.code, a.seq, b.code, b.seq)
		}
	}
}

func TestFormatCodeOrder(t *testing.T) {
	day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	var seqs []int
	for s := 1; s <= 9999; s += 7 {
		seqs = append(seqs, s)
	}
	seqs = append(seqs, 9, 10, 99, 100, 999, 1000, 9999)
	for _, f := range []string{"", "{seq:4}-{yymmdd}-{unit}", "{unit}-{dept}-{yyyy}{mm}{dd}-{seq:6}"} {
		checkCodes(t, Dossier{CodeFormat: f}, "000.00.01.H42", day, "TNMT", seqs)
	}
}

func FuzzCodeFormat(f *testing.F) {
	f.Add("{unit}-{yymmdd}-{seq:4}", 1, 2)
	f.Add("{seq:4}{yymmdd}", 9, 10)
	f.Add("{unit}-{dept}-{yyyy}{mm}{dd}-{seq:9}", 999999999, 1)
	f.Add("{unit}-{yymmdd}-{seq:04}", 99, 100)
	f.Add("{unit}-{seq:4", 1, 2)
	f.Add("}{", 1, 2)
	f.Add("{yymmdd}{seq:4}{seq:5}", 1, 2)
	f.Fuzz(func(t *testing.T, format string, a, b int) {
		_, perr := parseCodeFormat(format)
		if format == "" {
			perr = nil // FormatCode uses the default
		}
		c := minimal()
		c.Departments[0].Short, c.Departments[1].Short = "KHDT", "NV"
		c.Dossier.CodeFormat = format
		if verr := c.Validate(); (verr == nil) != (perr == nil) {
			t.Fatalf("%q: Validate says %v, the parser %v", format, verr, perr)
		}
		day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
		d := c.Dossier
		code, err := d.FormatCode("000.00.01.H42", day, 1, "KHDT")
		if (err == nil) != (perr == nil) {
			t.Fatalf("%q: FormatCode says %v, the parser %v", format, err, perr)
		}
		if err != nil {
			return
		}
		if !codeSafe(code) {
			t.Fatalf("%q: got code %q with unsafe characters", format, code)
		}
		if !strings.Contains(code, "261127") && !strings.Contains(code, "2026") {
			t.Fatalf("%q: got code %q without its date", format, code)
		}
		var seqs []int
		for _, s := range []int{a, b} {
			if _, err := d.FormatCode("000.00.01.H42", day, s, "KHDT"); err == nil {
				seqs = append(seqs, s)
			} else if s >= 1 && s <= 9999 {
				t.Fatalf("%q: seq %d: %v, want a code: every format gives at least 4 digits", format, s, err)
			}
		}
		seqs = append(seqs, 1)
		checkCodes(t, d, "000.00.01.H42", day, "KHDT", seqs)
	})
}
