package display

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/motcua/motcua/display/webasset"
)

// AssetsPrefix is where Assets expects to be mounted.
const AssetsPrefix = "/display/assets/"

//go:embed web
var webFS embed.FS

var assets = webasset.New(webFS, "web/assets", AssetsPrefix)

var (
	pageTmpl = template.Must(template.New("display.html").
			Funcs(template.FuncMap{"asset": assets.URL}).
			ParseFS(webFS, "web/display.html"))
	counterTmpl = template.Must(template.New("counter.html").
			Funcs(template.FuncMap{"asset": assets.URL}).
			ParseFS(webFS, "web/counter.html"))
)

// DefaultRepeat is how many times a lobby screen reads each announcement.
const DefaultRepeat = 2

type pageData struct {
	Screen     string
	Title      string
	WSPath     string
	ServerTime int64 // Unix ms: the page corrects a screen's wrong clock with it
	Repeat     int   // readings of each announcement
}

type counterData struct {
	Counter string
	Title   string
	Number  int
	WSPath  string
}

// PageOptions tunes a lobby page.
type PageOptions struct {
	// Repeat is how many times each announcement is read after its chime;
	// 0 means DefaultRepeat. At most 5.
	Repeat int
}

// Page writes the lobby page of screen; title heads it (the center's or the
// screen's name). The caller has checked that screen exists and may be seen
// by this client. The page connects to /ws/display/{screen} on the same
// origin.
func Page(w http.ResponseWriter, r *http.Request, screen, title string) {
	PageWithOptions(w, r, screen, title, PageOptions{})
}

// PageWithOptions is Page with the announcements read opt.Repeat times.
func PageWithOptions(w http.ResponseWriter, r *http.Request, screen, title string, opt PageOptions) {
	if opt.Repeat <= 0 {
		opt.Repeat = DefaultRepeat
	}
	opt.Repeat = min(opt.Repeat, 5)
	if title == "" {
		title = "Trung tâm Hành chính công"
	}
	var buf bytes.Buffer
	err := pageTmpl.Execute(&buf, pageData{
		Screen:     screen,
		Title:      title,
		WSPath:     "/ws/display/" + url.PathEscape(screen),
		ServerTime: time.Now().UnixMilli(),
		Repeat:     opt.Repeat,
	})
	if err != nil {
		webasset.Problem(w, http.StatusInternalServerError, "internal", "Lỗi máy chủ")
		return
	}
	webasset.WriteHTML(w, buf.Bytes(), pagePolicy(r.Host))
}

// CounterPage writes the screen above counter (its id): "QUẦY {number}",
// the number served there, huge, and its service; title (the counter's
// name) runs along the bottom. The caller has checked that the counter
// exists and may be seen by this client. The page connects to
// /ws/counter/{counter} on the same origin and reads the lobby's messages
// from it, keeping the calls of this counter; it chimes on a new call.
func CounterPage(w http.ResponseWriter, r *http.Request, counter, title string, number int) {
	var buf bytes.Buffer
	err := counterTmpl.Execute(&buf, counterData{
		Counter: counter,
		Title:   title,
		Number:  number,
		WSPath:  "/ws/counter/" + url.PathEscape(counter),
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
// them in 'self'. The server's voice (/api/v1/announce.wav) is fetched and
// played through Web Audio, so it needs no media-src of its own.
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
