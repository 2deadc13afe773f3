package server

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
)

// staffAction is one console, monitor or admin action and who may do it.
type staffAction struct {
	method, path string
	body         any
	role         string // least role allowed: official, supervisor, admin
	counter      bool   // acts at counter quay-1 (an official bound elsewhere is refused)
}

var staffActions = []staffAction{
	{"GET", "/api/v1/console/quay-1", nil, "official", true},
	{"POST", "/api/v1/counters/quay-1/call-next", nil, "official", true},
	{"POST", "/api/v1/counters/quay-1/recall", nil, "official", true},
	{"POST", "/api/v1/counters/quay-1/start", nil, "official", true},
	{"POST", "/api/v1/counters/quay-1/finish", nil, "official", true},
	{"POST", "/api/v1/counters/quay-1/no-show", nil, "official", true},
	{"POST", "/api/v1/counters/quay-1/hold", nil, "official", true},
	{"POST", "/api/v1/counters/quay-1/transfer", map[string]any{"service": "dau-tu"}, "official", true},
	{"POST", "/api/v1/counters/quay-1/call", map[string]any{"ticket": 1}, "official", true},
	{"POST", "/api/v1/counters/quay-1/pause", map[string]any{"reason": "Họp"}, "official", true},
	{"POST", "/api/v1/counters/quay-1/open", nil, "official", true},
	{"POST", "/api/v1/counters/quay-1/close", nil, "official", true},
	{"POST", "/api/v1/counters/quay-1/rating", map[string]any{"level": 1}, "official", true},
	{"GET", "/api/v1/counters/quay-1/rating", nil, "official", true},
	{"POST", "/api/v1/tickets/1/print", nil, "official", false},
	{"GET", "/api/v1/monitor", nil, "supervisor", false},
	{"PUT", "/api/v1/counters/quay-7/services", map[string]any{"services": []string{"dat-dai"}}, "supervisor", false},
	{"POST", "/api/v1/tickets/move", map[string]any{"tickets": []int{1}, "service": "dat-dai"}, "supervisor", false},
	{"PUT", "/api/v1/screens/sanh/ticker", map[string]any{"text": "x"}, "supervisor", false},
	{"GET", "/api/v1/users", nil, "admin", false},
	{"POST", "/api/v1/users", map[string]any{"username": "moi", "name": "Mới", "role": "official", "password": "mot-mat-khau-dai"}, "admin", false},
	{"PUT", "/api/v1/users/cb1", map[string]any{"name": "Đổi tên"}, "admin", false},
	{"DELETE", "/api/v1/users/cb1/sessions", nil, "admin", false},
}

