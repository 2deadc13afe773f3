package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
)

// dmRow is one row of the monitor's "Hồ sơ" panel as the page shows it.
type dmRow struct {
	Code   string `json:"code"`
	Group  string `json:"group"`
	Proc   string `json:"proc"`
	Dep    string `json:"dep"`
	Due    string `json:"due"`
	Holder string `json:"holder"`
	Since  string `json:"since"`
	State  string `json:"state"`
	Flag   string `json:"flag"`
}

const dmRowsJS = `Array.from(document.querySelectorAll("#dossiers tr.ds"), tr => {
	const q = s => (tr.querySelector(s) || {}).textContent || "";
	return {code: tr.dataset.dossier, group: tr.dataset.group, proc: q(".ds-proc"), dep: q(".ds-dep"), due: q(".ds-due"),
		holder: q(".ds-who"), since: q(".ds-since"), state: q(".ds-st"), flag: q(".ds-flag")};
})`

// TestBrowserDossierMonitor: two dossiers of "1.001612" (3 working days)
// are received over the API, on Monday and on Wednesday; on Friday the
// first is a working day late and, held at the center since Monday,
// possibly lost; the second is due on Monday, near. A supervisor's
// monitor lists them in its "Hồ sơ" panel (red, amber, near), filters by
// department, and shows the overdue dossier's alert in the alerts band.
// The second dossier is then returned: it leaves the panel, and its
// tracker page, opened from the receipt's link, offers the rating form;
// the citizen rates it 1 and is thanked, and the API shows the rating.
func TestBrowserDossierMonitor(t *testing.T) {
	exe := chromium(t)
	// Monday 2 March 2026, 10:00 in Hà Nội; the session cookies carry a
	// Max-Age, so the fake date means nothing to the browser
	day := func(d int) time.Time { return time.Date(2026, 3, d, 10, 0, 0, 0, clock.Local) }
	clk := clock.NewFake(day(2))
	d := bootWith(t, Options{Clock: clk})
	shots := newShots(t, "dossier-monitor")
	const (
		supUser, supPW = "giamsat-hoso", "mật-khẩu-giám-sát-hồ-sơ"
		official       = "cb-hoso"
		counter        = "quay-1"
		procedure      = "1.001612"
	)
	d.user(official, auth.RoleOfficial, counter)
	if _, err := auth.CreateUser(context.Background(), d.app.DB, auth.User{Username: supUser, Name: "Lê Thị Giám Sát", Role: auth.RoleSupervisor}, supPW, clk.Now()); err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"procedure": procedure, "return_channel": "counter",
		"applicant": map[string]string{"name": "Nguyễn Văn An", "phone": "0912345678", "address": "12 Lê Lợi, Phủ Lý, Hà Nam"},
		"documents": []map[string]any{{"name": "Giấy đề nghị đăng ký doanh nghiệp", "form": "original", "count": 1},
			{"name": "Điều lệ công ty", "form": "original", "count": 1}, {"name": "Căn cước công dân của người đại diện", "form": "copy", "count": 1}}}
	receive := func(s *staff) receiveReply {
		t.Helper()
		r := s.do("POST", "/api/v1/dossiers", body)
		if r.status != http.StatusCreated {
			t.Fatalf("receive: %d %s", r.status, r.body)
		}
		var rec receiveReply
		r.json(t, &rec)
		return rec
	}
	type apiDossier struct {
		Code         string `json:"code"`
		State        string `json:"state"`
		Department   string `json:"department"`
		DueDate      string `json:"due_date"`
		PossiblyLost bool   `json:"possibly_lost"`
	}
	dossierOf := func(s *staff, code string) apiDossier {
		t.Helper()
		r := s.do("GET", "/api/v1/dossiers/"+code, nil)
		if r.status != 200 {
			t.Fatalf("GET dossier %s: %d %s", code, r.status, r.body)
		}
		var out struct{ Dossier apiDossier }
		r.json(t, &out)
		return out.Dossier
	}

	// Monday: A; Wednesday: B; each due 3 working days later
	s := d.signIn(official, counter)
	a := receive(s)
	clk.Set(day(4))
	s = d.signIn(official, counter) // sessions last 12 h of the fake clock
	b := receive(s)
	if a.DueDate != "2026-03-05" || b.DueDate != "2026-03-09" {
		t.Fatalf("due dates %s and %s, want 2026-03-05 (Thu) and 2026-03-09 (Mon, past the weekend)", a.DueDate, b.DueDate)
	}
	// Friday, 4 working days after A came in: A is one working day late
	clk.Set(day(6))
	s = d.signIn(official, counter)
	da, db := dossierOf(s, a.Code), dossierOf(s, b.Code)
	p, ok := d.app.procedure(procedure)
	if !ok {
		t.Fatalf("no procedure %s", procedure)
	}
	dep, _ := d.app.Cfg.Department(da.Department)
	t.Logf("A %s: %+v; B %s: %+v; procedure %q of %q", a.Code, da, b.Code, db, p.Name, dep.Name)

	br := startBrowser(t, exe, "giám sát hồ sơ")
	br.do(t, "a 1920×1080 screen", chromedp.EmulateViewport(1920, 1080))
	signIn(t, br.tab, d.base, "/monitor", supUser, supPW)
	get(t, br.tab, "the panel lists both", chromedp.Poll[bool](fmt.Sprintf(
		`!!window.motcuaMonitor && !!window.motcuaMonitor.state && !document.getElementById("ds-box").hidden &&
		 !!document.querySelector('#dossiers tr.ds[data-dossier=%q][data-group="overdue"]') &&
		 !!document.querySelector('#dossiers tr.ds[data-dossier=%q][data-group="near"]')`, a.Code, b.Code)))
	rows := get(t, br.tab, "read the panel", chromedp.Evaluate[[]dmRow](dmRowsJS))
	find := func(code, group string) (dmRow, bool) {
		for _, r := range rows {
			if r.Code == code && r.Group == group {
				return r, true
			}
		}
		return dmRow{}, false
	}
	if r, _ := find(a.Code, "overdue"); r.Flag != "Quá hạn 1 ngày" || r.Due != "05/03/2026" || r.Proc != p.Name || r.Dep != dep.Name || r.State == "" || r.Holder == "" {
		t.Errorf("overdue row of %s: %+v, want due 05/03/2026, 1 day late, %q of %q", a.Code, r, p.Name, dep.Name)
	}
	if r, _ := find(b.Code, "near"); r.Flag != "Sắp đến hạn" || r.Due != "09/03/2026" || r.Proc != p.Name || r.Dep != dep.Name {
		t.Errorf("near row of %s: %+v, want due 09/03/2026", b.Code, r)
	}
	if _, ok := find(b.Code, "overdue"); ok {
		t.Errorf("%s is listed overdue", b.Code)
	}
	// held at the center since Monday, more than 3 working days: lost,
	// exactly when the API says so
	if r, ok := find(a.Code, "lost"); ok != da.PossiblyLost {
		t.Errorf("%s in the lost group: %v; the API's possibly_lost: %v", a.Code, ok, da.PossiblyLost)
	} else if ok && (r.Flag != "Có thể thất lạc" || r.Holder == "" || !strings.HasPrefix(r.Since, "từ ") || !strings.HasSuffix(r.Since, "02/03/2026")) {
		t.Errorf("lost row of %s: %+v, want the holder and since 02/03/2026", a.Code, r)
	}
	if _, ok := find(b.Code, "lost"); ok != db.PossiblyLost {
		t.Errorf("%s in the lost group: %v; the API's possibly_lost: %v", b.Code, ok, db.PossiblyLost)
	}
	lost := 0
	if da.PossiblyLost {
		lost++
	}
	for id, want := range map[string]string{"ds-n-overdue": "Quá hạn 1", "ds-n-near": "Sắp đến hạn 1", "ds-n-lost": fmt.Sprintf("Có thể thất lạc %d", lost)} {
		if got := br.text(t, "#"+id); got != want {
			t.Errorf("panel count %s: %q, want %q", id, got, want)
		}
	}
	heads := get(t, br.tab, "the group headings", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#dossiers tr.ds-group th"), e => e.textContent)`))
	want := []string{"Quá hạn (1)", "Sắp đến hạn (1) — trong 2 ngày làm việc tới"}
	if lost > 0 {
		want = []string{"Quá hạn (1)", "Có thể thất lạc (1)", "Sắp đến hạn (1) — trong 2 ngày làm việc tới"}
	}
	if !slices.Equal(heads, want) {
		t.Errorf("group headings %q, want %q", heads, want)
	}
	// overdue in red
	if bg := get(t, br.tab, "the late flag's colour", chromedp.Evaluate[string](fmt.Sprintf(
		`getComputedStyle(document.querySelector('#dossiers tr[data-dossier=%q][data-group="overdue"] .ds-late')).backgroundColor`, a.Code))); bg != "rgb(165, 14, 14)" {
		t.Errorf("late flag background %q, want the red rgb(165, 14, 14)", bg)
	}

	// the alert of kind dossier, in the band, labelled "Hồ sơ"
	get(t, br.tab, "the dossier alert", chromedp.Poll[bool](`!!document.querySelector('#alerts li[data-kind="dossier"]')`))
	kinds := get(t, br.tab, "the dossier alerts", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('#alerts li[data-kind="dossier"]'), li => li.querySelector(".alert-kind").textContent + " | " + li.querySelector(".alert-title").textContent)`))
	t.Logf("dossier alerts: %q", kinds)
	var aAlert string
	for _, k := range kinds {
		if !strings.HasPrefix(k, "Hồ sơ | ") {
			t.Errorf("dossier alert labelled %q, want the kind Hồ sơ", k)
		}
		if strings.Contains(k, a.Code) && strings.Contains(k, "quá hạn") {
			aAlert = k
		}
	}
	if aAlert == "" {
		t.Errorf("no overdue alert names %s: %q", a.Code, kinds)
	}
	for _, k := range kinds {
		if strings.Contains(k, b.Code) {
			t.Errorf("an alert for the near dossier %s: %q", b.Code, k)
		}
	}
	shots.take(t, br.tab, "panel")

	// the department filter: the department's own, then one with none
	opts := get(t, br.tab, "the filter's options", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#ds-dept option"), o => o.value + "=" + o.textContent)`))
	// two dossiers, however many groups list them
	if len(opts) != 2 || opts[0] != "=Mọi cơ quan (2)" || opts[1] != fmt.Sprintf("%s=%s (2)", da.Department, dep.Name) {
		t.Errorf("filter options %q", opts)
	}
	br.do(t, "filter by "+da.Department, chromedp.SetValue(chromedp.CSS("#ds-dept"), da.Department),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("ds-dept").dispatchEvent(new Event("change"))`))
	if n := get(t, br.tab, "rows of the department", chromedp.Evaluate[int](`document.querySelectorAll("#dossiers tr.ds").length`)); n != 2+lost {
		t.Errorf("rows when filtered by %s: %d, want %d", da.Department, n, 2+lost)
	}
	br.do(t, "a department with none", chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.getElementById("ds-dept"), o = document.createElement("option");
		o.value = "khong-co"; o.textContent = "Không có"; s.appendChild(o); s.value = "khong-co";
		s.dispatchEvent(new Event("change"));
	})()`))
	get(t, br.tab, "nothing listed", chromedp.Poll[bool](`document.querySelectorAll("#dossiers tr.ds").length === 0 && !document.getElementById("ds-none").hidden`))
	if got := br.text(t, "#ds-n-overdue"); got != "Quá hạn 0" {
		t.Errorf("overdue count when filtered to an empty department: %q", got)
	}
	br.do(t, "all departments again", chromedp.SetValue(chromedp.CSS("#ds-dept"), ""),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("ds-dept").dispatchEvent(new Event("change"))`))
	get(t, br.tab, "all rows back", chromedp.Poll[bool](fmt.Sprintf(`document.querySelectorAll("#dossiers tr.ds").length === %d`, 2+lost)))

	// B's result is ready and handed back: it leaves the panel
	for _, ev := range []map[string]string{{"type": "result_ready"}, {"type": "returned", "how": "counter"}} {
		if r := s.do("POST", "/api/v1/dossiers/"+b.Code+"/events", ev); r.status != 200 {
			t.Fatalf("%s of %s: %d %s", ev["type"], b.Code, r.status, r.body)
		}
	}
	get(t, br.tab, "B leaves the panel", chromedp.Poll[bool](fmt.Sprintf(
		`!document.querySelector('#dossiers tr.ds[data-dossier=%q]') && !!document.querySelector('#dossiers tr.ds[data-dossier=%q]')`, b.Code, a.Code)))
	br.checkConsole(t)

	// the citizen opens the receipt's link on a phone and rates
	u, err := url.Parse(b.TrackURL)
	if err != nil || !strings.HasPrefix(u.Path, "/hs/") || u.Query().Get("k") == "" {
		t.Fatalf("track_url %q", b.TrackURL)
	}
	ph := startBrowser(t, exe, "công dân")
	ph.do(t, "a phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	ph.do(t, "open the tracker", chromedp.Navigate(d.base+u.RequestURI()), chromedp.WaitVisible(chromedp.CSS("#code")))
	if got := ph.text(t, "#code"); got != b.Code {
		t.Errorf("tracker code %q, want %s", got, b.Code)
	}
	get(t, ph.tab, "the rating form", chromedp.Poll[bool](`!!document.querySelector("form#rate")`))
	if got := ph.text(t, "#rate legend"); got != "Ông/bà đánh giá việc giải quyết hồ sơ này" {
		t.Errorf("rating form legend %q", got)
	}
	action := ph.attr(t, "form#rate", "action")
	if want := "/hs/" + b.Code + "/danh-gia?k=" + u.Query().Get("k"); action != want {
		t.Errorf("rating form action %q, want %q", action, want)
	}
	levels := get(t, ph.tab, "the levels", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('#rate input[name="level"]'), i => i.value + "=" + i.closest("label").textContent.trim())`))
	t.Logf("levels: %q", levels)
	if len(levels) < 2 || !strings.HasPrefix(levels[0], "1=") {
		t.Fatalf("rating levels %q, want 1..N with labels", levels)
	}
	label1 := strings.TrimPrefix(levels[0], "1=")
	if w := get(t, ph.tab, "the page's width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= innerWidth`)); !w {
		t.Errorf("the tracker with the rating form is wider than the phone")
	}
	ph.do(t, "scroll to the form", chromedp.ScrollIntoView(chromedp.CSS("#rate")))
	shots.take(t, ph.tab, "rating-form")
	ph.do(t, "choose level 1", chromedp.Click(chromedp.CSS(`#rate input[name="level"][value="1"]`)))
	ph.do(t, "send", loaded(chromedp.Click(chromedp.CSS("#rate button[type=submit]"))))
	if loc := get(t, ph.tab, "address", chromedp.Location()); !strings.HasPrefix(loc, d.base+"/hs/"+b.Code+"?") {
		t.Errorf("after rating: at %s, want back on the tracker", loc)
	}
	if got := ph.text(t, "#rated"); got != "Cảm ơn ông/bà đã đánh giá: "+label1 {
		t.Errorf("after rating: %q, want the thanks naming %q", got, label1)
	}
	if n := get(t, ph.tab, "the form is gone", chromedp.Evaluate[int](`document.querySelectorAll("form#rate").length`)); n != 0 {
		t.Errorf("the rating form is still offered after rating")
	}
	ph.do(t, "scroll to the thanks", chromedp.ScrollIntoView(chromedp.CSS("#rated")))
	shots.take(t, ph.tab, "rated")
	var raw struct{ Dossier map[string]json.RawMessage }
	s.do("GET", "/api/v1/dossiers/"+b.Code, nil).json(t, &raw)
	if got := string(raw.Dossier["citizen_rating"]); got != "1" {
		t.Errorf("GET /api/v1/dossiers/%s: citizen_rating %s, want 1", b.Code, got)
	}
	// the page asks for nothing but itself and its stylesheet
	tpCheckConsole(t, ph.tab)
}
