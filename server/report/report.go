// Package report builds the center's periodic report: the queue (tickets,
// waits, service times, idle counters), the dossiers in the shape of Biểu
// II.06a and citizens' satisfaction, for a period of local days and
// optionally one department, counter or official.
//
// Build reads the database through the read pool only. Counts of dossiers
// and ratings are SQL aggregates; the tickets of the period are read once
// and summed in Go, since medians and 90th percentiles need every duration;
// idle time is a replay of the event log. The four parts run concurrently
// on the read pool, each in its own read transaction: a report built while
// the center works may see a ticket finished between two of them, which
// matters for no figure of a past period.
package report

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/config"
	"github.com/motcua/motcua/server/queue"
	"github.com/motcua/motcua/server/store"
	"github.com/motcua/motcua/server/workday"
)

// Filter selects the period and, optionally, one department, counter or
// official. From and To are local days, both included.
//
// The filters narrow every figure they can name:
//   - Department: the tickets whose service (the one they were served
//     under, after any transfer) belongs to the department; the idle time
//     counts only while a ticket of the department's services waited; the
//     dossiers of the department; the ratings of tickets of its services.
//   - Counter: the tickets last held by the counter (called, served,
//     marked absent or transferred away there: a ticket never called has
//     no counter and is left out); the counter's idle time; the dossiers
//     received at it; the ratings given at it.
//   - Official: the tickets the official last called (tickets.official);
//     the dossiers the official received; the ratings of the official. The
//     idle time is a counter's, not an official's: it is 0 under this
//     filter.
type Filter struct {
	From, To                      workday.Date // inclusive, local days
	Department, Counter, Official string
}

// Stats summarises durations in seconds: how many, their mean, their
// median (the middle value, or the mean of the two middle values when N is
// even) and their 90th percentile, the value at position ceil(0.9·N)−1 of
// the sorted durations (nearest rank: at least 90 % of the durations are
// at most P90S). All zero when N is 0.
type Stats struct {
	N                    int
	MeanS, MedianS, P90S float64
}

// Group is the queue's figures for one service, counter, official or hour
// (see Queue for the definitions). IdleS is a counter's only.
type Group struct {
	Key, Name                           string
	Issued, Served, NoShow, Transferred int
	Wait, Service                       Stats
	IdleS                               float64
}

// Queue is the queue's figures for the period: the tickets issued on the
// local days From..To (tickets.day).
//
//   - Issued: every such ticket. Served: state done. NoShow: state
//     no_show. Transferred: transferred at least once (tickets.transfers >
//     0), whatever became of it. A ticket still waiting at the end of its
//     day expires: it is issued, neither served nor absent.
//   - Wait: first_called_at − issued_at, over the tickets called at least
//     once (served, absent, transferred or held alike); the first call
//     counts, not a call back after a hold or a transfer.
//   - Service: finished_at − started_at, over the served tickets; a ticket
//     finished without Start (the engine then stamps its start at the finish)
//     is timed from its call instead, so an official who skips Start does
//     not report service times of 0.
//   - ByService: by the service the ticket was served under (tickets.service,
//     the last after transfers); ByCounter: by tickets.counter, the last
//     counter that held it (never-called tickets are in no counter's row);
//     ByOfficial: by tickets.official, the official who last called it;
//     ByHour: by the local hour of issue. Rows with nothing to show are
//     left out of ByService, ByCounter and ByOfficial; services and
//     counters come in config order, officials by name.
//   - IdleWhileWaitingS (and ByCounter[i].IdleS): the time counters were
//     open with no current ticket while at least one ticket they could
//     serve waited (a ticket of the day waiting in the common queue of a
//     service the counter served then, or transferred to that counter),
//     from a replay of the event log (see idle). Summed over counters: two
//     idle counters for a minute are 120 s.
//   - WaitHistogram: the waits by bucket of minutes, [lo, hi).
type Queue struct {
	Issued, Served, NoShow, Transferred int
	Wait, Service                       Stats
	ByService, ByCounter, ByOfficial    []Group
	ByHour                              [24]Group // by the hour of issue, local
	IdleWhileWaitingS                   float64
	WaitHistogram                       []Bucket // 0-5, 5-10, 10-15, 15-20, 20-30, 30-45, 45-60, 60+ minutes
}

// Bucket is one bar of a histogram.
type Bucket struct {
	Label string
	Count int
}

