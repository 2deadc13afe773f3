package config

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// minimal returns a small valid configuration that each validation case
// breaks in one way.
func minimal() *Config {
	return &Config{
		Center: Center{Name: "Trung tâm thử"},
		Departments: []Department{
			{ID: "khdt", Name: "Sở Kế hoạch và Đầu tư"},
			{ID: "nv", Name: "Sở Nội vụ"},
		},
		Services: []Service{
			{ID: "dkdn", Name: "Đăng ký doanh nghiệp", Department: "khdt", NumberFrom: 1001, NumberTo: 1999},
			{ID: "noi-vu", Name: "Nội vụ", Department: "nv", Prefix: "N"},
		},
		Procedures: []Procedure{
			{Code: "1.001612", Name: "Đăng ký thành lập doanh nghiệp tư nhân", Service: "dkdn", ProcessingDays: 3},
		},
		Dossier: Dossier{Unit: "000.00.01.H42"},
		Counters: []Counter{
			{ID: "quay-1", Number: 1, Services: []string{"dkdn"}},
			{ID: "quay-2", Number: 2, Services: []string{"dkdn", "noi-vu"}, General: true},
		},
		Kiosks:     []Kiosk{{ID: "kiosk-1"}},
		Screens:    []Screen{{ID: "sanh"}, {ID: "tang-2", Counters: []string{"quay-2"}, Services: []string{"noi-vu"}}},
		Priorities: []Priority{{ID: "nguoi-cao-tuoi", Name: "Người cao tuổi"}},
		Staff: []Staff{
			{Username: "admin", Role: "admin"},
			{Username: "canbo1", Role: "official", Counter: "quay-1"},
		},
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		want   string // a part of the error; "" for valid
	}{
		{"minimal is valid", func(c *Config) {}, ""},
		{"unknown printer profile", func(c *Config) { c.Kiosks[0].PrinterProfile = "epson-tm-t1000" }, `printer_profile "epson-tm-t1000" is unknown`},
		{"generic 58 mm printer", func(c *Config) { c.Counters[0].PrinterProfile = "58mm" }, ""},

		// ids
		{"empty department id", func(c *Config) { c.Departments[1].ID = "" }, `department #2: id is missing`},
		{"duplicate department id", func(c *Config) { c.Departments[1].ID = "khdt" }, `department "khdt": id is used twice (#1 and #2)`},
		{"upper-case service id", func(c *Config) { c.Services[0].ID = "DKDN" }, `service "DKDN": id must be`},
		{"id with a space", func(c *Config) { c.Counters[0].ID = "quay 1" }, `counter "quay 1": id must be`},
		{"id starting with a dash", func(c *Config) { c.Kiosks[0].ID = "-k" }, `kiosk "-k": id must be`},
		{"id of 33 characters", func(c *Config) { c.Screens[0].ID = strings.Repeat("a", 33) }, `id must be`},
		{"id of 32 characters", func(c *Config) { c.Screens[0].ID = strings.Repeat("a", 32) }, ""},
		{"id with Vietnamese letters", func(c *Config) { c.Priorities[0].ID = "người-cao-tuổi" }, `id must be`},
		{"duplicate priority id", func(c *Config) {
			c.Priorities = append(c.Priorities, Priority{ID: "nguoi-cao-tuoi"})
		}, `priority "nguoi-cao-tuoi": id is used twice`},
		{"duplicate kiosk id", func(c *Config) { c.Kiosks = append(c.Kiosks, Kiosk{ID: "kiosk-1"}) }, `kiosk "kiosk-1": id is used twice`},
		{"duplicate screen id", func(c *Config) { c.Screens[1].ID = "sanh" }, `screen "sanh": id is used twice`},
		{"empty username", func(c *Config) { c.Staff[0].Username = "" }, `staff #1: id is missing`},
		{"duplicate username", func(c *Config) { c.Staff[1].Username = "admin" }, `staff "admin": id is used twice`},

		{"no services", func(c *Config) {
			c.Services, c.Procedures, c.Screens = nil, nil, nil
			for i := range c.Counters {
				c.Counters[i].Services = nil
			}
		}, `no services: a center needs at least one [[service]]`},
		{"no counters", func(c *Config) { c.Counters, c.Staff, c.Screens = nil, nil, nil }, `no counters: a center needs at least one [[counter]]`},

		// departments
		{"department without name", func(c *Config) { c.Departments[0].Name = " " }, `department "khdt": name is missing`},

		// services
		{"service without name", func(c *Config) { c.Services[0].Name = "" }, `service "dkdn": name is missing`},
		{"service without department", func(c *Config) { c.Services[0].Department = "" }, `service "dkdn": department is missing`},
		{"service of unknown department", func(c *Config) { c.Services[0].Department = "tp" }, `service "dkdn": department "tp" does not exist`},
		{"service without numbering", func(c *Config) { c.Services[0].NumberFrom, c.Services[0].NumberTo = 0, 0 }, `service "dkdn": needs a letter prefix`},
		{"service with both numberings", func(c *Config) { c.Services[0].Prefix = "D" }, `service "dkdn": has both a prefix and a numeric block`},
		{"prefix with a digit", func(c *Config) { c.Services[1].Prefix = "N1" }, `service "noi-vu": prefix "N1" must be 1 to 3 capital letters`},
		{"prefix in lower case", func(c *Config) { c.Services[1].Prefix = "n" }, `prefix "n" must be`},
		{"prefix of 4 letters", func(c *Config) { c.Services[1].Prefix = "ABCD" }, `prefix "ABCD" must be`},
		{"prefix of 3 letters", func(c *Config) { c.Services[1].Prefix = "ABC" }, ""},
		{"prefix with Đ", func(c *Config) { c.Services[1].Prefix = "Đ" }, `prefix "Đ" must be`},
		{"width 7", func(c *Config) { c.Services[1].Width = 7 }, `service "noi-vu": width 7 must be between 1 and 6`},
		{"width negative", func(c *Config) { c.Services[1].Width = -1 }, `width -1 must be between 1 and 6`},
		{"width 6", func(c *Config) { c.Services[1].Width = 6 }, ""},
		{"width with numeric block", func(c *Config) { c.Services[0].Width = 4 }, `service "dkdn": width applies only to a letter prefix`},
		{"block from 0", func(c *Config) { c.Services[0].NumberFrom = 0 }, `service "dkdn": numeric block 0-1999 must have 1 <= number_from < number_to <= 999999`},
		{"block without end", func(c *Config) { c.Services[0].NumberTo = 0 }, `numeric block 1001-0 must have`},
		{"block reversed", func(c *Config) { c.Services[0].NumberFrom, c.Services[0].NumberTo = 1999, 1001 }, `numeric block 1999-1001`},
		{"block of one number", func(c *Config) { c.Services[0].NumberTo = 1001 }, `numeric block 1001-1001`},
		{"block past 999999", func(c *Config) { c.Services[0].NumberTo = 1000000 }, `numeric block 1001-1000000`},
		{"block up to 999999", func(c *Config) { c.Services[0].NumberFrom, c.Services[0].NumberTo = 1, 999999 }, ""},
		{"overlapping blocks", func(c *Config) {
			c.Services = append(c.Services, Service{ID: "dau-tu", Name: "Đầu tư", Department: "khdt", NumberFrom: 1999, NumberTo: 2999})
			c.Counters[0].Services = append(c.Counters[0].Services, "dau-tu")
		}, `service "dau-tu": numbers 1999-2999 overlap service "dkdn" numbers 1001-1999`},
		{"block inside another", func(c *Config) {
			c.Services = append(c.Services, Service{ID: "dau-tu", Name: "Đầu tư", Department: "khdt", NumberFrom: 1100, NumberTo: 1200})
			c.Counters[0].Services = append(c.Counters[0].Services, "dau-tu")
		}, `overlap service "dkdn"`},
		{"adjacent blocks", func(c *Config) {
			c.Services = append(c.Services, Service{ID: "dau-tu", Name: "Đầu tư", Department: "khdt", NumberFrom: 2000, NumberTo: 2999})
			c.Counters[0].Services = append(c.Counters[0].Services, "dau-tu")
		}, ""},
		{"duplicate prefix", func(c *Config) {
			c.Services = append(c.Services, Service{ID: "thi-dua", Name: "Thi đua", Department: "nv", Prefix: "N"})
			c.Counters[1].Services = append(c.Counters[1].Services, "thi-dua")
		}, `service "thi-dua": prefix "N" is already used by service "noi-vu"`},
		{"negative avg_service_s", func(c *Config) { c.Services[0].AvgServiceS = -5 }, `service "dkdn": avg_service_s -5 must be > 0`},
		{"service no counter serves", func(c *Config) { c.Counters[1].Services = []string{"dkdn"} }, `service "noi-vu": no counter serves it`},
		{"closed service no counter serves", func(c *Config) {
			c.Counters[1].Services = []string{"dkdn"}
			c.Screens[1].Services = nil
			c.Services[1].Closed = true
		}, ""},

		// procedures
		{"procedure of unknown service", func(c *Config) { c.Procedures[0].Service = "dat-dai" }, `procedure "1.001612": service "dat-dai" does not exist`},
		{"procedure without service", func(c *Config) { c.Procedures[0].Service = "" }, `procedure "1.001612": service is missing`},
		{"procedure without code", func(c *Config) { c.Procedures[0].Code = "" }, `procedure #1: code is missing`},
		{"duplicate procedure code", func(c *Config) { c.Procedures = append(c.Procedures, c.Procedures[0]) }, `procedure "1.001612": code is used twice (#1 and #2)`},
		{"procedure without name", func(c *Config) { c.Procedures[0].Name = "" }, `procedure "1.001612": name is missing`},
		{"negative processing days", func(c *Config) { c.Procedures[0].ProcessingDays = -1 }, `processing_days -1 must be >= 0`},

		// counters
		{"counter of unknown service", func(c *Config) { c.Counters[0].Services = []string{"dkdn", "dat-dai"} }, `counter "quay-1": service "dat-dai" does not exist`},
		{"counter without services", func(c *Config) { c.Counters[0].Services = nil }, `counter "quay-1": services is empty`},
		{"counter listing a service twice", func(c *Config) { c.Counters[1].Services = []string{"noi-vu", "noi-vu"} }, `counter "quay-2": service "noi-vu" is listed twice`},
		{"counter number 0", func(c *Config) { c.Counters[0].Number = 0 }, `counter "quay-1": number 0 must be > 0`},
		{"counter number negative", func(c *Config) { c.Counters[0].Number = -2 }, `number -2 must be > 0`},
		{"duplicate counter number", func(c *Config) { c.Counters[1].Number = 1 }, `counter "quay-2": number 1 is already used by counter "quay-1"`},
		{"unknown order", func(c *Config) { c.Counters[0].Order = "lifo" }, `counter "quay-1": order "lifo" must be one of fifo, list`},
		{"order list", func(c *Config) { c.Counters[1].Order = "list" }, ""},

		// queue
		{"unknown strategy", func(c *Config) { c.Queue.Strategy = "random" }, `queue: strategy "random" must be one of strict, interleave, aging`},
		{"strategy strict", func(c *Config) { c.Queue.Strategy = "strict" }, ""},
		{"strategy aging", func(c *Config) { c.Queue.Strategy = "aging" }, ""},
		{"unknown transfer_to", func(c *Config) { c.Queue.TransferTo = "middle" }, `queue: transfer_to "middle" must be one of front, issue_time, back`},
		{"transfer_to issue_time", func(c *Config) { c.Queue.TransferTo = "issue_time" }, ""},
		{"negative interleave_n", func(c *Config) { c.Queue.InterleaveN = -1 }, `queue: interleave_n -1 must be > 0`},
		{"negative max_recalls", func(c *Config) { c.Queue.MaxRecalls = -1 }, `queue: max_recalls -1 must be > 0`},
		{"negative rating window", func(c *Config) { c.Queue.RatingWindowS = -1 }, `queue: rating_window_s -1 must be > 0`},
		{"rating levels 5", func(c *Config) { c.Queue.RatingLevels = 5 }, `queue: rating_levels 5 must be 3 or 4`},
		{"rating levels 2", func(c *Config) { c.Queue.RatingLevels = 2 }, `queue: rating_levels 2 must be 3 or 4`},
		{"rating levels 4", func(c *Config) { c.Queue.RatingLevels = 4 }, ""},

		// priorities
		{"negative weight", func(c *Config) { c.Priorities[0].Weight = -1 }, `priority "nguoi-cao-tuoi": weight -1 must be a number > 0`},
		{"NaN weight", func(c *Config) { c.Priorities[0].Weight = math.NaN() }, `weight NaN must be`},
		{"infinite weight", func(c *Config) { c.Priorities[0].Weight = math.Inf(1) }, `weight +Inf must be`},
		{"fractional weight", func(c *Config) { c.Priorities[0].Weight = 1.5 }, ""},

		// staff
		{"unknown role", func(c *Config) { c.Staff[1].Role = "director" }, `staff "canbo1": role "director" must be one of official, supervisor, admin`},
		{"missing role", func(c *Config) { c.Staff[1].Role = "" }, `staff "canbo1": role "" must be one of`},
		{"staff of unknown counter", func(c *Config) { c.Staff[1].Counter = "quay-9" }, `staff "canbo1": counter "quay-9" does not exist`},
		{"supervisor without counter", func(c *Config) { c.Staff = append(c.Staff, Staff{Username: "giamsat", Role: "supervisor"}) }, ""},

		// screens
		{"screen of unknown counter", func(c *Config) { c.Screens[1].Counters = []string{"quay-9"} }, `screen "tang-2": counter "quay-9" does not exist`},
		{"screen of unknown service", func(c *Config) { c.Screens[1].Services = []string{"dat-dai"} }, `screen "tang-2": service "dat-dai" does not exist`},

		// center
		{"hours", func(c *Config) { c.Center.Hours = "07:30-17:00" }, ""},
		{"hours to midnight", func(c *Config) { c.Center.Hours = "00:00-24:00" }, ""},
		{"hours reversed", func(c *Config) { c.Center.Hours = "17:00-07:30" }, `center: hours "17:00-07:30" must be "HH:MM-HH:MM"`},
		{"hours empty span", func(c *Config) { c.Center.Hours = "07:30-07:30" }, `center: hours "07:30-07:30"`},
		{"hours without leading zero", func(c *Config) { c.Center.Hours = "7:30-17:00" }, `center: hours "7:30-17:00"`},
		{"hours minute 60", func(c *Config) { c.Center.Hours = "07:60-17:00" }, `center: hours`},
		{"hours 25:00", func(c *Config) { c.Center.Hours = "07:00-25:00" }, `center: hours`},
		{"hours 24:30", func(c *Config) { c.Center.Hours = "07:00-24:30" }, `center: hours`},
		{"hours with spaces", func(c *Config) { c.Center.Hours = "07:30 - 17:00" }, `center: hours`},
		{"hours with signs", func(c *Config) { c.Center.Hours = "+7:30-17:00" }, `center: hours`},
		{"metrics_from", func(c *Config) { c.Center.MetricsFrom = []string{"10.0.0.0/8", "fd00::/8"} }, ""},
		{"metrics_from bare address", func(c *Config) { c.Center.MetricsFrom = []string{"10.0.0.1"} }, `center: metrics_from "10.0.0.1" is not a network in CIDR form`},
		{"metrics_from bad mask", func(c *Config) { c.Center.MetricsFrom = []string{"10.0.0.0/33"} }, `metrics_from "10.0.0.0/33"`},
		{"listen without port", func(c *Config) { c.Center.Listen = "localhost" }, `center: listen "localhost" must be host:port`},
		{"listen port only", func(c *Config) { c.Center.Listen = ":8080" }, ""},
		{"public_url", func(c *Config) { c.Center.PublicURL = "https://motcua.hanam.gov.vn" }, ""},
		{"public_url without scheme", func(c *Config) { c.Center.PublicURL = "192.168.1.10:8080" }, `center: public_url "192.168.1.10:8080" must be an http:// or https:// URL`},
		{"public_url ftp", func(c *Config) { c.Center.PublicURL = "ftp://x" }, `public_url "ftp://x"`},
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
				t.Fatalf("got no error, want one containing %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("got error %q, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := minimal()
	c.Queue.Strategy = "random"
	c.Services[0].Department = "tp"
	c.Counters[1].Number = 1
	c.Staff[0].Role = "boss"
	err := c.Validate()
	if err == nil {
		t.Fatal("got no error, want four")
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("got %T, want an errors.Join error", err)
	}
	if got := len(joined.Unwrap()); got != 4 {
		t.Errorf("got %d problems, want 4:\n%v", got, err)
	}
}

func TestValidateDefaults(t *testing.T) {
	c := minimal()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"strategy", c.Queue.Strategy, "interleave"},
		{"interleave_n", c.Queue.InterleaveN, 2},
		{"max_recalls", c.Queue.MaxRecalls, 3},
		{"transfer_to", c.Queue.TransferTo, "front"},
		{"rating_window_s", c.Queue.RatingWindowS, 60},
		{"rating_levels", c.Queue.RatingLevels, 3},
		{"avg_service_s", c.Services[0].AvgServiceS, 300},
		{"width of prefix", c.Services[1].Width, 3},
		{"width of block", c.Services[0].Width, 0},
		{"weight", c.Priorities[0].Weight, 2.0},
		{"order", c.Counters[0].Order, "fifo"},
		{"listen", c.Center.Listen, "127.0.0.1:8080"},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s: got %v, want %v", ck.name, ck.got, ck.want)
		}
	}

	// Set values are kept.
	c = minimal()
	c.Queue = Queue{Strategy: "aging", InterleaveN: 3, MaxRecalls: 1, TransferTo: "back", RatingWindowS: 30, RatingLevels: 4}
	c.Services[1].Width = 2
	c.Priorities[0].Weight = 5
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Queue, (Queue{Strategy: "aging", InterleaveN: 3, MaxRecalls: 1, TransferTo: "back", RatingWindowS: 30, RatingLevels: 4}); got != want {
		t.Errorf("queue: got %+v, want %+v", got, want)
	}
	if got := c.Services[1].Width; got != 2 {
		t.Errorf("width: got %d, want 2", got)
	}
	if got := c.Priorities[0].Weight; got != 5 {
		t.Errorf("weight: got %v, want 5", got)
	}
}