// eventCount is how many events the log holds: a refused request must
// change nothing.
func eventCount(t *testing.T, d *daemon) int {
	t.Helper()
	var n int
	if err := d.app.DB.R.QueryRow("SELECT COUNT(*) FROM events").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStaffActionsRefused(t *testing.T) {
	d := boot(t, "")
	d.user("cb1", "official", "quay-1")
	d.user("cb2", "official", "quay-2")
	d.user("gs1", "supervisor", "")
	d.user("admin2", "admin", "")
	kiosk := d.token("kiosk", "kiosk-1")
	if r := d.do("POST", "/api/v1/tickets", kiosk, map[string]any{"service": "dang-ky-doanh-nghiep"}); r.status != http.StatusCreated {
		t.Fatalf("issue: %d %s", r.status, r.body)
	}
	official := d.signIn("cb1", "")
	other := d.signIn("cb2", "")
	sup := d.signIn("gs1", "")
	admin := d.signIn("admin2", "")
	display := d.token("display", "sanh")
	before := eventCount(t, d)
	rank := map[string]int{"official": 1, "supervisor": 2, "admin": 3}
	for _, a := range staffActions {
		name := a.method + " " + a.path
		t.Run(name, func(t *testing.T) {
			// no session, no token
			anon := &staff{d: d, c: &http.Client{Timeout: 10 * time.Second}}
			if r := anon.do(a.method, a.path, a.body); r.status != http.StatusUnauthorized {
				t.Errorf("without a session: got %d %s, want 401", r.status, r.body)
			}
			// a device's token is never staff
			for _, tok := range []string{kiosk, display} {
				if r := d.do(a.method, a.path, tok, a.body); r.status != http.StatusForbidden {
					t.Errorf("with a device token: got %d %s, want 403", r.status, r.body)
				}
			}
			// a session of a role below the action's
			for role, s := range map[string]*staff{"official": official, "supervisor": sup} {
				if rank[role] >= rank[a.role] {
					continue
				}
				if r := s.do(a.method, a.path, a.body); r.status != http.StatusForbidden {
					t.Errorf("as %s: got %d %s, want 403", role, r.status, r.body)
				}
			}
			// an official of another counter
			if a.counter {
				r := other.do(a.method, a.path, a.body)
				if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "other-counter") {
					t.Errorf("from another counter: got %d %s, want 403 other-counter", r.status, r.body)
				}
			}
			// the right role without the CSRF header, or with a wrong one
			if a.method != "GET" {
				s := official
				if a.role != "official" {
					s = sup
				}
				if a.role == "admin" {
					s = admin
				}
				for _, csrf := range []string{"", "wrong"} {
					r := s.do(a.method, a.path, a.body, csrfHeader, csrf)
					if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "csrf") {
						t.Errorf("CSRF %q: got %d %s, want 403 csrf", csrf, r.status, r.body)
					}
				}
			}
		})
		if t.Failed() {
			break
		}
	}
	if n := eventCount(t, d); n != before {
		t.Errorf("refused requests changed the event log: %d events, want %d", n, before)
	}
	if r := official.do("POST", "/api/v1/counters/quay-1/call-next", nil); r.status != http.StatusOK {
		t.Errorf("the official's own action: got %d %s", r.status, r.body)
	}
}

func TestSignInThrottled(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))
	d := bootWith(t, Options{Clock: clk})
	d.user("cb1", "official", "quay-1")
	for i := 0; i < maxFails; i++ {
		if _, r := d.trySignIn("cb1", "sai-mat-khau-"+string(rune('a'+i)), ""); r.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: got %d %s, want 401", i+1, r.status, r.body)
		}
	}
	// now even the right password is refused, with a time to wait
	_, r := d.trySignIn("cb1", staffPassword, "")
	if r.status != http.StatusTooManyRequests || !strings.Contains(string(r.body), "Đăng nhập sai quá nhiều lần") {
		t.Fatalf("after %d failures: got %d %s, want 429", maxFails, r.status, r.body)
	}
	// the address is blocked for other accounts too
	d.user("cb2", "official", "quay-2")
	if _, r := d.trySignIn("cb2", staffPassword, ""); r.status != http.StatusTooManyRequests {
		t.Errorf("another account from the same address: got %d, want 429", r.status)
	}
	clk.Advance(limitWindow + time.Second)
	if _, r := d.trySignIn("cb1", staffPassword, ""); r.status != http.StatusOK {
		t.Errorf("after the window: got %d %s, want 200", r.status, r.body)
	}
}

func TestPasswordHashNeverLeaves(t *testing.T) {
	d := boot(t, "")
	d.user("cb1", "official", "quay-1")
	d.user("root2", "admin", "")
	var hashes []string
	rows, err := d.app.DB.R.Query("SELECT password_hash FROM users")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var h string
		rows.Scan(&h)
		hashes = append(hashes, h, h[7:29]) // the whole hash and its salt
	}
	rows.Close()
	admin := d.signIn("root2", "")
	official := d.signIn("cb1", "")
	var seen []string
	for _, p := range []string{"/api/v1/users", "/api/v1/users", "/api/v1/me", "/api/v1/monitor", "/api/v1/console/quay-1",
		"/api/v1/events?limit=1000", "/admin", "/monitor", "/counter?c=quay-1", "/", "/api/v1/openapi.json"} {
		r := admin.do("GET", p, nil)
		if r.status != http.StatusOK {
			t.Errorf("GET %s: %d %s", p, r.status, r.body)
		}
		seen = append(seen, string(r.body))
	}
	r := admin.do("PUT", "/api/v1/users/cb1", map[string]any{"password": "mot-mat-khau-moi-dai"})
	seen = append(seen, string(r.body))
	r = admin.do("POST", "/api/v1/users", map[string]any{"username": "cb9", "name": "Cán bộ 9", "role": "official", "password": "mat-khau-cb9-dai"})
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	seen = append(seen, string(r.body), string(official.do("GET", "/api/v1/me", nil).body), d.out.String())
	for _, s := range seen {
		for _, h := range hashes {
			if strings.Contains(s, h) {
				t.Fatalf("a password hash (or its salt) left the server: %q in %.200s", h, s)
			}
		}
		for _, bad := range []string{"$2a$", "$2b$", "password_hash", "mat-khau-cb9-dai", "mot-mat-khau-moi-dai"} {
			if strings.Contains(s, bad) {
				t.Fatalf("%q left the server in %.200s", bad, s)
			}
		}
	}
}

