package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/motcua/motcua/server/auth"
)

// ticketMsgT is what a test reads from /ws/ticket/.
type ticketMsgT struct {
	Type           string `json:"type"`
	Seq            int64  `json:"seq"`
	Number         string `json:"number"`
	Service        string `json:"service"`
	State          string `json:"state"`
	WaitingAhead   int    `json:"waiting_ahead"`
	EstimatedWaitS int    `json:"estimated_wait_s"`
	CounterNumber  int    `json:"counter_number"`
	Message        string `json:"message"`
	Recall         bool   `json:"recall"`
}

// ticketSocket reads one socket and checks that seq grows by one.
type ticketSocket struct {
	t    *testing.T
	conn *websocket.Conn
	seq  int64
}

func (d *daemon) wsURL(path string) string { return strings.Replace(d.base, "http", "ws", 1) + path }

func dialTicket(t *testing.T, d *daemon, token string) *ticketSocket {
	t.Helper()
	c, res, err := websocket.DefaultDialer.Dial(d.wsURL("/ws/ticket/"+token), nil)
	if err != nil {
		t.Fatalf("dial /ws/ticket/: %v (%v)", err, res)
	}
	t.Cleanup(func() { c.Close() })
	return &ticketSocket{t: t, conn: c}
}

func (s *ticketSocket) next() ticketMsgT {
	s.t.Helper()
	s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var m ticketMsgT
	if err := s.conn.ReadJSON(&m); err != nil {
		s.t.Fatalf("read after seq %d: %v", s.seq, err)
	}
	if m.Seq != s.seq+1 {
		s.t.Fatalf("seq: got %d after %d (%+v)", m.Seq, s.seq, m)
	}
	s.seq = m.Seq
	s.t.Logf("ws: %+v", m)
	return m
}

// until reads messages until ok says one is the one awaited.
func (s *ticketSocket) until(what string, ok func(ticketMsgT) bool) ticketMsgT {
	s.t.Helper()
	for i := 0; i < 10; i++ {
		if m := s.next(); ok(m) {
			return m
		}
	}
	s.t.Fatalf("no %s in 10 messages", what)
	return ticketMsgT{}
}

// issue takes a ticket of service and returns its number and token.
func (d *daemon) issue(t *testing.T, kioskTok, service string) (number, token string) {
	t.Helper()
	r := d.do("POST", "/api/v1/tickets", kioskTok, map[string]string{"service": service})
	if r.status != 201 {
		t.Fatalf("issue: %d %s", r.status, r.body)
	}
	var is struct {
		ID       int64  `json:"id"`
		Number   string `json:"number"`
		TrackURL string `json:"track_url"`
	}
	r.json(t, &is)
	i := strings.LastIndex(is.TrackURL, "/t/")
	if i < 0 {
		t.Fatalf("track_url %q", is.TrackURL)
	}
	return is.Number, is.TrackURL[i+3:]
}

