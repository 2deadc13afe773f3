package display

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeSource is a Source with fixed screens and a settable snapshot.
type fakeSource struct {
	mu       sync.Mutex
	screens  map[string][2][]string // screen → counters, services
	calls    []Call
	waiting  []ServiceWaiting
	tickers  map[string]string
	snapshot error
}

func (f *fakeSource) Ticker(screen string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tickers[screen]
}

func (f *fakeSource) setTicker(screen, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tickers == nil {
		f.tickers = map[string]string{}
	}
	f.tickers[screen] = text
}

func (f *fakeSource) Snapshot(string) ([]Call, []ServiceWaiting, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls, f.waiting, f.snapshot
}

func (f *fakeSource) ScreenExists(screen string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id, ok := CounterOf(screen); ok {
		return id == "q1" || id == "q2"
	}
	_, ok := f.screens[screen]
	return ok
}

func (f *fakeSource) Filter(screen string) (counters, services []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.screens[screen]
	return s[0], s[1]
}

func newSource() *fakeSource {
	return &fakeSource{screens: map[string][2][]string{
		"lobby": {nil, nil},
		"q1":    {{"q1"}, nil},
		"s1":    {nil, {"s1"}},
	}}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// serve starts h behind a real HTTP server with the daemon's route.
func serve(t *testing.T, h *Hub) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/display/{screen}", func(w http.ResponseWriter, r *http.Request) {
		h.ServeWS(w, r, r.PathValue("screen"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		h.Close()
		srv.Close()
	})
	return srv
}

func wsURL(srv *httptest.Server, screen string) string {
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws/display/" + screen
}