// DossierRow is one row of Biểu II.06a. For the period From..To:
//
//   - ReceivedOnline: received online. motcua receives dossiers at the
//     counters only, so this is 0 for now; the column is the form's.
//   - ReceivedDirect: received in the period at a counter, in person or by
//     post.
//   - CarriedOver: received before From and not resolved before From.
//   - ResolvedEarly, ResolvedOnTime, ResolvedLate: resolved in the period
//     (result_at, or returned_at when there is no result_at), by the local
//     date of the resolution against the due date, as dossier.Timeliness:
//     before it, on it, after it.
//   - PendingWithin, PendingPast: not resolved by the end of To, with the
//     due date on or after To, or before To.
//
// So CarriedOver + ReceivedOnline + ReceivedDirect = resolved + pending.
type DossierRow struct {
	Key, Name                                   string // field or department
	ReceivedOnline, ReceivedDirect, CarriedOver int
	ResolvedEarly, ResolvedOnTime, ResolvedLate int
	PendingWithin, PendingPast                  int
}

// Dossiers is Biểu II.06a for the period: the total, and a row per
// department (config order) and per field of the procedure (config order
// of first use; "Khác" for a procedure with no field or no longer in the
// config, last). Rows that are all zero are left out.
type Dossiers struct {
	Total                 DossierRow
	ByDepartment, ByField []DossierRow
	// OnTimeShare is (early + on time) / resolved, the first of
	// Shares(early + on time, late): it and the late share add to 100,0%.
	OnTimeShare Share
}

// Level is the count and share of one satisfaction level.
type Level struct {
	Level int
	Label string
	Count int
	Share Share
}

// Satisfaction is the citizens' ratings of the service at the counters
// (the ratings table, keypad and web alike) given in the period (by their
// time, rating.at). Dossiers' online ratings after the return are not
// counted here.
//
// Levels is the configured scale (queue.RatingLevels), or the 4-level scale
// when any rating of the period was given on it; a rating given on another
// scale is counted under the level of the same label. Shares are Shares of
// the counts: they add up to exactly 100,0%. ServedTickets is Queue.Served
// (the same filters); RatedShare is rated / served, the first of
// Shares(rated, served − rated). The groups list only those with ratings:
// counters and departments (of the ticket's service) in config order,
// officials by name.
type Satisfaction struct {
	Rated                               int
	Levels                              []Level
	ServedTickets                       int
	RatedShare                          Share
	ByCounter, ByOfficial, ByDepartment []SatGroup
}

// SatGroup is the ratings of one counter, official or department.
type SatGroup struct {
	Key, Name string
	Rated     int
	Levels    []Level
}

// Summary is the whole report.
type Summary struct {
	Center       string
	Filter       Filter
	Queue        Queue
	Dossiers     Dossiers
	Satisfaction Satisfaction
}

// otherField names the dossiers of a procedure with no field.
const otherField = "Khác"

// histogram bounds in minutes: [0,5), [5,10) … [60, ∞)
var histBounds = []int{5, 10, 15, 20, 30, 45, 60}

func histLabels() []Bucket {
	out := make([]Bucket, 0, len(histBounds)+1)
	lo := 0
	for _, hi := range histBounds {
		out = append(out, Bucket{Label: fmt.Sprintf("%d–%d phút", lo, hi)})
		lo = hi
	}
	return append(out, Bucket{Label: fmt.Sprintf("Từ %d phút", lo)})
}

// period is the filter with its bounds in Unix milliseconds.
type period struct {
	f          Filter
	start, end int64 // [start, end): From's midnight to the midnight after To
	from, to   string
	deptSvcs   map[string]bool // the department's services, nil without the filter
}

func midnight(d workday.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, clock.Local)
}