// TestTicketWS follows ticket 1002 over its websocket: a snapshot with one
// person ahead, an update when 1001 is called, then the call of 1002 itself
// and its recall, each message's seq one more than the last.
func TestTicketWS(t *testing.T) {
	d := boot(t, "")
	kioskTok := d.token(auth.RoleKiosk, "kiosk-1")
	official := d.token(auth.RoleOfficial, "quay-1")
	const svc = "dang-ky-doanh-nghiep"
	d.issue(t, kioskTok, svc)
	num, tok := d.issue(t, kioskTok, svc)
	if num != "1002" {
		t.Fatalf("second ticket: %s", num)
	}
	if !regexp.MustCompile(`^[a-z2-7]{24}$`).MatchString(tok) {
		t.Errorf("token %q: want 24 base32 letters (15 random bytes, 120 bits)", tok)
	}

	s := dialTicket(t, d, tok)
	snap := s.next()
	if snap.Type != "snapshot" || snap.Seq != 1 || snap.Number != "1002" || snap.State != "waiting" || snap.WaitingAhead != 1 ||
		snap.Service == "" || snap.Message != "Đang chờ — còn 1 người trước bạn" {
		t.Fatalf("snapshot: %+v", snap)
	}
	if snap.EstimatedWaitS <= 0 {
		t.Errorf("snapshot: estimated_wait_s %d with one person ahead", snap.EstimatedWaitS)
	}
	// a second phone on the same ticket starts its own seq at 1
	s2 := dialTicket(t, d, tok)
	if m := s2.next(); m.Type != "snapshot" || m.WaitingAhead != 1 {
		t.Fatalf("second socket's snapshot: %+v", m)
	}

	// 1001 is called: one fewer ahead
	if r := d.do("POST", "/api/v1/counters/quay-1/call-next", official, nil); r.status != 200 || !bytes.Contains(r.body, []byte(`"1001"`)) {
		t.Fatalf("call-next: %d %s", r.status, r.body)
	}
	up := s.next()
	if up.Type != "update" || up.WaitingAhead != 0 || up.State != "waiting" || up.Message != "Đang chờ — còn 0 người trước bạn" {
		t.Fatalf("after 1001 was called: %+v", up)
	}
	if up.EstimatedWaitS < 0 || up.EstimatedWaitS > snap.EstimatedWaitS {
		t.Errorf("one fewer ahead, yet estimated_wait_s %d (was %d)", up.EstimatedWaitS, snap.EstimatedWaitS)
	}
	if m := s2.next(); m.Type != "update" || m.Seq != 2 || m.WaitingAhead != 0 {
		t.Errorf("second socket: %+v", m)
	}

	// 1002 is called: a call message, and an update saying where to go
	for _, a := range []string{"finish", "call-next"} {
		if r := d.do("POST", "/api/v1/counters/quay-1/"+a, official, nil); r.status != 200 {
			t.Fatalf("%s: %d %s", a, r.status, r.body)
		}
	}
	call := s.until("call", func(m ticketMsgT) bool { return m.Type == "call" })
	if call.CounterNumber != 1 || call.Recall {
		t.Errorf("call: %+v", call)
	}
	called := s.until("update to called", func(m ticketMsgT) bool { return m.Type == "update" && m.State == "called" })
	if called.CounterNumber != 1 || called.Message != "Mời đến quầy số 1" || called.WaitingAhead != 0 {
		t.Errorf("called: %+v", called)
	}
	if r := d.do("POST", "/api/v1/counters/quay-1/recall", official, nil); r.status != 200 {
		t.Fatalf("recall: %d %s", r.status, r.body)
	}
	if re := s.until("recall", func(m ticketMsgT) bool { return m.Type == "call" }); !re.Recall || re.CounterNumber != 1 {
		t.Errorf("recall: %+v", re)
	}
	// served: the page thanks the citizen
	for _, a := range []string{"start", "finish"} {
		if r := d.do("POST", "/api/v1/counters/quay-1/"+a, official, nil); r.status != 200 {
			t.Fatalf("%s: %d %s", a, r.status, r.body)
		}
	}
	done := s.until("done", func(m ticketMsgT) bool { return m.Type == "update" && m.State == "done" })
	if !strings.Contains(done.Message, "Cảm ơn ông/bà") {
		t.Errorf("done: %+v", done)
	}
	// the JSON the polling fallback reads says the same, with no rate_url yet
	r := d.do("GET", "/api/v1/public/tickets/"+tok, "", nil)
	var pub map[string]any
	r.json(t, &pub)
	if r.status != 200 || pub["state"] != "done" || pub["number"] != "1002" {
		t.Errorf("public ticket: %d %s", r.status, r.body)
	}
	for k := range pub {
		switch k {
		case "number", "service", "state", "waiting_ahead", "estimated_wait_s", "counter_number", "message":
		default:
			t.Errorf("public ticket has field %q: %s", k, r.body)
		}
	}
}

// TestTicketWSRefused: unknown, malformed and expired tokens get a 404
// problem before any upgrade; a ninth socket on one ticket is refused.
func TestTicketWSRefused(t *testing.T) {
	d := boot(t, "")
	kioskTok := d.token(auth.RoleKiosk, "kiosk-1")
	_, tok := d.issue(t, kioskTok, "dang-ky-doanh-nghiep")
	_, old := d.issue(t, kioskTok, "dang-ky-doanh-nghiep")
	if _, err := d.app.DB.W.Exec(`UPDATE tickets SET state = 'expired' WHERE token = ?`, old); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{
		"unknown":   "/ws/ticket/" + strings.Repeat("a", 24),
		"malformed": "/ws/ticket/" + strings.Repeat("Z!", 12),
		"too long":  "/ws/ticket/" + strings.Repeat("a", 65),
		"expired":   "/ws/ticket/" + old,
	} {
		_, res, err := websocket.DefaultDialer.Dial(d.wsURL(path), nil)
		if err == nil || res == nil || res.StatusCode != 404 || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %v %v", name, err, res)
			continue
		}
		var p problem
		json.NewDecoder(res.Body).Decode(&p)
		res.Body.Close()
		if p.Type != "/problems/ticket-not-found" {
			t.Errorf("%s: problem %+v", name, p)
		}
	}
	// another site's page may not open the socket
	_, res, err := websocket.DefaultDialer.Dial(d.wsURL("/ws/ticket/"+tok), http.Header{"Origin": {"http://evil.example"}})
	if err == nil || res == nil || res.StatusCode != 403 {
		t.Errorf("foreign origin: %v %v", err, res)
	}

	var socks []*ticketSocket
	for i := 0; i < ticketWSPerToken; i++ {
		s := dialTicket(t, d, tok)
		if m := s.next(); m.Type != "snapshot" {
			t.Fatalf("socket %d: %+v", i, m)
		}
		socks = append(socks, s)
	}
	_, res, err = websocket.DefaultDialer.Dial(d.wsURL("/ws/ticket/"+tok), nil)
	if err == nil || res == nil || res.StatusCode != 429 {
		t.Fatalf("socket %d on one ticket: %v %v", ticketWSPerToken+1, err, res)
	}
	sockets := func() int {
		d.app.tickets.mu.Lock()
		defer d.app.tickets.mu.Unlock()
		return d.app.tickets.total
	}
	if n := sockets(); n != ticketWSPerToken {
		t.Errorf("sockets counted: %d, want %d", n, ticketWSPerToken)
	}
	// a closed socket gives its place back
	socks[0].conn.Close()
	for end := time.Now().Add(5 * time.Second); sockets() != ticketWSPerToken-1; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("sockets counted after one closed: %d", sockets())
		}
	}
	socks[0] = dialTicket(t, d, tok)
	if m := socks[0].next(); m.Type != "snapshot" {
		t.Fatalf("socket in the freed place: %+v", m)
	}
	// the daemon stops its background work: every socket is closed as
	// "going away", so the pages reconnect
	d.app.stopBg()
	for i, s := range socks {
		s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, _, err := s.conn.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseGoingAway) {
			t.Errorf("socket %d at shutdown: %v", i, err)
		}
	}
	d.app.bg.Wait() // the hub waits for its sockets
	if n := sockets(); n != 0 {
		t.Errorf("sockets counted after shutdown: %d", n)
	}
}

