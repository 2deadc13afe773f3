package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/server/auth"
)

// phone viewports: a common 390×844 phone, held upright and turned.
var (
	phonePortrait  = chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	phoneLandscape = chromedp.EmulateViewport(844, 390, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateLandscape)
)

// TestBrowserTicketPage opens a ticket's own page (/t/{token}, the QR on the
// ticket) in a phone-sized headless Chromium and follows it live: the place
// in line drops when a ticket ahead is called, and "Mời đến quầy số 1"
// appears when this one is called, all without a reload. It also checks
// the polling fallback without WebSocket and the page of a wrong link.
// Screenshots go to a temporary directory, and to $MOTCUA_ARTIFACTS if set.
func TestBrowserTicketPage(t *testing.T) {
	exe := chromium(t)
	d := boot(t, "")
	shots := t.TempDir()
	artifacts := os.Getenv("MOTCUA_ARTIFACTS")
	shot := func(tb *tab, name string) {
		t.Helper()
		tb.shot(t, shots, name)
		if artifacts == "" {
			return
		}
		b, err := os.ReadFile(filepath.Join(shots, name+".png"))
		if err == nil {
			err = os.MkdirAll(artifacts, 0o755)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(artifacts, "ticket-"+name+".png"), b, 0o644)
		}
		if err != nil {
			t.Errorf("artifact %s: %v", name, err)
		}
	}
	kioskTok := d.token(auth.RoleKiosk, "kiosk-1")
	official := d.token(auth.RoleOfficial, "quay-1")
	const svcID = "dang-ky-doanh-nghiep"
	svc, _ := d.app.Cfg.Service(svcID)
	d.issue(t, kioskTok, svcID)
	d.issue(t, kioskTok, svcID)
	num, tok := d.issue(t, kioskTok, svcID)
	act := func(action, want string) {
		t.Helper()
		r := d.do("POST", "/api/v1/counters/quay-1/"+action, official, nil)
		if r.status != 200 || (want != "" && !strings.Contains(string(r.body), `"number":"`+want+`"`)) {
			t.Fatalf("%s: %d %s", action, r.status, r.body)
		}
	}

	b := startBrowser(t, exe, "phone")
	b.do(t, "open the ticket page", phonePortrait, chromedp.Navigate(d.base+"/t/"+tok))
	if got := b.text(t, "#num"); got != num {
		t.Errorf("number: got %q, want %q", got, num)
	}
	if got := b.text(t, "#svc"); got != svc.Name {
		t.Errorf("service: got %q, want %q", got, svc.Name)
	}
	if got := b.text(t, "#ahead"); got != "2" {
		t.Errorf("people ahead: got %q, want 2", got)
	}
	if got := b.text(t, "#wait"); !strings.HasPrefix(got, "khoảng ") || !strings.HasSuffix(got, " phút") {
		t.Errorf("estimated wait: got %q, want khoảng N phút", got)
	}
	// the script has connected: the page says it is live
	get(t, b.tab, "wait for the websocket", chromedp.Poll[bool](`document.getElementById("conn").textContent.indexOf("Đang cập nhật trực tiếp") === 0`))
	// a mark that a reload would wipe
	b.do(t, "mark the page", chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`))
	b.do(t, "turn the sound on", chromedp.Tap(chromedp.CSS("#sound")))
	if got := b.text(t, "#sound"); got != "Đã bật chuông báo" {
		t.Errorf("sound button after a tap: %q", got)
	}
	shot(b.tab, "waiting-portrait")
	b.do(t, "turn the phone", phoneLandscape)
	shot(b.tab, "waiting-landscape")
	b.do(t, "turn it back", phonePortrait)

	// a ticket ahead is called: one fewer ahead, without a reload
	act("call-next", "1001")
	get(t, b.tab, "wait for 1 ahead", chromedp.Poll[bool](`document.getElementById("ahead").textContent === "1"`))
	if got := b.text(t, "#state"); got != "Đang chờ — còn 1 người trước bạn" {
		t.Errorf("state after 1001 was called: %q", got)
	}
	// this ticket is called
	act("finish", "1001")
	act("call-next", "1002")
	get(t, b.tab, "wait for 0 ahead", chromedp.Poll[bool](`document.getElementById("ahead").textContent === "0"`))
	// nobody ahead: the wait is for counter 1 to finish with 1002
	if got := b.text(t, "#wait"); got != "sắp đến lượt" && !strings.HasPrefix(got, "khoảng ") {
		t.Errorf("wait with nobody ahead: %q", got)
	}
	act("finish", "1002")
	act("call-next", num)
	get(t, b.tab, "wait for the call", chromedp.Poll[bool](`document.getElementById("state").textContent === "Mời đến quầy số 1"`))
	if cls := b.attr(t, "#state", "class"); !strings.HasPrefix(cls, "state called") {
		t.Errorf("called state's class: %q", cls)
	}
	if get(t, b.tab, "facts hidden", chromedp.Evaluate[bool](`document.getElementById("facts").hidden`)) != true {
		t.Errorf("the place in line is still shown after the call")
	}
	if title := get(t, b.tab, "title", chromedp.Title()); !strings.HasPrefix(title, "Mời đến quầy số 1") {
		t.Errorf("title when called: %q", title)
	}
	shot(b.tab, "called-portrait")
	b.do(t, "turn the phone", phoneLandscape)
	shot(b.tab, "called-landscape")
	b.do(t, "turn it back", phonePortrait)
	act("recall", num)
	act("start", num)
	act("finish", num)
	get(t, b.tab, "wait for the thanks", chromedp.Poll[bool](`!document.getElementById("after").hidden`))
	if got := b.text(t, "#state"); !strings.Contains(got, "Cảm ơn ông/bà") {
		t.Errorf("after service: %q", got)
	}
	if get(t, b.tab, "rate link", chromedp.Evaluate[bool](`document.getElementById("rate").hidden`)) != true {
		t.Errorf("a rating link is shown, but the server offers none yet")
	}
	if get(t, b.tab, "reload mark", chromedp.Evaluate[bool](`window.notReloaded === true`)) != true {
		t.Errorf("the page reloaded instead of updating live")
	}
	shot(b.tab, "done-portrait")
	b.checkConsole(t)

	// no WebSocket (an old in-app browser): the page reads the API instead
	t.Run("polling", func(t *testing.T) {
		_, tok2 := d.issue(t, kioskTok, svcID)
		p := b.newTab(t, "phone without WebSocket")
		p.do(t, "open without WebSocket", phonePortrait,
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument,
					page.AddScriptToEvaluateOnNewDocumentParams{Source: "window.WebSocket = undefined;"})
				return err
			}),
			chromedp.Navigate(d.base+"/t/"+tok2))
		get(t, p, "wait for a poll", chromedp.Poll[bool](`document.getElementById("conn").textContent.indexOf("Cập nhật mỗi 15 giây") === 0`))
		if got := p.text(t, "#ahead"); got != "0" {
			t.Errorf("people ahead while polling: %q", got)
		}
		p.checkConsole(t)
	})

	t.Run("wrong link", func(t *testing.T) {
		p := b.newTab(t, "phone, wrong link")
		res := get(t, p, "open a wrong link", chromedp.NavigateResponse(d.base+"/t/"+strings.Repeat("x", 24)))
		if res.Status != 404 {
			t.Errorf("status %d, want 404", res.Status)
		}
		if got := p.text(t, "h1"); got != "Không tìm thấy vé này" {
			t.Errorf("heading: %q", got)
		}
		p.do(t, "phone size", phonePortrait)
		shot(p, "not-found-portrait")
		// the only complaint allowed is the page's own 404
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, m := range p.console {
			if m.IsException() || (m.Type == chromedp.ConsoleError && !strings.Contains(m.URL, "/t/xxxx") && !strings.HasSuffix(m.URL, "/favicon.ico")) {
				t.Errorf("console %s: %s (%s)", m.Type, m.Text, m.URL)
			}
		}
	})
}
