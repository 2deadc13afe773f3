package report

import (
	"context"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/config"
	"github.com/motcua/motcua/server/dossier"
	"github.com/motcua/motcua/server/queue"
	"github.com/motcua/motcua/server/store"
	"github.com/motcua/motcua/server/workday"
)

func reportConfig(t testing.TB) *config.Config {
	c := &config.Config{
		Center:      config.Center{Name: "Trung tâm Phục vụ hành chính công thử"},
		Departments: []config.Department{{ID: "d1", Name: "Sở Tư pháp", Short: "STP"}, {ID: "d2", Name: "Sở Xây dựng", Short: "SXD"}},
		Services: []config.Service{
			{ID: "a", Name: "Hộ tịch", Department: "d1", NumberFrom: 1001, NumberTo: 1999},
			{ID: "b", Name: "Xây dựng", Department: "d2", Prefix: "B", Width: 3},
		},
		Procedures: []config.Procedure{
			{Code: "1.000001", Name: "Đăng ký khai sinh", Service: "a", Field: "Hộ tịch", ProcessingDays: 3},
			{Code: "1.000002", Name: "Cấp giấy phép xây dựng", Service: "b", ProcessingDays: 1},
		},
		Dossier: config.Dossier{Unit: "000.00.01.H42"},
		Counters: []config.Counter{
			{ID: "q1", Number: 1, Name: "Quầy 1", Services: []string{"a"}},
			{ID: "q2", Number: 2, Name: "Quầy 2", Services: []string{"b"}},
		},
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

type history struct {
	db  *store.DB
	cfg *config.Config
	e   *queue.Engine
	ds  *dossier.Store
	clk *clock.Fake
}

func at(day, hm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", day+" "+hm, clock.Local)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02 15:04", day+" "+hm, clock.Local)
	}
	if err != nil {
		panic(err)
	}
	return t
}

func newHistory(t testing.TB) *history {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := reportConfig(t)
	clk := clock.NewFake(at("2026-03-02", "07:00"))
	e, err := queue.New(ctx, db, cfg, clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.Close()
		db.Close()
	})
	return &history{db: db, cfg: cfg, e: e, clk: clk, ds: dossier.New(e, db, cfg, nil, workday.DefaultHours(), clk)}
}