// Build computes the report of f. now bounds the idle time of a period
// that has not ended. cal is not consulted yet: every figure compares
// dates (the due date stored with each dossier already counts working
// days), none counts working days itself.
func Build(ctx context.Context, db *store.DB, cfg *config.Config, cal *workday.Calendar, f Filter, now time.Time) (*Summary, error) {
	if f.From == (workday.Date{}) || f.To == (workday.Date{}) {
		return nil, errors.New("report: the period needs a start and an end")
	}
	f.From, f.To = f.From.AddDays(0), f.To.AddDays(0)
	if f.To.Before(f.From) {
		return nil, fmt.Errorf("report: the period ends (%s) before it starts (%s)", f.To, f.From)
	}
	p := &period{f: f, start: midnight(f.From).UnixMilli(), end: midnight(f.To.AddDays(1)).UnixMilli(),
		from: f.From.String(), to: f.To.String()}
	if f.Department != "" {
		p.deptSvcs = map[string]bool{}
		for _, s := range cfg.Services {
			if s.Department == f.Department {
				p.deptSvcs[s.ID] = true
			}
		}
	}
	s := &Summary{Center: cfg.Center.Name, Filter: f}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		idle map[string]float64
	)
	run := func(fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	run(func() error { return buildQueue(ctx, db, cfg, p, &s.Queue) })
	run(func() (err error) { idle, err = idleTimes(ctx, db, cfg, p, now); return err })
	run(func() error { return buildDossiers(ctx, db, cfg, p, &s.Dossiers) })
	run(func() error { return buildSatisfaction(ctx, db, cfg, p, &s.Satisfaction) })
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	// idle time joins the counters' rows
	for i := range s.Queue.ByCounter {
		g := &s.Queue.ByCounter[i]
		g.IdleS = idle[g.Key]
		delete(idle, g.Key)
	}
	for _, c := range cfg.Counters { // idle counters that served nobody
		if v, ok := idle[c.ID]; ok && v > 0 {
			s.Queue.ByCounter = append(s.Queue.ByCounter, Group{Key: c.ID, Name: c.Name, IdleS: v})
		}
	}
	order := map[string]int{}
	for i, c := range cfg.Counters {
		order[c.ID] = i
	}
	slices.SortStableFunc(s.Queue.ByCounter, func(a, b Group) int { return cmpKey(order, a.Key, b.Key) })
	for _, g := range s.Queue.ByCounter {
		s.Queue.IdleWhileWaitingS += g.IdleS
	}
	s.Satisfaction.ServedTickets = s.Queue.Served
	if s.Queue.Served >= s.Satisfaction.Rated {
		s.Satisfaction.RatedShare = Shares([]int{s.Satisfaction.Rated, s.Queue.Served - s.Satisfaction.Rated})[0]
	} else {
		s.Satisfaction.RatedShare = share(s.Satisfaction.Rated, s.Queue.Served)
	}
	return s, nil
}

// cmpKey orders keys by their config position, unknown keys after, by key.
func cmpKey(order map[string]int, a, b string) int {
	ia, oka := order[a]
	ib, okb := order[b]
	switch {
	case oka && okb:
		return cmp.Compare(ia, ib)
	case oka:
		return -1
	case okb:
		return 1
	}
	return cmp.Compare(a, b)
}

// ticketFilter is the SQL condition of the filter on tickets (alias t).
func (p *period) ticketFilter(args *[]any) string {
	var w []string
	if p.deptSvcs != nil {
		w = append(w, "t.service IN ("+placeholders(len(p.deptSvcs))+")")
		for _, s := range sortedKeys(p.deptSvcs) {
			*args = append(*args, s)
		}
	}
	if p.f.Counter != "" {
		w = append(w, "t.counter = ?")
		*args = append(*args, p.f.Counter)
	}
	if p.f.Official != "" {
		w = append(w, "t.official = ?")
		*args = append(*args, p.f.Official)
	}
	if len(w) == 0 {
		return ""
	}
	return " AND " + strings.Join(w, " AND ")
}

func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// acc accumulates one group's tickets.
type acc struct {
	g             Group
	wait, service []int64 // milliseconds
}

func (a *acc) add(state string, transfers int, issued int64, called, started, finished sql.NullInt64) {
	a.g.Issued++
	switch state {
	case "done":
		a.g.Served++
		if started.Valid && finished.Valid {
			a.service = append(a.service, finished.Int64-started.Int64)
		}
	case "no_show":
		a.g.NoShow++
	}
	if transfers > 0 {
		a.g.Transferred++
	}
	if called.Valid {
		a.wait = append(a.wait, called.Int64-issued)
	}
}

func (a *acc) done() Group {
	a.g.Wait, a.g.Service = stats(a.wait), stats(a.service)
	return a.g
}

// stats sorts ms in place and summarises it in seconds.
func stats(ms []int64) Stats {
	n := len(ms)
	if n == 0 {
		return Stats{}
	}
	slices.Sort(ms)
	var sum int64
	for _, v := range ms {
		sum += v
	}
	med := float64(ms[n/2])
	if n%2 == 0 {
		med = float64(ms[n/2-1]+ms[n/2]) / 2
	}
	p90 := ms[(9*n+9)/10-1] // ceil(0.9·n) − 1
	return Stats{N: n, MeanS: float64(sum) / float64(n) / 1000, MedianS: med / 1000, P90S: float64(p90) / 1000}
}

