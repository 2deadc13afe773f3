package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/printer"
	"github.com/motcua/motcua/server/auth"
)

// visibleServicesJS lists the service buttons the menu shows now.
const visibleServicesJS = `Array.from(document.querySelectorAll("#services button.service")).filter(b => b.offsetParent !== null).map(b => b.getAttribute("data-id"))`

// TestBrowserKiosk drives the kiosk page as a citizen would, by touch, in
// portrait (1080×1920) and landscape (1920×1080): a search without
// diacritics on the on-screen keyboard, a ticket with its number and QR on
// screen and its job in the virtual printer's spool, a priority ticket,
// the English switch, and the discreet paper-near-end notice.
func TestBrowserKiosk(t *testing.T) {
	exe := chromium(t)
	start := time.Now()
	d := boot(t, "")
	shots := newShots(t, "")
	if shots.artifacts != "" {
		if err := os.MkdirAll(shots.artifacts, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("kiosk screenshots in %s (and %q)", shots.dir, shots.artifacts)
	const svcID = "dang-ky-doanh-nghiep"
	svc, ok := d.app.Cfg.Service(svcID)
	if !ok {
		t.Fatalf("demo has no service %s", svcID)
	}
	spool := filepath.Join(d.data, "spool", "kiosk-1")
	jobs := func() []string {
		j, _ := filepath.Glob(filepath.Join(spool, "*.bin"))
		return j
	}

	k := startBrowser(t, exe, "kiosk-1")
	portrait := chromedp.EmulateViewport(1080, 1920, chromedp.EmulateTouch)
	landscape := chromedp.EmulateViewport(1920, 1080, chromedp.EmulateTouch)
	button := func(id string) string { return `#services button.service[data-id="` + id + `"]` }

	k.do(t, "open the start page", portrait, chromedp.Navigate(d.base+"/"))
	k.do(t, "pair as kiosk-1", loaded(chromedp.Click(pairButton(auth.RoleKiosk, "kiosk-1"))))
	k.do(t, "wait for the menu", chromedp.WaitVisible(chromedp.CSS(button(svcID))))

	// The page is locked down: no link leaves it, nothing is selectable,
	// the context menu never opens.
	lock := get(t, k.tab, "read the lockdown", chromedp.Evaluate[[]any](`[
		document.querySelectorAll("a[href]").length,
		getComputedStyle(document.body).userSelect,
		!document.body.dispatchEvent(new MouseEvent("contextmenu", {bubbles: true, cancelable: true}))
	]`))
	if fmt.Sprint(lock) != "[0 none true]" {
		t.Errorf("lockdown [links, user-select, context menu prevented]: got %v, want [0 none true]", lock)
	}
	// every touch target is at least 64 px both ways
	small := get(t, k.tab, "measure the buttons", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("button")).filter(b => b.offsetParent !== null).filter(b => { const r = b.getBoundingClientRect(); return r.width < 64 || r.height < 64 }).map(b => b.id || b.textContent)`))
	if len(small) > 0 {
		t.Errorf("buttons smaller than 64 px: %q", small)
	}
	shots.take(t, k.tab, "kiosk-home-portrait")

	// Search by touch on the on-screen keyboard, without diacritics.
	k.do(t, "open the keyboard", chromedp.Tap(chromedp.CSS("#search")), chromedp.WaitVisible(chromedp.CSS("#keyboard")))
	for _, c := range "dang ky doanh nghiep" {
		k.do(t, "type "+string(c), chromedp.Tap(chromedp.CSS(fmt.Sprintf(`#keyboard button[data-key=%q]`, string(c)))))
	}
	if got := get(t, k.tab, "read the search box", chromedp.Evaluate[string](`document.getElementById("search").value`)); got != "dang ky doanh nghiep" {
		t.Errorf("search box: got %q", got)
	}
	if got := get(t, k.tab, "read the matches", chromedp.Evaluate[[]string](visibleServicesJS)); !slices.Equal(got, []string{svcID}) {
		t.Errorf("search \"dang ky doanh nghiep\": got %q, want [%s]", got, svcID)
	}
	if got := k.text(t, button(svcID)+" .name"); got != "Đăng ký doanh nghiệp" {
		t.Errorf("found %q", got)
	}
	shots.take(t, k.tab, "kiosk-search-portrait")

	// Take a ticket by touch: confirmation, then the number and its QR.
	k.do(t, "tap the service", chromedp.Tap(chromedp.CSS(button(svcID))), chromedp.WaitVisible(chromedp.CSS("#confirm")))
	if got := k.text(t, "#confirm-name"); got != svc.Name {
		t.Errorf("confirmation: got %q, want %q", got, svc.Name)
	}
	shots.take(t, k.tab, "kiosk-confirm-portrait")
	k.do(t, "tap Lấy số", chromedp.Tap(chromedp.CSS("#take")), chromedp.WaitVisible(chromedp.CSS("#result")))
	if got := k.text(t, "#result-number"); got != "1001" {
		t.Errorf("ticket number: got %q, want 1001", got)
	}
	if got := k.text(t, "#result-ahead"); got != "Số người chờ trước bạn: 0" {
		t.Errorf("waiting ahead: got %q", got)
	}
	qr := get(t, k.tab, "wait for the QR", chromedp.Poll[string](`(() => { const q = document.getElementById("result-qr"); return q.complete && q.naturalWidth > 0 ? q.getAttribute("src") : null })()`))
	if !strings.HasPrefix(qr, "/t/") || !strings.HasSuffix(qr, "/qr.svg") {
		t.Errorf("QR image: src %q", qr)
	}
	if got := k.text(t, "#result-print"); got != "Vé đã được in. Mời bạn nhận vé." {
		t.Errorf("print status: got %q", got)
	}
	shots.take(t, k.tab, "kiosk-result-portrait")
	// Everything the page loaded so far (page, assets, API answers, QR),
	// as bytes on the wire: a cheap Android box must not wait for it.
	weight := get(t, k.tab, "measure the page", chromedp.Evaluate[[]float64](`(() => {
		const nav = performance.getEntriesByType("navigation")[0];
		const all = [nav, ...performance.getEntriesByType("resource")];
		const size = e => e.transferSize || e.encodedBodySize || 0;
		return [all.reduce((n, e) => n + size(e), 0), all.filter(e => !e.name.includes("/api/")).reduce((n, e) => n + size(e), 0), all.length];
	})()`))
	t.Logf("kiosk page weight: %.1f KB in %v requests (%.1f KB without API answers)", weight[0]/1024, weight[2], weight[1]/1024)
	if weight[1] > 300*1024 {
		t.Errorf("kiosk page weighs %.0f KB, want at most 300 KB", weight[1]/1024)
	}
	if j := jobs(); len(j) != 1 {
		t.Errorf("spool of kiosk-1 after one ticket: %v, want one job", j)
	}

	// Landscape: the same screens on a 1920×1080 screen.
	k.do(t, "tap Xong, turn the screen", chromedp.Tap(chromedp.CSS("#done")), landscape, chromedp.WaitVisible(chromedp.CSS(button("ly-lich-tu-phap"))))
	if q := get(t, k.tab, "read the search box", chromedp.Evaluate[string](`document.getElementById("search").value`)); q != "" {
		t.Errorf("after Xong the search is still %q", q)
	}
	shots.take(t, k.tab, "kiosk-home-landscape")
	k.do(t, "tap Lý lịch tư pháp", chromedp.Tap(chromedp.CSS(button("ly-lich-tu-phap"))), chromedp.WaitVisible(chromedp.CSS("#confirm")))
	shots.take(t, k.tab, "kiosk-confirm-landscape")
	k.do(t, "tap Lấy số", chromedp.Tap(chromedp.CSS("#take")), chromedp.WaitVisible(chromedp.CSS("#result")))
	get(t, k.tab, "wait for the QR", chromedp.Poll[bool](`document.getElementById("result-qr").naturalWidth > 0`))
	if got := k.text(t, "#result-number"); got != "2001" {
		t.Errorf("ticket number: got %q, want 2001", got)
	}
	shots.take(t, k.tab, "kiosk-result-landscape")

	// Priority: the category, then the service; the ticket keeps it.
	k.do(t, "tap Xong, back to portrait", chromedp.Tap(chromedp.CSS("#done")), portrait, chromedp.WaitVisible(chromedp.CSS("#priority-btn")))
	if got := k.text(t, "#priority-btn"); !strings.HasPrefix(got, "Ưu tiên: người cao tuổi, người khuyết tật") {
		t.Errorf("priority button: %q", got)
	}
	k.do(t, "tap Ưu tiên", chromedp.Tap(chromedp.CSS("#priority-btn")), chromedp.WaitVisible(chromedp.CSS(`#priorities button[data-id="nguoi-cao-tuoi"]`)))
	cats := get(t, k.tab, "read the categories", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#priorities button"), b => b.getAttribute("data-id"))`))
	var want []string
	for _, p := range d.app.Cfg.Priorities {
		want = append(want, p.ID)
	}
	if !slices.Equal(cats, want) {
		t.Errorf("priority categories: got %q, want %q", cats, want)
	}
	shots.take(t, k.tab, "kiosk-priority-portrait")
	k.do(t, "tap Người cao tuổi", chromedp.Tap(chromedp.CSS(`#priorities button[data-id="nguoi-cao-tuoi"]`)), chromedp.WaitVisible(chromedp.CSS("#prio-banner")))
	k.do(t, "tap Đất đai", chromedp.Tap(chromedp.CSS(button("dat-dai"))), chromedp.WaitVisible(chromedp.CSS("#confirm-prio")))
	k.do(t, "tap Lấy số", chromedp.Tap(chromedp.CSS("#take")), chromedp.WaitVisible(chromedp.CSS("#result")))
	id, err := strconv.Atoi(k.attr(t, "#result", "data-ticket-id"))
	if err != nil {
		t.Fatalf("ticket id on the result screen: %v", err)
	}
	var tk struct {
		Ticket struct {
			Number   string `json:"number"`
			Priority string `json:"priority"`
			Kiosk    string `json:"kiosk"`
		} `json:"ticket"`
	}
	r := d.do("GET", fmt.Sprintf("/api/v1/tickets/%d", id), d.token(auth.RoleSupervisor, ""), nil)
	if r.status != 200 {
		t.Fatalf("ticket %d as a supervisor: %d %s", id, r.status, r.body)
	}
	r.json(t, &tk)
	if tk.Ticket.Number != "3001" || tk.Ticket.Priority != "nguoi-cao-tuoi" {
		t.Errorf("priority ticket: got %+v, want 3001 with priority nguoi-cao-tuoi", tk.Ticket)
	}
	if j := jobs(); len(j) != 3 {
		t.Errorf("spool of kiosk-1 after three tickets: %d jobs, want 3", len(j))
	}
	shots.take(t, k.tab, "kiosk-result-priority-portrait")
	k.do(t, "tap Xong", chromedp.Tap(chromedp.CSS("#done")), chromedp.WaitVisible(chromedp.CSS("#home")))
	if !get(t, k.tab, "priority cleared", chromedp.Evaluate[bool](`document.getElementById("prio-banner").hidden`)) {
		t.Errorf("the next citizen inherits the priority")
	}

	// A ticket that did not print stays up longer and says what to do. The
	// virtual printer always prints, so the page's fetch is made to report
	// a failed print for the next ticket.
	k.do(t, "make the next print fail", chromedp.Evaluate[chromedp.Void](`(() => {
		const f = window.fetch;
		window.fetch = (u, o) => f(u, o).then(r => u !== "/api/v1/tickets" ? r : r.json().then(j => {
			j.print = {status: "failed", error: "test"};
			window.fetch = f;
			return new Response(JSON.stringify(j), {status: r.status, headers: r.headers});
		}));
	})()`))
	k.do(t, "tap Môi trường", chromedp.Tap(chromedp.CSS(button("moi-truong"))), chromedp.WaitVisible(chromedp.CSS("#confirm")))
	k.do(t, "tap Lấy số", chromedp.Tap(chromedp.CSS("#take")), chromedp.WaitVisible(chromedp.CSS("#result")))
	get(t, k.tab, "wait for the QR", chromedp.Poll[bool](`document.getElementById("result-qr").naturalWidth > 0`))
	if got, cls := k.text(t, "#result-print"), k.attr(t, "#result-print", "class"); cls != "print failed" || !strings.Contains(got, "chụp ảnh") || !strings.Contains(got, "bàn hướng dẫn") {
		t.Errorf("failed print: got %q (class %q)", got, cls)
	}
	if n, _ := strconv.Atoi(k.text(t, "#done-count")); n < 50 {
		t.Errorf("failed print: the number stays %d s, want about a minute", n)
	}
	shots.take(t, k.tab, "kiosk-result-failed-portrait")
	k.do(t, "tap Xong", chromedp.Tap(chromedp.CSS("#done")), chromedp.WaitVisible(chromedp.CSS("#home")))

	// English and back: the title follows.
	viTitle := k.text(t, "#home-title")
	k.do(t, "tap English", chromedp.Tap(chromedp.CSS("#lang")))
	if got := k.text(t, "#home-title"); got != "Please choose a service to take a queue number" {
		t.Errorf("English title: got %q (was %q)", got, viTitle)
	}
	if got := k.text(t, "#lang"); got != "Tiếng Việt" {
		t.Errorf("language button in English: %q", got)
	}
	shots.take(t, k.tab, "kiosk-home-english")
	k.do(t, "tap Tiếng Việt", chromedp.Tap(chromedp.CSS("#lang")))
	if got := k.text(t, "#home-title"); got != viTitle || got != "Xin mời chọn dịch vụ để lấy số thứ tự" {
		t.Errorf("Vietnamese title: got %q", got)
	}

	// Closed services are greyed: closed by the center, or closed for the
	// night with the next opening time (Viet Nam time, Vietnamese weekday).
	// The demo center is always open, so the page is handed such a list.
	fake := `(() => {
		const f = window.fetch;
		window.fetch = (u, o) => f(u, o).then(r => u !== "/api/v1/services" || !r.ok ? r : r.json().then(list => {
			for (const s of list) {
				if (s.id === "moi-truong") Object.assign(s, {open: false, closed_reason: "service"});
				if (s.id === "xay-dung") Object.assign(s, {open: false, closed_reason: "hours", opens_at: "2026-11-30T00:30:00Z"});
			}
			return new Response(JSON.stringify(list), {status: r.status, headers: r.headers});
		}));
	})()`
	var script page.ScriptIdentifier
	k.do(t, "reload with closed services", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: fake})
		script = res.Identifier
		return err
	}), chromedp.Navigate(d.base+"/kiosk/kiosk-1"), chromedp.WaitVisible(chromedp.CSS(button("xay-dung"))))
	closed := get(t, k.tab, "read the closed services", chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll("#services button.service:disabled"), b => [b.getAttribute("data-id"), b.querySelector(".meta").textContent])`))
	wantClosed := [][]string{{"moi-truong", "Tạm đóng"}, {"xay-dung", "Mở lại lúc 07:30, Thứ Hai 30/11"}}
	if !slices.EqualFunc(closed, wantClosed, slices.Equal) {
		t.Errorf("closed services: got %q, want %q", closed, wantClosed)
	}
	shots.take(t, k.tab, "kiosk-closed-portrait")
	k.do(t, "tap a closed service", chromedp.Tap(chromedp.CSS(button("xay-dung"))))
	if v := get(t, k.tab, "read the view", chromedp.Evaluate[string](`document.body.getAttribute("data-view")`)); v != "home" {
		t.Errorf("a closed service was taken: view %q", v)
	}
	k.do(t, "drop the fake list", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.RemoveScriptToEvaluateOnNewDocument, page.RemoveScriptToEvaluateOnNewDocumentParams{Identifier: script})
		return err
	}))

	// Large text and high contrast, remembered across a reload.
	k.do(t, "tap Chữ lớn and Tương phản cao", chromedp.Tap(chromedp.CSS("#large")), chromedp.Tap(chromedp.CSS("#contrast")))
	shots.take(t, k.tab, "kiosk-home-large-contrast")

	// Paper near end: a small notice, the menu stays.
	nearEnd := filepath.Join(spool, printer.VirtualPaperNearEnd)
	if err := os.WriteFile(nearEnd, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	k.do(t, "reload with the paper near its end", chromedp.Navigate(d.base+"/kiosk/kiosk-1"),
		chromedp.WaitVisible(chromedp.CSS("#notice")), chromedp.WaitVisible(chromedp.CSS(button(svcID))))
	if got := k.text(t, "#notice"); got != "Máy in sắp hết giấy — vé vẫn được in bình thường." {
		t.Errorf("near-end notice: %q", got)
	}
	if got := get(t, k.tab, "read the modes", chromedp.Evaluate[string](`document.documentElement.className`)); got != "large contrast" {
		t.Errorf("after a reload the modes are %q, want \"large contrast\"", got)
	}
	k.do(t, "tap Chữ lớn and Tương phản cao off", chromedp.Tap(chromedp.CSS("#large")), chromedp.Tap(chromedp.CSS("#contrast")))
	h := get(t, k.tab, "measure the notice", chromedp.Evaluate[float64](`document.getElementById("notice").getBoundingClientRect().height`))
	if h <= 0 || h > 80 {
		t.Errorf("near-end notice is %.0f px high, want a discreet banner", h)
	}
	shots.take(t, k.tab, "kiosk-near-end")
	os.Remove(nearEnd)

	// Settings: hold the top-right corner, then the admin PIN.
	pin, err := d.app.kioskPIN()
	if err != nil {
		t.Fatal(err)
	}
	k.do(t, "hold the corner", chromedp.Evaluate[chromedp.Void](`document.getElementById("corner").dispatchEvent(new PointerEvent("pointerdown", {bubbles: true}))`),
		chromedp.WaitVisible(chromedp.CSS("#pin")))
	shots.take(t, k.tab, "kiosk-pin")
	wrong := "9" + pin[1:]
	if pin[0] == '9' {
		wrong = "8" + pin[1:]
	}
	for _, c := range wrong {
		k.do(t, "PIN digit", chromedp.Tap(chromedp.CSS(fmt.Sprintf(`#pin-pad button[data-key="%c"]`, c))))
	}
	k.do(t, "tap OK", chromedp.Tap(chromedp.CSS("#pin-ok")))
	get(t, k.tab, "wait for the refusal", chromedp.Poll[bool](`document.getElementById("pin-msg").textContent === "Sai mã PIN"`))
	// Chromium logs the expected 403 as a console error: not a fault. Wait
	// for it to come through, then drop it.
	refused := func(m chromedp.ConsoleMessage) bool {
		return strings.HasSuffix(m.URL, "/api/v1/kiosks/kiosk-1/unlock") && strings.Contains(m.Text, "403")
	}
	for end := time.Now().Add(2 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		k.mu.Lock()
		n := len(k.console)
		k.console = slices.DeleteFunc(k.console, refused)
		dropped := n != len(k.console)
		k.mu.Unlock()
		if dropped || time.Now().After(end) {
			break
		}
	}
	for _, c := range pin {
		k.do(t, "PIN digit", chromedp.Tap(chromedp.CSS(fmt.Sprintf(`#pin-pad button[data-key="%c"]`, c))))
	}
	k.do(t, "tap OK", chromedp.Tap(chromedp.CSS("#pin-ok")), chromedp.WaitVisible(chromedp.CSS("#settings")))
	shots.take(t, k.tab, "kiosk-settings")
	k.do(t, "leave the settings", chromedp.Tap(chromedp.CSS("#set-back")), chromedp.WaitVisible(chromedp.CSS("#home")))

	k.checkConsole(t)
	t.Logf("kiosk browser test took %v", time.Since(start).Round(time.Millisecond))
}