// TestTicketPageBadInput: a wrong, malformed or expired ticket link shows a
// friendly Vietnamese page with status 404, not a JSON dump; a good one
// shows the ticket, and the page with its script and style stays small.
func TestTicketPageBadInput(t *testing.T) {
	d := boot(t, "")
	kioskTok := d.token(auth.RoleKiosk, "kiosk-1")
	num, tok := d.issue(t, kioskTok, "dang-ky-doanh-nghiep")
	_, expired := d.issue(t, kioskTok, "dang-ky-doanh-nghiep")
	_, yesterday := d.issue(t, kioskTok, "dang-ky-doanh-nghiep")
	if _, err := d.app.DB.W.Exec(`UPDATE tickets SET state = 'expired' WHERE token = ?`, expired); err != nil {
		t.Fatal(err)
	}
	// still waiting, but from an earlier day (before the midnight sweep)
	if _, err := d.app.DB.W.Exec(`UPDATE tickets SET day = '2020-01-01' WHERE token = ?`, yesterday); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{
		"unknown":         "/t/" + strings.Repeat("b", 24),
		"expired":         "/t/" + expired,
		"earlier day":     "/t/" + yesterday,
		"too long":        "/t/" + strings.Repeat("a", 500),
		"too short":       "/t/abc",
		"bad characters":  "/t/%3Cscript%3Ealert(1)%3C%2Fscript%3Eaaaaaaaa",
		"upper case":      "/t/" + strings.ToUpper(tok),
		"extra segments":  "/t/" + tok + "/x/y",
		"empty":           "/t/",
		"quote and space": "/t/aaaaaaaa%22%20onload%3D1aaaaaaaa",
	} {
		r := d.do("GET", path, "", nil)
		body := string(r.body)
		if r.status != 404 || r.ctype != "text/html; charset=utf-8" {
			t.Errorf("%s: %d %q %.200s", name, r.status, r.ctype, body)
			continue
		}
		for _, want := range []string{"Không tìm thấy vé này", "Vé có thể đã hết hạn hoặc mã không đúng", d.app.Cfg.Center.Name} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: page lacks %q", name, want)
			}
		}
		if strings.Contains(body, `"type"`) || strings.Contains(body, "<script") || strings.Contains(body, "http://") || strings.Contains(body, "https://") {
			t.Errorf("%s: the page has JSON, a script or an outside link:\n%s", name, body)
		}
		// the JSON API says the same as a problem
		if !strings.HasPrefix(path, "/t/"+tok+"/") && path != "/t/" {
			api := d.do("GET", "/api/v1/public/tickets/"+strings.TrimPrefix(path, "/t/"), "", nil)
			if api.status != 404 || api.ctype != "application/problem+json" {
				t.Errorf("%s: public API %d %q %.200s", name, api.status, api.ctype, api.body)
			}
		}
	}

	// the good link: the ticket, with its script and style, all small
	r := d.do("GET", "/t/"+tok, "", nil)
	if r.status != 200 || !bytes.Contains(r.body, []byte(`<div class="num" id="num">`+num+`</div>`)) {
		t.Fatalf("ticket page: %d %s", r.status, r.body)
	}
	total := len(r.body)
	for _, m := range regexp.MustCompile(`(?:src|href)="(/ticket/assets/[^"]+)"`).FindAllSubmatch(r.body, -1) {
		a := d.do("GET", strings.ReplaceAll(string(m[1]), "&amp;", "&"), "", nil)
		if a.status != 200 {
			t.Fatalf("asset %s: %d", m[1], a.status)
		}
		total += len(a.body)
		t.Logf("%s: %d bytes", m[1], len(a.body))
	}
	t.Logf("ticket page: %d bytes of HTML, %d bytes with its script and style", len(r.body), total)
	if total > 50<<10 || total < len(r.body)+1000 {
		t.Errorf("ticket page weighs %d bytes (HTML, CSS and JS); want under 50 KB, with its assets", total)
	}
}
