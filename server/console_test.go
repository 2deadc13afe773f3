package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/motcua/motcua/server/clock"
)

// issueID takes a ticket of service (with a priority category) and returns its id.
func (d *daemon) issueID(t *testing.T, kiosk, service, priority string) int64 {
	t.Helper()
	body := map[string]any{"service": service}
	if priority != "" {
		body["priority"] = priority
	}
	r := d.do("POST", "/api/v1/tickets", kiosk, body)
	if r.status != http.StatusCreated {
		t.Fatalf("issue %s: %d %s", service, r.status, r.body)
	}
	var v struct{ ID int64 }
	r.json(t, &v)
	return v.ID
}

func (s *staff) act(t *testing.T, counter, action string, body any, want int) reply {
	t.Helper()
	r := s.do("POST", "/api/v1/counters/"+counter+"/"+action, body, "Idempotency-Key", action+time.Now().Format("150405.000000000"))
	if r.status != want {
		t.Fatalf("%s at %s: got %d %s, want %d", action, counter, r.status, r.body, want)
	}
	return r
}

func (s *staff) console(t *testing.T, counter string) ConsoleState {
	t.Helper()
	r := s.do("GET", "/api/v1/console/"+counter, nil)
	if r.status != http.StatusOK {
		t.Fatalf("console: %d %s", r.status, r.body)
	}
	var st ConsoleState
	r.json(t, &st)
	return st
}

func numbers(vs []TicketView) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Number)
	}
	return strings.Join(out, " ")
}

