package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
)

// monitorStart is where the fake clock starts: now, so that the session
// cookie's expiry means the same to the browser, unless the day would end
// during the test; then tomorrow morning.
func monitorStart() time.Time {
	now := time.Now().In(clock.Local)
	if now.Hour() >= 21 {
		y, m, d := now.Date()
		return time.Date(y, m, d+1, 8, 0, 0, 0, clock.Local)
	}
	return now
}

// signIn opens path in tb, is sent to the sign-in page, signs in as
// username and comes back to path.
func signIn(t *testing.T, tb *tab, base, path, username, password string) {
	t.Helper()
	tb.do(t, "open "+path, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS("#username")))
	loc := get(t, tb, "location", chromedp.Location())
	if want := base + "/login?next=" + strings.ReplaceAll(path, "/", "%2F"); loc != want {
		t.Errorf("%s without a session: at %s, want %s", path, loc, want)
	}
	tb.do(t, "sign in as "+username,
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		loaded(chromedp.Click(chromedp.CSS("#login-go"))))
	if loc := get(t, tb, "location", chromedp.Location()); loc != base+path {
		t.Fatalf("after signing in: at %s, want %s\n%s", loc, base+path, tb.describe())
	}
}

type monitorAlert struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	Since    string `json:"since"`
}

type apiTicket struct {
	ID            int64  `json:"id"`
	Number        string `json:"number"`
	Service       string `json:"service"`
	State         string `json:"state"`
	TargetCounter string `json:"target_counter"`
	IssuedAt      string `json:"issued_at"`
}