// knownHistory builds, through the engine and the dossier store, the
// history every figure of TestBuildKnownHistory is computed from by hand:
// a morning of twelve tickets on Tuesday 10/03/2026 and six dossiers
// around the period 09/03–11/03/2026.
func knownHistory(t *testing.T) *history {
	h := newHistory(t)
	ctx := context.Background()
	lan, minh, sup := queue.Actor{Name: "Lan"}, queue.Actor{Name: "Minh"}, queue.Actor{Name: "Giám sát"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	set := func(day, hm string) { h.clk.Set(at(day, hm)) }
	tickets := map[string]queue.Ticket{}
	issue := func(name, svc string) {
		t.Helper()
		is, err := h.e.Issue(ctx, queue.IssueRequest{Service: svc})
		must(err)
		tickets[name] = is.Ticket
	}
	call := func(counter string, a queue.Actor, want string) {
		t.Helper()
		tk, err := h.e.CallNext(ctx, counter, a)
		must(err)
		if tk.ID != tickets[want].ID {
			t.Fatalf("%s called %s, want %s", counter, tk.Number, tickets[want].Number)
		}
	}
	start := func(counter string, a queue.Actor) { t.Helper(); _, err := h.e.Start(ctx, counter, a); must(err) }
	finish := func(counter string, a queue.Actor) { t.Helper(); _, err := h.e.Finish(ctx, counter, a); must(err) }
	rate := func(counter string, level int, src string) {
		t.Helper()
		_, err := h.e.Rate(ctx, counter, level, src, queue.Actor{Name: "citizen"})
		must(err)
	}
	state := func(counter, st, reason string, a queue.Actor) {
		t.Helper()
		_, err := h.e.SetCounterState(ctx, counter, st, reason, a)
		must(err)
	}
	receive := func(proc, counter, official string) dossier.Dossier {
		t.Helper()
		d, err := h.ds.Receive(ctx, dossier.ReceiveRequest{Procedure: proc, Counter: counter,
			Applicant: dossier.Applicant{Name: "Nguyễn Văn An"}, Documents: []dossier.Document{{Name: "Tờ khai", Form: "original", Count: 1}},
			ReturnChannel: "counter"}, official)
		must(err)
		return d
	}
	result := func(d dossier.Dossier) {
		t.Helper()
		_, err := h.ds.AddStep(ctx, d.Code, dossier.StepRequest{Type: dossier.StepResult}, "Lan")
		must(err)
	}
	wantDue := func(d dossier.Dossier, due string) {
		t.Helper()
		if d.DueDate != due {
			t.Fatalf("dossier %s due %s, the test counts on %s", d.Code, d.DueDate, due)
		}
	}

	// the week before: D1 (due 03/03, resolved only on 10/03: carried over,
	// late) and D4 (resolved before the period: in no column)
	set("2026-03-02", "09:00")
	d1 := receive("1.000002", "q2", "Minh")
	wantDue(d1, "2026-03-03")
	set("2026-03-02", "09:05")
	d4 := receive("1.000001", "q1", "Lan")
	set("2026-03-04", "10:00")
	result(d4)

	// Monday 09/03: D3 (due 10/03, never resolved: pending past due on
	// 11/03) and D6 (due 10/03, resolved 10/03: on time)
	set("2026-03-09", "09:00")
	d3 := receive("1.000002", "q2", "Minh")
	wantDue(d3, "2026-03-10")
	set("2026-03-09", "09:10")
	d6 := receive("1.000002", "q2", "Minh")
	wantDue(d6, "2026-03-10")

	// Tuesday 10/03
	day := "2026-03-10"
	set(day, "07:30")
	result(d6)
	set(day, "07:40")
	result(d1)
	set(day, "07:55")
	state("q1", "open", "", lan)
	state("q2", "open", "", minh)
	set(day, "08:00")
	issue("A1", "a")
	issue("B1", "b")
	set(day, "08:05")
	issue("A2", "a")
	set(day, "08:10")
	call("q1", lan, "A1")
	set(day, "08:12")
	start("q1", lan)
	set(day, "08:15")
	call("q2", minh, "B1")
	set(day, "08:16")
	start("q2", minh)
	set(day, "08:20")
	issue("B2", "b")
	finish("q1", lan)
	set(day, "08:20:30")
	rate("q1", 1, "keypad") // A1
	set(day, "08:25")
	issue("A3", "a")
	call("q1", lan, "A2")
	set(day, "08:26")
	_, err := h.e.Recall(ctx, "q1", lan)
	must(err)
	set(day, "08:28")
	_, err = h.e.Recall(ctx, "q1", lan)
	must(err)
	set(day, "08:30")
	_, err = h.e.NoShow(ctx, "q1", lan) // A2
	must(err)
	_, err = h.e.Transfer(ctx, "q2", queue.TransferTo{Service: "a"}, minh) // B1 to the front of a
	must(err)
	set(day, "08:32")
	call("q1", lan, "B1")
	set(day, "08:33")
	start("q1", lan)
	set(day, "08:35")
	call("q2", minh, "B2")
	set(day, "08:36")
	start("q2", minh)
	set(day, "08:40")
	finish("q1", lan) // B1
	set(day, "08:40:20")
	rate("q1", 2, "web") // B1
	set(day, "08:45")
	call("q1", lan, "A3")
	set(day, "08:46")
	start("q1", lan)
	set(day, "08:50")
	finish("q2", minh) // B2
	set(day, "08:50:10")
	rate("q2", 3, "keypad") // B2
	set(day, "09:00")
	issue("A4", "a")
	issue("A5", "a")
	issue("B3", "b")
	set(day, "09:02")
	finish("q1", lan) // A3, not rated
	set(day, "09:05")
	call("q1", lan, "A4")
	call("q2", minh, "B3")
	set(day, "09:06")
	start("q1", lan)
	_, err = h.e.Hold(ctx, "q2", minh) // B3
	must(err)
	set(day, "09:10")
	_, err = h.e.SetCounterServices(ctx, "q2", []string{"b", "a"}, sup) // rebalancing
	must(err)
	set(day, "09:12")
	call("q2", minh, "A5")
	set(day, "09:13")
	start("q2", minh)
	set(day, "09:15")
	finish("q1", lan) // A4
	set(day, "09:15:30")
	rate("q1", 1, "keypad") // A4
	set(day, "09:20")
	finish("q2", minh) // A5
	set(day, "09:20:30")
	rate("q2", 2, "keypad") // A5
	set(day, "09:21")
	_, err = h.e.Call(ctx, "q2", tickets["B3"].ID, minh) // the held ticket back
	must(err)
	set(day, "09:22")
	start("q2", minh)
	set(day, "09:30")
	finish("q2", minh) // B3
	set(day, "09:30:15")
	rate("q2", 1, "web") // B3
	set(day, "09:39")
	state("q1", "paused", "Họp giao ban", lan)
	set(day, "09:40")
	issue("B4", "b")
	set(day, "09:41")
	issue("A6", "a")
	set(day, "09:42")
	issue("B5", "b")
	set(day, "09:45")
	call("q2", minh, "B4")
	set(day, "09:46")
	start("q2", minh)
	set(day, "09:50")
	finish("q2", minh) // B4, not rated
	call("q2", minh, "A6")
	set(day, "09:51")
	_, err = h.e.Transfer(ctx, "q2", queue.TransferTo{Counter: "q1"}, minh) // A6 to the paused q1
	must(err)
	set(day, "09:55")
	call("q2", minh, "B5")
	set(day, "09:56")
	start("q2", minh)
	set(day, "10:00")
	finish("q2", minh) // B5, not rated
	state("q1", "open", "", lan)
	set(day, "10:03")
	call("q1", lan, "A6")
	set(day, "10:04")
	start("q1", lan)
	set(day, "10:05")
	issue("B6", "b") // never called
	set(day, "10:10")
	finish("q1", lan) // A6, not rated
	set(day, "10:20")
	state("q1", "closed", "", lan)
	state("q2", "closed", "", minh)
	set(day, "10:30")
	d2 := receive("1.000001", "q1", "Lan") // due 13/03, resolved 11/03: early
	wantDue(d2, "2026-03-13")

	// Wednesday 11/03
	set("2026-03-11", "09:00")
	result(d2)
	set("2026-03-11", "15:30")
	d5 := receive("1.000001", "q1", "Lan") // pending within due
	if d5.DueDate < "2026-03-11" {
		t.Fatalf("D5 due %s", d5.DueDate)
	}
	set("2026-03-11", "16:00")
	return h
}

// round3 rounds every float of s to the millisecond, so that expected
// values can be written as decimals.
func round3(s *Summary) {
	r := func(v *float64) { *v = math.Round(*v*1000) / 1000 }
	st := func(x *Stats) { r(&x.MeanS); r(&x.MedianS); r(&x.P90S) }
	g := func(x *Group) { st(&x.Wait); st(&x.Service); r(&x.IdleS) }
	st(&s.Queue.Wait)
	st(&s.Queue.Service)
	r(&s.Queue.IdleWhileWaitingS)
	for _, gs := range [][]Group{s.Queue.ByService, s.Queue.ByCounter, s.Queue.ByOfficial, s.Queue.ByHour[:]} {
		for i := range gs {
			g(&gs[i])
		}
	}
}

func stat(n int, mean, median, p90 float64) Stats {
	return Stats{N: n, MeanS: mean, MedianS: median, P90S: p90}
}

func levels(c1, s1, c2, s2, c3, s3 int) []Level {
	return []Level{{1, "Rất hài lòng", c1, Share{s1}}, {2, "Hài lòng", c2, Share{s2}}, {3, "Không hài lòng", c3, Share{s3}}}
}

func d(s string) workday.Date {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return workday.DateOf(time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, clock.Local))
}

