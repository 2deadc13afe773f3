// Package kiosk serves the touch kiosk page where citizens take a queue
// ticket: pick a service, confirm, and read (and receive printed) the
// number. The page talks to the daemon only through the public API
// (GET /api/v1/services, POST /api/v1/tickets).
package kiosk

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"time"

	"github.com/motcua/motcua/display/webasset"
)

// AssetsPrefix is where Assets expects to be mounted.
const AssetsPrefix = "/kiosk/assets/"

//go:embed web
var webFS embed.FS

var assets = webasset.New(webFS, "web/assets", AssetsPrefix)

var pageTmpl = template.Must(template.New("kiosk.html").
	Funcs(template.FuncMap{"asset": assets.URL}).
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
		webasset.Problem(w, http.StatusInternalServerError, "internal", "Lỗi máy chủ")
		return
	}
	webasset.WriteHTML(w, buf.Bytes(), "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
}

// Assets serves the page's embedded static files; mount it at AssetsPrefix
// (it also works behind http.StripPrefix). A URL that carries the file's
// current hash is cached for a year, any other is revalidated.
func Assets() http.Handler { return assets.Handler() }