// TestBrowserMonitor drives the supervisor's monitor in headless Chromium:
// a supervisor signs in and opens /monitor; four citizens wait for
// "Lý lịch tư pháp" while every counter is closed; the clock moves past
// the wait threshold and the monitor raises the wait alert, pushed over
// its websocket; the supervisor opens quay-7, gives it the service in the
// "Dịch vụ" dialog (quay-7's next call takes the oldest ticket), is told
// in Vietnamese why a serving counter cannot close, pauses it with a
// reason, and moves the waiting tickets: the oldest to quay-5, the rest to
// "Đất đai". Each change is checked over the API.
func TestBrowserMonitor(t *testing.T) {
	exe := chromium(t)
	clk := clock.NewFake(monitorStart())
	d := bootWith(t, Options{Clock: clk})
	shots := newShots(t, "monitor")
	ctx := context.Background()

	const (
		svcID    = "ly-lich-tu-phap"
		toSvc    = "dat-dai"
		general  = "quay-7"
		username = "giamsat-thu"
		password = "mật-khẩu-giám-sát-2025"
	)
	svc, ok := d.app.Cfg.Service(svcID)
	if !ok {
		t.Fatalf("demo has no service %s", svcID)
	}
	q7, ok := d.app.Cfg.Counter(general)
	if !ok || slices.Contains(q7.Services, svcID) {
		t.Fatalf("demo %s: %+v, want a counter that does not serve %s", general, q7, svcID)
	}
	if _, err := auth.CreateUser(ctx, d.app.DB, auth.User{Username: username, Name: "Trần Thị Giám Sát", Role: auth.RoleSupervisor}, password, clk.Now()); err != nil {
		t.Fatal(err)
	}
	sup := d.token(auth.RoleSupervisor, "")
	kiosk := d.token(auth.RoleKiosk, "kiosk-1")

	var tickets []apiTicket
	for range 4 {
		r := d.do("POST", "/api/v1/tickets", kiosk, map[string]string{"service": svcID})
		if r.status != 201 {
			t.Fatalf("issue: %d %s", r.status, r.body)
		}
		var tk apiTicket
		r.json(t, &tk)
		tickets = append(tickets, tk)
	}
	if tickets[0].Number != "2001" || tickets[3].Number != "2004" {
		t.Fatalf("tickets: %+v", tickets)
	}
	ticket := func(id int64) apiTicket {
		t.Helper()
		r := d.do("GET", fmt.Sprintf("/api/v1/tickets/%d", id), sup, nil)
		if r.status != 200 {
			t.Fatalf("ticket %d: %d %s", id, r.status, r.body)
		}
		var out struct{ Ticket apiTicket }
		r.json(t, &out)
		return out.Ticket
	}

	b := startBrowser(t, exe, "giám sát")
	b.do(t, "a 1920×1080 screen", chromedp.EmulateViewport(1920, 1080))
	signIn(t, b.tab, d.base, "/monitor", username, password)
	tile := func(counter string) string { return fmt.Sprintf(`#counters article.counter[data-counter=%q]`, counter) }
	row := func(service string) string { return fmt.Sprintf(`#services tr[data-service=%q]`, service) }
	waitingJS := func(service string) string {
		return fmt.Sprintf(`(document.querySelector(%q) || {}).textContent`, row(service)+" .s-waiting")
	}
	get(t, b.tab, "wait for the first state", chromedp.Poll[bool](fmt.Sprintf(
		`!!window.motcuaMonitor && !!window.motcuaMonitor.state && document.querySelectorAll("#counters article.counter").length === %d && %s === "4"`,
		len(d.app.Cfg.Counters), waitingJS(svcID))))
	if got := b.text(t, "#conn"); got != "Trực tiếp" {
		t.Errorf("connection label: %q, want Trực tiếp", got)
	}
	if get(t, b.tab, "wait alert before the threshold", chromedp.Evaluate[bool](`!!document.querySelector('#alerts li[data-alert="wait:`+svcID+`"]')`)) {
		t.Errorf("a wait alert shows before anyone has waited 30 minutes")
	}
	shots.take(t, b.tab, "start")

	t.Run("states keep what has not changed", func(t *testing.T) {
		// A state comes every 2 s: a tile that did not change is the same
		// element after it, or a click in progress would be lost.
		b.do(t, "mark a button", chromedp.Evaluate[chromedp.Void](`(() => {
			document.querySelector('#counters article.counter[data-counter="quay-1"] button[data-act="services"]').motcuaMark = 1;
			window.motcuaSeen = window.motcuaMonitor.state;
		})()`))
		get(t, b.tab, "wait for the next state", chromedp.Poll[bool](`window.motcuaMonitor.state !== window.motcuaSeen`))
		if !get(t, b.tab, "the button survived", chromedp.Evaluate[bool](
			`document.querySelector('#counters article.counter[data-counter="quay-1"] button[data-act="services"]').motcuaMark === 1`)) {
			t.Errorf("an unchanged tile was drawn anew")
		}
	})

	t.Run("wait alert", func(t *testing.T) {
		// Watch the notification and the chime: permission is granted
		// here by a stand-in Notification; the chime's oscillators counted.
		b.do(t, "spy on notifications and sound", chromedp.Evaluate[chromedp.Void](`(() => {
			window.motcuaNotes = [];
			window.Notification = function (title, o) { window.motcuaNotes.push([title, o.body]); this.close = () => {}; };
			window.Notification.permission = "granted";
			window.motcuaTones = 0;
			const make = AudioContext.prototype.createOscillator;
			AudioContext.prototype.createOscillator = function () { window.motcuaTones++; return make.call(this); };
		})()`))
		// The feed evaluates again every liveRefresh (2 s), with the
		// daemon's clock: 31 minutes later, the oldest has waited too long.
		clk.Advance(31 * time.Minute)
		const id = "wait:" + svcID
		get(t, b.tab, "wait for the alert message", chromedp.Poll[bool](fmt.Sprintf(
			`window.motcuaMonitor.alerts.some(a => a.id === %q) && !!document.querySelector('#alerts li[data-alert=%q]')`, id, id)))
		var st struct{ Alerts []monitorAlert }
		if r := d.do("GET", "/api/v1/monitor", sup, nil); r.status != 200 {
			t.Fatalf("monitor: %d %s", r.status, r.body)
		} else {
			r.json(t, &st)
		}
		var want monitorAlert
		for _, a := range st.Alerts {
			if a.ID == id {
				want = a
			}
		}
		if want.ID == "" || !strings.Contains(want.Title, svc.Name) {
			t.Fatalf("GET /api/v1/monitor alerts: %+v, want %s about %s", st.Alerts, id, svc.Name)
		}
		got := get(t, b.tab, "read the alert message", chromedp.Evaluate[monitorAlert](fmt.Sprintf(`window.motcuaMonitor.alerts.find(a => a.id === %q)`, id)))
		if got != want {
			t.Errorf("alert message: got %+v, want %+v", got, want)
		}
		if got := b.text(t, `#alerts li[data-alert="`+id+`"] .alert-title`); got != want.Title {
			t.Errorf("alert on the page: %q, want %q", got, want.Title)
		}
		if cls := b.attr(t, `#alerts li[data-alert="`+id+`"]`, "class"); !strings.Contains(cls, "sev-warning") || !strings.Contains(cls, "flash") {
			t.Errorf("new wait alert's class %q, want sev-warning and flash", cls)
		}
		notes := get(t, b.tab, "read the notifications", chromedp.Evaluate[[][]string](`window.motcuaNotes`))
		if !slices.ContainsFunc(notes, func(n []string) bool { return slices.Equal(n, []string{"Cảnh báo: Chờ lâu", want.Title}) }) {
			t.Errorf("notifications: %q, want [\"Cảnh báo: Chờ lâu\" %q]", notes, want.Title)
		}
		if n := get(t, b.tab, "count the tones", chromedp.Evaluate[int](`window.motcuaTones`)); n < 2 {
			t.Errorf("the chime made %d tones, want at least 2", n)
		}
		if cls := b.attr(t, row(svcID)+" .s-longest", "class"); !strings.Contains(cls, "over") {
			t.Errorf("longest wait of %s not highlighted: class %q", svcID, cls)
		}
		// every counter is closed: nobody serves the service either
		if !get(t, b.tab, "unserved alert", chromedp.Evaluate[bool](`!!document.querySelector('#alerts li.sev-critical[data-alert="unserved:`+svcID+`"]')`)) {
			t.Errorf("no critical unserved alert for %s shown", svcID)
		}
		shots.take(t, b.tab, "alert")
	})

	t.Run("give quay-7 the service", func(t *testing.T) {
		b.do(t, "open quay-7", chromedp.Click(chromedp.CSS(tile(general)+` button[data-act="open"]`)))
		get(t, b.tab, "wait for quay-7 open", chromedp.Poll[bool](fmt.Sprintf(`!!document.querySelector(%q)`, tile(general)+".st-open")))

		b.do(t, "open the services dialog",
			chromedp.Click(chromedp.CSS(tile(general)+` button[data-act="services"]`)),
			chromedp.WaitVisible(chromedp.CSS("#dlg-services")))
		checked := get(t, b.tab, "read the checked services", chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll('#svc-list input[name="svc"]:checked'), e => e.value)`))
		if !slices.Equal(checked, q7.Services) {
			t.Errorf("services checked for %s: %q, want %q", general, checked, q7.Services)
		}
		n := get(t, b.tab, "count the services", chromedp.Evaluate[int](`document.querySelectorAll('#svc-list input[name="svc"]').length`))
		if n != len(d.app.Cfg.Services) {
			t.Errorf("the dialog offers %d services, want all %d", n, len(d.app.Cfg.Services))
		}
		b.do(t, "tick "+svcID, chromedp.Click(chromedp.CSS(`#svc-list input[value="`+svcID+`"]`)))
		shots.take(t, b.tab, "services-dialog")
		b.do(t, "save", chromedp.Click(chromedp.CSS("#svc-save")), chromedp.WaitNotVisible(chromedp.CSS("#dlg-services")))

		var c struct {
			Services []string `json:"services"`
			State    string   `json:"state"`
		}
		d.do("GET", "/api/v1/counters/"+general, sup, nil).json(t, &c)
		if want := append(slices.Clone(q7.Services), svcID); !slices.Equal(c.Services, want) || c.State != "open" {
			t.Errorf("GET /api/v1/counters/%s: services %q, state %s; want %q, open", general, c.Services, c.State, want)
		}
		get(t, b.tab, "the tile lists the service", chromedp.Poll[bool](fmt.Sprintf(
			`Array.from(document.querySelectorAll(%q), e => e.textContent).includes(%q)`, tile(general)+" .chip.svc", svc.Name)))

		r := d.do("POST", "/api/v1/counters/"+general+"/call-next", d.token(auth.RoleOfficial, general), nil)
		var called struct{ Ticket apiTicket }
		if r.status != 200 {
			t.Fatalf("call-next at %s: %d %s", general, r.status, r.body)
		}
		r.json(t, &called)
		if called.Ticket.ID != tickets[0].ID || called.Ticket.Service != svcID {
			t.Errorf("call-next at %s: got %+v, want %s (%s)", general, called.Ticket, tickets[0].Number, svcID)
		}
		get(t, b.tab, "the tile shows the call", chromedp.Poll[bool](fmt.Sprintf(
			`(document.querySelector(%q) || {}).textContent === %q`, tile(general)+" .c-ticket", tickets[0].Number)))
	})

	t.Run("errors and pause", func(t *testing.T) {
		// a counter serving someone cannot close: the server's reason shows
		b.do(t, "close quay-7", chromedp.Click(chromedp.CSS(tile(general)+` button[data-act="close"]`)))
		get(t, b.tab, "wait for the refusal", chromedp.Poll[bool](`!!document.querySelector("#staff-toasts .toast.error")`))
		if got := b.text(t, "#staff-toasts .toast.error"); !strings.HasPrefix(got, "Quầy còn vé đang phục vụ") {
			t.Errorf("refusal shown: %q, want the server's title", got)
		}
		b.do(t, "open the pause dialog",
			chromedp.Click(chromedp.CSS(tile(general)+` button[data-act="pause"]`)),
			chromedp.WaitVisible(chromedp.CSS("#dlg-pause")),
			chromedp.Click(chromedp.CSS(`#pause-presets button:nth-child(2)`)),
			chromedp.Click(chromedp.CSS("#pause-save")),
			chromedp.WaitNotVisible(chromedp.CSS("#dlg-pause")))
		var c struct{ State, Reason string }
		d.do("GET", "/api/v1/counters/"+general, sup, nil).json(t, &c)
		if c.State != "paused" || c.Reason != "Họp" {
			t.Errorf("%s after the pause: %+v, want paused, Họp", general, c)
		}
		get(t, b.tab, "the tile shows the pause", chromedp.Poll[bool](fmt.Sprintf(
			`(document.querySelector(%q) || {}).textContent === "Lý do: Họp"`, tile(general)+" .c-reason")))
	})

	t.Run("move waiting tickets", func(t *testing.T) {
		rest := tickets[1:] // 2001 is at quay-7
		get(t, b.tab, "three left to move", chromedp.Poll[bool](fmt.Sprintf(
			`(window.motcuaMonitor.state.services.find(s => s.id === %q) || {}).waiting_ids.length === 3`, svcID)))

		// the oldest one to quay-5
		b.do(t, "move the oldest to quay-5",
			chromedp.Click(chromedp.CSS(row(svcID)+` button[data-act="move"]`)),
			chromedp.WaitVisible(chromedp.CSS("#dlg-move")),
			chromedp.Click(chromedp.CSS("#move-some")),
			chromedp.SetValue(chromedp.CSS("#move-n"), "1"),
			chromedp.Click(chromedp.CSS("#move-to-counter")),
			chromedp.SetValue(chromedp.CSS("#move-counter"), "quay-5"))
		if got, want := b.text(t, "#move-summary"), "Sẽ chuyển 1 vé: "+rest[0].Number+"."; !strings.HasPrefix(got, want) {
			t.Errorf("move summary: %q, want it to start %q", got, want)
		}
		shots.take(t, b.tab, "move-dialog")
		b.do(t, "move", chromedp.Click(chromedp.CSS("#move-save")), chromedp.WaitNotVisible(chromedp.CSS("#dlg-move")))
		if tk := ticket(rest[0].ID); tk.State != "waiting" || tk.TargetCounter != "quay-5" || tk.IssuedAt != rest[0].IssuedAt {
			t.Errorf("%s after the move: %+v, want waiting for quay-5, issued as before (%s)", rest[0].Number, tk, rest[0].IssuedAt)
		}
		for _, r := range rest[1:] {
			if tk := ticket(r.ID); tk.Service != svcID || tk.TargetCounter != "" {
				t.Errorf("%s moved too: %+v", r.Number, tk)
			}
		}
		// quay-5 is closed: its tile says someone waits for it alone
		get(t, b.tab, "quay-5 shows the ticket", chromedp.Poll[bool](fmt.Sprintf(
			`(document.querySelector(%q) || {}).textContent?.startsWith("Chờ riêng quầy này: 1 người")`, tile("quay-5")+" .c-waiting")))

		// all the rest to Đất đai
		get(t, b.tab, "two left to move", chromedp.Poll[bool](fmt.Sprintf(
			`(window.motcuaMonitor.state.services.find(s => s.id === %q) || {}).waiting_ids.length === 2`, svcID)))
		b.do(t, "move the rest to "+toSvc,
			chromedp.Click(chromedp.CSS(row(svcID)+` button[data-act="move"]`)),
			chromedp.WaitVisible(chromedp.CSS("#dlg-move")),
			chromedp.Click(chromedp.CSS("#move-all")),
			chromedp.Click(chromedp.CSS("#move-to-service")),
			chromedp.SetValue(chromedp.CSS("#move-service"), toSvc))
		if got := b.text(t, "#move-all-label"); got != "Tất cả 2 vé đang chờ" {
			t.Errorf("move all label: %q", got)
		}
		b.do(t, "move", chromedp.Click(chromedp.CSS("#move-save")), chromedp.WaitNotVisible(chromedp.CSS("#dlg-move")))
		if got := b.text(t, "#staff-toasts .toast.ok:last-child"); got != "Đã chuyển 2 vé sang Đất đai" {
			t.Errorf("toast after the move: %q", got)
		}
		for _, r := range rest[1:] {
			if tk := ticket(r.ID); tk.Service != toSvc || tk.State != "waiting" || tk.IssuedAt != r.IssuedAt {
				t.Errorf("%s after the move: %+v, want waiting for %s, issued as before", r.Number, tk, toSvc)
			}
		}
		get(t, b.tab, "Đất đai has two waiting", chromedp.Poll[bool](waitingJS(toSvc)+` === "2"`))
		// they keep their time: at once they have waited too long for Đất đai
		get(t, b.tab, "the wait alert of "+toSvc, chromedp.Poll[bool](`window.motcuaMonitor.alerts.some(a => a.id === "wait:`+toSvc+`")`))
		shots.take(t, b.tab, "moved")
	})
	// the one refusal the test provoked is the page's only complaint
	b.checkConsoleExpecting(t, "/api/v1/counters/"+general+"/close")
}