func buildQueue(ctx context.Context, db *store.DB, cfg *config.Config, p *period, q *Queue) error {
	args := []any{p.from, p.to}
	where := p.ticketFilter(&args)
	rows, err := db.R.QueryContext(ctx, `SELECT t.service, t.counter, t.official, t.state, t.transfers, t.issued_at,
		t.first_called_at, CASE WHEN t.started_at = t.finished_at THEN COALESCE(t.called_at, t.started_at) ELSE t.started_at END,
		t.finished_at FROM tickets t WHERE t.day BETWEEN ? AND ?`+where, args...)
	if err != nil {
		return fmt.Errorf("report: tickets: %w", err)
	}
	defer rows.Close()
	var all acc
	bySvc, byCtr, byOff := map[string]*acc{}, map[string]*acc{}, map[string]*acc{}
	var byHour [24]acc
	get := func(m map[string]*acc, k string) *acc {
		a := m[k]
		if a == nil {
			a = &acc{g: Group{Key: k, Name: k}}
			m[k] = a
		}
		return a
	}
	// the local hour of a time, cached per hour since the epoch
	var hourMs, hourOf int64 = -1, 0
	for rows.Next() {
		var svc, ctr, off, state string
		var transfers int
		var issued int64
		var called, started, finished sql.NullInt64
		if err := rows.Scan(&svc, &ctr, &off, &state, &transfers, &issued, &called, &started, &finished); err != nil {
			return fmt.Errorf("report: tickets: %w", err)
		}
		all.add(state, transfers, issued, called, started, finished)
		get(bySvc, svc).add(state, transfers, issued, called, started, finished)
		if ctr != "" {
			get(byCtr, ctr).add(state, transfers, issued, called, started, finished)
		}
		if off != "" {
			get(byOff, off).add(state, transfers, issued, called, started, finished)
		}
		if h := issued / 3_600_000; h != hourMs {
			hourMs, hourOf = h, int64(time.UnixMilli(issued).In(clock.Local).Hour())
		}
		byHour[hourOf].add(state, transfers, issued, called, started, finished)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: tickets: %w", err)
	}
	g := all.done()
	q.Issued, q.Served, q.NoShow, q.Transferred, q.Wait, q.Service = g.Issued, g.Served, g.NoShow, g.Transferred, g.Wait, g.Service
	q.WaitHistogram = histLabels()
	for _, w := range all.wait {
		i, _ := slices.BinarySearch(histBounds, int(w/60_000)+1)
		// w in [lo, hi) minutes ⇔ floor(w/60000)+1 ≤ hi; BinarySearch gives the first bound ≥ that
		q.WaitHistogram[i].Count++
	}
	svcOrder, ctrOrder := map[string]int{}, map[string]int{}
	for i, s := range cfg.Services {
		svcOrder[s.ID] = i
		if a := bySvc[s.ID]; a != nil {
			a.g.Name = s.Name
		}
	}
	for i, c := range cfg.Counters {
		ctrOrder[c.ID] = i
		if a := byCtr[c.ID]; a != nil {
			a.g.Name = c.Name
		}
	}
	q.ByService = groups(bySvc, svcOrder)
	q.ByCounter = groups(byCtr, ctrOrder)
	q.ByOfficial = groups(byOff, nil)
	for h := range byHour {
		byHour[h].g.Key = fmt.Sprintf("%02d", h)
		byHour[h].g.Name = fmt.Sprintf("%02d:00–%02d:00", h, (h+1)%24)
		q.ByHour[h] = byHour[h].done()
	}
	return nil
}

func groups(m map[string]*acc, order map[string]int) []Group {
	out := make([]Group, 0, len(m))
	for _, a := range m {
		out = append(out, a.done())
	}
	slices.SortFunc(out, func(a, b Group) int {
		if order == nil {
			return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Key, b.Key))
		}
		return cmpKey(order, a.Key, b.Key)
	})
	return out
}

// zoneModifier is SQLite's date() modifier for the center's offset from
// UTC at t (Asia/Ho_Chi_Minh has kept +07:00 since 1975).
func zoneModifier(t time.Time) string {
	_, off := t.In(clock.Local).Zone()
	return fmt.Sprintf("%+d seconds", off)
}

