package server

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/motcua/motcua/server/auth"
)

// FuzzAPI posts arbitrary bodies to the endpoints that take JSON from
// devices and people. Whatever comes in, the answer is a known status; an
// error is a well-formed problem with a title; and only a 201 or a 200
// changes anything.
func FuzzAPI(f *testing.F) {
	d := boot(f, "")
	kiosk := d.token(auth.RoleKiosk, "kiosk-1")
	official := d.token(auth.RoleOfficial, "quay-1")
	paths := []string{"/api/v1/tickets", "/api/v1/counters/quay-1/transfer", "/api/v1/counters/quay-1/call", "/api/v1/counters/quay-1/pause", "/api/v1/session"}
	for _, s := range []string{`{"service":"dang-ky-doanh-nghiep"}`, `{"service":"thue","priority":"nguoi-cao-tuoi"}`,
		`{"service":"x"}`, `{`, `[]`, `null`, `{"service":1}`, `{"counter":"quay-2"}`, `{"ticket":1}`, `{"reason":"họp"}`,
		`{"username":"admin","password":"x"}`, "\x00\xff", `{"service":"thue"} {}`} {
		for i := range paths {
			f.Add(uint8(i), []byte(s))
		}
	}
	h := d.app.srv.Handler
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := paths[int(which)%len(paths)]
		tok := kiosk
		if path != "/api/v1/tickets" {
			tok = official
		}
		req := httptest.NewRequest("POST", path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = "192.0.2.7:1234" // a documentation address: the limiter keys on it
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 201, 204:
			return
		case 400, 401, 403, 404, 409, 413, 415, 429:
		default:
			t.Fatalf("%s %q: status %d: %s", path, body, rec.Code, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("%s %q: content type %q", path, body, ct)
		}
		var p problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Title == "" || p.Status != rec.Code {
			t.Fatalf("%s %q: bad problem %s (%v)", path, body, rec.Body, err)
		}
	})
}
