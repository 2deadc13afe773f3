package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
)

// TestBrowserReports opens the director's report page in headless Chromium
// after a morning of service: the narrative, the Biểu II.06a table and the
// three charts are on the page, the period presets switch it, and it
// prints to A4 without the form.
func TestBrowserReports(t *testing.T) {
	exe := chromium(t)
	clk := clock.NewFake(monitorStart())
	d := bootWith(t, Options{Clock: clk})
	shots := newShots(t, "reports")
	d.user("cb1", "official", "quay-1")
	s := d.signIn("cb1", "")
	k := d.token("kiosk", "kiosk-1")
	for i := 0; i < 4; i++ {
		d.issueID(t, k, "dang-ky-doanh-nghiep", "")
	}
	for _, level := range []int{1, 1, 2, 3} {
		clk.Advance(7 * time.Minute)
		s.act(t, "quay-1", "call-next", nil, 200)
		s.act(t, "quay-1", "start", nil, 200)
		clk.Advance(4 * time.Minute)
		s.act(t, "quay-1", "finish", nil, 200)
		s.act(t, "quay-1", "rating", map[string]int{"level": level}, 200)
	}
	const user, pw = "giamdoc", "mat-khau-giam-doc-2026"
	if _, err := auth.CreateUser(context.Background(), d.app.DB, auth.User{Username: user, Name: "Giám đốc Trung tâm", Role: auth.RoleSupervisor}, pw, clk.Now()); err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t, exe, "giám đốc")
	b.do(t, "a 1366×768 screen", chromedp.EmulateViewport(1366, 768))
	signIn(t, b.tab, d.base, "/admin/reports", user, pw)
	b.do(t, "the charts", chromedp.WaitVisible(chromedp.CSS("figure svg")))
	text := b.text(t, ".narr")
	for _, want := range []string{"4 lượt đánh giá", "2 lượt rất hài lòng, chiếm tỷ lệ 50,0%", "Đã cấp 4 số thứ tự, phục vụ 4 lượt"} {
		if !strings.Contains(text, want) {
			t.Errorf("narrative lacks %q: %s", want, text)
		}
	}
	if n := get(t, b.tab, "charts", chromedp.Evaluate[int](`document.querySelectorAll("figure svg[role=img] title").length`)); n != 3 {
		t.Errorf("%d charts with a title, want 3", n)
	}
	if got := b.text(t, "table"); !strings.Contains(got, "Trực tiếp, bưu chính") || !strings.Contains(got, "Tổng cộng") {
		t.Errorf("Biểu II.06a table: %.300s", got)
	}
	shots.take(t, b.tab, "month")
	// another period from the presets: today (the same morning)
	b.do(t, "preset today",
		chromedp.SetValue(chromedp.CSS(`select[name=preset]`), "today"),
		loaded(chromedp.Click(chromedp.CSS(`form.period button`))))
	if loc := get(t, b.tab, "location", chromedp.Location()); !strings.Contains(loc, "preset=today") {
		t.Errorf("after choosing today: %s", loc)
	}
	if h := b.text(t, "h2"); !strings.Contains(h, clk.Now().In(clock.Local).Format("02/01/2006")) {
		t.Errorf("today's heading: %q", h)
	}
	// printed: the period form and the links are not on paper
	if hidden := get(t, b.tab, "print media", chromedp.Evaluate[bool](`(() => { for (const s of document.styleSheets) for (const r of s.cssRules) if (r.media && r.media.mediaText === "print") return r.cssText.includes(".noprint"); return false })()`)); !hidden {
		t.Error("the print style does not hide the form")
	}
	b.tab.checkConsole(t)
}
