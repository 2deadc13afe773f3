package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/motcua/motcua/printer"
	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
)

type daemon struct {
	t    testing.TB
	app  *App
	base string
	data string
	out  bytes.Buffer
	stop func()
}

// boot starts the whole daemon on :0 with a temp data dir, as `motcua
// serve` does, and stops it when the test ends.
func boot(t testing.TB, configPath string) *daemon {
	t.Helper()
	return bootWith(t, Options{ConfigPath: configPath})
}

// bootWith is boot with more options (a fake clock…); the data directory,
// the address and the output are the test's.
func bootWith(t testing.TB, o Options) *daemon {
	t.Helper()
	d := &daemon{t: t, data: t.TempDir()}
	ctx := context.Background()
	o.DataDir, o.Listen, o.Out = d.data, "127.0.0.1:0", &d.out
	app, err := Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	d.app = app
	d.base = strings.TrimRight(app.URL(), "/")
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- app.Run(rctx) }()
	var once sync.Once
	d.stop = func() { // a test may stop the daemon itself, before its cleanup
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: %v", err)
			}
			if err := app.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
	}
	t.Cleanup(d.stop)
	return d
}

func (d *daemon) token(role, place string) string {
	d.t.Helper()
	tok, err := auth.CreateToken(context.Background(), d.app.DB, role, role+" "+place, place, time.Now())
	if err != nil {
		d.t.Fatal(err)
	}
	return tok
}

type reply struct {
	status int
	ctype  string
	body   []byte
}

func (r reply) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (d *daemon) do(method, path, token string, body any, hdr ...string) reply {
	d.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, d.base+path, rd)
	if err != nil {
		d.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return reply{status: res.StatusCode, ctype: res.Header.Get("Content-Type"), body: b}
}

func (d *daemon) eventTypes(tok string) []string {
	d.t.Helper()
	var ev struct {
		Events []struct {
			Type   string `json:"type"`
			Ticket int64  `json:"ticket"`
		} `json:"events"`
	}
	r := d.do("GET", "/api/v1/events", tok, nil)
	if r.status != 200 {
		d.t.Fatalf("events: %d %s", r.status, r.body)
	}
	r.json(d.t, &ev)
	var out []string
	for _, e := range ev.Events {
		out = append(out, e.Type)
	}
	return out
}

type wsMsg struct {
	Type         string          `json:"type"`
	Seq          int64           `json:"seq"`
	Ticket       string          `json:"ticket"`
	Announcement string          `json:"announcement"`
	Counter      json.RawMessage `json:"counter"`
	Calls        []any           `json:"calls"`
}

