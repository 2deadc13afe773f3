package server

import (
	"embed"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"

	"github.com/motcua/motcua/display/webasset"
	"github.com/motcua/motcua/server/auth"
)

// The staff pages: sign-in, the counter console, the supervisor's monitor
// and the admin page. Their scripts and styles are under web/staff, served
// with content-hashed URLs.

//go:embed web/staff
var staffFS embed.FS

const staffAssetsPrefix = "/staff/assets/"

var staffAssets = webasset.New(staffFS, "web/staff", staffAssetsPrefix)

type staffCounter struct {
	ID     string
	Number int
	Name   string
}

func (a *App) staffPage(w http.ResponseWriter, name, js string, data map[string]any) {
	data["Center"] = a.Cfg.Center.Name
	data["CSS"] = staffAssets.URL("staff.css")
	data["Common"] = staffAssets.URL("common.js")
	data["JS"] = staffAssets.URL(js)
	if name == "monitor.html" || name == "admin.html" {
		data["MonitorCSS"] = staffAssets.URL("monitor.css")
	}
	render(w, name, data)
}

// staffPrincipal is the signed-in staff member of a page request; without
// one (or with a device or another role) the browser goes to the sign-in
// page and comes back here after.
func (a *App) staffPrincipal(w http.ResponseWriter, r *http.Request, roles ...string) *auth.Principal {
	p, err := a.principal(r)
	next := "/login?next=" + url.QueryEscape(r.URL.RequestURI())
	switch {
	case err == nil && p.Kind == "user" && p.Is(roles...):
		return p
	case err == nil && p.Kind == "user":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Không có quyền</title>
<p style="font:20px sans-serif;margin:2em">Tài khoản %s không có quyền mở trang này. <a href="%s">Đăng nhập bằng tài khoản khác</a> · <a href="/counter">Màn hình quầy</a></p>`,
			html.EscapeString(p.Name), html.EscapeString(next))
		return nil
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// safeNext keeps a sign-in's return path on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return "/counter"
	}
	return next
}

func (a *App) counterList() []staffCounter {
	out := make([]staffCounter, 0, len(a.Cfg.Counters))
	for _, c := range a.Cfg.Counters {
		out = append(out, staffCounter{c.ID, c.Number, c.Name})
	}
	return out
}

func (a *App) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	a.staffPage(w, "login.html", "common.js", map[string]any{
		"Next": safeNext(r.URL.Query().Get("next")), "Counter": a.counterPC(r), "Counters": a.counterList(),
	})
}

// handleConsolePage is the counter console. An official works at the
// counter of their sign-in; a supervisor or admin picks one (?c=).
func (a *App) handleConsolePage(w http.ResponseWriter, r *http.Request) {
	p := a.staffPrincipal(w, r, officialUp...)
	if p == nil {
		return
	}
	counter := p.Place
	if c := r.URL.Query().Get("c"); c != "" && (p.Role != auth.RoleOfficial || counter == "") {
		counter = c
	}
	if counter != "" && a.place(p, placeCounter, counter) != nil {
		counter = ""
	}
	a.staffPage(w, "console.html", "console.js", map[string]any{"Counter": counter, "Me": p.Name, "Counters": a.counterList()})
}

func (a *App) handleMonitorPage(w http.ResponseWriter, r *http.Request) {
	p := a.staffPrincipal(w, r, supervisor...)
	if p == nil {
		return
	}
	a.staffPage(w, "monitor.html", "monitor.js", map[string]any{"Me": p.Name})
}

func (a *App) handleAdminPage(w http.ResponseWriter, r *http.Request) {
	p := a.staffPrincipal(w, r, adminOnly...)
	if p == nil {
		return
	}
	a.staffPage(w, "admin.html", "admin.js", map[string]any{"Me": p.Name, "Counters": a.counterList(), "Departments": a.Cfg.Departments})
}
