package display

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/motcua/motcua/server/webasset"
)

// AssetsPrefix is where Assets expects to be mounted.
const AssetsPrefix = "/display/assets/"

//go:embed web
var webFS embed.FS

var assets = webasset.New(webFS, "web/assets", AssetsPrefix)

var pageTmpl = template.Must(template.New("display.html").
	Funcs(template.FuncMap{"asset": assets.URL}).
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
		webasset.Problem(w, http.StatusInternalServerError, "internal", "Lỗi máy chủ")
		return
	}
	webasset.WriteHTML(w, buf.Bytes(), pagePolicy(r.Host))
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
func Assets() http.Handler { return assets.Handler() }
