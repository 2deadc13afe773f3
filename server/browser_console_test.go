package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/motcua/motcua/printer"
	"github.com/motcua/motcua/server/auth"
)

// consoleTicket is a ticket the test issued: its number, its public token
// and its id.
type consoleTicket struct {
	number, token string
	id            int64
}

// historyEvent is one row of GET /api/v1/tickets/{id}'s history.
type historyEvent struct {
	Type    string          `json:"type"`
	Counter string          `json:"counter"`
	Actor   string          `json:"actor"`
	Data    json.RawMessage `json:"data"`
}

// TestBrowserConsole drives the counter console in headless Chromium as an
// official at quay-1 would, on a 1366×768 counter PC: sign in through
// /login, then every action by its F-key alone: F1 call the next citizen
// (seen on the console, the lobby screen "sanh" and the ticket's own page),
// F2 recall, F3 start, F4 finish (the rating is armed), F5 no-show, F6
// transfer to another service through the dialog, F7 hold and F8 to call
// the held ticket back, and F1 on an empty queue says "Không còn công dân
// chờ". Each action is then found in the ticket's history under the
// official's name.
func TestBrowserConsole(t *testing.T) {
	exe := chromium(t)
	d := boot(t, "")
	shots := newShots(t, "console")
	const (
		svcID    = "dang-ky-doanh-nghiep" // served at quay-1
		awayID   = "ly-lich-tu-phap"      // not served at quay-1: a transfer there leaves its queue
		username = "canbo-kiemthu"
		password = "mat-khau-kiem-thu-1"
		fullName = "Trần Thị Kiểm Thử"
	)
	svc, ok := d.app.Cfg.Service(svcID)
	if !ok {
		t.Fatalf("demo has no service %s", svcID)
	}
	if c, ok := d.app.Cfg.Counter("quay-1"); !ok || c.Number != 1 || !slices.Contains(c.Services, svcID) || slices.Contains(c.Services, awayID) {
		t.Fatalf("demo counter quay-1 does not fit the test: %+v", c)
	}
	if _, ok := d.app.Cfg.Service(awayID); !ok {
		t.Fatalf("demo has no service %s", awayID)
	}
	if _, err := auth.CreateUser(context.Background(), d.app.DB,
		auth.User{Username: username, Name: fullName, Role: auth.RoleOfficial, Counter: "quay-1"}, password, time.Now()); err != nil {
		t.Fatal(err)
	}
	actor := fullName + " (" + username + ")" // the name actions are recorded under

	// The lobby screen, paired as TestBrowserDisplay pairs it: another device.
	lobby := startBrowser(t, exe, "sanh")
	lobby.do(t, "open the start page", chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(d.base+"/"))
	lobby.do(t, "pair as screen sanh", loaded(chromedp.Click(pairButton(auth.RoleDisplay, "sanh"))))
	get(t, lobby.tab, "wait for the lobby's snapshot", chromedp.Poll[bool](`document.querySelectorAll("#waiting li").length > 0`))

	// The counter PC.
	pc := startBrowser(t, exe, "quay-1")
	con := pc.tab
	// Every websocket the console opens: one for the whole test, or it
	// reconnected (a drop, or a gap in seq).
	var sockMu sync.Mutex
	var sockets []string
	sctx, stopSockets := context.WithCancel(con.ctx)
	defer stopSockets()
	created := chromedp.Events(sctx, network.WebSocketCreated)
	go func() {
		for ev, err := range created {
			if err != nil {
				return
			}
			sockMu.Lock()
			sockets = append(sockets, ev.URL)
			sockMu.Unlock()
		}
	}()

	t.Run("sign in", func(t *testing.T) {
		con.do(t, "open /counter", chromedp.EmulateViewport(1366, 768), chromedp.Navigate(d.base+"/counter"))
		if loc := get(t, con, "location", chromedp.Location()); loc != d.base+"/login?next=%2Fcounter" {
			t.Fatalf("/counter signed out: at %s, want the sign-in page", loc)
		}
		if title := get(t, con, "title", chromedp.Title()); title != "Đăng nhập — "+d.app.Cfg.Center.Name {
			t.Errorf("sign-in title %q", title)
		}
		// a wrong password: the server's own words, and the page stays
		con.do(t, "a wrong password",
			chromedp.WaitVisible(chromedp.CSS("#username")),
			chromedp.SendKeys(chromedp.CSS("#username"), username),
			chromedp.SendKeys(chromedp.CSS("#password"), "sai-mat-khau-roi"+kb.Enter),
			chromedp.WaitVisible(chromedp.CSS("#login-msg")))
		if got := con.text(t, "#login-msg"); got != "Sai tên đăng nhập hoặc mật khẩu" {
			t.Errorf("wrong password says %q", got)
		}
		if got := con.attr(t, "#login-msg", "role"); got != "alert" {
			t.Errorf("sign-in message role %q, want alert", got)
		}
		shots.take(t, con, "login-wrong-password")
		con.do(t, "sign in", loaded(chromedp.SendKeys(chromedp.CSS("#password"), password+kb.Enter)))
		if loc := get(t, con, "location", chromedp.Location()); loc != d.base+"/counter" {
			t.Fatalf("after sign-in: at %s, want %s/counter", loc, d.base)
		}
	})
	if t.Failed() {
		return
	}

	// waitFor polls the console until js holds and no press is in flight.
	waitFor := func(t *testing.T, what, js string) {
		t.Helper()
		get(t, con, what, chromedp.Poll[bool](`!!(window.motcuaConsole && window.motcuaConsole.state && !window.motcuaConsole.busy && (() => { const st = window.motcuaConsole.state; return `+js+`; })())`))
	}
	press := func(t *testing.T, key, name string) {
		t.Helper()
		con.do(t, "press "+name, chromedp.KeyEvent(key))
	}
	current := func(n string) string { return fmt.Sprintf(`st.current && st.current.number === %q`, n) }

	waitFor(t, "wait for the console's state", `st.counter.id === "quay-1"`)
	// a marker that a reload (F5!) would wipe
	con.do(t, "mark the page", chromedp.Evaluate[chromedp.Void](`window.motcuaNoReload = true`))
	if got := con.text(t, "#c-me"); got != actor {
		t.Errorf("official's name on the console: %q, want %q", got, actor)
	}
	if got := con.text(t, "#c-title"); got != "Quầy 1 — Sở Kế hoạch và Đầu tư" {
		t.Errorf("counter title %q", got)
	}
	if get(t, con, "offline banner", chromedp.Evaluate[bool](`document.getElementById("offline").hidden`)) != true {
		t.Errorf("offline banner shown while connected")
	}

	// Four citizens arrive while the console is open: it learns of them live.
	kiosk := d.token(auth.RoleKiosk, "kiosk-1")
	var tk []consoleTicket
	for i := range 4 {
		n, tok := d.issue(t, kiosk, svcID)
		if want := fmt.Sprintf("%d", 1001+i); n != want {
			t.Fatalf("ticket %s, want %s", n, want)
		}
		var id int64
		if err := d.app.DB.R.QueryRow(`SELECT id FROM tickets WHERE token = ?`, tok).Scan(&id); err != nil {
			t.Fatal(err)
		}
		tk = append(tk, consoleTicket{n, tok, id})
	}
	waitFor(t, "wait for the queue of 4", `st.queue_total === 4`)
	if got := con.text(t, "#q-count"); got != "4" {
		t.Errorf("queue count %q, want 4", got)
	}
	queue := get(t, con, "read the queue", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#queue .q-num"), e => e.textContent)`))
	if want := []string{"1001", "1002", "1003", "1004"}; !slices.Equal(queue, want) {
		t.Errorf("queue on the console: %q, want %q", queue, want)
	}
	shots.take(t, con, "queue")

	ok = t.Run("F1 calls the next citizen", func(t *testing.T) {
		press(t, kb.F1, "F1")
		waitFor(t, "wait for 1001 called", current("1001")+` && st.current.state === "called"`)
		if got := con.text(t, "#cur-num"); got != "1001" {
			t.Errorf("current number %q, want 1001", got)
		}
		if got := con.text(t, "#cur-svc"); got != svc.Name {
			t.Errorf("current service %q, want %q", got, svc.Name)
		}
		if got := con.text(t, "#q-count"); got != "3" {
			t.Errorf("queue count after the call %q, want 3", got)
		}
		// which buttons work now
		enabled := get(t, con, "read the buttons", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#actions .btn:not(:disabled) .fk"), e => e.textContent)`))
		if want := []string{"F2", "F3", "F4", "F5", "F6", "F7", "F9"}; !slices.Equal(enabled, want) {
			t.Errorf("enabled keys with a ticket called: %q, want %q", enabled, want)
		}
		get(t, lobby.tab, "wait for 1001 on the lobby", chromedp.Poll[bool](`document.getElementById("latest-ticket").textContent === "1001"`))
		if got := lobby.text(t, "#latest-counter"); got != "Quầy 1" {
			t.Errorf("lobby: latest counter %q, want Quầy 1", got)
		}
		tp := lobby.newTab(t, "sanh /t/1001")
		tp.do(t, "open the ticket page", chromedp.Navigate(d.base+"/t/"+tk[0].token))
		if got := tp.text(t, ".state"); got != "Mời đến quầy số 1" {
			t.Errorf("ticket page of 1001 says %q, want %q", got, "Mời đến quầy số 1")
		}
		tp.checkConsole(t)
		shots.take(t, con, "called")
	})
	if !ok {
		return
	}

	ok = t.Run("F2 recalls, F3 starts, F4 finishes", func(t *testing.T) {
		press(t, kb.F2, "F2")
		waitFor(t, "wait for the recall", current("1001")+` && st.current.recalls === 1`)
		if got := con.text(t, "#cur-recalls"); got != "1" {
			t.Errorf("recalls shown %q, want 1", got)
		}
		get(t, lobby.tab, "wait for the recall on the lobby", chromedp.Poll[bool](
			`document.getElementById("latest-ticket").textContent === "1001" && !document.getElementById("latest-recall").hidden`))

		press(t, kb.F3, "F3")
		waitFor(t, "wait for the service to start", current("1001")+` && st.current.state === "serving"`)
		if got := con.text(t, "#cur-state"); !strings.HasPrefix(got, "Đang phục vụ từ ") {
			t.Errorf("state line %q, want Đang phục vụ từ …", got)
		}
		// the service time ticks by itself, with no new state
		first := con.text(t, "#cur-served")
		get(t, con, "wait for the service time to tick", chromedp.Poll[bool](fmt.Sprintf(`document.getElementById("cur-served").textContent !== %q`, first)))
		if got := con.text(t, "#cur-served"); !strings.HasSuffix(got, "giây") {
			t.Errorf("service time %q, want … giây", got)
		}
		shots.take(t, con, "serving")

		press(t, kb.F4, "F4")
		waitFor(t, "wait for the finish", `st.current === null && st.today.served === 1 && st.rating.armed`)
		if got := con.text(t, "#rate-armed"); !strings.HasPrefix(got, "Vé 1001 đang chờ đánh giá · còn ") {
			t.Errorf("rating line %q, want Vé 1001 đang chờ đánh giá · còn …", got)
		}
		if got := con.text(t, "#t-served"); got != "1" {
			t.Errorf("served today %q, want 1", got)
		}
		shots.take(t, con, "finished")
	})
	if !ok {
		return
	}

	ok = t.Run("F5 marks a no-show", func(t *testing.T) {
		press(t, kb.F1, "F1")
		waitFor(t, "wait for 1002 called", current("1002"))
		get(t, lobby.tab, "wait for 1002 on the lobby", chromedp.Poll[bool](`document.getElementById("latest-ticket").textContent === "1002"`))
		press(t, kb.F5, "F5")
		waitFor(t, "wait for the no-show", `st.current === null && st.today.no_shows === 1`)
		if got := con.text(t, "#t-noshow"); got != "1" {
			t.Errorf("no-shows today %q, want 1", got)
		}
		if !get(t, con, "no reload", chromedp.Evaluate[bool](`window.motcuaNoReload === true`)) {
			t.Errorf("F5 reloaded the console")
		}
	})
	if !ok {
		return
	}

	away, _ := d.app.Cfg.Service(awayID)
	ok = t.Run("F6 transfers through the dialog", func(t *testing.T) {
		press(t, kb.F1, "F1")
		waitFor(t, "wait for 1003 called", current("1003"))
		// Esc leaves it all as it was
		press(t, kb.F6, "F6")
		con.do(t, "wait for the dialog", chromedp.WaitVisible(chromedp.CSS("#d-transfer-q")))
		press(t, kb.Escape, "Esc")
		get(t, con, "wait for the dialog to close", chromedp.Poll[bool](`!document.getElementById("d-transfer").open`))
		waitFor(t, "1003 still current", current("1003"))

		press(t, kb.F6, "F6")
		con.do(t, "wait for the dialog", chromedp.WaitVisible(chromedp.CSS("#d-transfer-q")))
		if got := get(t, con, "focus", chromedp.Evaluate[string](`document.activeElement.id`)); got != "d-transfer-q" {
			t.Errorf("focus in the transfer dialog on %q, want the search box", got)
		}
		// typed without diacritics, as on a keyboard without Vietnamese input
		con.do(t, "type a service", chromedp.KeyEvent("ly lich"))
		sel := get(t, con, "the chosen target", chromedp.Evaluate[string](`(document.querySelector('#d-transfer-list [aria-selected="true"]') || {}).textContent || ""`))
		if !strings.HasPrefix(sel, away.Name) {
			t.Errorf("chosen target %q, want %q", sel, away.Name)
		}
		shots.take(t, con, "transfer-dialog")
		press(t, kb.Enter, "Enter")
		waitFor(t, "wait for the transfer", `st.current === null && st.queue_total === 1`)
		if get(t, con, "dialog closed", chromedp.Evaluate[bool](`document.getElementById("d-transfer").open`)) {
			t.Errorf("the transfer dialog stayed open")
		}
		var got struct {
			Ticket struct {
				Service string `json:"service"`
				State   string `json:"state"`
			} `json:"ticket"`
		}
		r := d.do("GET", fmt.Sprintf("/api/v1/tickets/%d", tk[2].id), d.token(auth.RoleSupervisor, ""), nil)
		r.json(t, &got)
		if got.Ticket.Service != awayID || got.Ticket.State != "waiting" {
			t.Errorf("1003 after the transfer: %+v, want waiting for %s", got.Ticket, awayID)
		}
	})
	if !ok {
		return
	}

	ok = t.Run("F7 holds, F8 calls it back", func(t *testing.T) {
		press(t, kb.F1, "F1")
		waitFor(t, "wait for 1004 called", current("1004"))
		press(t, kb.F7, "F7")
		waitFor(t, "wait for the hold", `st.current === null && st.held.length === 1 && st.held[0].number === "1004"`)
		held := get(t, con, "read the held list", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#held li"), e => e.innerText.replace(/\s+/g, " ").trim())`))
		if len(held) != 1 || !strings.HasPrefix(held[0], "1004") || !strings.HasSuffix(held[0], "Gọi lại vé này") {
			t.Errorf("held list %q, want 1004 with Gọi lại vé này", held)
		}
		shots.take(t, con, "held")

		press(t, kb.F8, "F8")
		con.do(t, "wait for the call dialog", chromedp.WaitVisible(chromedp.CSS("#d-call-in")))
		con.do(t, "type the number", chromedp.KeyEvent("1004"))
		press(t, kb.Enter, "Enter")
		waitFor(t, "wait for 1004 called back", current("1004")+` && st.current.state === "called" && st.held.length === 0`)
		get(t, lobby.tab, "wait for 1004 on the lobby", chromedp.Poll[bool](`document.getElementById("latest-ticket").textContent === "1004"`))
		press(t, kb.F4, "F4")
		waitFor(t, "wait for the finish", `st.current === null && st.today.served === 2`)
	})
	if !ok {
		return
	}

	t.Run("F1 on an empty queue", func(t *testing.T) {
		press(t, kb.F1, "F1")
		con.do(t, "wait for the message", chromedp.WaitVisible(chromedp.CSS("#msg")))
		if got := con.text(t, "#msg"); got != "Không còn công dân chờ" {
			t.Errorf("message %q, want Không còn công dân chờ", got)
		}
		if got := con.attr(t, "#msg", "role"); got != "alert" {
			t.Errorf("message role %q, want alert", got)
		}
		shots.take(t, con, "empty")
	})

	t.Run("F9 pauses with a reason and opens again", func(t *testing.T) {
		press(t, kb.F9, "F9")
		con.do(t, "wait for the pause dialog", chromedp.WaitVisible(chromedp.CSS("#d-pause-list")))
		shots.take(t, con, "pause-dialog")
		press(t, "1", "1 (Nghỉ trưa)")
		waitFor(t, "wait for the pause", `st.counter.state === "paused" && st.counter.reason === "Nghỉ trưa"`)
		if got := con.text(t, "#paused"); got != "Quầy đang tạm nghỉ: Nghỉ trưa. Bấm F9 để mở lại quầy." {
			t.Errorf("pause banner %q", got)
		}
		if got := con.text(t, "#b-pause-l"); got != "Mở quầy" {
			t.Errorf("F9 button while paused %q, want Mở quầy", got)
		}
		// F1 does nothing but say why
		press(t, kb.F1, "F1")
		get(t, con, "wait for the reason", chromedp.Poll[bool](`document.getElementById("msg").textContent === "Quầy đang tạm nghỉ; bấm F9 để mở lại quầy"`))
		shots.take(t, con, "paused")
		press(t, kb.F9, "F9")
		waitFor(t, "wait for the counter to open", `st.counter.state === "open"`)
		if get(t, con, "banner hidden", chromedp.Evaluate[bool](`document.getElementById("paused").hidden`)) != true {
			t.Errorf("pause banner still shown after opening")
		}
		// Đóng quầy has no key: it asks first, then F9 opens it again
		con.do(t, "press Đóng quầy", chromedp.Click(chromedp.CSS("#b-close")), chromedp.WaitVisible(chromedp.CSS("#d-close-ok")))
		con.do(t, "confirm", chromedp.Click(chromedp.CSS("#d-close-ok")))
		waitFor(t, "wait for the counter to close", `st.counter.state === "closed"`)
		if got := con.text(t, "#c-state"); got != "Đã đóng" {
			t.Errorf("state chip %q, want Đã đóng", got)
		}
		press(t, kb.F9, "F9")
		waitFor(t, "wait for the counter to open", `st.counter.state === "open"`)
	})

	t.Run("a failed print is reprinted", func(t *testing.T) {
		// the paper runs out after the kiosk last looked: the print fails
		d.waitPolled("kiosk-1")
		paperOut := filepath.Join(d.data, "spool", "kiosk-1", printer.VirtualPaperOut)
		if err := os.WriteFile(paperOut, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		n, tok := d.issue(t, kiosk, svcID)
		var id int64
		if err := d.app.DB.R.QueryRow(`SELECT id FROM tickets WHERE token = ?`, tok).Scan(&id); err != nil {
			t.Fatal(err)
		}
		tk = append(tk, consoleTicket{n, tok, id})
		waitFor(t, "wait for the print problem", fmt.Sprintf(`st.print_problems.length === 1 && st.print_problems[0].number === %q`, n))
		row := get(t, con, "read the print problems", chromedp.Evaluate[string](`document.querySelector("#prints li").innerText.replace(/\s+/g, " ").trim()`))
		if !strings.HasPrefix(row, n) || !strings.HasSuffix(row, "In lỗi In lại") {
			t.Errorf("print problem row %q, want %s … In lỗi In lại", row, n)
		}
		shots.take(t, con, "print-problem")
		os.Remove(paperOut)
		con.do(t, "press In lại", chromedp.Click(chromedp.CSS("#prints button")))
		waitFor(t, "wait for the reprint", `st.print_problems.length === 0`)
		if get(t, con, "print box hidden", chromedp.Evaluate[bool](`document.getElementById("print-box").hidden`)) != true {
			t.Errorf("print problems still shown after the reprint")
		}
		if got := con.text(t, ".toast"); got != "Đã gửi lệnh in lại vé "+n {
			t.Errorf("toast %q", got)
		}
	})

	t.Run("one press, one action", func(t *testing.T) {
		// Two F1 in the same instant (a key bounce): the second is ignored
		// while the first is in flight, so no "counter busy" error follows.
		con.do(t, "press F1 twice at once", chromedp.Evaluate[chromedp.Void](`(() => {
			for (let i = 0; i < 2; i++) document.dispatchEvent(new KeyboardEvent("keydown", {key: "F1", bubbles: true, cancelable: true}));
		})()`))
		waitFor(t, "wait for 1005 called", current("1005"))
		time.Sleep(300 * time.Millisecond) // a second call, had one gone out, would have answered by now
		if msg := get(t, con, "read the message", chromedp.Evaluate[string](`document.getElementById("msg").hidden ? "" : document.getElementById("msg").textContent`)); msg != "" {
			t.Errorf("after a double F1 the console says %q", msg)
		}
		// The network drops the first try of F4: the page tries again with
		// the same Idempotency-Key, and the finish happens once.
		con.do(t, "drop the next action's first try", chromedp.Evaluate[chromedp.Void](`(() => {
			const real = window.fetch;
			window.motcuaKeys = [];
			window.fetch = (u, o) => {
				if (String(u).includes("/api/v1/counters/")) {
					window.motcuaKeys.push(o.headers["Idempotency-Key"]);
					if (window.motcuaKeys.length === 1) return Promise.reject(new TypeError("Failed to fetch"));
					window.fetch = real;
				}
				return real(u, o);
			};
		})()`))
		press(t, kb.F4, "F4")
		waitFor(t, "wait for the finish", `st.current === null && st.today.served === 3`)
		keys := get(t, con, "read the keys sent", chromedp.Evaluate[[]string](`window.motcuaKeys`))
		if len(keys) != 2 || keys[0] == "" || keys[0] != keys[1] {
			t.Errorf("Idempotency-Key of the try and the retry: %q, want one key twice", keys)
		}
		// the citizen rates 1005 on the keypad (here over the API)
		if r := d.do("POST", "/api/v1/counters/quay-1/rating", d.token(auth.RoleOfficial, "quay-1"), map[string]int{"level": 1}); r.status != 200 {
			t.Fatalf("rating: %d %s", r.status, r.body)
		}
		waitFor(t, "wait for the rating", `st.last_rating && st.last_rating.number === "1005" && !st.rating.armed`)
		if got := con.text(t, "#rate-last"); !strings.HasPrefix(got, "Gần nhất: vé 1005 — Rất hài lòng (") {
			t.Errorf("last rating %q, want Gần nhất: vé 1005 — Rất hài lòng (hh:mm)", got)
		}
		if got := con.text(t, "#rate-armed"); got != "Không có lượt chờ đánh giá" {
			t.Errorf("rating line after the rating %q", got)
		}
		shots.take(t, con, "done")
	})

	t.Run("history names the official", func(t *testing.T) {
		sup := d.token(auth.RoleSupervisor, "")
		want := map[string][]string{
			"1001": {"ticket.called", "ticket.recalled", "ticket.started", "ticket.finished"},
			"1002": {"ticket.called", "ticket.no_show"},
			"1003": {"ticket.called", "ticket.transferred"},
			"1004": {"ticket.called", "ticket.held", "ticket.called", "ticket.finished"},
			"1005": {"ticket.called", "ticket.finished"},
		}
		for _, x := range tk {
			r := d.do("GET", fmt.Sprintf("/api/v1/tickets/%d", x.id), sup, nil)
			if r.status != 200 {
				t.Fatalf("GET ticket %s: %d %s", x.number, r.status, r.body)
			}
			var h struct {
				History []historyEvent `json:"history"`
			}
			r.json(t, &h)
			var types []string
			for _, ev := range h.History {
				// the kiosk's, the printer's and the citizen's acts, not the official's
				if ev.Type == "ticket.issued" || ev.Type == "ticket.print" || ev.Type == "ticket.rated" {
					continue
				}
				types = append(types, ev.Type)
				if ev.Actor != actor {
					t.Errorf("%s %s: actor %q, want %q", x.number, ev.Type, ev.Actor, actor)
				}
				if ev.Counter != "quay-1" {
					t.Errorf("%s %s: counter %q, want quay-1", x.number, ev.Type, ev.Counter)
				}
				if ev.Type == "ticket.transferred" && !strings.Contains(string(ev.Data), `"to_service":"`+awayID+`"`) {
					t.Errorf("%s transferred: %s, want to_service %s", x.number, ev.Data, awayID)
				}
			}
			if !slices.Equal(types, want[x.number]) {
				t.Errorf("history of %s: %q, want %q", x.number, types, want[x.number])
			}
		}
		// the rating counts for the official who served 1005
		var official string
		if err := d.app.DB.R.QueryRow(`SELECT official FROM ratings WHERE ticket = ?`, tk[4].id).Scan(&official); err != nil || official != actor {
			t.Errorf("rating of 1005 stored for %q (%v), want %q", official, err, actor)
		}
	})

	if !get(t, con, "no reload", chromedp.Evaluate[bool](`window.motcuaNoReload === true`)) {
		t.Errorf("the console reloaded during the test")
	}
	sockMu.Lock()
	if len(sockets) != 1 || !strings.HasSuffix(sockets[0], "/ws/console/quay-1") {
		t.Errorf("websockets the console opened: %q, want one to /ws/console/quay-1", sockets)
	}
	sockMu.Unlock()
	con.do(t, "a 1920×1080 screen", chromedp.EmulateViewport(1920, 1080))
	time.Sleep(200 * time.Millisecond)
	shots.take(t, con, "1920x1080")
	// The wrong password's 401 is the browser's log of an answer the page
	// expected, not a fault: anything else is.
	con.forget(t, "status of 401", "/api/v1/session")
	con.checkConsole(t)
	lobby.checkConsole(t)
}

// forget drops the console errors of the tab that contain text and whose
// URL ends in url: failures the test caused on purpose.
func (tb *tab) forget(t *testing.T, text, url string) {
	t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.console = slices.DeleteFunc(tb.console, func(m chromedp.ConsoleMessage) bool {
		if m.Type == chromedp.ConsoleError && strings.Contains(m.Text, text) && strings.HasSuffix(m.URL, url) {
			t.Logf("%s: expected: %s (%s)", tb.name, m.Text, m.URL)
			return true
		}
		return false
	})
}