// TestBuildKnownHistory checks every figure of the summary of the known
// history, each computed by hand (see knownHistory for the timeline):
//
//	ticket svc ctr off  state   tr issued called started finished  wait  service
//	A1     a   q1  Lan  done    0  08:00  08:10  08:12   08:20     600   480
//	B1     a*  q1  Lan  done    1  08:00  08:15  08:33   08:40     900   420
//	A2     a   q1  Lan  no_show 0  08:05  08:25  -       08:30     1200  -
//	B2     b   q2  Minh done    0  08:20  08:35  08:36   08:50     900   840
//	A3     a   q1  Lan  done    0  08:25  08:45  08:46   09:02     1200  960
//	A4     a   q1  Lan  done    0  09:00  09:05  09:06   09:15     300   540
//	A5     a   q2  Minh done    0  09:00  09:12  09:13   09:20     720   420
//	B3     b   q2  Minh done    0  09:00  09:05  09:22   09:30     300   480 (held, called back 09:21)
//	B4     b   q2  Minh done    0  09:40  09:45  09:46   09:50     300   240
//	A6     a   q1  Lan  done    1  09:41  09:50  10:04   10:10     540   360 (first called at q2)
//	B5     b   q2  Minh done    0  09:42  09:55  09:56   10:00     780   240
//	B6     b   -   -    expired 0  10:05  -      -       -         -     -
//	(*B1 was issued for b and transferred to a)
//
// Idle while people waited: q1 08:00–08:10, 08:20–08:25, 08:30–08:32,
// 08:40–08:45, 09:02–09:05, 10:00–10:03 (A6 transferred to it; paused
// 09:39–10:00) = 1680 s; q2 08:00–08:15, 08:30–08:35, 09:00–09:05,
// 09:10–09:12 (serves a from 09:10: A5 waits), 09:40–09:45, 09:51–09:55,
// 10:05–10:20 (B6 until it closes) = 3060 s.
func TestBuildKnownHistory(t *testing.T) {
	h := knownHistory(t)
	f := Filter{From: d("2026-03-09"), To: d("2026-03-11")}
	got, err := Build(context.Background(), h.db, h.cfg, workday.New(nil, workday.DefaultHours()), f, h.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	round3(got)
	hours := [24]Group{}
	for i := range hours {
		hours[i] = Group{Key: hourKey(i), Name: hourName(i)}
	}
	hours[8] = Group{Key: "08", Name: "08:00–09:00", Issued: 5, Served: 4, NoShow: 1, Transferred: 1,
		Wait: stat(5, 960, 900, 1200), Service: stat(4, 675, 660, 960)}
	hours[9] = Group{Key: "09", Name: "09:00–10:00", Issued: 6, Served: 6, Transferred: 1,
		Wait: stat(6, 490, 420, 780), Service: stat(6, 380, 390, 540)}
	hours[10] = Group{Key: "10", Name: "10:00–11:00", Issued: 1}
	q1 := Group{Key: "q1", Name: "Quầy 1", Issued: 6, Served: 5, NoShow: 1, Transferred: 2,
		Wait: stat(6, 790, 750, 1200), Service: stat(5, 552, 480, 960)}
	q2 := Group{Key: "q2", Name: "Quầy 2", Issued: 5, Served: 5,
		Wait: stat(5, 600, 720, 900), Service: stat(5, 444, 420, 840)}
	lan, minh := q1, q2
	lan.Key, lan.Name, minh.Key, minh.Name = "Lan", "Lan", "Minh", "Minh"
	q1.IdleS, q2.IdleS = 1680, 3060
	want := &Summary{
		Center: "Trung tâm Phục vụ hành chính công thử",
		Filter: f,
		Queue: Queue{
			Issued: 12, Served: 10, NoShow: 1, Transferred: 2,
			Wait:    stat(11, 703.636, 720, 1200),
			Service: stat(10, 498, 450, 840),
			ByService: []Group{
				{Key: "a", Name: "Hộ tịch", Issued: 7, Served: 6, NoShow: 1, Transferred: 2,
					Wait: stat(7, 780, 720, 1200), Service: stat(6, 530, 450, 960)},
				{Key: "b", Name: "Xây dựng", Issued: 5, Served: 4,
					Wait: stat(4, 570, 540, 900), Service: stat(4, 450, 360, 840)},
			},
			ByCounter:         []Group{q1, q2},
			ByOfficial:        []Group{lan, minh},
			ByHour:            hours,
			IdleWhileWaitingS: 4740,
			WaitHistogram: []Bucket{{"0–5 phút", 0}, {"5–10 phút", 4}, {"10–15 phút", 3}, {"15–20 phút", 2},
				{"20–30 phút", 2}, {"30–45 phút", 0}, {"45–60 phút", 0}, {"Từ 60 phút", 0}},
		},
		Dossiers: Dossiers{
			Total: DossierRow{Name: "Tổng số", ReceivedDirect: 4, CarriedOver: 1, ResolvedEarly: 1, ResolvedOnTime: 1,
				ResolvedLate: 1, PendingWithin: 1, PendingPast: 1},
			ByDepartment: []DossierRow{
				{Key: "d1", Name: "Sở Tư pháp", ReceivedDirect: 2, ResolvedEarly: 1, PendingWithin: 1},
				{Key: "d2", Name: "Sở Xây dựng", ReceivedDirect: 2, CarriedOver: 1, ResolvedOnTime: 1, ResolvedLate: 1, PendingPast: 1},
			},
			ByField: []DossierRow{
				{Key: "Hộ tịch", Name: "Hộ tịch", ReceivedDirect: 2, ResolvedEarly: 1, PendingWithin: 1},
				{Key: "Khác", Name: "Khác", ReceivedDirect: 2, CarriedOver: 1, ResolvedOnTime: 1, ResolvedLate: 1, PendingPast: 1},
			},
			OnTimeShare: Share{667},
		},
		Satisfaction: Satisfaction{
			Rated:         6,
			Levels:        levels(3, 500, 2, 333, 1, 167),
			ServedTickets: 10,
			RatedShare:    Share{600},
			ByCounter: []SatGroup{
				{Key: "q1", Name: "Quầy 1", Rated: 3, Levels: levels(2, 667, 1, 333, 0, 0)},
				{Key: "q2", Name: "Quầy 2", Rated: 3, Levels: levels(1, 334, 1, 333, 1, 333)},
			},
			ByOfficial: []SatGroup{
				{Key: "Lan", Name: "Lan", Rated: 3, Levels: levels(2, 667, 1, 333, 0, 0)},
				{Key: "Minh", Name: "Minh", Rated: 3, Levels: levels(1, 334, 1, 333, 1, 333)},
			},
			ByDepartment: []SatGroup{
				{Key: "d1", Name: "Sở Tư pháp", Rated: 4, Levels: levels(2, 500, 2, 500, 0, 0)},
				{Key: "d2", Name: "Sở Xây dựng", Rated: 2, Levels: levels(1, 500, 0, 0, 1, 500)},
			},
		},
	}
	diff(t, got, want)
}

func hourKey(h int) string {
	return []string{"00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23"}[h]
}
func hourName(h int) string { return hourKey(h) + ":00–" + hourKey((h+1)%24) + ":00" }

// diff reports the differing fields of got and want, one by one.
func diff(t *testing.T, got, want any) {
	t.Helper()
	var walk func(path string, g, w reflect.Value)
	walk = func(path string, g, w reflect.Value) {
		switch g.Kind() {
		case reflect.Pointer:
			walk(path, g.Elem(), w.Elem())
		case reflect.Struct:
			for i := 0; i < g.NumField(); i++ {
				walk(path+"."+g.Type().Field(i).Name, g.Field(i), w.Field(i))
			}
		case reflect.Slice, reflect.Array:
			if g.Len() != w.Len() {
				t.Errorf("%s: %d items, want %d: %+v", path, g.Len(), w.Len(), g.Interface())
				return
			}
			for i := 0; i < g.Len(); i++ {
				walk(path+"["+strconv.Itoa(i)+"]", g.Index(i), w.Index(i))
			}
		default:
			if !reflect.DeepEqual(g.Interface(), w.Interface()) {
				t.Errorf("%s = %v, want %v", path, g.Interface(), w.Interface())
			}
		}
	}
	walk("Summary", reflect.ValueOf(got), reflect.ValueOf(want))
}

// TestIdleReplay replays hand-written event logs (rows written directly:
// the replay reads nothing else) through idleTimes.
func TestIdleReplay(t *testing.T) {
	type ev struct {
		at, typ string // at: "2026-03-10 08:00"
		ticket  int64
		counter string
		data    string
	}
	before := []ev{ // before the period: q1 left open, q2 rebalanced to serve a
		{"2026-03-09 08:00", "counter.opened", 0, "q1", "{}"},
		{"2026-03-09 08:00", "counter.services", 0, "q2", `{"from":["b"],"to":["b","a"]}`},
		{"2026-03-09 08:01", "counter.opened", 0, "q2", "{}"},
		{"2026-03-09 08:02", "counter.paused", 0, "q2", "{}"},
	}
	day := []ev{
		{"2026-03-10 08:00", "ticket.issued", 1, "", `{"number":"1001","service":"a"}`},
		{"2026-03-10 08:10", "counter.opened", 0, "q2", "{}"},                                       // q2 serves a: idle from 08:10
		{"2026-03-10 08:20", "ticket.called", 1, "q1", "{}"},                                        // q1 idle 08:00–08:20, q2 08:10–08:20
		{"2026-03-10 08:30", "ticket.transferred", 1, "q1", `{"to_service":"a","to_counter":"q2"}`}, // for q2 only
		{"2026-03-10 08:35", "ticket.called", 1, "q2", "{}"},                                        // q2 idle 08:30–08:35
		{"2026-03-10 08:40", "ticket.issued", 2, "", `{"number":"B001","service":"b"}`},
		{"2026-03-10 08:45", "ticket.moved", 2, "", `{"to_service":"a","to_counter":""}`}, // q1 idle from 08:45
		{"2026-03-10 08:50", "ticket.held", 1, "q2", "{}"},                                // q2 idle from 08:50
		{"2026-03-10 08:55", "counter.closed", 0, "q2", "{}"},                             // q2 idle 08:50–08:55
		{"2026-03-10 16:00", "ticket.issued", 3, "", `{"number":"1002","service":"a"}`},
		// ticket 2 and 3 wait until midnight: q1 idle 08:45–24:00
		{"2026-03-11 07:00", "ticket.expired", 2, "", "{}"},
		{"2026-03-11 07:00", "ticket.expired", 3, "", "{}"},
		{"2026-03-11 08:00", "ticket.issued", 4, "", `{"number":"1001","service":"a"}`}, // q1 idle 08:00–09:00 (now)
	}
	h := newHistory(t)
	for i, e := range append(before, day...) {
		var tk any
		if e.ticket != 0 {
			tk = e.ticket
		}
		ts := at(e.at[:10], e.at[11:])
		if _, err := h.db.W.Exec(`INSERT INTO events (id, at, type, ticket, counter, data, prev_hash, hash) VALUES (?,?,?,?,?,?,'x','x')`,
			1000+i, ts.UnixMilli(), e.typ, tk, e.counter, e.data); err != nil {
			t.Fatal(err)
		}
	}
	now := at("2026-03-11", "09:00")
	q1Day1 := (20*time.Minute + (15*time.Hour + 15*time.Minute)).Seconds()
	tests := []struct {
		name string
		f    Filter
		want map[string]float64
	}{
		{"all", Filter{}, map[string]float64{"q1": q1Day1 + 3600, "q2": (10 + 5 + 5) * 60}},
		{"counter", Filter{Counter: "q2"}, map[string]float64{"q2": (10 + 5 + 5) * 60}},
		// department d2 (service b): only ticket 2 counts, waiting in b 08:40–08:45, while q1 serves only a and q2 is busy
		{"department", Filter{Department: "d2"}, map[string]float64{"q1": 0, "q2": 0}},
		{"official", Filter{Official: "Lan"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.f
			f.From, f.To = d("2026-03-10"), d("2026-03-11")
			p := &period{f: f, start: midnight(f.From).UnixMilli(), end: midnight(f.To.AddDays(1)).UnixMilli()}
			if f.Department != "" {
				p.deptSvcs = map[string]bool{}
				for _, s := range h.cfg.Services {
					if s.Department == f.Department {
						p.deptSvcs[s.ID] = true
					}
				}
			}
			got, err := idleTimes(context.Background(), h.db, h.cfg, p, now)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("idle = %v, want %v", got, tt.want)
			}
		})
	}
}
