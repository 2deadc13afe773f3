package report

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/server/config"
	"github.com/motcua/motcua/server/store"
	"github.com/motcua/motcua/server/workday"
)

// busyConfig is a center of 5 departments, 10 services, 20 counters (two
// per service) and 20 procedures.
func busyConfig(b testing.TB) *config.Config {
	c := &config.Config{Center: config.Center{Name: "Trung tâm bận rộn"}, Dossier: config.Dossier{Unit: "000.00.01.H42"}}
	for i := range 5 {
		c.Departments = append(c.Departments, config.Department{ID: fmt.Sprintf("d%d", i), Name: fmt.Sprintf("Sở %d", i), Short: fmt.Sprintf("S%d", i)})
	}
	for i := range 10 {
		c.Services = append(c.Services, config.Service{ID: fmt.Sprintf("s%d", i), Name: fmt.Sprintf("Dịch vụ %d", i),
			Department: fmt.Sprintf("d%d", i/2), Prefix: string(rune('A' + i)), Width: 3})
	}
	for i := range 20 {
		c.Counters = append(c.Counters, config.Counter{ID: fmt.Sprintf("q%d", i), Number: i + 1, Name: fmt.Sprintf("Quầy %d", i+1),
			Services: []string{fmt.Sprintf("s%d", i/2)}})
	}
	for i := range 20 {
		c.Procedures = append(c.Procedures, config.Procedure{Code: fmt.Sprintf("1.%06d", i), Name: fmt.Sprintf("Thủ tục %d", i),
			Service: fmt.Sprintf("s%d", i/2), Field: []string{"Hộ tịch", "Đất đai", "Xây dựng", ""}[i%4], ProcessingDays: 3})
	}
	if err := c.Validate(); err != nil {
		b.Fatal(err)
	}
	return c
}