// TestBrowserAdmin drives the admin page: an admin signs in and adds an
// official with a generated password, shown once; the official signs in
// with it in another browser; "Đăng xuất mọi nơi" ends that session; the
// official signs in again, the admin locks the account, and the session
// stops working and a new sign-in is refused.
func TestBrowserAdmin(t *testing.T) {
	exe := chromium(t)
	d := boot(t, "")
	shots := newShots(t, "admin")
	ctx := context.Background()
	const (
		admin, adminPW = "quantri-thu", "mật-khẩu-quản-trị-2025"
		user, name     = "canbo-moi", "Nguyễn Thị Hoà"
		counter        = "quay-3"
	)
	if _, err := auth.CreateUser(ctx, d.app.DB, auth.User{Username: admin, Name: "Phạm Quản Trị", Role: auth.RoleAdmin}, adminPW, time.Now()); err != nil {
		t.Fatal(err)
	}
	adminTok := d.token(auth.RoleAdmin, "")
	type userInfo struct {
		Username string `json:"username"`
		Name     string `json:"name"`
		Role     string `json:"role"`
		Counter  string `json:"counter"`
		Disabled bool   `json:"disabled"`
		Sessions int    `json:"sessions"`
	}
	lookup := func(username string) (userInfo, bool) {
		t.Helper()
		var out struct{ Users []userInfo }
		r := d.do("GET", "/api/v1/users", adminTok, nil)
		if r.status != 200 {
			t.Fatalf("users: %d %s", r.status, r.body)
		}
		r.json(t, &out)
		for _, u := range out.Users {
			if u.Username == username {
				return u, true
			}
		}
		return userInfo{}, false
	}

	a := startBrowser(t, exe, "quản trị")
	a.do(t, "a desk screen", chromedp.EmulateViewport(1600, 1000))
	signIn(t, a.tab, d.base, "/admin", admin, adminPW)
	rowSel := func(u string) string { return fmt.Sprintf(`#users tr[data-user=%q]`, u) }
	a.do(t, "wait for the list", chromedp.WaitVisible(chromedp.CSS(rowSel("canbo1"))))
	if got := a.text(t, rowSel("canbo1")+" .u-role"); got != "Cán bộ" {
		t.Errorf("canbo1's role: %q, want Cán bộ", got)
	}
	if got := a.text(t, rowSel("canbo1")+" .u-counter"); got != "Quầy 1 — Sở Kế hoạch và Đầu tư" {
		t.Errorf("canbo1's counter: %q", got)
	}
	shots.take(t, a.tab, "list")

	var pw string
	t.Run("add", func(t *testing.T) {
		a.do(t, "fill the form",
			chromedp.SendKeys(chromedp.CSS("#add-username"), user),
			chromedp.SendKeys(chromedp.CSS("#add-name"), name),
			chromedp.SetValue(chromedp.CSS("#add-role"), "official"),
			chromedp.SetValue(chromedp.CSS("#add-counter"), counter),
			chromedp.Click(chromedp.CSS("#add-gen")))
		pw = get(t, a.tab, "read the generated password", chromedp.Value(chromedp.CSS("#add-password")))
		if len(pw) < 10 || a.attr(t, "#add-password", "type") != "text" {
			t.Fatalf("generated password %q (type %s), want ≥ 10 characters, shown", pw, a.attr(t, "#add-password", "type"))
		}
		a.do(t, "add", chromedp.Click(chromedp.CSS("#add-save")), chromedp.WaitVisible(chromedp.CSS(rowSel(user))))
		if got := a.text(t, "#pw-once-value"); got != pw {
			t.Errorf("password shown once: %q, want %q", got, pw)
		}
		if got := a.text(t, rowSel(user)+" .u-name"); got != name {
			t.Errorf("new row's name: %q, want %q", got, name)
		}
		if v := get(t, a.tab, "form cleared", chromedp.Value(chromedp.CSS("#add-password"))); v != "" {
			t.Errorf("the form keeps the password %q", v)
		}
		shots.take(t, a.tab, "added")
		u, ok := lookup(user)
		if !ok || u.Name != name || u.Role != "official" || u.Counter != counter || u.Disabled {
			t.Fatalf("GET /api/v1/users: %+v %v", u, ok)
		}
		// a duplicate: the server's words
		a.do(t, "add again",
			chromedp.SendKeys(chromedp.CSS("#add-username"), user),
			chromedp.SendKeys(chromedp.CSS("#add-name"), name),
			// Enter submits: the toast of the first add may still cover the button
			chromedp.SendKeys(chromedp.CSS("#add-password"), "mot-mat-khau-dai"+kb.Enter),
			chromedp.WaitVisible(chromedp.CSS("#form-add .err")))
		if got := a.text(t, "#form-add .err"); got != "Tên đăng nhập này đã có" {
			t.Errorf("duplicate: %q, want the server's title", got)
		}
	})

	o := startBrowser(t, exe, user)
	meJS := `fetch("/api/v1/me", {credentials: "same-origin"}).then(r => r.status)`
	status := func(what string) int {
		t.Helper()
		return get(t, o.tab, what, chromedp.Evaluate[int](meJS, chromedp.EvalAwaitPromise))
	}
	t.Run("sign out everywhere", func(t *testing.T) {
		signIn(t, o.tab, d.base, "/counter", user, pw)
		// a page without scripts: the console would go to the sign-in
		// page by itself once its session ends
		o.do(t, "leave the console", chromedp.Navigate(d.base+"/healthz"))
		if s := status("the new account's session"); s != 200 {
			t.Fatalf("GET /api/v1/me as %s: %d", user, s)
		}
		a.do(t, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(rowSel(user))))
		if got := a.text(t, rowSel(user)+" .u-sessions"); got != "1" {
			t.Errorf("sessions of %s: %q, want 1", user, got)
		}
		btn := chromedp.CSS(rowSel(user) + ` button[data-act="signout"]`)
		a.do(t, "press Đăng xuất mọi nơi", chromedp.Click(btn))
		if got := a.text(t, rowSel(user)+` button[data-act="signout"]`); got != "Bấm lần nữa để xác nhận" {
			t.Errorf("first press: %q", got)
		}
		a.do(t, "confirm", chromedp.Click(btn))
		get(t, a.tab, "sessions 0", chromedp.Poll[bool](fmt.Sprintf(`(document.querySelector(%q) || {}).textContent === "0"`, rowSel(user)+" .u-sessions")))
		if s := status("the ended session"); s != 401 {
			t.Errorf("after Đăng xuất mọi nơi: GET /api/v1/me %d, want 401", s)
		}
	})

	t.Run("lock", func(t *testing.T) {
		signIn(t, o.tab, d.base, "/counter", user, pw)
		o.do(t, "leave the console", chromedp.Navigate(d.base+"/healthz"))
		if s := status("signed in again"); s != 200 {
			t.Fatalf("GET /api/v1/me as %s: %d", user, s)
		}
		a.do(t, "edit",
			chromedp.Click(chromedp.CSS(rowSel(user)+` button[data-act="edit"]`)),
			chromedp.WaitVisible(chromedp.CSS("#dlg-edit")))
		if v := get(t, a.tab, "the dialog's name", chromedp.Value(chromedp.CSS("#edit-name"))); v != name {
			t.Errorf("edit dialog name: %q, want %q", v, name)
		}
		a.do(t, "lock and save",
			chromedp.Click(chromedp.CSS("#edit-disabled")),
			chromedp.Click(chromedp.CSS("#edit-save")),
			chromedp.WaitNotVisible(chromedp.CSS("#dlg-edit")))
		get(t, a.tab, "shown locked", chromedp.Poll[bool](fmt.Sprintf(`(document.querySelector(%q) || {}).textContent === "Đã khoá"`, rowSel(user)+" .u-state")))
		if u, _ := lookup(user); !u.Disabled || u.Sessions != 0 {
			t.Errorf("after locking: %+v, want disabled without sessions", u)
		}
		if s := status("the locked account's session"); s != 401 {
			t.Errorf("after locking: GET /api/v1/me %d, want 401", s)
		}
		// and it cannot sign in again
		o.do(t, "sign in while locked",
			chromedp.Navigate(d.base+"/login?next=%2Fcounter"),
			chromedp.SendKeys(chromedp.CSS("#username"), user),
			chromedp.SendKeys(chromedp.CSS("#password"), pw),
			chromedp.Click(chromedp.CSS("#login-go")),
			chromedp.WaitVisible(chromedp.CSS("#login-msg")))
		t.Logf("a locked account signing in is told: %q", o.text(t, "#login-msg"))
		if loc := get(t, o.tab, "location", chromedp.Location()); !strings.Contains(loc, "/login") {
			t.Errorf("locked account signed in: at %s", loc)
		}
		shots.take(t, a.tab, "locked")
	})
	a.checkConsoleExpecting(t, "/api/v1/users")
	// o's pages are refused on purpose (401s) and are not checked.
}

// checkConsoleExpecting is checkConsole for a test that provokes refusals:
// Chromium logs "Failed to load resource" for each 4xx answer, which is
// expected from the endpoints paths name and logged, not failed.
func (tb *tab) checkConsoleExpecting(t *testing.T, paths ...string) {
	t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, m := range tb.console {
		expected := false
		if m.Type == chromedp.ConsoleError && strings.Contains(m.Text, "Failed to load resource") {
			for _, p := range paths {
				if strings.HasSuffix(m.URL, p) {
					expected = true
				}
			}
		}
		switch {
		case expected:
			t.Logf("%s: expected: %s (%s)", tb.name, m.Text, m.URL)
		case m.IsException() || m.Type == chromedp.ConsoleError:
			t.Errorf("%s: console %s: %s (%s:%d)", tb.name, m.Type, m.Text, m.URL, m.Line+1)
		default:
			t.Logf("%s: console %s: %s", tb.name, m.Type, m.Text)
		}
	}
}