func buildDossiers(ctx context.Context, db *store.DB, cfg *config.Config, p *period, d *Dossiers) error {
	// res is the resolution: the result, or the return when no result was
	// recorded; its local date (resday) decides early, on time or late, as
	// dossier.Timeliness does.
	var args []any
	var w []string
	if p.f.Department != "" {
		w = append(w, "department = ?")
		args = append(args, p.f.Department)
	}
	if p.f.Counter != "" {
		w = append(w, "counter = ?")
		args = append(args, p.f.Counter)
	}
	if p.f.Official != "" {
		w = append(w, "official = ?")
		args = append(args, p.f.Official)
	}
	where := ""
	if len(w) > 0 {
		where = " AND " + strings.Join(w, " AND ")
	}
	args = append(args, zoneModifier(time.UnixMilli(p.start)), p.end,
		p.start, p.end, // received
		p.start, p.start, // carried over
		p.start, p.end, p.start, p.end, p.start, p.end, // resolved
		p.end, p.end, p.to, p.end, p.end, p.to, // pending
	)
	rows, err := db.R.QueryContext(ctx, `WITH d AS (SELECT procedure, department, received_at, due_date,
			COALESCE(result_at, returned_at) AS res FROM dossiers WHERE 1`+where+`),
		r AS (SELECT *, CASE WHEN res IS NULL THEN NULL ELSE date(res / 1000, 'unixepoch', ?) END AS resday FROM d WHERE received_at < ?)
		SELECT procedure, department,
			COALESCE(SUM(received_at >= ? AND received_at < ?), 0),
			COALESCE(SUM(received_at < ? AND (res IS NULL OR res >= ?)), 0),
			COALESCE(SUM(res >= ? AND res < ? AND resday < due_date), 0),
			COALESCE(SUM(res >= ? AND res < ? AND resday = due_date), 0),
			COALESCE(SUM(res >= ? AND res < ? AND resday > due_date), 0),
			COALESCE(SUM(received_at < ? AND (res IS NULL OR res >= ?) AND due_date >= ?), 0),
			COALESCE(SUM(received_at < ? AND (res IS NULL OR res >= ?) AND due_date < ?), 0)
		FROM r GROUP BY procedure, department`, args...)
	if err != nil {
		return fmt.Errorf("report: dossiers: %w", err)
	}
	defer rows.Close()
	field := map[string]string{}
	fieldOrder := map[string]int{}
	for _, pr := range cfg.Procedures {
		f := strings.TrimSpace(pr.Field)
		if f == "" {
			f = otherField
		}
		field[pr.Code] = f
		if _, ok := fieldOrder[f]; !ok && f != otherField {
			fieldOrder[f] = len(fieldOrder)
		}
	}
	fieldOrder[otherField] = 1 << 30
	deptOrder := map[string]int{}
	for i, dp := range cfg.Departments {
		deptOrder[dp.ID] = i
	}
	byDept, byField := map[string]*DossierRow{}, map[string]*DossierRow{}
	for rows.Next() {
		var proc, dept string
		var r DossierRow
		if err := rows.Scan(&proc, &dept, &r.ReceivedDirect, &r.CarriedOver, &r.ResolvedEarly, &r.ResolvedOnTime,
			&r.ResolvedLate, &r.PendingWithin, &r.PendingPast); err != nil {
			return fmt.Errorf("report: dossiers: %w", err)
		}
		f, ok := field[proc]
		if !ok {
			f = otherField
		}
		addRow(&d.Total, r)
		addRow(rowOf(byDept, dept), r)
		addRow(rowOf(byField, f), r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: dossiers: %w", err)
	}
	d.Total.Name = "Tổng số"
	for id, r := range byDept {
		r.Key, r.Name = id, id
		if dp, ok := cfg.Department(id); ok {
			r.Name = dp.Name
		}
	}
	for f, r := range byField {
		r.Key, r.Name = f, f
	}
	d.ByDepartment = dossierRows(byDept, deptOrder)
	d.ByField = dossierRows(byField, fieldOrder)
	t := d.Total
	if good := t.ResolvedEarly + t.ResolvedOnTime; good+t.ResolvedLate > 0 {
		d.OnTimeShare = Shares([]int{good, t.ResolvedLate})[0]
	}
	return nil
}

func rowOf(m map[string]*DossierRow, k string) *DossierRow {
	r := m[k]
	if r == nil {
		r = &DossierRow{}
		m[k] = r
	}
	return r
}

func addRow(dst *DossierRow, r DossierRow) {
	dst.ReceivedOnline += r.ReceivedOnline
	dst.ReceivedDirect += r.ReceivedDirect
	dst.CarriedOver += r.CarriedOver
	dst.ResolvedEarly += r.ResolvedEarly
	dst.ResolvedOnTime += r.ResolvedOnTime
	dst.ResolvedLate += r.ResolvedLate
	dst.PendingWithin += r.PendingWithin
	dst.PendingPast += r.PendingPast
}

func dossierRows(m map[string]*DossierRow, order map[string]int) []DossierRow {
	out := make([]DossierRow, 0, len(m))
	for _, r := range m {
		if *r != (DossierRow{Key: r.Key, Name: r.Name}) {
			out = append(out, *r)
		}
	}
	slices.SortFunc(out, func(a, b DossierRow) int { return cmpKey(order, a.Key, b.Key) })
	return out
}

func buildSatisfaction(ctx context.Context, db *store.DB, cfg *config.Config, p *period, s *Satisfaction) error {
	args := []any{p.start, p.end}
	var w []string
	if p.deptSvcs != nil {
		w = append(w, "t.service IN ("+placeholders(len(p.deptSvcs))+")")
		for _, sv := range sortedKeys(p.deptSvcs) {
			args = append(args, sv)
		}
	}
	if p.f.Counter != "" {
		w = append(w, "r.counter = ?")
		args = append(args, p.f.Counter)
	}
	if p.f.Official != "" {
		w = append(w, "r.official = ?")
		args = append(args, p.f.Official)
	}
	where := ""
	if len(w) > 0 {
		where = " AND " + strings.Join(w, " AND ")
	}
	rows, err := db.R.QueryContext(ctx, `SELECT r.counter, r.official, t.service, r.levels, r.level, COUNT(*)
		FROM ratings r JOIN tickets t ON t.id = r.ticket WHERE r.at >= ? AND r.at < ?`+where+`
		GROUP BY r.counter, r.official, t.service, r.levels, r.level`, args...)
	if err != nil {
		return fmt.Errorf("report: ratings: %w", err)
	}
	defer rows.Close()
	type agg struct {
		counter, official, service, label string
		n                                 int
	}
	var aggs []agg
	scale := 3
	if cfg.Queue.RatingLevels == 4 {
		scale = 4
	}
	for rows.Next() {
		var a agg
		var levels, level int
		if err := rows.Scan(&a.counter, &a.official, &a.service, &levels, &level, &a.n); err != nil {
			return fmt.Errorf("report: ratings: %w", err)
		}
		if levels == 4 {
			scale = 4
		}
		for _, l := range queue.RatingLevels(levels) {
			if l.Level == level {
				a.label = l.Label
			}
		}
		aggs = append(aggs, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: ratings: %w", err)
	}
	scaleLevels := queue.RatingLevels(scale)
	index := map[string]int{}
	for i, l := range scaleLevels {
		index[l.Label] = i
	}
	newCounts := func() []int { return make([]int, len(scaleLevels)) }
	total := newCounts()
	byCtr, byOff, byDept := map[string][]int{}, map[string][]int{}, map[string][]int{}
	add := func(m map[string][]int, k string, i, n int) {
		c := m[k]
		if c == nil {
			c = newCounts()
			m[k] = c
		}
		c[i] += n
	}
	svcDept := map[string]string{}
	for _, sv := range cfg.Services {
		svcDept[sv.ID] = sv.Department
	}
	for _, a := range aggs {
		i, ok := index[a.label]
		if !ok {
			continue // a level outside every known scale: not a rating
		}
		total[i] += a.n
		add(byCtr, a.counter, i, a.n)
		add(byOff, a.official, i, a.n)
		add(byDept, svcDept[a.service], i, a.n)
	}
	levelsOf := func(counts []int) ([]Level, int) {
		sh := Shares(counts)
		out := make([]Level, len(counts))
		n := 0
		for i, l := range scaleLevels {
			out[i] = Level{Level: l.Level, Label: l.Label, Count: counts[i], Share: sh[i]}
			n += counts[i]
		}
		return out, n
	}
	s.Levels, s.Rated = levelsOf(total)
	satGroups := func(m map[string][]int, name func(string) string, order map[string]int) []SatGroup {
		out := make([]SatGroup, 0, len(m))
		for k, c := range m {
			g := SatGroup{Key: k, Name: name(k)}
			g.Levels, g.Rated = levelsOf(c)
			out = append(out, g)
		}
		slices.SortFunc(out, func(a, b SatGroup) int {
			if order == nil {
				return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Key, b.Key))
			}
			return cmpKey(order, a.Key, b.Key)
		})
		return out
	}
	ctrOrder, deptOrder := map[string]int{}, map[string]int{}
	for i, c := range cfg.Counters {
		ctrOrder[c.ID] = i
	}
	for i, dp := range cfg.Departments {
		deptOrder[dp.ID] = i
	}
	s.ByCounter = satGroups(byCtr, func(k string) string {
		if c, ok := cfg.Counter(k); ok {
			return c.Name
		}
		return k
	}, ctrOrder)
	s.ByOfficial = satGroups(byOff, func(k string) string { return k }, nil)
	s.ByDepartment = satGroups(byDept, func(k string) string {
		if dp, ok := cfg.Department(k); ok {
			return dp.Name
		}
		return k
	}, deptOrder)
	return nil
}