func TestSessionsEnd(t *testing.T) {
	d := boot(t, "")
	d.user("cb1", "official", "quay-1")
	d.user("root2", "admin", "")
	a1, a2 := d.signIn("cb1", ""), d.signIn("cb1", "")
	admin := d.signIn("root2", "")
	ok := func(s *staff) bool { return s.do("GET", "/api/v1/console/quay-1", nil).status == http.StatusOK }
	if !ok(a1) || !ok(a2) {
		t.Fatal("fresh sessions do not work")
	}
	// a live console socket ends with its session
	dialer := websocket.Dialer{Jar: a2.c.Jar}
	ws, _, err := dialer.Dial("ws"+strings.TrimPrefix(d.base, "http")+"/ws/console/quay-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, _, err := ws.ReadMessage(); err != nil {
		t.Fatalf("first state: %v", err)
	}
	if r := a1.do("DELETE", "/api/v1/session?everywhere=1", nil); r.status != http.StatusNoContent {
		t.Fatalf("sign out everywhere: %d %s", r.status, r.body)
	}
	if ok(a1) || ok(a2) {
		t.Error("a session outlived 'sign out everywhere'")
	}
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			break // closed by the server after the sign-out: good
		}
	}
	// disabling an account ends its sessions; enabling does not revive them
	a3 := d.signIn("cb1", "")
	if r := admin.do("PUT", "/api/v1/users/cb1", map[string]any{"disabled": true}); r.status != http.StatusOK {
		t.Fatalf("disable: %d %s", r.status, r.body)
	}
	if ok(a3) {
		t.Error("a disabled account's session still works")
	}
	if _, r := d.trySignIn("cb1", staffPassword, ""); r.status != http.StatusUnauthorized {
		t.Errorf("a disabled account signs in: %d", r.status)
	}
	admin.do("PUT", "/api/v1/users/cb1", map[string]any{"disabled": false})
	if ok(a3) {
		t.Error("re-enabling revived an old session")
	}
	// an admin cannot lock themselves out
	if r := admin.do("PUT", "/api/v1/users/root2", map[string]any{"disabled": true}); r.status != http.StatusConflict {
		t.Errorf("self-disable: got %d, want 409", r.status)
	}
}