func TestFormat(t *testing.T) {
	block := Service{ID: "dkdn", Name: "Đăng ký doanh nghiệp", NumberFrom: 1001, NumberTo: 1999}
	tests := []struct {
		name    string
		s       Service
		seq     int
		want    string
		wantErr error // nil, ErrOutOfNumbers, or errAny
	}{
		{"block first", block, 1, "1001", nil},
		{"block second", block, 2, "1002", nil},
		{"block last", block, 999, "1999", nil},
		{"block overflow", block, 1000, "", ErrOutOfNumbers},
		{"block huge seq", block, math.MaxInt, "", ErrOutOfNumbers},
		{"block from 1", Service{ID: "x", NumberFrom: 1, NumberTo: 999999}, 42, "42", nil},
		{"prefix first", Service{Prefix: "A", Width: 3}, 1, "A001", nil},
		{"prefix 42", Service{Prefix: "A", Width: 3}, 42, "A042", nil},
		{"prefix full width", Service{Prefix: "A", Width: 3}, 999, "A999", nil},
		{"prefix grows", Service{Prefix: "A", Width: 3}, 1000, "A1000", nil},
		{"prefix grows more", Service{Prefix: "TN", Width: 2}, 12345, "TN12345", nil},
		{"prefix width 1", Service{Prefix: "B", Width: 1}, 7, "B7", nil},
		{"prefix width 6", Service{Prefix: "XYZ", Width: 6}, 7, "XYZ000007", nil},
		{"seq 0", block, 0, "", errAny},
		{"seq 0 prefix", Service{Prefix: "A", Width: 3}, 0, "", errAny},
		{"seq negative", block, -1, "", errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.s.Format(tt.seq)
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

// errAny stands for "some error" in table tests.
var errAny = errors.New("any error")

func TestFormatOutOfNumbersMessage(t *testing.T) {
	s := Service{ID: "dkdn", Name: "Đăng ký doanh nghiệp", NumberFrom: 1001, NumberTo: 1002}
	_, err := s.Format(3)
	want := "dịch vụ Đăng ký doanh nghiệp đã hết số thứ tự trong ngày (service dkdn ran out of numbers for today)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestDemo(t *testing.T) {
	c := Demo()
	counts := []struct {
		name      string
		got, want int
	}{
		{"departments", len(c.Departments), 8},
		{"counters", len(c.Counters), 8},
		{"kiosks", len(c.Kiosks), 2},
		{"screens", len(c.Screens), 2},
		{"priorities", len(c.Priorities), 4},
		{"staff", len(c.Staff), 10},
	}
	for _, ct := range counts {
		if ct.got != ct.want {
			t.Errorf("%s: got %d, want %d", ct.name, ct.got, ct.want)
		}
	}
	if n := len(c.Procedures); n < 15 || n > 25 {
		t.Errorf("procedures: got %d, want 15 to 25", n)
	}
	if n := len(c.Services); n < 8 || n > 14 {
		t.Errorf("services: got %d, want about 10", n)
	}
	general := 0
	for _, co := range c.Counters {
		if co.General {
			general++
			if len(co.Services) < 2 {
				t.Errorf("general counter %s: got %d services, want several", co.ID, len(co.Services))
			}
		}
		if co.Keypad == "" {
			t.Errorf("counter %s: got no keypad, want a virtual one", co.ID)
		}
	}
	if general != 1 {
		t.Errorf("general counters: got %d, want 1", general)
	}
	var prefixes, blocks int
	for _, s := range c.Services {
		if s.Prefix != "" {
			prefixes++
		} else {
			blocks++
		}
	}
	if prefixes == 0 || blocks == 0 {
		t.Errorf("numbering: got %d prefixed and %d numeric services, want both kinds", prefixes, blocks)
	}
	if c.Center.Hours != "" || !c.Center.OpenAt(3*60) {
		t.Errorf("hours: got %q, want always open", c.Center.Hours)
	}
	if c.Queue.Strategy != "interleave" || c.Queue.InterleaveN != 2 {
		t.Errorf("queue: got %s %d, want interleave 2", c.Queue.Strategy, c.Queue.InterleaveN)
	}
	for _, s := range c.Staff {
		if s.Role == "official" && s.Counter == "" {
			t.Errorf("staff %s: got no counter, want one", s.Username)
		}
	}
	// Validating again changes nothing and finds nothing.
	if err := c.Validate(); err != nil {
		t.Errorf("validate again: %v", err)
	}
	// Each call returns its own copy.
	c.Services[0].Name = "changed"
	if Demo().Services[0].Name == "changed" {
		t.Error("Demo returned a shared config, want a fresh copy")
	}
}

func TestDemoFormats(t *testing.T) {
	c := Demo()
	tests := []struct {
		service string
		seq     int
		want    string
	}{
		{"dang-ky-doanh-nghiep", 1, "1001"},
		{"ly-lich-tu-phap", 12, "2012"},
		{"dat-dai", 1, "3001"},
		{"noi-vu", 1, "N001"},
		{"buu-chinh", 25, "B025"},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			s, ok := c.Service(tt.service)
			if !ok {
				t.Fatalf("got no service %q", tt.service)
			}
			got, err := s.Format(tt.seq)
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
}

func TestSampleCenter(t *testing.T) {
	c, err := Load("sample-center.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Center.Hours == "" || c.Center.PublicURL == "" || len(c.Center.MetricsFrom) == 0 {
		t.Errorf("center: got %+v, want hours, public_url and metrics_from set", c.Center)
	}
	for _, co := range c.Counters {
		if strings.HasPrefix(co.Printer, "virtual:") || strings.HasPrefix(co.Keypad, "virtual:") {
			t.Errorf("counter %s: got simulated devices, want real ones", co.ID)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	demo := string(demoTOML)
	tests := []struct {
		name  string
		text  string
		wants []string
	}{
		{"unknown top-level key", "colour = \"red\"\n" + demo, []string{`unknown key "colour"`}},
		{"unknown key in a table", strings.Replace(demo, "[queue]\n", "[queue]\nstratgey = \"aging\"\n", 1), []string{`unknown key "queue.stratgey"`}},
		{"unknown key in an array of tables", strings.Replace(demo, "[[kiosk]]\n", "[[kiosk]]\ncolor = 1\n", 1), []string{`unknown key "kiosk.color"`}},
		{"unknown table named once", demo + "\n[extra]\na = 1\nb = 2\n", []string{`unknown key "extra"`}},
		{"syntax error", "[center\n", []string{"toml: line"}},
		{"wrong type", "[queue]\ninterleave_n = \"two\"\n", []string{"interleave_n"}},
		{"invalid", "[queue]\nstrategy = \"random\"\n", []string{"invalid", `strategy "random"`}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(fmt.Sprintf("center-%d.toml", i), tt.text)
			_, err := Load(p)
			if err == nil {
				t.Fatalf("got no error, want one containing %q", tt.wants)
			}
			if !strings.HasPrefix(err.Error(), "config "+p+": ") {
				t.Errorf("got %q, want it to start with the file name", err)
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to contain %q", err, w)
				}
			}
			if tt.name == "unknown table named once" && strings.Contains(err.Error(), "extra.a") {
				t.Errorf("got %q, want only the table named", err)
			}
		})
	}
	if _, err := Load(filepath.Join(dir, "missing.toml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v, want os.ErrNotExist", err)
	}
}

func TestOpenAt(t *testing.T) {
	c := Center{Hours: "07:30-17:00"}
	tests := []struct {
		min  int
		want bool
	}{
		{0, false},
		{7*60 + 29, false},
		{7*60 + 30, true},
		{12 * 60, true},
		{16*60 + 59, true},
		{17 * 60, false},
		{23*60 + 59, false},
	}
	for _, tt := range tests {
		if got := c.OpenAt(tt.min); got != tt.want {
			t.Errorf("OpenAt(%d) with %s: got %v, want %v", tt.min, c.Hours, got, tt.want)
		}
	}
	if !(Center{}).OpenAt(3 * 60) {
		t.Error("empty hours: got closed, want open")
	}
}

func TestLookups(t *testing.T) {
	c := Demo()
	if s, ok := c.Service("dat-dai"); !ok || s.Department != "tnmt" {
		t.Errorf("Service: got %+v, %v, want dat-dai of tnmt", s, ok)
	}
	if co, ok := c.Counter("quay-7"); !ok || !co.General {
		t.Errorf("Counter: got %+v, %v, want the general quay-7", co, ok)
	}
	if d, ok := c.Department("buudien"); !ok || d.Name != "Bưu điện" {
		t.Errorf("Department: got %+v, %v, want Bưu điện", d, ok)
	}
	if p, ok := c.Priority("nguoi-cao-tuoi"); !ok || p.Weight <= 0 {
		t.Errorf("Priority: got %+v, %v", p, ok)
	}
	if k, ok := c.Kiosk("kiosk-2"); !ok || k.Printer == "" {
		t.Errorf("Kiosk: got %+v, %v", k, ok)
	}
	if s, ok := c.Screen("tang-2"); !ok || len(s.Counters) == 0 {
		t.Errorf("Screen: got %+v, %v", s, ok)
	}
	missing := []struct {
		name string
		ok   bool
	}{
		{"service", second(c.Service("nope"))},
		{"counter", second(c.Counter("nope"))},
		{"department", second(c.Department("nope"))},
		{"priority", second(c.Priority("nope"))},
		{"kiosk", second(c.Kiosk("nope"))},
		{"screen", second(c.Screen("nope"))},
	}
	for _, m := range missing {
		if m.ok {
			t.Errorf("%s nope: got found, want not found", m.name)
		}
	}
}

func second[T any](_ T, ok bool) bool { return ok }

func FuzzParse(f *testing.F) {
	f.Add(demoTOML)
	if b, err := os.ReadFile("sample-center.toml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(""))
	f.Add([]byte("[center]\nhours = \"07:30-17:00\"\n[[service]]\nid = \"a\"\nprefix = \"A\"\n"))
	f.Add([]byte("[[priority]]\nid = \"p\"\nweight = nan\n"))
	// The smallest valid center, so mutations reach the accepted path often.
	f.Add([]byte("[[department]]\nid = \"d\"\nname = \"D\"\n" +
		"[[service]]\nid = \"s\"\nname = \"S\"\ndepartment = \"d\"\nprefix = \"A\"\n" +
		"[[counter]]\nid = \"c\"\nnumber = 1\nservices = [\"s\"]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "fuzz.toml")
		if err != nil {
			if c != nil {
				t.Fatal("got a config and an error, want one of them")
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Parse accepted a config Validate rejects: %v", err)
		}
		ids := []string{}
		for _, d := range c.Departments {
			ids = append(ids, d.ID)
		}
		for _, s := range c.Services {
			ids = append(ids, s.ID)
			if _, err := s.Format(1); err != nil {
				t.Fatalf("service %s: first number: %v", s.ID, err)
			}
		}
		for _, co := range c.Counters {
			ids = append(ids, co.ID)
		}
		for _, k := range c.Kiosks {
			ids = append(ids, k.ID)
		}
		for _, s := range c.Screens {
			ids = append(ids, s.ID)
		}
		for _, p := range c.Priorities {
			ids = append(ids, p.ID)
		}
		for _, s := range c.Staff {
			ids = append(ids, s.Username)
		}
		for _, id := range ids {
			if id == "" {
				t.Fatal("got an empty id in an accepted config")
			}
		}
		c.Center.OpenAt(0)
	})
}

// A file saved by Windows Notepad starts with a byte order mark and ends its
// lines with CRLF; IT staff edit configs that way.
func TestParseWindowsFile(t *testing.T) {
	data := "\ufeff" + strings.ReplaceAll(string(demoTOML), "\n", "\r\n")
	c, err := Parse([]byte(data), "center.toml")
	if err != nil {
		t.Fatalf("got %v, want no error", err)
	}
	if got, want := c.Center.Name, Demo().Center.Name; got != want {
		t.Errorf("name: got %q, want %q", got, want)
	}
}

func TestNextOpening(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	c := Center{Hours: "07:30-17:00"}
	tests := []struct {
		now, want string
	}{
		{"2026-11-27 06:00", "2026-11-27 07:30"}, // Friday, before opening
		{"2026-11-27 17:30", "2026-11-30 07:30"}, // Friday evening: Monday
		{"2026-11-28 10:00", "2026-11-30 07:30"}, // Saturday
		{"2026-11-26 12:00", "2026-11-27 07:30"}, // Thursday noon, open: the next opening is tomorrow
	}
	for _, tt := range tests {
		now, _ := time.ParseInLocation("2006-01-02 15:04", tt.now, loc)
		got, ok := c.NextOpening(now, loc)
		if !ok || got.Format("2006-01-02 15:04") != tt.want {
			t.Errorf("NextOpening(%s) = %s %v, want %s", tt.now, got.Format("2006-01-02 15:04"), ok, tt.want)
		}
	}
	if _, ok := (Center{}).NextOpening(time.Now(), loc); ok {
		t.Error("a center always open has a next opening")
	}
}
