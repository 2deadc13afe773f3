// Package kiosk serves the touch kiosk page where citizens take a queue
// ticket: pick a service, confirm, and read (and receive printed) the
// number. The page talks to the daemon only through the public API
// (GET /api/v1/services, POST /api/v1/tickets).
package kiosk

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// AssetsPrefix is where Assets expects to be mounted.
const AssetsPrefix = "/kiosk/assets/"

//go:embed web
var webFS embed.FS

// asset is one embedded static file with the hash that versions its URL.
type asset struct {
	body  []byte
	hash  string // first 12 hex digits of its SHA-256
	ctype string
}

var assets = loadAssets()

func loadAssets() map[string]asset {
	m := make(map[string]asset)
	sub, err := fs.Sub(webFS, "web/assets")
	if err != nil {
		panic(err)
	}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		m[p] = asset{body: b, hash: hex.EncodeToString(sum[:6]), ctype: ctype}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return m
}

// assetURL returns the URL of an embedded asset with its content hash, so a
// kiosk never runs a stale script after an upgrade.
func assetURL(name string) string {
	a, ok := assets[name]
	if !ok {
		panic("kiosk: no asset " + name)
	}
	return AssetsPrefix + name + "?v=" + a.hash
}

var pageTmpl = template.Must(template.New("kiosk.html").
	Funcs(template.FuncMap{"asset": assetURL}).
	ParseFS(webFS, "web/kiosk.html"))

type pageData struct {
	Kiosk      string
	CenterName string
	ServerTime int64 // Unix ms: the page corrects a kiosk's wrong clock with it
}

// Page writes the touch page of kiosk; centerName heads it. The caller has
// checked that kiosk exists and that this client may use it; the page's
// API calls carry the same cookie (and the CSRF token from motcua_csrf).
func Page(w http.ResponseWriter, r *http.Request, kiosk, centerName string) {
	if centerName == "" {
		centerName = "Trung tâm Hành chính công"
	}
	var buf bytes.Buffer
	err := pageTmpl.Execute(&buf, pageData{
		Kiosk:      kiosk,
		CenterName: centerName,
		ServerTime: time.Now().UnixMilli(),
	})
	if err != nil {
		writeProblem(w, http.StatusInternalServerError, "internal", "Lỗi máy chủ")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	if h.Get("Content-Security-Policy") == "" {
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "+
			"base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}

// Assets serves the page's embedded static files; mount it at AssetsPrefix
// (it also works behind http.StripPrefix). A URL that carries the file's
// current hash is cached for a year, any other is revalidated.
func Assets() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeProblem(w, http.StatusMethodNotAllowed, "method-not-allowed", "Phương thức không được hỗ trợ")
			return
		}
		name := strings.TrimPrefix(r.URL.Path, AssetsPrefix)
		a, ok := assets[name]
		if !ok {
			writeProblem(w, http.StatusNotFound, "not-found", "Không tìm thấy tệp")
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.ctype)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("ETag", `"`+a.hash+`"`)
		if r.URL.Query().Get("v") == a.hash {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
	})
}

// writeProblem answers with an RFC 9457 problem, as the rest of the API does.
func writeProblem(w http.ResponseWriter, status int, typ, title string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
	}{"urn:motcua:problem:" + typ, title, status})
}