func TestConsoleState(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)) // 09:00 local
	d := bootWith(t, Options{Clock: clk})
	d.user("cb1", "official", "quay-1")
	d.user("cb5", "official", "quay-5")
	k := d.token("kiosk", "kiosk-1")
	for i := 0; i < 3; i++ {
		d.issueID(t, k, "dang-ky-doanh-nghiep", "")
		clk.Advance(time.Minute)
	}
	d.issueID(t, k, "dau-tu", "nguoi-cao-tuoi")
	d.issueID(t, k, "dat-dai", "") // not this counter's
	clk.Advance(2 * time.Minute)
	s := d.signIn("cb1", "")
	s5 := d.signIn("cb5", "")

	st := s.console(t, "quay-1")
	if st.Current != nil || st.QueueTotal != 4 {
		t.Fatalf("before calling: current %v, queue %d (%s), want none and 4", st.Current, st.QueueTotal, numbers(st.Queue))
	}
	// the priority ticket first (interleave 2:1), then by time: the order call-next will take
	if got, want := numbers(st.Queue), st.Queue[0].Number+" 1001 1002 1003"; got != want || st.Queue[0].Priority == "" || st.Queue[0].PriorityName == "" {
		t.Errorf("queue: got %q (first priority %q), want %q with the priority ticket marked", got, st.Queue[0].PriorityName, want)
	}
	if st.Queue[1].WaitedS != 5*60 {
		t.Errorf("1001 waited %d s, want 300", st.Queue[1].WaitedS)
	}
	if st.Me["username"] != "cb1" || st.Counter.State != "closed" || len(st.Counter.Services) != 2 {
		t.Errorf("me %v, counter %+v", st.Me, st.Counter)
	}
	first := st.Queue[0].Number
	r := s.act(t, "quay-1", "call-next", nil, 200)
	if !strings.Contains(string(r.body), `"number":"`+first+`"`) {
		t.Fatalf("call-next called %s, the console said %s first", r.body, first)
	}
	clk.Advance(30 * time.Second)
	s.act(t, "quay-1", "start", nil, 200)
	clk.Advance(4 * time.Minute)
	st = s.console(t, "quay-1")
	if st.Current == nil || st.Current.Number != first || st.Current.ServedS != 240 || st.Current.WaitedS != 120 {
		t.Fatalf("current: %+v, want %s served 240 s after waiting 120 s", st.Current, first)
	}
	// finish arms the rating; the web pad rates it; the console shows it
	s.act(t, "quay-1", "finish", nil, 200)
	st = s.console(t, "quay-1")
	if !st.Rating.Armed || st.Rating.Ticket != first || st.Rating.Until == nil || !st.Rating.Until.Equal(clk.Now().Add(60*time.Second)) {
		t.Errorf("rating after finish: %+v, want armed for %s until +60 s", st.Rating, first)
	}
	s.act(t, "quay-1", "rating", map[string]int{"level": 1}, 200)
	st = s.console(t, "quay-1")
	if st.Rating.Armed || st.LastRating == nil || st.LastRating.Level != 1 || st.LastRating.Label != "Rất hài lòng" || st.Today.Served != 1 || st.Today.MeanServiceS != 240 {
		t.Errorf("after rating: rating %+v, last %+v, today %+v", st.Rating, st.LastRating, st.Today)
	}
	s.act(t, "quay-1", "rating", map[string]int{"level": 2}, 409)

	// hold, then call back from the held list
	s.act(t, "quay-1", "call-next", nil, 200)
	held := s.act(t, "quay-1", "hold", nil, 200)
	var h struct{ Ticket struct{ ID int64 } }
	held.json(t, &h)
	st = s.console(t, "quay-1")
	if len(st.Held) != 1 || st.Held[0].ID != h.Ticket.ID || st.Current != nil {
		t.Fatalf("held: %s, current %v", numbers(st.Held), st.Current)
	}
	s.act(t, "quay-1", "call", map[string]any{"ticket": h.Ticket.ID}, 200)

	// transfer to an official: to the counter where they are signed in
	if st := s.console(t, "quay-1"); len(st.Targets.Officials) != 1 || st.Targets.Officials[0].Username != "cb5" || st.Targets.Officials[0].CounterNumber != 5 {
		t.Errorf("officials to transfer to: %+v, want cb5 at counter 5", st.Targets.Officials)
	}
	r = s.act(t, "quay-1", "transfer", map[string]string{"official": "cb5"}, 200)
	if !strings.Contains(string(r.body), `"target_counter":"quay-5"`) {
		t.Errorf("transfer to cb5: %s", r.body)
	}
	if st := s5.console(t, "quay-5"); st.QueueTotal != 2 || st.Queue[0].ID != h.Ticket.ID {
		t.Errorf("quay-5's queue: %s, want the transferred ticket first", numbers(st.Queue))
	}
	s.act(t, "quay-1", "transfer", map[string]string{"official": "nobody"}, 409)

	// the counter screen's state follows its sockets: unknown until it
	// first connects, then ok, then offline when it goes
	if st := s.console(t, "quay-1"); st.Devices["screen"].State != "unknown" {
		t.Errorf("screen never opened: %+v, want unknown", st.Devices["screen"])
	}
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(d.base, "http")+"/ws/display/counter:quay-1", http.Header{"Authorization": {"Bearer " + d.token("display", "")}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.ReadMessage()
	if st := s.console(t, "quay-1"); st.Devices["screen"].State != "ok" || *st.Devices["screen"].Clients != 1 {
		t.Errorf("screen device with one socket: %+v", st.Devices["screen"])
	}
	ws.Close()
	deadline := time.Now().Add(5 * time.Second)
	for s.console(t, "quay-1").Devices["screen"].State != "offline" {
		if time.Now().After(deadline) {
			t.Fatalf("screen closed: %+v, want offline", s.console(t, "quay-1").Devices["screen"])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestConsoleEmptyQueueSaysSo(t *testing.T) {
	d := boot(t, "")
	d.user("cb1", "official", "quay-1")
	s := d.signIn("cb1", "")
	if r := s.act(t, "quay-1", "call-next", nil, http.StatusNoContent); len(r.body) != 0 {
		t.Errorf("204 with a body: %s", r.body)
	}
	r := s.act(t, "quay-1", "recall", nil, http.StatusConflict)
	if !strings.Contains(string(r.body), "Quầy chưa gọi vé nào") {
		t.Errorf("recall with nothing called: %s", r.body)
	}
}

// monitorMsg reads socket messages until one satisfies ok, or fails after
// the deadline.
func monitorMsg(t *testing.T, ws *websocket.Conn, what string, ok func(m liveMsgIn) bool) liveMsgIn {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(15 * time.Second))
	var last int64
	for {
		_, b, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		var m liveMsgIn
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if last != 0 && m.Seq != last+1 {
			t.Fatalf("seq jumped from %d to %d", last, m.Seq)
		}
		last = m.Seq
		if ok(m) {
			return m
		}
	}
}

type liveMsgIn struct {
	Type  string       `json:"type"`
	Seq   int64        `json:"seq"`
	State MonitorState `json:"state"`
	Alert *Alert       `json:"alert"`
}

func hasAlert(st MonitorState, id string) *Alert {
	for i := range st.Alerts {
		if st.Alerts[i].ID == id {
			return &st.Alerts[i]
		}
	}
	return nil
}

func TestMonitorAlerts(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))
	d := bootWith(t, Options{Clock: clk})
	d.user("gs1", "supervisor", "")
	d.user("cb1", "official", "quay-1")
	k := d.token("kiosk", "kiosk-1")
	sup := d.signIn("gs1", "")
	cb := d.signIn("cb1", "")
	ws, _, err := (&websocket.Dialer{Jar: sup.c.Jar}).Dial("ws"+strings.TrimPrefix(d.base, "http")+"/ws/monitor", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	m := monitorMsg(t, ws, "the first state", func(m liveMsgIn) bool { return m.Type == "state" })
	if m.Seq != 1 || len(m.State.Alerts) != 0 || len(m.State.Counters) != 8 {
		t.Fatalf("first message: seq %d, %d alerts, %d counters", m.Seq, len(m.State.Alerts), len(m.State.Counters))
	}
	id := d.issueID(t, k, "dang-ky-doanh-nghiep", "")
	d.issueID(t, k, "dang-ky-doanh-nghiep", "")
	// nobody serves it yet: after 5 minutes the "unserved" alert
	clk.Advance(5 * time.Minute)
	m = monitorMsg(t, ws, "the unserved alert", func(m liveMsgIn) bool { return m.Type == "alert" && m.Alert.ID == "unserved:dang-ky-doanh-nghiep" })
	if m.Alert.Severity != "critical" || !strings.Contains(m.Alert.Title, "không quầy nào mở") {
		t.Errorf("unserved alert: %+v", m.Alert)
	}
	// the counter opens, serves one, and is then left idle
	cb.act(t, "quay-1", "open", nil, 200)
	cb.act(t, "quay-1", "call-next", nil, 200)
	cb.act(t, "quay-1", "finish", nil, 200)
	m = monitorMsg(t, ws, "the unserved alert to clear", func(m liveMsgIn) bool {
		return m.Type == "state" && hasAlert(m.State, "unserved:dang-ky-doanh-nghiep") == nil
	})
	clk.Advance(5 * time.Minute)
	m = monitorMsg(t, ws, "the idle alert", func(m liveMsgIn) bool { return m.Type == "state" && hasAlert(m.State, "idle:quay-1") != nil })
	c := m.State.Counters[0]
	if c.ID != "quay-1" || c.IdleS != 300 || c.ServedToday != 1 {
		t.Errorf("quay-1 on the monitor: %+v", c)
	}
	// the second ticket has now waited 10 min; at 30 the wait alert
	if a := hasAlert(m.State, "wait:dang-ky-doanh-nghiep"); a != nil {
		t.Errorf("wait alert before the threshold: %+v", a)
	}
	var svc monitorService
	for _, s := range m.State.Services {
		if s.ID == "dang-ky-doanh-nghiep" {
			svc = s
		}
	}
	if svc.Waiting != 1 || svc.LongestWaitS != 600 || svc.OpenCounters != 1 || len(svc.WaitingIDs) != 1 || svc.WaitingIDs[0] != id+1 {
		t.Errorf("service on the monitor: %+v", svc)
	}
	clk.Advance(20 * time.Minute)
	m = monitorMsg(t, ws, "the wait alert", func(m liveMsgIn) bool { return m.Type == "alert" && m.Alert.ID == "wait:dang-ky-doanh-nghiep" })
	if !strings.Contains(m.Alert.Title, "30 phút") {
		t.Errorf("wait alert: %+v", m.Alert)
	}
}

func TestRebalancing(t *testing.T) {
	d := boot(t, "")
	d.user("gs1", "supervisor", "")
	d.user("cb7", "official", "quay-7")
	k := d.token("kiosk", "kiosk-1")
	sup := d.signIn("gs1", "")
	a := d.issueID(t, k, "dat-dai", "")
	b := d.issueID(t, k, "dat-dai", "")
	// open the general counter for land
	r := sup.do("PUT", "/api/v1/counters/quay-7/services", map[string]any{"services": []string{"dat-dai", "noi-vu"}})
	if r.status != 200 || !strings.Contains(string(r.body), `"services":["dat-dai","noi-vu"]`) {
		t.Fatalf("set services: %d %s", r.status, r.body)
	}
	if r := sup.do("PUT", "/api/v1/counters/quay-7/services", map[string]any{"services": []string{"khong-co"}}); r.status != http.StatusBadRequest && r.status != http.StatusNotFound {
		t.Errorf("unknown service: %d %s", r.status, r.body)
	}
	// a supervisor opening a counter from the monitor does not become its official
	sup.act(t, "quay-7", "open", nil, 200)
	var cs struct{ Official string }
	d.do("GET", "/api/v1/counters/quay-7", d.token("display", ""), nil).json(t, &cs)
	if cs.Official != "" {
		t.Errorf("after the supervisor opened quay-7 its official is %q, want none", cs.Official)
	}
	cb := d.signIn("cb7", "")
	r = cb.act(t, "quay-7", "call-next", nil, 200)
	var v struct{ Ticket struct{ ID int64 } }
	r.json(t, &v)
	if v.Ticket.ID != a {
		t.Errorf("quay-7 called %d, want the land ticket %d", v.Ticket.ID, a)
	}
	// move the other one to tax
	r = sup.do("POST", "/api/v1/tickets/move", map[string]any{"tickets": []int64{b}, "service": "thue"})
	if r.status != 200 || !strings.Contains(string(r.body), `"service":"thue"`) {
		t.Fatalf("move: %d %s", r.status, r.body)
	}
	// a called ticket cannot be moved, and nothing moves with it
	if r := sup.do("POST", "/api/v1/tickets/move", map[string]any{"tickets": []int64{b, a}, "service": "dat-dai"}); r.status != http.StatusConflict {
		t.Errorf("moving a called ticket: %d %s", r.status, r.body)
	}
	var tk struct{ Ticket struct{ Service string } }
	d.do("GET", "/api/v1/tickets/"+itoa(b), d.token("supervisor", ""), nil).json(t, &tk)
	if tk.Ticket.Service != "thue" {
		t.Errorf("after a refused move the ticket is in %s, want thue", tk.Ticket.Service)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