func TestCounterSignIn(t *testing.T) {
	d := boot(t, "")
	d.user("cb1", "official", "quay-1")
	d.user("tudo", "official", "")
	d.user("gs1", "supervisor", "")
	tests := []struct {
		name, user, counter string
		status              int
		place               string
	}{
		{"bound official, no choice", "cb1", "", 200, "quay-1"},
		{"bound official, own counter", "cb1", "quay-1", 200, "quay-1"},
		{"bound official, another counter", "cb1", "quay-2", 403, ""},
		{"unbound official must choose", "tudo", "", 400, ""},
		{"unbound official chooses", "tudo", "quay-5", 200, "quay-5"},
		{"unknown counter", "tudo", "quay-99", 404, ""},
		{"supervisor anywhere", "gs1", "", 200, ""},
		{"supervisor at a counter", "gs1", "quay-3", 200, "quay-3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, r := d.trySignIn(tt.user, staffPassword, tt.counter)
			if r.status != tt.status {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.status)
			}
			if tt.status != 200 {
				return
			}
			var me struct{ Place, Username string }
			s.do("GET", "/api/v1/me", nil).json(t, &me)
			if me.Place != tt.place || me.Username != tt.user {
				t.Errorf("me: got place %q user %q, want %q %q", me.Place, me.Username, tt.place, tt.user)
			}
		})
	}
	// A PC paired to a counter signs officials in there, and is itself no
	// credential for actions.
	code, err := auth.CreatePairing(context.Background(), d.app.DB, auth.RoleOfficial, "quay-2", time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	pc := &staff{d: d, c: &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	pc.c.Jar, _ = cookiejar.New(nil)
	if r := pc.do("GET", "/pair/"+code, nil); r.status != http.StatusSeeOther {
		t.Fatalf("pair: %d %s", r.status, r.body)
	}
	if r := pc.do("POST", "/api/v1/counters/quay-2/call-next", nil); r.status != http.StatusUnauthorized {
		t.Errorf("the counter PC's own cookie acted: %d %s, want 401", r.status, r.body)
	}
	login := func(user, counter string) reply {
		return pc.do("POST", "/api/v1/session", map[string]string{"username": user, "password": staffPassword, "counter": counter})
	}
	if r := login("cb1", ""); r.status != http.StatusForbidden {
		t.Errorf("official of quay-1 at quay-2's PC: %d %s, want 403", r.status, r.body)
	}
	if r := login("tudo", "quay-5"); r.status != http.StatusOK || !strings.Contains(string(r.body), `"counter":"quay-2"`) {
		t.Errorf("unbound official at quay-2's PC: %d %s, want 200 at quay-2", r.status, r.body)
	}
	// signing out keeps the PC paired
	var v struct{ CSRF string }
	login("tudo", "").json(t, &v)
	pc.csrf = v.CSRF
	if r := pc.do("DELETE", "/api/v1/session", nil); r.status != http.StatusNoContent {
		t.Fatalf("sign out: %d", r.status)
	}
	pc.csrf = ""
	if r := login("tudo", ""); !strings.Contains(string(r.body), `"counter":"quay-2"`) {
		t.Errorf("after sign-out the PC forgot its counter: %s", r.body)
	}
}

func TestLiveSocketOrigin(t *testing.T) {
	d := boot(t, "")
	d.user("cb1", "official", "quay-1")
	s := d.signIn("cb1", "")
	dialer := websocket.Dialer{Jar: s.c.Jar}
	url := "ws" + strings.TrimPrefix(d.base, "http") + "/ws/console/quay-1"
	// a page of another site cannot open the official's socket with their cookie
	if _, res, err := dialer.Dial(url, http.Header{"Origin": {"http://evil.example"}}); err == nil || res == nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site socket: err %v, response %v; want 403", err, res)
	}
	ws, _, err := dialer.Dial(url, http.Header{"Origin": {d.base}})
	if err != nil {
		t.Fatalf("same-site socket: %v", err)
	}
	ws.Close()
}

// A rating tablet rates at its own counter and does nothing else.
func TestRatingPadConfined(t *testing.T) {
	d := boot(t, "")
	pad := d.token("ratingpad", "quay-1")
	tests := []struct {
		method, path string
		body         any
		want         int
	}{
		{"GET", "/api/v1/counters/quay-1/rating", nil, http.StatusOK},
		{"POST", "/api/v1/counters/quay-1/rating", map[string]int{"level": 1}, http.StatusConflict}, // nothing armed
		{"GET", "/api/v1/counters/quay-2/rating", nil, http.StatusForbidden},
		{"POST", "/api/v1/counters/quay-2/rating", map[string]int{"level": 1}, http.StatusForbidden},
		{"POST", "/api/v1/counters/quay-1/call-next", nil, http.StatusForbidden},
		{"POST", "/api/v1/counters/quay-1/finish", nil, http.StatusForbidden},
		{"GET", "/api/v1/console/quay-1", nil, http.StatusForbidden},
		{"POST", "/api/v1/tickets", map[string]string{"service": "thue"}, http.StatusForbidden},
		{"GET", "/api/v1/tickets/1", nil, http.StatusForbidden},
	}
	for _, tt := range tests {
		if r := d.do(tt.method, tt.path, pad, tt.body); r.status != tt.want {
			t.Errorf("%s %s: got %d %s, want %d", tt.method, tt.path, r.status, r.body, tt.want)
		}
	}
}
