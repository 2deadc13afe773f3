package display

import (
	"fmt"
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
	for _, name := range []string{"chime.js", "display.js", "display.css"} {
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

func TestPageRepeat(t *testing.T) {
	for _, tt := range []struct{ repeat, want int }{{0, 2}, {1, 1}, {3, 3}, {9, 5}} {
		rec := httptest.NewRecorder()
		PageWithOptions(rec, httptest.NewRequest(http.MethodGet, "/display/s", nil), "s", "", PageOptions{Repeat: tt.repeat})
		if want := fmt.Sprintf(`data-repeat="%d"`, tt.want); !strings.Contains(rec.Body.String(), want) {
			t.Errorf("Repeat %d: page lacks %s", tt.repeat, want)
		}
	}
	rec := httptest.NewRecorder()
	Page(rec, httptest.NewRequest(http.MethodGet, "/display/s", nil), "s", "")
	body := rec.Body.String()
	for _, w := range []string{`data-repeat="2"`, `id="ticker"`, "Chạm để bật âm thanh"} {
		if !strings.Contains(body, w) {
			t.Errorf("lobby page lacks %q", w)
		}
	}
}

// TestCounterPage serves CounterPage as the daemon will, at
// /counter-display/{counter}, and checks the page and the files it links.
func TestCounterPage(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /counter-display/{counter}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("counter")
		CounterPage(w, r, id, "Quầy 5 — Sở <Tư pháp>", 5)
	})
	mux.Handle("GET /display/assets/", http.StripPrefix("/display/assets/", Assets()))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	res, body := get("/counter-display/quay-5")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("counter page: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' ws://127.0.0.1:") {
		t.Errorf("CSP %q does not allow the page's websocket", csp)
	}
	for _, w := range []string{
		`data-counter="quay-5"`, `data-ws="/ws/counter/quay-5"`, "QUẦY 5", `id="ticket"`, ">—<",
		"mất kết nối", "Quầy 5 — Sở &lt;Tư pháp&gt;", `lang="vi"`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("counter page lacks %q", w)
		}
	}
	if strings.Contains(body, "<Tư pháp>") {
		t.Errorf("counter page holds the title unescaped")
	}
	for _, name := range []string{"chime.js", "counter.js", "counter.css"} {
		u := assets.URL(name)
		if !strings.Contains(body, u) {
			t.Errorf("counter page does not link %s", u)
			continue
		}
		if res, _ := get(u); res.StatusCode != 200 {
			t.Errorf("%s: status %d", u, res.StatusCode)
		}
	}

	rec := httptest.NewRecorder()
	CounterPage(rec, httptest.NewRequest(http.MethodGet, "/counter-display/x", nil), `a"b<c>`, "", 7)
	if b := rec.Body.String(); !strings.Contains(b, `/ws/counter/a%22b%3Cc%3E`) || strings.Contains(b, `a"b<c>`) {
		t.Errorf("counter id not escaped:\n%s", b)
	}
}