func dial(t *testing.T, srv *httptest.Server, screen string) *websocket.Conn {
	t.Helper()
	conn, resp, err := websocket.DefaultDialer.Dial(wsURL(srv, screen), nil)
	if err != nil {
		t.Fatalf("dial %s: %v (response %v)", screen, err, resp)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func read(t *testing.T, conn *websocket.Conn) Message {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var m Message
	if err := conn.ReadJSON(&m); err != nil {
		t.Fatalf("read: %v", err)
	}
	return m
}

func call(ticket, counter, service string) Call {
	return Call{
		Ticket:  ticket,
		Counter: Counter{ID: counter, Number: 5, Name: "Quầy 5"},
		Service: Service{ID: service, Name: "Hộ tịch"},
		At:      time.Date(2026, 11, 27, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600)),
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSnapshotThenCalls(t *testing.T) {
	src := newSource()
	src.calls = []Call{call("1001", "q1", "s1")}
	src.waiting = []ServiceWaiting{{ID: "s1", Waiting: 3, EstimatedWaitS: 600}}
	h := NewHub(src, Options{Logger: quietLogger()})
	srv := serve(t, h)

	// Move the stream's seq on before this socket connects.
	early := dial(t, srv, "lobby")
	read(t, early)
	h.PublishCall(call("1002", "q1", "s1"))
	if m := read(t, early); m.Seq != 1 {
		t.Fatalf("early socket: got seq %d, want 1", m.Seq)
	}

	conn := dial(t, srv, "lobby")
	snap := read(t, conn)
	if snap.Type != TypeSnapshot || snap.Seq != 1 {
		t.Fatalf("first message: got type %q seq %d, want snapshot seq 1", snap.Type, snap.Seq)
	}
	if len(snap.Calls) != 1 || snap.Calls[0].Ticket != "1001" {
		t.Errorf("snapshot calls: got %+v, want ticket 1001", snap.Calls)
	}
	if want := "Xin mời công dân có số thứ tự một nghìn không trăm linh một đến quầy số năm"; snap.Calls[0].Announcement != want {
		t.Errorf("snapshot announcement: got %q, want %q", snap.Calls[0].Announcement, want)
	}
	if len(snap.Waiting) != 1 || snap.Waiting[0].Waiting != 3 {
		t.Errorf("snapshot waiting: got %+v, want s1 with 3", snap.Waiting)
	}

	h.PublishCall(call("1023", "q1", "s1"))
	h.PublishWaiting([]ServiceWaiting{{ID: "s1", Waiting: 2, EstimatedWaitS: 400}})
	m := read(t, conn)
	if m.Type != TypeCall || m.Seq != 2 || m.Ticket != "1023" || m.Counter.ID != "q1" {
		t.Fatalf("second message: got %+v, want call 1023 at q1 with seq 2", m)
	}
	m = read(t, conn)
	if m.Type != TypeWaiting || m.Seq != 3 || len(m.Services) != 1 || m.Services[0].Waiting != 2 {
		t.Fatalf("third message: got %+v, want waiting with seq 3", m)
	}
	if got := h.Clients(); got != 2 {
		t.Errorf("Clients() = %d, want 2", got)
	}
}

func TestWireFormat(t *testing.T) {
	src := newSource()
	h := NewHub(src, Options{Logger: quietLogger()})
	srv := serve(t, h)
	conn := dial(t, srv, "lobby")

	raw := func() string {
		t.Helper()
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, b, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		return string(b)
	}
	tests := []struct {
		name    string
		publish func()
		want    string
	}{
		{"snapshot", func() {}, `{"type":"snapshot","seq":0,"calls":[],"waiting":[],"ticker":""}`},
		{"call", func() {
			c := call("1023", "q5", "s1")
			c.Announcement = "Xin mời số 1023"
			h.PublishCall(c)
		}, `{"type":"call","seq":1,"ticket":"1023","counter":{"id":"q5","number":5,"name":"Quầy 5"},` +
			`"service":{"id":"s1","name":"Hộ tịch"},"at":"2026-11-27T09:00:00+07:00","announcement":"Xin mời số 1023","recall":false}`},
		{"waiting", func() {
			h.PublishWaiting([]ServiceWaiting{{ID: "s1", Waiting: 4, EstimatedWaitS: 720}})
		}, `{"type":"waiting","seq":2,"services":[{"id":"s1","waiting":4,"estimated_wait_s":720}]}`},
		{"ticker", func() {
			h.PublishTicker("lobby", "Nghỉ trưa 11:30–13:30")
		}, `{"type":"ticker","seq":3,"text":"Nghỉ trưa 11:30–13:30"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.publish()
			if got := raw(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestScreenFilter(t *testing.T) {
	src := newSource()
	src.calls = []Call{call("1001", "q1", "s1"), call("2001", "q2", "s2")}
	src.waiting = []ServiceWaiting{{ID: "s1", Waiting: 1}, {ID: "s2", Waiting: 2}}
	h := NewHub(src, Options{Logger: quietLogger()})
	srv := serve(t, h)
	lobby := dial(t, srv, "lobby")
	q1 := dial(t, srv, "q1")
	s1 := dial(t, srv, "s1")

	if m := read(t, q1); len(m.Calls) != 1 || m.Calls[0].Counter.ID != "q1" || len(m.Waiting) != 2 {
		t.Errorf("q1 snapshot: got calls %+v waiting %+v, want only q1's call and all waiting", m.Calls, m.Waiting)
	}
	if m := read(t, s1); len(m.Calls) != 1 || len(m.Waiting) != 1 || m.Waiting[0].ID != "s1" {
		t.Errorf("s1 snapshot: got calls %+v waiting %+v, want only s1", m.Calls, m.Waiting)
	}
	read(t, lobby)

	h.PublishCall(call("2002", "q2", "s2"))
	h.PublishWaiting([]ServiceWaiting{{ID: "s2", Waiting: 3}})
	h.PublishCall(call("1002", "q1", "s1"))

	tests := []struct {
		name string
		conn *websocket.Conn
		want []string // type:seq:detail
	}{
		{"lobby", lobby, []string{"call:1:2002", "waiting:2:s2", "call:3:1002"}},
		{"q1", q1, []string{"waiting:1:s2", "call:2:1002"}},
		{"s1", s1, []string{"call:1:1002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, want := range tt.want {
				m := read(t, tt.conn)
				detail := m.Ticket
				if m.Type == TypeWaiting {
					detail = m.Services[0].ID
				}
				if got := fmt.Sprintf("%s:%d:%s", m.Type, m.Seq, detail); got != want {
					t.Errorf("got %s, want %s", got, want)
				}
			}
		})
	}
	// s1 got nothing else: its next message is the next one it shows.
	h.PublishCall(call("1003", "q9", "s1"))
	if m := read(t, s1); m.Seq != 2 || m.Ticket != "1003" {
		t.Errorf("s1 next: got seq %d ticket %q, want seq 2 ticket 1003", m.Seq, m.Ticket)
	}
}

// slowDialer dials with a tiny receive buffer, so a socket that does not
// read backs up quickly.
var slowDialer = &websocket.Dialer{
	NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4096)
		}
		return c, nil
	},
}

func TestSlowClientDropped(t *testing.T) {
	const n, window = 1000, 16 // window < SendBuffer: the fast socket never falls that far behind
	src := newSource()
	h := NewHub(src, Options{Logger: quietLogger(), SendBuffer: 32})
	srv := serve(t, h)

	slow, _, err := slowDialer.Dial(wsURL(srv, "lobby"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fast := dial(t, srv, "lobby")
	read(t, fast)

	seqs := make(chan int64, n)
	readErr := make(chan error, 1)
	go func() {
		for i := 0; i < n; i++ {
			_ = fast.SetReadDeadline(time.Now().Add(10 * time.Second))
			var m Message
			if err := fast.ReadJSON(&m); err != nil {
				readErr <- err
				return
			}
			seqs <- m.Seq
		}
	}()

	// Big messages so the slow socket's kernel buffers fill well before n.
	c := call("1023", "q1", "s1")
	c.Announcement = strings.Repeat("Xin mời công dân ", 1000)
	start := time.Now()
	var got []int64
	receive := func() {
		select {
		case s := <-seqs:
			got = append(got, s)
		case err := <-readErr:
			t.Fatalf("fast socket after %d messages: %v", len(got), err)
		case <-time.After(10 * time.Second):
			t.Fatalf("fast socket stalled after %d messages", len(got))
		}
	}
	for i := 1; i <= n; i++ {
		h.PublishCall(c)
		for i-len(got) > window {
			receive()
		}
	}
	for len(got) < n {
		receive()
	}
	if elapsed := time.Since(start); elapsed > 20*time.Second {
		t.Errorf("publishing %d messages took %v: the hub waited on the slow socket", n, elapsed)
	}
	for i, s := range got {
		if s != int64(i+1) {
			t.Fatalf("fast socket message %d: got seq %d, want %d", i, s, i+1)
		}
	}
	waitFor(t, "the slow socket to be dropped", func() bool { return h.Clients() == 1 })
	// The hub cut the slow socket and its goroutines ended; the fast one is served.
	waitFor(t, "the slow socket's goroutines to end", func() bool { return h.live.Load() == 1 })
	// (Reading what is still in flight to the slow socket would take long
	// through its tiny receive window, so the test stops here.)
}

func TestSnapshotLinesUpWithDeltas(t *testing.T) {
	const n, sockets = 300, 8
	src := newSource()
	// Room for every message: this test is about order, not slow sockets.
	h := NewHub(src, Options{Logger: quietLogger(), SendBuffer: n + 1})
	srv := serve(t, h)
	first := dial(t, srv, "lobby") // keeps the stream busy from the start
	read(t, first)

	var wg sync.WaitGroup
	errs := make(chan error, sockets)
	started := make(chan struct{})
	for i := 0; i < sockets; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-started
			time.Sleep(time.Duration(i) * 3 * time.Millisecond)
			conn, _, err := websocket.DefaultDialer.Dial(wsURL(srv, "lobby"), nil)
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			next := int64(-1)
			for next != n+1 {
				_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
				var m Message
				if err := conn.ReadJSON(&m); err != nil {
					errs <- fmt.Errorf("socket %d: %w", i, err)
					return
				}
				if next >= 0 && m.Seq != next {
					errs <- fmt.Errorf("socket %d: got seq %d, want %d", i, m.Seq, next)
					return
				}
				next = m.Seq + 1
			}
		}(i)
	}
	close(started)
	for i := 1; i <= n; i++ {
		h.PublishCall(call(fmt.Sprint(i), "q1", "s1"))
		if i%10 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestUnknownScreen(t *testing.T) {
	h := NewHub(newSource(), Options{Logger: quietLogger()})
	srv := serve(t, h)
	_, resp, err := websocket.DefaultDialer.Dial(wsURL(srv, "nowhere"), nil)
	if !errors.Is(err, websocket.ErrBadHandshake) {
		t.Fatalf("dial: got err %v, want ErrBadHandshake", err)
	}
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status: got %d, want 404", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("content type: got %q, want application/problem+json", ct)
	}
}

func TestCrossOriginRefused(t *testing.T) {
	h := NewHub(newSource(), Options{Logger: quietLogger()})
	srv := serve(t, h)
	tests := []struct {
		origin string
		ok     bool
	}{
		{"", true},
		{srv.URL, true},
		{"http://evil.example", false},
	}
	for _, tt := range tests {
		t.Run(tt.origin, func(t *testing.T) {
			hdr := http.Header{}
			if tt.origin != "" {
				hdr.Set("Origin", tt.origin)
			}
			conn, resp, err := websocket.DefaultDialer.Dial(wsURL(srv, "lobby"), hdr)
			if tt.ok {
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				conn.Close()
				return
			}
			if err == nil {
				conn.Close()
				t.Fatal("dial: got a socket, want 403")
			}
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("status: got %d, want 403", resp.StatusCode)
			}
		})
	}
}

func TestSnapshotError(t *testing.T) {
	src := newSource()
	src.snapshot = errors.New("database is locked")
	h := NewHub(src, Options{Logger: quietLogger()})
	srv := serve(t, h)
	conn := dial(t, srv, "lobby")
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := conn.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseInternalServerErr) {
		t.Fatalf("read: got %v, want close 1011", err)
	}
	if got := h.Clients(); got != 0 {
		t.Errorf("Clients() = %d, want 0", got)
	}
}

func TestSilentClientDropped(t *testing.T) {
	h := NewHub(newSource(), Options{Logger: quietLogger(), PingInterval: 20 * time.Millisecond, PongWait: 150 * time.Millisecond})
	srv := serve(t, h)
	dial(t, srv, "lobby") // never reads, so never answers a ping
	alive := dial(t, srv, "lobby")
	done := make(chan struct{})
	defer close(done)
	go func() { // reading answers pings
		for {
			select {
			case <-done:
				return
			default:
			}
			_ = alive.SetReadDeadline(time.Now().Add(time.Second))
			if _, _, err := alive.ReadMessage(); err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					continue
				}
				return
			}
		}
	}()
	waitFor(t, "two sockets", func() bool { return h.Clients() == 2 })
	waitFor(t, "the silent socket to be dropped", func() bool { return h.Clients() == 1 })
	time.Sleep(300 * time.Millisecond)
	if got := h.Clients(); got != 1 {
		t.Errorf("Clients() = %d after the pong wait, want the reading socket kept", got)
	}
}

func TestClose(t *testing.T) {
	h := NewHub(newSource(), Options{Logger: quietLogger()})
	srv := serve(t, h)
	conn := dial(t, srv, "lobby")
	read(t, conn)

	h.Close()
	if got := h.Clients(); got != 0 {
		t.Errorf("Clients() after Close = %d, want 0", got)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := conn.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Errorf("read after Close: got %v, want close 1001", err)
	}
	h.PublishCall(call("1", "q1", "s1")) // must not panic or block

	_, resp, err := websocket.DefaultDialer.Dial(wsURL(srv, "lobby"), nil)
	if err == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("dial after Close: got %v (%v), want 503", err, resp)
	}
}

func TestMessageDecodesAllTypes(t *testing.T) {
	var m Message
	in := `{"type":"call","seq":7,"ticket":"A001","counter":{"id":"q1","number":1,"name":"Quầy 1"},"service":{"id":"s1","name":"Hộ tịch"},"at":"2026-11-27T09:00:00+07:00","announcement":"…","recall":true}`
	if err := json.Unmarshal([]byte(in), &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != TypeCall || m.Seq != 7 || m.Ticket != "A001" || m.Counter.Number != 1 || !m.Recall {
		t.Errorf("got %+v", m)
	}
}

func TestTicker(t *testing.T) {
	src := newSource()
	src.setTicker("lobby", "Chào mừng")
	h := NewHub(src, Options{Logger: quietLogger()})
	srv := serve(t, h)
	lobby := dial(t, srv, "lobby")
	q1 := dial(t, srv, "q1")
	if m := read(t, lobby); m.Type != TypeSnapshot || m.Ticker != "Chào mừng" {
		t.Fatalf("lobby snapshot: got %+v, want ticker Chào mừng", m)
	}
	if m := read(t, q1); m.Ticker != "" {
		t.Fatalf("q1 snapshot: got ticker %q, want none", m.Ticker)
	}
	h.PublishCall(call("1", "q1", "s1")) // seq 1 on both
	src.setTicker("lobby", "Nghỉ trưa")
	h.PublishTicker("lobby", "Nghỉ trưa")
	h.PublishTicker("nowhere", "x") // no stream: nothing happens
	h.PublishCall(call("2", "q1", "s1"))
	for _, want := range []string{"call:1:1", "ticker:2:Nghỉ trưa", "call:3:2"} {
		m := read(t, lobby)
		if got := fmt.Sprintf("%s:%d:%s", m.Type, m.Seq, m.Ticket+m.Text); got != want {
			t.Errorf("lobby: got %s, want %s", got, want)
		}
	}
	// the ticker went to the lobby only: q1's seq did not move
	for _, want := range []string{"call:1:1", "call:2:2"} {
		m := read(t, q1)
		if got := fmt.Sprintf("%s:%d:%s", m.Type, m.Seq, m.Ticket+m.Text); got != want {
			t.Errorf("q1: got %s, want %s", got, want)
		}
	}
	// a new socket gets the new text and the seq so far
	if m := read(t, dial(t, srv, "lobby")); m.Seq != 3 || m.Ticker != "Nghỉ trưa" {
		t.Errorf("new lobby snapshot: got seq %d ticker %q, want 3 and Nghỉ trưa", m.Seq, m.Ticker)
	}
}

// TestCounterScreen: "counter:<id>" is a stream of its own that shows only
// that counter, even when the Source's Filter answers "all counters".
func TestCounterScreen(t *testing.T) {
	src := newSource()
	src.calls = []Call{call("1001", "q1", "s1"), call("2001", "q2", "s2")}
	h := NewHub(src, Options{Logger: quietLogger()})
	srv := serve(t, h)
	if got := CounterScreen("q1"); got != "counter:q1" {
		t.Fatalf("CounterScreen = %q", got)
	}
	for _, s := range []string{"counter:", "lobby", "counterq1"} {
		if _, ok := CounterOf(s); ok {
			t.Errorf("CounterOf(%q): got a counter", s)
		}
	}
	conn := dial(t, srv, "counter:q1")
	if m := read(t, conn); len(m.Calls) != 1 || m.Calls[0].Ticket != "1001" || m.Seq != 0 {
		t.Fatalf("counter snapshot: got %+v, want q1's call only", m)
	}
	h.PublishCall(call("2002", "q2", "s2"))
	h.PublishCall(call("1002", "q1", "s1"))
	if m := read(t, conn); m.Type != TypeCall || m.Seq != 1 || m.Ticket != "1002" {
		t.Errorf("counter screen: got %s seq %d ticket %s, want call seq 1 ticket 1002", m.Type, m.Seq, m.Ticket)
	}
	_, resp, err := websocket.DefaultDialer.Dial(wsURL(srv, "counter:q9"), nil)
	if err == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown counter screen: got %v, want 404", err)
	}
}

// TestIdleSocketOneGoroutine: an idle socket costs the hub one goroutine
// (its reader); writers run only while there is something to send, and the
// HTTP handler has returned.
func TestIdleSocketOneGoroutine(t *testing.T) {
	const n = 50
	h := NewHub(newSource(), Options{Logger: quietLogger()})
	srv := serve(t, h)
	read(t, dial(t, srv, "lobby")) // the server's own goroutines are up
	base := runtime.NumGoroutine()
	conns := make([]*websocket.Conn, n)
	for i := range conns {
		conns[i] = dial(t, srv, "lobby")
		read(t, conns[i])
	}
	h.PublishCall(call("1", "q1", "s1"))
	for _, c := range conns {
		read(t, c)
	}
	waitFor(t, fmt.Sprintf("at most one goroutine per socket (base %d, now %d)", base, runtime.NumGoroutine()), func() bool {
		return runtime.NumGoroutine()-base <= n
	})
}

func TestScreenClients(t *testing.T) {
	h := NewHub(newSource(), Options{Logger: quietLogger()})
	srv := serve(t, h)
	if n := h.ScreenClients("lobby"); n != 0 {
		t.Fatalf("before any socket: got %d, want 0", n)
	}
	a := dial(t, srv, "lobby")
	read(t, a)
	b := dial(t, srv, "lobby")
	read(t, b)
	q := dial(t, srv, "q1")
	read(t, q)
	tests := []struct {
		screen string
		want   int
	}{{"lobby", 2}, {"q1", 1}, {"s1", 0}, {"nowhere", 0}}
	for _, tt := range tests {
		if n := h.ScreenClients(tt.screen); n != tt.want {
			t.Errorf("%s: got %d sockets, want %d", tt.screen, n, tt.want)
		}
	}
	a.Close()
	waitFor(t, "the closed socket to leave", func() bool { return h.ScreenClients("lobby") == 1 })
}
