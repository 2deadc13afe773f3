package display

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// AssetsPrefix is where Assets expects to be mounted.
const AssetsPrefix = "/display/assets/"

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
// new build's files are never taken from a screen's cache.
func assetURL(name string) string {
	a, ok := assets[name]
	if !ok {
		panic("display: no asset " + name)
	}
	return AssetsPrefix + name + "?v=" + a.hash
}

var pageTmpl = template.Must(template.New("display.html").
	Funcs(template.FuncMap{"asset": assetURL}).
	ParseFS(webFS, "web/display.html"))

type pageData struct {
	Screen     string
	Title      string
	WSPath     string
	ServerTime int64 // Unix ms: the page corrects a screen's wrong clock with it
}

// Page writes the lobby page of screen; title heads it (the center's or the
// screen's name). The caller has checked that screen exists and may be seen
// by this client. The page connects to /ws/display/{screen} on the same
// origin.
func Page(w http.ResponseWriter, r *http.Request, screen, title string) {
	if title == "" {
		title = "Trung tâm Hành chính công"
	}
	var buf bytes.Buffer
	err := pageTmpl.Execute(&buf, pageData{
		Screen:     screen,
		Title:      title,
		WSPath:     "/ws/display/" + url.PathEscape(screen),
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
		h.Set("Content-Security-Policy", pagePolicy(r.Host))
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}

var hostPattern = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]+)?$|^\[[0-9A-Fa-f:.]+\](:[0-9]+)?$`)

// pagePolicy allows only the page's own files and its websocket. The ws:
// and wss: sources are spelled out because older TV browsers do not count
// them in 'self'.
func pagePolicy(host string) string {
	connect := "'self'"
	if hostPattern.MatchString(host) {
		connect += " ws://" + host + " wss://" + host
	}
	return "default-src 'self'; connect-src " + connect +
		"; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
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
