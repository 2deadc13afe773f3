package display

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPage(t *testing.T) {
	tests := []struct {
		name, screen, title string
		want                []string
		notWant             []string
	}{
		{
			name: "plain", screen: "sanh-chinh", title: "Trung tâm Phục vụ hành chính công",
			want: []string{`data-screen="sanh-chinh"`, `data-ws="/ws/display/sanh-chinh"`,
				"Trung tâm Phục vụ hành chính công", "Mất kết nối máy chủ — đang kết nối lại…", `lang="vi"`},
		},
		{
			name: "escaped", screen: `a"b<c>`, title: `<script>alert(1)</script>`,
			want:    []string{"&lt;script&gt;alert(1)&lt;/script&gt;", `/ws/display/a%22b%3Cc%3E`},
			notWant: []string{"<script>alert(1)</script>", `a"b<c>`},
		},
		{
			name: "default title", screen: "s1",
			want: []string{"Trung tâm Hành chính công"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Page(rec, httptest.NewRequest(http.MethodGet, "/display/x", nil), tt.screen, tt.title)
			res := rec.Result()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status: got %d, want 200", res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("content type: got %q, want text/html; charset=utf-8", ct)
			}
			body := rec.Body.String()
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(body, w) {
					t.Errorf("page contains %q unescaped", w)
				}
			}
		})
	}
}

func TestPageLinksServedAssets(t *testing.T) {
	rec := httptest.NewRecorder()
	Page(rec, httptest.NewRequest(http.MethodGet, "/display/lobby", nil), "lobby", "")
	body := rec.Body.String()
	srv := httptest.NewServer(Assets())
	defer srv.Close()
	for _, name := range []string{"display.js", "display.css"} {
		url := assets.URL(name)
		if !strings.Contains(body, url) {
			t.Errorf("page does not link %s", url)
			continue
		}
		res, err := http.Get(srv.URL + url)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d, want 200", url, res.StatusCode)
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q, want immutable for a hashed URL", url, cc)
		}
	}
}

func TestAssets(t *testing.T) {
	tests := []struct {
		path, method string
		status       int
		ctype        string
	}{
		{"/display/assets/display.js", http.MethodGet, 200, "text/javascript; charset=utf-8"},
		{"/display/assets/display.css", http.MethodGet, 200, "text/css; charset=utf-8"},
		{"/display/assets/display.js", http.MethodHead, 200, "text/javascript; charset=utf-8"},
		{"/display/assets/nope.js", http.MethodGet, 404, "application/problem+json"},
		{"/display/assets/../display.html", http.MethodGet, 404, "application/problem+json"},
		{"/display/assets/display.js", http.MethodPost, 405, "application/problem+json"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Assets().ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.status {
				t.Errorf("status: got %d, want %d", rec.Code, tt.status)
			}
			if ct := rec.Header().Get("Content-Type"); ct != tt.ctype {
				t.Errorf("content type: got %q, want %q", ct, tt.ctype)
			}
		})
	}
}
