package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/motcua/motcua/server/auth"
)

func TestAnnounceWAV(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("espeak-ng is missing in CI: .ci/run must install it")
		}
		t.Skip("SKIPPED: espeak-ng not installed (apt-get install espeak-ng)")
	}
	d := boot(t, "")
	tok := d.token(auth.RoleDisplay, "sanh")
	text := "Xin mời công dân có số thứ tự một nghìn không trăm linh một đến quầy số một"
	path := "/api/v1/announce.wav?text=" + url.QueryEscape(text)
	r := d.do("GET", path, tok, nil)
	if r.status != 200 || r.ctype != "audio/wav" || !bytes.HasPrefix(r.body, []byte("RIFF")) || len(r.body) < 20000 {
		t.Fatalf("announce: %d %s, %d bytes", r.status, r.ctype, len(r.body))
	}
	// the second time comes from the cache
	cached, _ := filepath.Glob(filepath.Join(d.data, "voice", "*.wav"))
	if len(cached) != 1 {
		t.Errorf("cache: %v", cached)
	}
	if r2 := d.do("GET", path, tok, nil); !bytes.Equal(r2.body, r.body) {
		t.Error("the cached audio differs")
	}
	for _, bad := range []string{"/api/v1/announce.wav", "/api/v1/announce.wav?text=" + strings.Repeat("a", 301)} {
		if r := d.do("GET", bad, tok, nil); r.status != 400 {
			t.Errorf("GET %s: %d", bad, r.status)
		}
	}
	if r := d.do("GET", path, "", nil); r.status != 401 {
		t.Errorf("without a credential: %d", r.status)
	}
}

func TestCounterScreenAndTicker(t *testing.T) {
	d := boot(t, "")
	disp := d.token(auth.RoleDisplay, "")
	ws, _, err := websocket.DefaultDialer.Dial(strings.Replace(d.base, "http", "ws", 1)+"/ws/counter/quay-2", http.Header{"Authorization": {"Bearer " + disp}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var m map[string]any
	if err := ws.ReadJSON(&m); err != nil || m["type"] != "snapshot" {
		t.Fatalf("snapshot: %v %v", m, err)
	}
	kiosk := d.token(auth.RoleKiosk, "")
	for range 2 {
		d.do("POST", "/api/v1/tickets", kiosk, `{"service":"dang-ky-doanh-nghiep"}`)
	}
	// quay-1 calls 1001, quay-2 calls 1002: the screen above quay-2 hears only its own
	d.do("POST", "/api/v1/counters/quay-1/call-next", d.token(auth.RoleOfficial, "quay-1"), nil)
	d.do("POST", "/api/v1/counters/quay-2/call-next", d.token(auth.RoleOfficial, "quay-2"), nil)
	for {
		m = nil
		if err := ws.ReadJSON(&m); err != nil {
			t.Fatalf("waiting for the call: %v", err)
		}
		if m["type"] == "call" {
			break
		}
	}
	if m["ticket"] != "1002" {
		t.Errorf("the screen above quay-2 got the call of %v", m["ticket"])
	}
	page := d.do("GET", "/counter-display/quay-2", "", nil)
	if page.status != 200 || !bytes.Contains(page.body, []byte("quay-2")) {
		t.Errorf("counter page: %d", page.status)
	}
	if r := d.do("GET", "/counter-display/quay-99", "", nil); r.status != 404 {
		t.Errorf("unknown counter page: %d", r.status)
	}

	// a supervisor changes the lobby's ticker; it is kept
	sup := d.token(auth.RoleSupervisor, "")
	r := d.do("PUT", "/api/v1/screens/sanh/ticker", sup, `{"text":"Trung tâm làm việc cả sáng thứ Bảy"}`)
	if r.status != 200 {
		t.Fatalf("ticker: %d %s", r.status, r.body)
	}
	if got := d.app.ticker("sanh"); got != "Trung tâm làm việc cả sáng thứ Bảy" {
		t.Errorf("ticker now %q", got)
	}
	for _, tc := range []struct {
		tok, body string
		status    int
	}{
		{disp, `{"text":"x"}`, 403},
		{sup, `{"text":"` + strings.Repeat("a", 501) + `"}`, 400},
		{sup, `{"text":"hai\ndòng"}`, 400},
	} {
		if r := d.do("PUT", "/api/v1/screens/sanh/ticker", tc.tok, tc.body); r.status != tc.status {
			t.Errorf("ticker %q: %d, want %d", tc.body, r.status, tc.status)
		}
	}
	var p problem
	json.Unmarshal(d.do("PUT", "/api/v1/screens/nope/ticker", sup, `{"text":"x"}`).body, &p)
	if p.Status != 404 {
		t.Errorf("unknown screen: %+v", p)
	}
}
