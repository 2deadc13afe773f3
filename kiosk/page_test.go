package kiosk

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPage(t *testing.T) {
	tests := []struct {
		name, kiosk, center string
		want, notWant       []string
	}{
		{
			name: "plain", kiosk: "k1", center: "Trung tâm Phục vụ hành chính công tỉnh Hà Nam",
			want: []string{`data-kiosk="k1"`, "Ki-ốt</span> k1", "Ưu tiên: người cao tuổi", `id="search"`, `id="corner"`, "Trung tâm Phục vụ hành chính công tỉnh Hà Nam",
				"Lấy số cho:", "Quay lại", "Đang in vé…", `lang="vi"`},
		},
		{
			name: "escaped", kiosk: `k"1<b>`, center: `Sở <Tư pháp> & "Nội vụ"`,
			want:    []string{"Sở &lt;Tư pháp&gt; &amp; &#34;Nội vụ&#34;", `data-kiosk="k&#34;1&lt;b&gt;"`},
			notWant: []string{"<Tư pháp>", `"Nội vụ"`, `k"1<b>`},
		},
		{
			name: "default center", kiosk: "k2",
			want: []string{"Trung tâm Hành chính công"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Page(rec, httptest.NewRequest(http.MethodGet, "/kiosk/x", nil), tt.kiosk, tt.center)
			if rec.Code != http.StatusOK {
				t.Fatalf("status: got %d, want 200", rec.Code)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
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
			for _, a := range []string{"kiosk.js", "kiosk.css"} {
				if !strings.Contains(body, assets.URL(a)) {
					t.Errorf("page does not link %s", assets.URL(a))
				}
			}
		})
	}
}

func TestAssets(t *testing.T) {
	tests := []struct {
		path, method string
		status       int
		ctype        string
		cache        string
		body         string
	}{
		{"/kiosk/assets/kiosk.js", http.MethodGet, 200, "text/javascript; charset=utf-8", "no-cache", "/api/v1/tickets"},
		{assets.URL("kiosk.js"), http.MethodGet, 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "motcua_csrf"},
		{"/kiosk/assets/kiosk.css", http.MethodGet, 200, "text/css; charset=utf-8", "no-cache", "user-select"},
		{"/kiosk/assets/missing.js", http.MethodGet, 404, "application/problem+json", "", ""},
		{"/kiosk/assets/kiosk.js", http.MethodDelete, 405, "application/problem+json", "", ""},
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
			if cc := rec.Header().Get("Cache-Control"); cc != tt.cache {
				t.Errorf("Cache-Control: got %q, want %q", cc, tt.cache)
			}
			if !strings.Contains(rec.Body.String(), tt.body) {
				t.Errorf("body lacks %q", tt.body)
			}
		})
	}
}

func TestAssetsBehindStripPrefix(t *testing.T) {
	rec := httptest.NewRecorder()
	h := http.StripPrefix("/kiosk/assets/", Assets())
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/kiosk/assets/kiosk.js", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("status: got %d, want 200", rec.Code)
	}
}
