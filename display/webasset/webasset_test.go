package webasset

import (
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestSet(t *testing.T) {
	fsys := fstest.MapFS{"web/assets/app.js": {Data: []byte("console.log(1)")}, "web/assets/app.css": {Data: []byte("body{}")}}
	s := New(fsys, "web/assets", "/p/assets/")
	u := s.URL("app.js")
	if !strings.HasPrefix(u, "/p/assets/app.js?v=") || len(u) != len("/p/assets/app.js?v=")+12 {
		t.Fatalf("URL: got %q", u)
	}
	tests := []struct {
		name, method, url string
		status            int
		ctype, cache      string
	}{
		{"versioned", "GET", u, 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"stale version", "GET", "/p/assets/app.js?v=000000000000", 200, "text/javascript; charset=utf-8", "no-cache"},
		{"css", "GET", "/p/assets/app.css", 200, "text/css; charset=utf-8", "no-cache"},
		{"missing", "GET", "/p/assets/nope.js", 404, "application/problem+json", ""},
		{"post", "POST", u, 405, "application/problem+json", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest(tt.method, tt.url, nil))
			if rec.Code != tt.status || rec.Header().Get("Content-Type") != tt.ctype || rec.Header().Get("Cache-Control") != tt.cache {
				t.Errorf("got %d %q %q, want %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"), tt.status, tt.ctype, tt.cache)
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Error("URL of a missing file did not panic")
		}
	}()
	s.URL("missing.js")
}
