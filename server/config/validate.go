package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"strings"

	"github.com/motcua/motcua/printer"
)

// idPattern is what every id and staff user name must match: short, lower
// case, safe in URLs, file names and metric labels.
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// prefixPattern is a service's letter prefix, e.g. "A" or "TN".
var prefixPattern = regexp.MustCompile(`^[A-Z]{1,3}$`)

// Limits of the numbering.
const (
	maxNumber = 999999 // highest number a numeric block may reach
	maxWidth  = 6      // most digits after a letter prefix
)

// The accepted values of the enumerated options.
var (
	strategies  = []string{"strict", "interleave", "aging"}
	transferTos = []string{"front", "issue_time", "back"}
	orders      = []string{"fifo", "list"}
	roles       = []string{"official", "supervisor", "admin"}
)

// Validate fills in defaults and checks the whole configuration. It reports
// every problem found, joined (errors.Join), not only the first, so a center's
// IT staff can fix the file in one pass. Validating twice is harmless.
func (c *Config) Validate() error {
	c.applyDefaults()
	var p problems
	c.checkCenter(&p)
	c.checkQueue(&p)
	depts := checkIDs(&p, "department", len(c.Departments), func(i int) string { return c.Departments[i].ID })
	services := checkIDs(&p, "service", len(c.Services), func(i int) string { return c.Services[i].ID })
	counters := checkIDs(&p, "counter", len(c.Counters), func(i int) string { return c.Counters[i].ID })
	checkIDs(&p, "kiosk", len(c.Kiosks), func(i int) string { return c.Kiosks[i].ID })
	checkIDs(&p, "screen", len(c.Screens), func(i int) string { return c.Screens[i].ID })
	checkIDs(&p, "priority", len(c.Priorities), func(i int) string { return c.Priorities[i].ID })
	checkIDs(&p, "staff", len(c.Staff), func(i int) string { return c.Staff[i].Username })
	if len(c.Services) == 0 {
		p.add("no services: a center needs at least one [[service]]")
	}
	if len(c.Counters) == 0 {
		p.add("no counters: a center needs at least one [[counter]]")
	}
	c.checkDepartments(&p)
	c.checkServices(&p, depts)
	c.checkProcedures(&p, services)
	c.checkCounters(&p, services)
	c.checkScreens(&p, services, counters)
	c.checkPrinterProfiles(&p)
	c.checkKeypads(&p)
	if c.Voice.Repeat == 0 {
		c.Voice.Repeat = 2
	}
	if c.Voice.Repeat < 1 || c.Voice.Repeat > 5 {
		p.add("voice: repeat must be 1 to 5")
	}
	if t := c.Voice.Template; t != "" && !strings.Contains(t, "{số}") && !strings.Contains(t, "{so}") {
		p.add("voice: template %q must contain {số}", t)
	}
	if pin := c.Center.KioskPIN; pin != "" && (len(pin) < 4 || len(pin) > 8 || !digits(pin)) {
		p.add("center: kiosk_pin must be 4 to 8 digits")
	}
	c.checkPriorities(&p)
	c.checkStaff(&p, counters)
	return errors.Join(p...)
}

func (c *Config) applyDefaults() {
	if c.Center.Listen == "" {
		c.Center.Listen = "127.0.0.1:8080"
	}
	q := &c.Queue
	if q.Strategy == "" {
		q.Strategy = "interleave"
	}
	if q.InterleaveN == 0 {
		q.InterleaveN = 2
	}
	if q.MaxRecalls == 0 {
		q.MaxRecalls = 3
	}
	if q.TransferTo == "" {
		q.TransferTo = "front"
	}
	if q.RatingWindowS == 0 {
		q.RatingWindowS = 60
	}
	if q.RatingLevels == 0 {
		q.RatingLevels = 3
	}
	for i := range c.Services {
		s := &c.Services[i]
		if s.AvgServiceS == 0 {
			s.AvgServiceS = 300
		}
		if s.Prefix != "" && s.Width == 0 {
			s.Width = 3
		}
	}
	for i := range c.Priorities {
		if c.Priorities[i].Weight == 0 {
			c.Priorities[i].Weight = 2
		}
	}
	for i := range c.Counters {
		if c.Counters[i].Order == "" {
			c.Counters[i].Order = "fifo"
		}
	}
}

// problems collects validation errors.
type problems []error

func (p *problems) add(format string, args ...any) {
	*p = append(*p, fmt.Errorf(format, args...))
}

// label names the i-th item of a kind in messages: `service "dat-dai"`, or
// `service #3` (counting from 1, in file order) when it has no id.
func label(kind string, i int, id string) string {
	if id == "" {
		return fmt.Sprintf("%s #%d", kind, i+1)
	}
	return fmt.Sprintf("%s %q", kind, id)
}