// simulateYear writes a year of a busy center straight into the database:
// 500 tickets a working day (250 days of 2025) with their events and
// ratings, and 100 dossiers a day. Driving the engine for 125 000 tickets
// (five committed operations each) takes minutes, so for the benchmark
// only the rows are written directly, in the shape the engine and the
// dossier store write them (the event log's hashes are placeholders).
func simulateYear(b testing.TB, db *store.DB, cfg *config.Config) (from, to workday.Date) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(2025, 1))
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	prep := func(q string) func(args ...any) int64 {
		st, err := tx.Prepare(q)
		if err != nil {
			b.Fatal(err)
		}
		return func(args ...any) int64 {
			res, err := st.Exec(args...)
			if err != nil {
				b.Fatal(err)
			}
			id, _ := res.LastInsertId()
			return id
		}
	}
	insTicket := prep(`INSERT INTO tickets (token, issued_service, service, day, seq, number, state, counter, issued_at, queued_at,
		called_at, first_called_at, started_at, finished_at, transfers, official) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	insEvent := prep(`INSERT INTO events (at, type, ticket, counter, actor, data, prev_hash, hash) VALUES (?,?,?,?,?,?,'x','x')`)
	insRating := prep(`INSERT INTO ratings (ticket, counter, official, level, levels, source, at) VALUES (?,?,?,?,3,'keypad',?)`)
	insDossier := prep(`INSERT INTO dossiers (code, token, procedure, department, counter, official, applicant, documents, return_channel,
		state, received_at, clock_from, due_date, due_at, holder_since, result_at, returned_at, book_year, book_no)
		VALUES (?,?,?,?,?,?,'{}','[]','counter',?,?,?,?,?,?,?,?,2025,?)`)
	type event struct {
		at            int64
		typ           string
		ticket        any
		counter, data string
	}
	day := workday.Date{Year: 2025, Month: time.January, Day: 2}
	days, book := 0, 0
	var evs []event
	for days < 250 {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			day = day.AddDays(1)
			continue
		}
		if days == 0 {
			from = day
		}
		to = day
		days++
		ds := day.String()
		base := midnight(day)
		ms := func(h, m, s int) int64 {
			return base.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second).UnixMilli()
		}
		evs = evs[:0]
		for _, c := range cfg.Counters {
			evs = append(evs, event{ms(7, 25, 0), "counter.opened", nil, c.ID, "{}"}, event{ms(17, 10, 0), "counter.closed", nil, c.ID, "{}"})
		}
		seqs := map[string]int{}
		for i := range 500 {
			svc := cfg.Services[i%len(cfg.Services)]
			seqs[svc.ID]++
			ctr := cfg.Counters[(i%len(cfg.Services))*2+r.IntN(2)]
			official := "Cán bộ " + ctr.ID
			issued := ms(7, 30, 0) + int64(i)*65_000
			called := issued + int64(r.IntN(40*60_000))
			started := called + int64(r.IntN(90_000))
			finished := started + int64(3*60_000+r.IntN(12*60_000))
			state := "done"
			if r.IntN(100) < 3 {
				state = "no_show"
			}
			transfers := 0
			if r.IntN(100) < 2 {
				transfers = 1
			}
			var startedV, finishedV any = started, finished
			if state == "no_show" {
				startedV = nil
			}
			id := insTicket(fmt.Sprintf("tok%d-%d", days, i), svc.ID, svc.ID, ds, seqs[svc.ID], fmt.Sprintf("%s%03d", svc.Prefix, seqs[svc.ID]),
				state, ctr.ID, issued, issued, called, called, startedV, finishedV, transfers, official)
			evs = append(evs, event{issued, "ticket.issued", id, "", fmt.Sprintf(`{"number":"%s%03d","service":%q}`, svc.Prefix, seqs[svc.ID], svc.ID)},
				event{called, "ticket.called", id, ctr.ID, `{}`})
			if state == "no_show" {
				evs = append(evs, event{finished, "ticket.no_show", id, ctr.ID, `{}`})
				continue
			}
			evs = append(evs, event{started, "ticket.started", id, ctr.ID, `{}`}, event{finished, "ticket.finished", id, ctr.ID, `{}`})
			if r.IntN(100) < 60 {
				level := 1 + min(r.IntN(10)/6, 2) // mostly very satisfied
				insRating(id, ctr.ID, official, level, finished+20_000)
				evs = append(evs, event{finished + 20_000, "ticket.rated", id, ctr.ID, `{}`})
			}
		}
		slices.SortStableFunc(evs, func(a, b event) int { return int(a.at - b.at) })
		for _, e := range evs {
			insEvent(e.at, e.typ, e.ticket, e.counter, "", e.data)
		}
		for i := range 100 {
			p := cfg.Procedures[r.IntN(len(cfg.Procedures))]
			recv := ms(7, 30, 0) + int64(i)*300_000
			due := day.AddDays(5)
			var res, ret any
			state := "in_progress"
			if r.IntN(10) > 0 {
				ra := recv + int64(r.IntN(8*24*3600_000))
				res, state = ra, "result_ready"
				if r.IntN(2) == 0 {
					ret, state = ra+3600_000, "returned"
				}
			}
			book++
			insDossier(fmt.Sprintf("H42.%s.%03d", ds, i), fmt.Sprintf("t%d", book), p.Code, p.Department, cfg.Counters[r.IntN(20)].ID, "Cán bộ",
				state, recv, recv, due.String(), midnight(due).Add(17*time.Hour).UnixMilli(), recv, res, ret, book)
		}
		day = day.AddDays(1)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return from, to
}

// BenchmarkBuildYear times the report of a year of a busy center.
func BenchmarkBuildYear(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "year.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	cfg := busyConfig(b)
	t0 := time.Now()
	from, to := simulateYear(b, db, cfg)
	b.Logf("simulated %s..%s in %v", from, to, time.Since(t0).Round(time.Millisecond))
	cal := workday.New(nil, workday.DefaultHours())
	now := midnight(to.AddDays(30))
	var s *Summary
	for b.Loop() {
		s, err = Build(ctx, db, cfg, cal, Filter{From: from, To: to}, now)
		if err != nil {
			b.Fatal(err)
		}
	}
	if s.Queue.Issued != 125_000 || s.Satisfaction.Rated == 0 || s.Dossiers.Total.ReceivedDirect != 25_000 {
		b.Fatalf("unexpected year: %+v %+v", s.Queue.Issued, s.Dossiers.Total)
	}
	b.ReportMetric(float64(s.Queue.Issued), "tickets")
}