// TestEndToEnd boots the demo daemon and follows one citizen: a ticket
// from kiosk 1 over HTTP (printed on its virtual printer), called, started
// and finished at counter 1, seen on the lobby screen's websocket, and
// found in the event log with an intact hash chain.
func TestEndToEnd(t *testing.T) {
	d := boot(t, "")
	if !strings.Contains(d.out.String(), "canbo1") {
		t.Errorf("first start did not print the demo accounts: %q", d.out.String())
	}

	r := d.do("GET", "/healthz", "", nil)
	if r.status != 200 || !bytes.Contains(r.body, []byte(`"status":"ok"`)) {
		t.Fatalf("healthz: %d %s", r.status, r.body)
	}

	kioskTok := d.token(auth.RoleKiosk, "kiosk-1")
	officialTok := d.token(auth.RoleOfficial, "quay-1")
	displayTok := d.token(auth.RoleDisplay, "sanh")
	supTok := d.token(auth.RoleSupervisor, "")

	// the lobby screen connects first and gets its snapshot
	hdr := http.Header{"Authorization": {"Bearer " + displayTok}}
	ws, res, err := websocket.DefaultDialer.Dial(strings.Replace(d.base, "http", "ws", 1)+"/ws/display/sanh", hdr)
	if err != nil {
		t.Fatalf("websocket: %v (%v)", err, res)
	}
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var snap wsMsg
	if err := ws.ReadJSON(&snap); err != nil || snap.Type != "snapshot" {
		t.Fatalf("first message: %+v %v", snap, err)
	}

	var svcs []struct {
		ID      string `json:"id"`
		Waiting int    `json:"waiting"`
		Open    bool   `json:"open"`
	}
	d.do("GET", "/api/v1/services", kioskTok, nil).json(t, &svcs)
	if len(svcs) < 8 || svcs[0].ID != "dang-ky-doanh-nghiep" || !svcs[0].Open {
		t.Fatalf("services: %+v", svcs)
	}

	r = d.do("POST", "/api/v1/tickets", kioskTok, map[string]string{"service": "dang-ky-doanh-nghiep"})
	if r.status != 201 {
		t.Fatalf("issue: %d %s", r.status, r.body)
	}
	var is struct {
		ID           int64                   `json:"id"`
		Number       string                  `json:"number"`
		WaitingAhead int                     `json:"waiting_ahead"`
		TrackURL     string                  `json:"track_url"`
		Print        struct{ Status string } `json:"print"`
	}
	r.json(t, &is)
	if is.Number != "1001" || is.WaitingAhead != 0 || is.Print.Status != "printed" || !strings.Contains(is.TrackURL, "/t/") {
		t.Fatalf("issued: %+v", is)
	}
	// the virtual printer holds the job's exact bytes
	jobs, _ := filepath.Glob(filepath.Join(d.data, "spool", "kiosk-1", "*.bin"))
	if len(jobs) != 1 {
		t.Fatalf("spool: %v", jobs)
	}
	job, _ := os.ReadFile(jobs[0])
	// a raster ticket: ESC @, GS v 0 bands, the feed-and-partial-cut
	if !bytes.HasPrefix(job, []byte{0x1b, 0x40}) || !bytes.Contains(job, []byte{0x1d, 0x76, 0x30}) || !bytes.HasSuffix(job, []byte{0x1d, 0x56, 66, 0}) {
		t.Errorf("printed job of %d bytes: starts % x, ends % x", len(job), job[:min(8, len(job))], job[max(0, len(job)-8):])
	}

	// the public ticket page, opened from the QR code
	page, err := http.Get(is.TrackURL)
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != 200 || !bytes.Contains(pb, []byte("1001")) || !bytes.Contains(pb, []byte("còn 0 người trước bạn")) {
		t.Errorf("ticket page: %d %s", page.StatusCode, pb)
	}

	for _, action := range []string{"call-next", "start", "finish"} {
		r = d.do("POST", "/api/v1/counters/quay-1/"+action, officialTok, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", action, r.status, r.body)
		}
		var out struct {
			Ticket struct{ Number, State string }
		}
		r.json(t, &out)
		if out.Ticket.Number != "1001" {
			t.Errorf("%s: ticket %s", action, out.Ticket.Number)
		}
	}
	// nobody else waits: 204
	if r = d.do("POST", "/api/v1/counters/quay-1/call-next", officialTok, nil); r.status != 204 {
		t.Errorf("call on empty queue: %d %s", r.status, r.body)
	}

	// the screen got the call, with the number read as words
	var call wsMsg
	for call.Type != "call" {
		if err := ws.ReadJSON(&call); err != nil {
			t.Fatalf("waiting for the call: %v", err)
		}
	}
	if call.Ticket != "1001" || call.Seq <= snap.Seq ||
		call.Announcement != "Xin mời công dân có số thứ tự một nghìn không trăm linh một đến quầy số một" {
		t.Errorf("call message: %+v", call)
	}

	// finish armed quay-1's keypad (simulated behind a pty, through the
	// real serial driver); a citizen presses "rất hài lòng"
	pad := d.app.keypads.counters["quay-1"]
	deadline := time.Now().Add(10 * time.Second)
	for st, _ := d.app.padState(pad); !st.Armed; st, _ = d.app.padState(pad) {
		if time.Now().After(deadline) {
			t.Fatalf("the keypad was not armed: %+v", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := d.app.pressVirtualKey("quay-1", 1); err != nil {
		t.Fatal(err)
	}
	var rs struct {
		Last *struct {
			Ticket int64
			Level  int
			Source string
		}
	}
	for rs.Last == nil {
		if time.Now().After(deadline) {
			t.Fatal("no rating stored after the key press")
		}
		time.Sleep(10 * time.Millisecond)
		d.do("GET", "/api/v1/counters/quay-1/rating", officialTok, nil).json(t, &rs)
	}
	if rs.Last.Ticket != is.ID || rs.Last.Level != 1 || rs.Last.Source != "keypad" {
		t.Errorf("stored rating: %+v, want ticket %d level 1 from the keypad", rs.Last, is.ID)
	}

	types := d.eventTypes(supTok)
	want := []string{"ticket.issued", "ticket.print", "counter.opened", "ticket.called", "ticket.started", "ticket.finished", "ticket.rated"}
	if !slices.Equal(types, want) {
		t.Errorf("event log: got %v, want %v", types, want)
	}
	var tk struct {
		Ticket struct {
			State       string `json:"state"`
			PrintStatus string `json:"print_status"`
			Official    string `json:"official"`
		} `json:"ticket"`
		History []any `json:"history"`
	}
	d.do("GET", fmt.Sprintf("/api/v1/tickets/%d", is.ID), officialTok, nil).json(t, &tk)
	if tk.Ticket.State != "done" || tk.Ticket.PrintStatus != "printed" || tk.Ticket.Official != "official quay-1" || len(tk.History) != 6 {
		t.Errorf("ticket: %+v", tk)
	}

	met := d.do("GET", "/metrics", "", nil)
	if met.status != 200 || !bytes.Contains(met.body, []byte(`motcua_events_total{type="ticket.issued"} 1`)) ||
		!bytes.Contains(met.body, []byte("motcua_estimate_count 1")) {
		t.Errorf("metrics: %d %s", met.status, met.body)
	}
	if n, err := verifyChain(d.app); err != nil || n != 7 {
		t.Errorf("audit: %d %v", n, err)
	}
}

func verifyChain(a *App) (int, error) {
	return verify(context.Background(), a)
}

const badConfig = `
[center]
name = "Trung tâm thử"

[[department]]
id = "d1"
name = "Sở Một"

[[service]]
id = "mo"
name = "Dịch vụ mở"
department = "d1"
number_from = 1
number_to = 999

[[service]]
id = "dong"
name = "Dịch vụ tạm đóng"
department = "d1"
prefix = "D"
closed = true

[[counter]]
id = "q1"
number = 1
name = "Quầy 1"
services = ["mo"]

[[counter]]
id = "q2"
number = 2
name = "Quầy 2"
services = ["mo"]

[[kiosk]]
id = "k1"
name = "Kiosk 1"
printer = "virtual:spool"

[[screen]]
id = "s1"
name = "Sảnh"
`

// TestBadInput: each bad request gets a clear problem response and
// changes nothing.
func TestBadInput(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "center.toml")
	os.WriteFile(cfg, []byte(badConfig), 0o600)
	d := boot(t, cfg)
	kioskTok := d.token(auth.RoleKiosk, "k1")
	q1 := d.token(auth.RoleOfficial, "q1")
	disp := d.token(auth.RoleDisplay, "s1")
	sup := d.token(auth.RoleSupervisor, "")
	// one waiting ticket, so counter actions have something they could take
	if r := d.do("POST", "/api/v1/tickets", kioskTok, `{"service":"mo"}`); r.status != 201 {
		t.Fatalf("setup: %d %s", r.status, r.body)
	}
	// a cookie session, for the CSRF case
	sess, err := auth.CreateSession(context.Background(), d.app.DB, auth.Principal{Role: auth.RoleKiosk, Name: "kiosk k1", Place: "k1"}, 0, time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	before := d.eventTypes(sup)

	tests := []struct {
		name, method, path, token string
		body                      any
		hdr                       []string
		status                    int
		typ, title                string
	}{
		{"unknown service", "POST", "/api/v1/tickets", kioskTok, `{"service":"khong-co"}`, nil, 404, "service-not-found", "Không có dịch vụ này"},
		{"closed service", "POST", "/api/v1/tickets", kioskTok, `{"service":"dong"}`, nil, 409, "service-closed", "Dịch vụ đang tạm đóng"},
		{"malformed JSON", "POST", "/api/v1/tickets", kioskTok, `{"service":`, nil, 400, "malformed-json", "Dữ liệu gửi lên không đúng định dạng JSON"},
		{"unknown field", "POST", "/api/v1/tickets", kioskTok, `{"service":"mo","vip":true}`, nil, 400, "malformed-json", ""},
		{"missing service", "POST", "/api/v1/tickets", kioskTok, `{}`, nil, 400, "service-missing", "Hãy chọn dịch vụ"},
		{"not JSON", "POST", "/api/v1/tickets", kioskTok, `service=mo`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "content-type", ""},
		{"oversize body", "POST", "/api/v1/tickets", kioskTok, `{"service":"mo","kiosk":"` + strings.Repeat("x", 70<<10) + `"}`, nil, 413, "body-too-large", "Dữ liệu gửi lên quá lớn"},
		{"wrong role", "POST", "/api/v1/tickets", disp, `{"service":"mo"}`, nil, 403, "forbidden", "Bạn không có quyền thực hiện thao tác này"},
		{"no credential", "POST", "/api/v1/tickets", "", `{"service":"mo"}`, nil, 401, "unauthorized", "Cần đăng nhập hoặc ghép nối thiết bị"},
		{"bad token", "POST", "/api/v1/tickets", "mc_nope", `{"service":"mo"}`, nil, 401, "unauthorized", ""},
		{"kiosk posing as another", "POST", "/api/v1/tickets", kioskTok, `{"service":"mo","kiosk":"k2"}`, nil, 403, "other-kiosk", ""},
		{"token for another counter", "POST", "/api/v1/counters/q2/call-next", q1, nil, nil, 403, "other-counter", "Bạn chỉ được thao tác trên quầy của mình"},
		{"kiosk calls a number", "POST", "/api/v1/counters/q1/call-next", kioskTok, nil, nil, 403, "forbidden", ""},
		{"unknown counter", "POST", "/api/v1/counters/q9/call-next", sup, nil, nil, 404, "counter-not-found", ""},
		{"unknown action", "POST", "/api/v1/counters/q1/explode", q1, nil, nil, 404, "no-such-action", ""},
		{"finish with nothing called", "POST", "/api/v1/counters/q1/finish", q1, nil, nil, 409, "no-current-ticket", "Quầy chưa gọi vé nào"},
		{"pause without reason", "POST", "/api/v1/counters/q1/pause", q1, `{}`, nil, 400, "pause-reason", "Hãy nhập lý do tạm nghỉ"},
		{"out of order by an official", "POST", "/api/v1/counters/q1/call", q1, `{"ticket":1}`, nil, 403, "out-of-order-forbidden", ""},
		{"cookie without CSRF", "POST", "/api/v1/tickets", "", `{"service":"mo"}`, []string{"Cookie", sessionCookie + "=" + sess.Cookie}, 403, "csrf", ""},
		{"unknown endpoint", "GET", "/api/v1/nothing", sup, nil, nil, 404, "no-such-endpoint", ""},
		{"bad ticket id", "GET", "/api/v1/tickets/abc", sup, nil, nil, 400, "bad-id", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := d.do(tt.method, tt.path, tt.token, tt.body, tt.hdr...)
			if r.status != tt.status {
				t.Fatalf("status: got %d, want %d (%s)", r.status, tt.status, r.body)
			}
			if r.ctype != "application/problem+json" {
				t.Errorf("content type: got %q", r.ctype)
			}
			var p problem
			r.json(t, &p)
			if p.Type != "/problems/"+tt.typ || p.Status != tt.status || p.Title == "" {
				t.Errorf("problem: got %+v, want type %s", p, tt.typ)
			}
			if tt.title != "" && p.Title != tt.title {
				t.Errorf("title: got %q, want %q", p.Title, tt.title)
			}
		})
	}
	if after := d.eventTypes(sup); !slices.Equal(after, before) {
		t.Errorf("bad requests changed state: events %v → %v", before, after)
	}
	// with the CSRF header the same cookie works
	r := d.do("POST", "/api/v1/tickets", "", `{"service":"mo"}`, "Cookie", sessionCookie+"="+sess.Cookie, csrfHeader, sess.CSRF)
	if r.status != 201 {
		t.Errorf("cookie with CSRF: %d %s", r.status, r.body)
	}
}

func TestDayBoundaryUsesLocalTime(t *testing.T) {
	// 16:59 UTC is 23:59 in Hà Nội; 17:00 UTC is the next local day.
	if got := clock.Day(time.Date(2026, 3, 9, 16, 59, 0, 0, time.UTC)); got != "2026-03-09" {
		t.Errorf("got %s", got)
	}
	if got := clock.Day(time.Date(2026, 3, 9, 17, 0, 0, 0, time.UTC)); got != "2026-03-10" {
		t.Errorf("got %s", got)
	}
}

// TestIdempotentIssue: a kiosk that retries after a lost reply gets the
// same ticket and prints nothing twice.
func TestIdempotentIssue(t *testing.T) {
	d := boot(t, "")
	tok := d.token(auth.RoleKiosk, "kiosk-2")
	body := `{"service":"thue"}`
	r1 := d.do("POST", "/api/v1/tickets", tok, body, "Idempotency-Key", "7f1c2a")
	r2 := d.do("POST", "/api/v1/tickets", tok, body, "Idempotency-Key", "7f1c2a")
	r3 := d.do("POST", "/api/v1/tickets", tok, body, "Idempotency-Key", "another")
	var a, b, c struct {
		ID     int64  `json:"id"`
		Number string `json:"number"`
		Print  struct{ Status string }
	}
	r1.json(t, &a)
	r2.json(t, &b)
	r3.json(t, &c)
	if r1.status != 201 || r2.status != 201 || a.ID != b.ID || a.Number != "T001" || b.Print.Status != "printed" {
		t.Errorf("retry: %d %s / %d %s", r1.status, r1.body, r2.status, r2.body)
	}
	if c.Number != "T002" {
		t.Errorf("a new key: got %s, want T002", c.Number)
	}
	jobs, _ := filepath.Glob(filepath.Join(d.data, "spool", "kiosk-2", "*.bin"))
	if len(jobs) != 2 {
		t.Errorf("%d print jobs, want 2 (the retry prints nothing)", len(jobs))
	}
	if r := d.do("POST", "/api/v1/tickets", tok, body, "Idempotency-Key", strings.Repeat("x", 200)); r.status != 400 {
		t.Errorf("oversize key: %d", r.status)
	}
}

// TestPrinterOutOfPaper: the number is durable before printing, so a
// printer out of paper loses nothing: the citizen gets the number on screen
// with a clear reason, the ticket is marked print-failed, and numbering
// goes on without a gap once paper is back.
func TestPrinterOutOfPaper(t *testing.T) {
	d := boot(t, "")
	tok := d.token(auth.RoleKiosk, "kiosk-1")
	spool := filepath.Join(d.data, "spool", "kiosk-1")
	d.waitPolled("kiosk-1") // the paper runs out after the kiosk last looked
	if err := os.WriteFile(filepath.Join(spool, printer.VirtualPaperOut), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var out struct {
		ID     int64  `json:"id"`
		Number string `json:"number"`
		Print  struct {
			Status string `json:"status"`
			Error  string `json:"error"`
		} `json:"print"`
	}
	r := d.do("POST", "/api/v1/tickets", tok, `{"service":"noi-vu"}`)
	r.json(t, &out)
	if r.status != 201 || out.Number != "N001" || out.Print.Status != "failed" || out.Print.Error != "Máy in hết giấy" {
		t.Fatalf("out of paper: %d %s", r.status, r.body)
	}
	var tk struct {
		Ticket struct {
			PrintStatus string `json:"print_status"`
		} `json:"ticket"`
	}
	d.do("GET", fmt.Sprintf("/api/v1/tickets/%d", out.ID), d.token(auth.RoleSupervisor, ""), nil).json(t, &tk)
	if tk.Ticket.PrintStatus != "failed" {
		t.Errorf("stored print status: got %q, want failed", tk.Ticket.PrintStatus)
	}
	// now the kiosk knows: it hands out no number while the paper is out
	r = d.do("POST", "/api/v1/tickets", tok, `{"service":"noi-vu"}`)
	if r.status != 409 || !bytes.Contains(r.body, []byte("printer-unavailable")) {
		t.Errorf("second ticket while out of paper: %d %s", r.status, r.body)
	}
	var ks struct {
		Accepting bool `json:"accepting"`
		Printer   struct{ State string }
	}
	d.do("GET", "/api/v1/kiosks/kiosk-1/status", tok, nil).json(t, &ks)
	if ks.Accepting || ks.Printer.State != "paper_end" {
		t.Errorf("kiosk status while out of paper: %+v", ks)
	}
	// the failed ticket is reprinted once paper is back
	os.Remove(filepath.Join(spool, printer.VirtualPaperOut))
	rp := d.do("POST", fmt.Sprintf("/api/v1/tickets/%d/print", out.ID), d.token(auth.RoleOfficial, ""), nil)
	if rp.status != 200 || !bytes.Contains(rp.body, []byte(`"status":"printed"`)) {
		t.Errorf("reprint: %d %s", rp.status, rp.body)
	}
	if rp := d.do("POST", fmt.Sprintf("/api/v1/tickets/%d/print", out.ID), d.token(auth.RoleOfficial, ""), nil); rp.status != 409 {
		t.Errorf("second reprint of a printed ticket: %d %s", rp.status, rp.body)
	}
	r = d.do("POST", "/api/v1/tickets", tok, `{"service":"noi-vu"}`)
	r.json(t, &out)
	if out.Number != "N002" || out.Print.Status != "printed" {
		t.Errorf("after paper is back: %s", r.body)
	}
}

// TestStartPageShowsPrintProblems: a ticket whose print failed is listed
// on the start page for reprinting, and what the virtual printers printed
// is shown there as the interpreter's pictures, to the server's own screen.
func TestStartPageShowsPrintProblems(t *testing.T) {
	d := boot(t, "")
	// the cover opens after the kiosk last looked: the print fails
	d.waitPolled("kiosk-2")
	os.WriteFile(filepath.Join(d.data, "spool", "kiosk-2", printer.VirtualCoverOpen), nil, 0o600)
	if r := d.do("POST", "/api/v1/tickets", d.token(auth.RoleKiosk, "kiosk-2"), `{"service":"thue"}`); r.status != 201 {
		t.Fatalf("issue: %d %s", r.status, r.body)
	}
	if r := d.do("POST", "/api/v1/tickets", d.token(auth.RoleKiosk, "kiosk-1"), `{"service":"thue"}`); r.status != 201 {
		t.Fatalf("issue: %d %s", r.status, r.body)
	}
	page := d.do("GET", "/", "", nil)
	for _, want := range []string{"Vé in lỗi hôm nay", "<strong>T001</strong>", "in lỗi", "Nắp máy in đang mở", "Vé vừa in trên máy in ảo", `src="/spool/kiosk-1/`} {
		if !bytes.Contains(page.body, []byte(want)) {
			t.Errorf("start page lacks %q", want)
		}
	}
	i := bytes.Index(page.body, []byte(`src="/spool/kiosk-1/`))
	if i < 0 {
		return
	}
	src := string(page.body[i+5 : i+5+bytes.IndexByte(page.body[i+5:], '"')])
	img := d.do("GET", src, "", nil)
	if img.status != 200 || img.ctype != "image/png" || !bytes.HasPrefix(img.body, []byte("\x89PNG")) {
		t.Errorf("GET %s: %d %s", src, img.status, img.ctype)
	}
	for _, bad := range []string{"/spool/kiosk-1/..%2Fmotcua.db", "/spool/kiosk-1/x.bin", "/spool/nobody/a.png"} {
		if r := d.do("GET", bad, "", nil); r.status != 404 {
			t.Errorf("GET %s: %d, want 404", bad, r.status)
		}
	}
}

// waitPolled waits until the daemon has read the printer's state once.
func (d *daemon) waitPolled(id string) {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if _, ok := d.app.PrinterStates()[id]; ok {
			return
		}
	}
	d.t.Fatalf("printer %s was never polled", id)
}

func TestKioskEndpoints(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "center.toml")
	os.WriteFile(cfg, []byte(strings.Replace(badConfig, `name = "Trung tâm thử"`, "name = \"Trung tâm thử\"\nhours = \"07:30-17:00\"\nkiosk_pin = \"2468\"", 1)), 0o600)
	d := boot(t, cfg)
	tok := d.token(auth.RoleKiosk, "k1")
	var pri []struct{ ID, Name string }
	d.do("GET", "/api/v1/priorities", tok, nil).json(t, &pri)
	if len(pri) != 0 {
		t.Errorf("priorities of a center with none: %v", pri)
	}
	var svcs []struct {
		ID           string     `json:"id"`
		Open         bool       `json:"open"`
		ClosedReason string     `json:"closed_reason"`
		OpensAt      *time.Time `json:"opens_at"`
	}
	d.do("GET", "/api/v1/services", tok, nil).json(t, &svcs)
	for _, s := range svcs {
		switch {
		case s.ID == "dong" && (s.Open || s.ClosedReason == ""):
			t.Errorf("closed service: %+v", s)
		case !s.Open && s.ClosedReason == "hours" && s.OpensAt == nil:
			t.Errorf("closed for the hours without an opening time: %+v", s)
		}
	}
	for _, tc := range []struct {
		pin    string
		status int
	}{{"1111", 403}, {"2468", 204}} {
		if r := d.do("POST", "/api/v1/kiosks/k1/unlock", tok, map[string]string{"pin": tc.pin}); r.status != tc.status {
			t.Errorf("unlock with %s: %d %s, want %d", tc.pin, r.status, r.body, tc.status)
		}
	}
	r := d.do("POST", "/api/v1/tickets", d.token(auth.RoleSupervisor, ""), `{"service":"mo"}`)
	var is struct {
		TrackURL string `json:"track_url"`
	}
	r.json(t, &is)
	if r.status == 201 {
		qr := d.do("GET", strings.TrimPrefix(is.TrackURL, d.base)+"/qr.svg", "", nil)
		if qr.status != 200 || qr.ctype != "image/svg+xml" || !bytes.HasPrefix(qr.body, []byte("<svg")) {
			t.Errorf("qr: %d %s", qr.status, qr.ctype)
		}
	}
	if qr := d.do("GET", "/t/nosuchtoken123/qr.svg", "", nil); qr.status != 404 {
		t.Errorf("qr of no ticket: %d", qr.status)
	}
}
