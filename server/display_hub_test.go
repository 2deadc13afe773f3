package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/motcua/motcua/display"
	"github.com/motcua/motcua/server/auth"
)

// screenConn is a display socket of the daemon that checks seq on every
// message it reads.
type screenConn struct {
	t    *testing.T
	name string
	ws   *websocket.Conn
	seq  int64
}

func dialScreen(t *testing.T, d *daemon, screen, token string) (*screenConn, display.Message) {
	t.Helper()
	hdr := http.Header{"Authorization": {"Bearer " + token}}
	ws, res, err := websocket.DefaultDialer.Dial(strings.Replace(d.base, "http", "ws", 1)+"/ws/display/"+screen, hdr)
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", screen, err, res)
	}
	t.Cleanup(func() { ws.Close() })
	s := &screenConn{t: t, name: screen, ws: ws, seq: -1}
	m := s.next()
	if m.Type != display.TypeSnapshot {
		t.Fatalf("%s: first message %q, want a snapshot", screen, m.Type)
	}
	return s, m
}

func (s *screenConn) next() display.Message {
	s.t.Helper()
	_ = s.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	var m display.Message
	if err := s.ws.ReadJSON(&m); err != nil {
		s.t.Fatalf("%s: read: %v", s.name, err)
	}
	if s.seq >= 0 && m.Seq != s.seq+1 {
		s.t.Fatalf("%s: got seq %d after %d", s.name, m.Seq, s.seq)
	}
	s.seq = m.Seq
	return m
}

// nextOf skips messages of other types.
func (s *screenConn) nextOf(typ string) display.Message {
	s.t.Helper()
	for {
		if m := s.next(); m.Type == typ {
			return m
		}
	}
}

// TestCounterScreenStream: the screen above a counter is the display
// stream "counter:<id>", which shows that counter's calls only.
func TestCounterScreenStream(t *testing.T) {
	d := boot(t, "")
	kiosk := d.token(auth.RoleKiosk, "")
	tok := d.token(auth.RoleDisplay, "")
	q1, snap := dialScreen(t, d, display.CounterScreen("quay-1"), tok)
	if len(snap.Calls) != 0 {
		t.Errorf("counter snapshot before any call: %+v", snap.Calls)
	}
	lobby, _ := dialScreen(t, d, "sanh", d.token(auth.RoleDisplay, "sanh"))

	var numbers []string
	for range 2 {
		r := d.do("POST", "/api/v1/tickets", kiosk, map[string]string{"service": "dang-ky-doanh-nghiep"})
		if r.status != 201 {
			t.Fatalf("issue: %d %s", r.status, r.body)
		}
		var is struct{ Number string }
		r.json(t, &is)
		numbers = append(numbers, is.Number)
	}
	for _, counter := range []string{"quay-2", "quay-1"} {
		if r := d.do("POST", "/api/v1/counters/"+counter+"/call-next", d.token(auth.RoleOfficial, counter), nil); r.status != 200 {
			t.Fatalf("call-next at %s: %d %s", counter, r.status, r.body)
		}
	}
	for i, want := range []string{"quay-2", "quay-1"} {
		if m := lobby.nextOf(display.TypeCall); m.Counter.ID != want || m.Ticket != numbers[i] {
			t.Errorf("lobby call %d: %s at %s, want %s at %s", i, m.Ticket, m.Counter.ID, numbers[i], want)
		}
	}
	m := q1.nextOf(display.TypeCall)
	if m.Counter.ID != "quay-1" || m.Ticket != numbers[1] || !strings.HasPrefix(m.Announcement, "Xin mời") {
		t.Errorf("counter screen call: %+v, want %s at quay-1", m, numbers[1])
	}
	// a new counter screen starts from that call
	if _, snap := dialScreen(t, d, "counter:quay-1", tok); len(snap.Calls) != 1 || snap.Calls[0].Ticket != numbers[1] || snap.Seq != q1.seq {
		t.Errorf("counter snapshot: seq %d calls %+v, want seq %d and %s", snap.Seq, snap.Calls, q1.seq, numbers[1])
	}

	_, res, err := websocket.DefaultDialer.Dial(strings.Replace(d.base, "http", "ws", 1)+"/ws/display/counter:quay-99",
		http.Header{"Authorization": {"Bearer " + tok}})
	if err == nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown counter screen: %v (%v), want 404", err, res)
	}
}

// TestScreenTicker: a supervisor's ticker edit reaches the screen's
// sockets in its stream, and the next snapshot carries it.
func TestScreenTicker(t *testing.T) {
	d := boot(t, "")
	tok := d.token(auth.RoleDisplay, "")
	lobby, _ := dialScreen(t, d, "sanh", tok)
	upstairs, _ := dialScreen(t, d, "tang-2", tok)
	const text = "Từ 11 giờ 30 đến 13 giờ 30 các quầy nghỉ trưa"
	if r := d.do("PUT", "/api/v1/screens/sanh/ticker", d.token(auth.RoleSupervisor, ""), map[string]string{"text": text}); r.status != 200 {
		t.Fatalf("set ticker: %d %s", r.status, r.body)
	}
	if m := lobby.nextOf(display.TypeTicker); m.Text != text {
		t.Errorf("ticker message: %q, want %q", m.Text, text)
	}
	if _, snap := dialScreen(t, d, "sanh", tok); snap.Ticker != text || snap.Seq != lobby.seq {
		t.Errorf("snapshot after the edit: seq %d ticker %q, want seq %d and %q", snap.Seq, snap.Ticker, lobby.seq, text)
	}
	// the other screen's stream did not move
	_ = upstairs.ws.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	var m display.Message
	if err := upstairs.ws.ReadJSON(&m); err == nil {
		t.Errorf("tang-2 got %+v, want nothing", m)
	}
}