// idleTypes are the events the idle replay reads; only these four carry
// data it needs.
const idleTypes = `'ticket.issued','ticket.called','ticket.finished','ticket.no_show','ticket.held','ticket.transferred',
	'ticket.moved','ticket.expired','counter.opened','counter.paused','counter.closed','counter.services'`

// idleTimes is, per configured counter, the seconds it was open with no
// current ticket while at least one ticket it could serve waited, over the
// period (up to now when the period has not ended).
//
// It replays the event log in order. A counter starts the period in the
// state of its last counter.opened/paused/closed event before it (closed
// when none) with the services of its last counter.services event (the
// configured ones when none), and no current ticket: a ticket left current
// overnight is expired by the day sweep before the first ticket of the
// next day is issued, so nobody waits meanwhile. Then:
//   - ticket.issued: the ticket waits in its service's common queue;
//   - ticket.called: it stops waiting and becomes the counter's current
//     ticket (a call opens a closed counter; the log has the
//     counter.opened event before it);
//   - ticket.finished, no_show, held: the counter has no current ticket;
//   - ticket.transferred: likewise, and the ticket waits again, in the
//     common queue of its new service or for the one counter it was sent
//     to;
//   - ticket.moved: a supervisor moved a waiting ticket to another queue;
//   - ticket.expired: it stops waiting, and stops being current;
//   - counter.opened/paused/closed: the counter's state;
//   - counter.services: the services the counter serves from then on.
//
// At local midnight nobody waits any more: a ticket is good for its day
// only. With a department filter only the department's services' tickets
// count as waiting; with an official filter nothing is counted (nil).
func idleTimes(ctx context.Context, db *store.DB, cfg *config.Config, p *period, now time.Time) (map[string]float64, error) {
	if p.f.Official != "" {
		return nil, nil
	}
	end := min(p.end, now.UnixMilli())
	if end <= p.start {
		return map[string]float64{}, nil
	}
	svcIdx := map[string]int{}
	svcOf := func(id string) int {
		i, ok := svcIdx[id]
		if !ok {
			i = len(svcIdx)
			svcIdx[id] = i
		}
		return i
	}
	for _, s := range cfg.Services {
		svcOf(s.ID)
	}
	type counterState struct {
		id       string
		open     bool
		current  int64
		services []int
		since    int64 // when it became idle while people waited; -1 when not
		idle     int64 // ms
		waiting  int   // tickets transferred to it, waiting
	}
	ctrs := make([]*counterState, 0, len(cfg.Counters))
	ctrIdx := map[string]*counterState{}
	svcList := func(ids []string) []int {
		out := make([]int, 0, len(ids))
		for _, s := range ids {
			out = append(out, svcOf(s))
		}
		return out
	}
	for _, c := range cfg.Counters {
		cs := &counterState{id: c.ID, services: svcList(c.Services), since: -1}
		ctrs = append(ctrs, cs)
		ctrIdx[c.ID] = cs
	}
	// the counters' state and services as the period starts
	rows, err := db.R.QueryContext(ctx, `SELECT counter, type, data FROM events WHERE id IN (SELECT MAX(id) FROM events
		WHERE at < ? AND type IN ('counter.opened','counter.paused','counter.closed','counter.services')
		GROUP BY counter, type = 'counter.services')`, p.start)
	if err != nil {
		return nil, fmt.Errorf("report: idle time: %w", err)
	}
	for rows.Next() {
		var counter, typ, data string
		if err := rows.Scan(&counter, &typ, &data); err != nil {
			rows.Close()
			return nil, fmt.Errorf("report: idle time: %w", err)
		}
		cs := ctrIdx[counter]
		if cs == nil {
			continue
		}
		if typ == queue.EvServices {
			if ss, ok := servicesTo(data); ok {
				cs.services = svcList(ss)
			}
		} else {
			cs.open = typ == queue.EvOpened
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: idle time: %w", err)
	}

	type waiter struct {
		svc     int
		target  string
		counted bool
	}
	waiting := map[int64]waiter{}
	common := make([]int, len(svcIdx)) // waiting per service's common queue; grows with svcIdx
	relevant := func(svc string) bool { return p.deptSvcs == nil || p.deptSvcs[svc] }
	wait := func(tk int64, svc, target string) {
		w := waiter{svc: svcOf(svc), target: target, counted: relevant(svc)}
		for len(common) < len(svcIdx) {
			common = append(common, 0)
		}
		if w.counted {
			if target == "" {
				common[w.svc]++
			} else if cs := ctrIdx[target]; cs != nil {
				cs.waiting++
			}
		}
		waiting[tk] = w
	}
	unwait := func(tk int64) {
		w, ok := waiting[tk]
		if !ok {
			return
		}
		delete(waiting, tk)
		if w.counted {
			if w.target == "" {
				common[w.svc]--
			} else if cs := ctrIdx[w.target]; cs != nil {
				cs.waiting--
			}
		}
	}
	update := func(at int64) {
		for _, cs := range ctrs {
			idle := cs.open && cs.current == 0 && cs.waiting > 0
			if cs.open && cs.current == 0 && !idle {
				for _, s := range cs.services {
					if s < len(common) && common[s] > 0 {
						idle = true
						break
					}
				}
			}
			switch {
			case idle && cs.since < 0:
				cs.since = at
			case !idle && cs.since >= 0:
				cs.idle += at - cs.since
				cs.since = -1
			}
		}
	}
	nextMidnight := func(ms int64) int64 {
		return midnight(workday.DateOf(time.UnixMilli(ms)).AddDays(1)).UnixMilli()
	}
	dayEnd := nextMidnight(p.start)
	newDay := func(at int64) {
		clear(waiting)
		clear(common)
		for _, cs := range ctrs {
			cs.waiting = 0
		}
		update(min(dayEnd, end))
		dayEnd = nextMidnight(at)
	}

	ev, err := db.R.QueryContext(ctx, `SELECT at, type, COALESCE(ticket, 0), counter,
		CASE WHEN type IN ('ticket.issued','ticket.transferred','ticket.moved','counter.services') THEN data ELSE '' END
		FROM events WHERE at >= ? AND at < ? AND type IN (`+idleTypes+`) ORDER BY id`, p.start, end)
	if err != nil {
		return nil, fmt.Errorf("report: idle time: %w", err)
	}
	defer ev.Close()
	for ev.Next() {
		var at, tk int64
		var typ, counter, data string
		if err := ev.Scan(&at, &typ, &tk, &counter, &data); err != nil {
			return nil, fmt.Errorf("report: idle time: %w", err)
		}
		if at >= dayEnd {
			newDay(at)
		}
		cs := ctrIdx[counter]
		switch typ {
		case queue.EvIssued:
			wait(tk, jsonString(data, "service"), "")
		case queue.EvCalled:
			unwait(tk)
			if cs != nil {
				cs.current = tk
			}
		case queue.EvFinished, queue.EvNoShow, queue.EvHeld:
			if cs != nil && cs.current == tk {
				cs.current = 0
			}
		case queue.EvTransferred:
			if cs != nil && cs.current == tk {
				cs.current = 0
			}
			wait(tk, jsonString(data, "to_service"), jsonString(data, "to_counter"))
		case queue.EvMoved:
			if _, ok := waiting[tk]; ok {
				unwait(tk)
				wait(tk, jsonString(data, "to_service"), jsonString(data, "to_counter"))
			}
		case queue.EvExpired:
			unwait(tk)
			for _, c := range ctrs {
				if c.current == tk {
					c.current = 0
				}
			}
		case queue.EvOpened, queue.EvPaused, queue.EvClosed:
			if cs != nil {
				cs.open = typ == queue.EvOpened
			}
		case queue.EvServices:
			if ss, ok := servicesTo(data); cs != nil && ok {
				cs.services = svcList(ss)
				for len(common) < len(svcIdx) {
					common = append(common, 0)
				}
			}
		}
		update(at)
	}
	if err := ev.Err(); err != nil {
		return nil, fmt.Errorf("report: idle time: %w", err)
	}
	for dayEnd < end { // the days after the last event
		newDay(dayEnd)
	}
	clear(waiting)
	clear(common)
	for _, cs := range ctrs {
		cs.waiting = 0
	}
	update(end)
	out := make(map[string]float64, len(ctrs))
	for _, cs := range ctrs {
		if p.f.Counter == "" || cs.id == p.f.Counter {
			out[cs.id] = float64(cs.idle) / 1000
		}
	}
	return out, nil
}

// servicesTo reads the "to" list of a counter.services event.
func servicesTo(data string) ([]string, bool) {
	var v struct {
		To []string `json:"to"`
	}
	if err := json.Unmarshal([]byte(data), &v); err != nil || v.To == nil {
		return nil, false
	}
	return v.To, true
}

// jsonString is the string value of key in the flat JSON object data, as
// the engine writes it ("key":"value", no spaces); it falls back on
// encoding/json for anything else.
func jsonString(data, key string) string {
	pat := `"` + key + `":"`
	if i := strings.Index(data, pat); i >= 0 {
		rest := data[i+len(pat):]
		if j := strings.IndexByte(rest, '"'); j >= 0 && strings.IndexByte(rest[:j], '\\') < 0 {
			return rest[:j]
		}
	}
	var m map[string]any
	if json.Unmarshal([]byte(data), &m) != nil {
		return ""
	}
	s, _ := m[key].(string)
	return s
}