// checkIDs checks that n ids of one kind are present, well formed and unique,
// and returns the set of those present.
func checkIDs(p *problems, kind string, n int, id func(int) string) map[string]bool {
	seen := make(map[string]int, n)
	for i := range n {
		s := id(i)
		switch {
		case s == "":
			p.add("%s: id is missing", label(kind, i, s))
			continue
		case !idPattern.MatchString(s):
			p.add("%s: id must be 1 to 32 characters a-z, 0-9, '_' or '-', starting with a letter or digit", label(kind, i, s))
		}
		if first, ok := seen[s]; ok {
			p.add("%s: id is used twice (#%d and #%d)", label(kind, i, s), first+1, i+1)
			continue
		}
		seen[s] = i
	}
	set := make(map[string]bool, len(seen))
	for s := range seen {
		set[s] = true
	}
	return set
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func (c *Config) checkCenter(p *problems) {
	ce := c.Center
	if _, _, err := net.SplitHostPort(ce.Listen); err != nil {
		p.add("center: listen %q must be host:port, e.g. \"127.0.0.1:8080\" or \":8080\"", ce.Listen)
	}
	if ce.PublicURL != "" {
		u, err := url.Parse(ce.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.add("center: public_url %q must be an http:// or https:// URL with a host, e.g. \"http://192.168.1.10:8080\"", ce.PublicURL)
		}
	}
	if ce.Hours != "" {
		if _, err := parseHours(ce.Hours); err != nil {
			p.add("center: %w", err)
		}
	}
	for _, cidr := range ce.MetricsFrom {
		if _, err := netip.ParsePrefix(cidr); err != nil {
			p.add("center: metrics_from %q is not a network in CIDR form, e.g. \"10.0.0.0/8\" or \"127.0.0.1/32\"", cidr)
		}
	}
}

func (c *Config) checkQueue(p *problems) {
	q := c.Queue
	if !oneOf(q.Strategy, strategies) {
		p.add("queue: strategy %q must be one of %s", q.Strategy, strings.Join(strategies, ", "))
	}
	if q.InterleaveN < 0 {
		p.add("queue: interleave_n %d must be > 0", q.InterleaveN)
	}
	if q.MaxRecalls < 0 {
		p.add("queue: max_recalls %d must be > 0", q.MaxRecalls)
	}
	if !oneOf(q.TransferTo, transferTos) {
		p.add("queue: transfer_to %q must be one of %s", q.TransferTo, strings.Join(transferTos, ", "))
	}
	if q.RatingWindowS < 0 {
		p.add("queue: rating_window_s %d must be > 0", q.RatingWindowS)
	}
	if q.RatingLevels != 3 && q.RatingLevels != 4 {
		p.add("queue: rating_levels %d must be 3 or 4", q.RatingLevels)
	}
}

func (c *Config) checkDepartments(p *problems) {
	for i, d := range c.Departments {
		if strings.TrimSpace(d.Name) == "" {
			p.add("%s: name is missing", label("department", i, d.ID))
		}
	}
}

// checkServices checks each service and, across services, that no number
// shown in the lobby could belong to two services: numeric blocks do not
// overlap and letter prefixes are unique.
func (c *Config) checkServices(p *problems, depts map[string]bool) {
	type block struct {
		i, from, to int
	}
	var blocks []block
	prefixes := make(map[string]int)
	served := make(map[string]bool)
	for _, co := range c.Counters {
		for _, id := range co.Services {
			served[id] = true
		}
	}
	for i, s := range c.Services {
		l := label("service", i, s.ID)
		if strings.TrimSpace(s.Name) == "" {
			p.add("%s: name is missing", l)
		}
		switch {
		case s.Department == "":
			p.add("%s: department is missing", l)
		case !depts[s.Department]:
			p.add("%s: department %q does not exist", l, s.Department)
		}
		if s.AvgServiceS < 0 {
			p.add("%s: avg_service_s %d must be > 0", l, s.AvgServiceS)
		}
		hasBlock := s.NumberFrom != 0 || s.NumberTo != 0
		switch {
		case s.Prefix != "" && hasBlock:
			p.add("%s: has both a prefix and a numeric block (number_from, number_to); choose one", l)
		case s.Prefix == "" && !hasBlock:
			p.add("%s: needs a letter prefix (e.g. prefix = \"A\") or a numeric block (e.g. number_from = 1001, number_to = 1999)", l)
		case s.Prefix != "":
			if !prefixPattern.MatchString(s.Prefix) {
				p.add("%s: prefix %q must be 1 to 3 capital letters A-Z", l, s.Prefix)
			} else if first, ok := prefixes[s.Prefix]; ok {
				p.add("%s: prefix %q is already used by %s", l, s.Prefix, label("service", first, c.Services[first].ID))
			} else {
				prefixes[s.Prefix] = i
			}
			if s.Width < 1 || s.Width > maxWidth {
				p.add("%s: width %d must be between 1 and %d", l, s.Width, maxWidth)
			}
		default:
			if s.NumberFrom < 1 || s.NumberFrom >= s.NumberTo || s.NumberTo > maxNumber {
				p.add("%s: numeric block %d-%d must have 1 <= number_from < number_to <= %d", l, s.NumberFrom, s.NumberTo, maxNumber)
			} else {
				blocks = append(blocks, block{i, s.NumberFrom, s.NumberTo})
			}
		}
		if s.Prefix == "" && s.Width != 0 {
			p.add("%s: width applies only to a letter prefix", l)
		}
		if !s.Closed && s.ID != "" && !served[s.ID] {
			p.add("%s: no counter serves it; add it to a counter's services or set closed = true", l)
		}
	}
	for a := range blocks {
		for b := a + 1; b < len(blocks); b++ {
			x, y := blocks[a], blocks[b]
			if x.from <= y.to && y.from <= x.to {
				p.add("%s: numbers %d-%d overlap %s numbers %d-%d",
					label("service", y.i, c.Services[y.i].ID), y.from, y.to,
					label("service", x.i, c.Services[x.i].ID), x.from, x.to)
			}
		}
	}
}

// checkProcedures checks the procedure catalogue and [dossier]
// (procedures.go).
func (c *Config) checkProcedures(p *problems, services map[string]bool) {
	c.checkProcedureCatalogue(p, services)
}

func (c *Config) checkCounters(p *problems, services map[string]bool) {
	numbers := make(map[int]int)
	for i, co := range c.Counters {
		l := label("counter", i, co.ID)
		if co.Number <= 0 {
			p.add("%s: number %d must be > 0", l, co.Number)
		} else if first, ok := numbers[co.Number]; ok {
			p.add("%s: number %d is already used by %s", l, co.Number, label("counter", first, c.Counters[first].ID))
		} else {
			numbers[co.Number] = i
		}
		if len(co.Services) == 0 {
			p.add("%s: services is empty; list the services it serves", l)
		}
		seen := make(map[string]bool, len(co.Services))
		for _, id := range co.Services {
			switch {
			case !services[id]:
				p.add("%s: service %q does not exist", l, id)
			case seen[id]:
				p.add("%s: service %q is listed twice", l, id)
			}
			seen[id] = true
		}
		if !oneOf(co.Order, orders) {
			p.add("%s: order %q must be one of %s", l, co.Order, strings.Join(orders, ", "))
		}
	}
}

func (c *Config) checkScreens(p *problems, services, counters map[string]bool) {
	for i, s := range c.Screens {
		l := label("screen", i, s.ID)
		for _, id := range s.Counters {
			if !counters[id] {
				p.add("%s: counter %q does not exist", l, id)
			}
		}
		for _, id := range s.Services {
			if !services[id] {
				p.add("%s: service %q does not exist", l, id)
			}
		}
	}
}

func (c *Config) checkPriorities(p *problems) {
	for i, pr := range c.Priorities {
		// !(w > 0) also catches NaN.
		if !(pr.Weight > 0) || math.IsInf(pr.Weight, 0) {
			p.add("%s: weight %v must be a number > 0", label("priority", i, pr.ID), pr.Weight)
		}
	}
}

func (c *Config) checkStaff(p *problems, counters map[string]bool) {
	for i, s := range c.Staff {
		l := label("staff", i, s.Username)
		if !oneOf(s.Role, roles) {
			p.add("%s: role %q must be one of %s", l, s.Role, strings.Join(roles, ", "))
		}
		if s.Counter != "" && !counters[s.Counter] {
			p.add("%s: counter %q does not exist", l, s.Counter)
		}
	}
}

// checkPrinterProfiles: each printer's model must be one motcua knows.
func (c *Config) checkPrinterProfiles(p *problems) {
	check := func(kind, id, profile string) {
		if _, err := printer.LookupProfile(profile); err != nil {
			p.add("%s %q: printer_profile %q is unknown; known: %s (add +text for text mode)", kind, id, profile, strings.Join(printer.ProfileNames(), ", "))
		}
	}
	for i := range c.Kiosks {
		if c.Kiosks[i].PrinterProfile == "" {
			c.Kiosks[i].PrinterProfile = "80mm"
		}
		check("kiosk", c.Kiosks[i].ID, c.Kiosks[i].PrinterProfile)
	}
	for i := range c.Counters {
		if c.Counters[i].PrinterProfile == "" {
			c.Counters[i].PrinterProfile = "80mm"
		}
		check("counter", c.Counters[i].ID, c.Counters[i].PrinterProfile)
	}
}
