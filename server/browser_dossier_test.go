package server

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/motcua/motcua/printer"
	"github.com/motcua/motcua/server/auth"
)

// TestBrowserDossier drives the console's "Tiếp nhận hồ sơ" panel in
// headless Chromium as an official at quay-1 would on a 1366×768 counter
// PC: with a ticket of dang-ky-doanh-nghiep called (F1) and started (F3),
// Alt+N opens the panel beside the ticket's number; "tu nhan" typed without
// diacritics finds the procedure 1.001612, Enter lists its papers as a
// checklist; the applicant typed, Enter receives the dossier: its code and
// appointment on the panel, the receipt printed, and over the API the
// dossier is linked to the ticket with its papers and applicant; the A5
// receipt has its two copies. On a second ticket a missing paper unticked
// becomes the supplement request's list and its slip prints; a refusal
// without a reason is refused by the page. On a third ticket a double click
// on "Tiếp nhận và in giấy hẹn" receives one dossier, and with the counter's
// printer out of paper the panel says so and offers the A5 receipt.
func TestBrowserDossier(t *testing.T) {
	exe := chromium(t)
	d := boot(t, "")
	shots := newShots(t, "dossier")
	const (
		svcID    = "dang-ky-doanh-nghiep"
		procCode = "1.001612"
		username = "canbo-hoso"
	)
	proc, ok := d.app.procedure(procCode)
	if !ok || proc.Service != svcID || len(proc.Documents) < 2 {
		t.Fatalf("demo procedure %s does not fit the test: %+v", procCode, proc)
	}
	if proc.Name != "Đăng ký thành lập doanh nghiệp tư nhân" {
		t.Fatalf("demo procedure %s is %q", procCode, proc.Name)
	}
	d.user(username, auth.RoleOfficial, "quay-1")
	sup := d.token(auth.RoleSupervisor, "")
	kiosk := d.token(auth.RoleKiosk, "kiosk-1")
	var tickets []int64
	for range 3 {
		tickets = append(tickets, d.issueID(t, kiosk, svcID, ""))
	}

	pc := startBrowser(t, exe, "quay-1")
	con := pc.tab
	con.do(t, "open /counter", chromedp.EmulateViewport(1366, 768), chromedp.Navigate(d.base+"/counter"))
	con.do(t, "sign in",
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		loaded(chromedp.SendKeys(chromedp.CSS("#password"), staffPassword+kb.Enter)))
	if loc := get(t, con, "location", chromedp.Location()); loc != d.base+"/counter" {
		t.Fatalf("after sign-in: at %s, want %s/counter", loc, d.base)
	}

	waitFor := func(t *testing.T, what, js string) {
		t.Helper()
		get(t, con, what, chromedp.Poll[bool](`!!(window.motcuaConsole && window.motcuaConsole.state && !window.motcuaConsole.busy && (() => { const st = window.motcuaConsole.state; return `+js+`; })())`))
	}
	press := func(t *testing.T, key, name string, opts ...chromedp.KeyOption) {
		t.Helper()
		con.do(t, "press "+name, chromedp.KeyEvent(key, opts...))
	}
	altN := func(t *testing.T) {
		t.Helper()
		press(t, "n", "Alt+N", chromedp.KeyModifiers(chromedp.ModifierAlt))
		con.do(t, "wait for the panel", chromedp.WaitVisible(chromedp.CSS("#dos")))
	}
	eval := func(t *testing.T, what, js string) string {
		t.Helper()
		return get(t, con, what, chromedp.Evaluate[string](js))
	}
	focused := func(t *testing.T) string { t.Helper(); return eval(t, "focus", `document.activeElement.id`) }
	// pick types q into the procedure search and takes what it selects.
	pick := func(t *testing.T, q string) {
		t.Helper()
		if got := focused(t); got != "dos-q" {
			t.Fatalf("focus on %q when the panel opens, want the procedure search", got)
		}
		press(t, q, "type "+q)
		sel := eval(t, "the chosen procedure", `(document.querySelector('#dos-list [aria-selected="true"]') || {dataset: {}}).dataset.code || ""`)
		if sel != procCode {
			t.Errorf("typing %q selects procedure %q, want %s", q, sel, procCode)
		}
		press(t, kb.Enter, "Enter")
		con.do(t, "wait for the checklist", chromedp.WaitVisible(chromedp.CSS("#dos-docs tr")))
	}
	checklist := func(t *testing.T) [][]string {
		t.Helper()
		return get(t, con, "read the checklist", chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll("#dos-docs tr"), tr => [
			tr.querySelector(".n").innerText.trim(), String(tr.querySelector(".dos-inc").checked),
			tr.querySelector(".dos-form").value, tr.querySelector(".dos-count").value])`))
	}
	dossiersOf := func(t *testing.T, ticket int64) int {
		t.Helper()
		var n int
		if err := d.app.DB.R.QueryRow(`SELECT count(*) FROM dossiers WHERE ticket = ?`, ticket).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// openPage opens href of the console in another tab of the same browser
	// (the same session) and returns its text.
	openPage := func(t *testing.T, name, href string) string {
		t.Helper()
		tp := pc.newTab(t, name)
		res := get(t, tp, "open "+href, chromedp.NavigateResponse(d.base+href))
		if res.Status != 200 {
			t.Fatalf("%s: status %d", href, res.Status)
		}
		shots.take(t, tp, name)
		txt := get(t, tp, "read "+href, chromedp.Evaluate[string](`document.body.innerText`))
		tp.checkConsole(t)
		return txt
	}

	waitFor(t, "wait for the console's state", `st.counter.id === "quay-1" && st.queue_total === 3 && Array.isArray(st.procedures)`)
	if get(t, con, "button disabled", chromedp.Evaluate[bool](`document.getElementById("b-dossier").disabled`)) != true {
		t.Errorf("Tiếp nhận hồ sơ enabled with no ticket called")
	}
	if got := con.text(t, "#b-dossier .fk"); got != "Alt+N" {
		t.Errorf("the dossier button's key %q, want Alt+N", got)
	}
	// Alt+N with nobody at the counter says why and opens nothing
	press(t, "n", "Alt+N", chromedp.KeyModifiers(chromedp.ModifierAlt))
	get(t, con, "wait for the reason", chromedp.Poll[bool](`document.getElementById("msg").textContent.startsWith("Chỉ tiếp nhận hồ sơ khi đang phục vụ")`))
	if get(t, con, "panel hidden", chromedp.Evaluate[bool](`document.getElementById("dos").hidden`)) != true {
		t.Errorf("the panel opened with no ticket called")
	}

	var code string
	ok = t.Run("receive", func(t *testing.T) {
		press(t, kb.F1, "F1")
		waitFor(t, "wait for the call", `st.current && st.current.id === `+fmt.Sprint(tickets[0]))
		press(t, kb.F3, "F3")
		waitFor(t, "wait for the service to start", `st.current && st.current.state === "serving"`)
		waitFor(t, "the procedures of the ticket first", fmt.Sprintf(`st.procedures.length > 0 && st.procedures[0].for_ticket && st.procedures.some(p => p.code === %q && p.for_ticket)`, procCode))
		num := con.text(t, "#cur-num")

		altN(t)
		// a panel, not a modal: the ticket's number stays in sight
		if got := eval(t, "what is on top of the number", `(() => {
			const r = document.getElementById("cur-num").getBoundingClientRect();
			const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
			return e ? e.id : "";
		})()`); got != "cur-num" {
			t.Errorf("with the panel open the ticket's number is under %q", got)
		}
		if got := con.text(t, "#dos-h"); got != "Tiếp nhận hồ sơ — vé "+num {
			t.Errorf("panel heading %q", got)
		}
		pick(t, "tu nhan")
		if got := con.text(t, "#dos-proc-name"); got != proc.Name {
			t.Errorf("chosen procedure %q, want %q", got, proc.Name)
		}
		rows := checklist(t)
		var names []string
		for _, r := range rows {
			names = append(names, r[0])
			if r[1] != "true" || r[3] != "1" {
				t.Errorf("checklist row %q: want ticked, count 1", r)
			}
		}
		if !slices.Equal(names, proc.Documents) {
			t.Errorf("checklist %q, want the procedure's papers %q", names, proc.Documents)
		}
		if got := focused(t); got != "dos-name" {
			t.Errorf("focus after choosing the procedure on %q, want the applicant's name", got)
		}
		press(t, kb.Tab, "Tab")
		if got := focused(t); got != "dos-phone" {
			t.Errorf("Tab from the name goes to %q, want the phone", got)
		}
		// the second paper is a certified copy, in two
		con.do(t, "fill the form",
			chromedp.SetValue(chromedp.CSS("#dos-docs tr:nth-child(2) .dos-form"), "certified"),
			chromedp.SetValue(chromedp.CSS("#dos-docs tr:nth-child(2) .dos-count"), "2"),
			chromedp.SendKeys(chromedp.CSS("#dos-phone"), "0912345678"),
			chromedp.SendKeys(chromedp.CSS("#dos-idn"), "035090001234"),
			chromedp.SendKeys(chromedp.CSS("#dos-addr"), "12 Lê Lợi, Phủ Lý, Hà Nam"),
			chromedp.Click(chromedp.CSS(`input[name="dos-ch"][value="post"]`)),
			chromedp.SendKeys(chromedp.CSS("#dos-name"), "Nguyễn Văn An"))
		shots.take(t, con, "form")
		// Enter in a field receives the dossier
		press(t, kb.Enter, "Enter")
		con.do(t, "wait for the result", chromedp.WaitVisible(chromedp.CSS("#dos-code")))
		code = con.text(t, "#dos-code")
		if !regexp.MustCompile(`^000\.00\.01\.H23-\d{6}-0001$`).MatchString(code) {
			t.Fatalf("dossier code %q, want 000.00.01.H23-YYMMDD-0001", code)
		}
		shots.take(t, con, "received")

		var got struct {
			Dossier struct {
				Ticket        int64     `json:"ticket"`
				Procedure     string    `json:"procedure"`
				Counter       string    `json:"counter"`
				ReturnChannel string    `json:"return_channel"`
				Sets          int       `json:"sets"`
				DueDate       string    `json:"due_date"`
				DueAt         time.Time `json:"due_at"`
				Applicant     struct {
					Name, Phone, Address string
					IDNumber             string `json:"id_number"`
				} `json:"applicant"`
				Documents []struct {
					Name, Form string
					Count      int
				}
			} `json:"dossier"`
		}
		r := d.do("GET", "/api/v1/dossiers/"+code, sup, nil)
		if r.status != 200 {
			t.Fatalf("GET dossier %s: %d %s", code, r.status, r.body)
		}
		r.json(t, &got)
		g := got.Dossier
		if g.Ticket != tickets[0] || g.Procedure != procCode || g.Counter != "quay-1" || g.ReturnChannel != "post" || g.Sets != 1 {
			t.Errorf("dossier %s: ticket %d procedure %s counter %s channel %s sets %d, want ticket %d, %s at quay-1 by post, 1 set",
				code, g.Ticket, g.Procedure, g.Counter, g.ReturnChannel, g.Sets, tickets[0], procCode)
		}
		if a := g.Applicant; a.Name != "Nguyễn Văn An" || a.Phone != "0912345678" || a.Address != "12 Lê Lợi, Phủ Lý, Hà Nam" || a.IDNumber != "035090001234" {
			t.Errorf("applicant %+v", a)
		}
		if len(g.Documents) != len(proc.Documents) {
			t.Errorf("documents %+v, want the %d of the procedure", g.Documents, len(proc.Documents))
		}
		for i, doc := range g.Documents {
			form, count := "original", 1
			if strings.HasPrefix(doc.Name, "Bản sao") {
				form = "copy"
			}
			if i == 1 {
				form, count = "certified", 2
			}
			if i >= len(proc.Documents) || doc.Name != proc.Documents[i] || doc.Form != form || doc.Count != count {
				t.Errorf("document %d %+v, want %q %s ×%d", i, doc, proc.Documents[min(i, len(proc.Documents)-1)], form, count)
			}
		}
		// the appointment, as the API has it
		due, _ := time.Parse("2006-01-02", g.DueDate)
		wantDue := "Hẹn trả kết quả: ngày " + due.Format("02/01/2006") + " lúc " + g.DueAt.In(time.FixedZone("ICT", 7*3600)).Format("15:04")
		if got := con.text(t, "#dos-due"); got != wantDue {
			t.Errorf("appointment %q, want %q", got, wantDue)
		}
		if got := con.text(t, "#dos-print"); got != "Đã in giấy hẹn trên máy in của quầy." {
			t.Errorf("print status %q", got)
		}
		if got := focused(t); got != "dos-done" {
			t.Errorf("focus after receiving on %q, want Xong", got)
		}
		// the print links, to a new tab
		a5, ctl := con.attr(t, "#dos-a5", "href"), con.attr(t, "#dos-ctl", "href")
		if a5 != "/ho-so/"+code+"/giay-tiep-nhan" || ctl != "/ho-so/"+code+"/phieu-kiem-soat" || con.attr(t, "#dos-a5", "target") != "_blank" {
			t.Errorf("print links %q %q", a5, ctl)
		}
		if got := con.text(t, "#dos-a5"); got != "In giấy tiếp nhận (A5)" {
			t.Errorf("A5 link %q", got)
		}
		if got := con.text(t, "#dos-ctl"); got != "In phiếu kiểm soát" {
			t.Errorf("control sheet link %q", got)
		}
		txt := openPage(t, "a5", a5)
		for _, s := range []string{"Liên 1", "Liên 2", code, "Nguyễn Văn An", proc.Name} {
			if !strings.Contains(txt, s) {
				t.Errorf("A5 receipt lacks %q:\n%.800s", s, txt)
			}
		}
		if txt := openPage(t, "control-sheet", ctl); !strings.Contains(txt, code) {
			t.Errorf("control sheet lacks the code:\n%.600s", txt)
		}

		// today's dossiers at this counter
		waitFor(t, "wait for the dossier in the list", fmt.Sprintf(`st.dossiers.length === 1 && st.dossiers[0].code === %q`, code))
		row := eval(t, "the list", `document.querySelector("#dossiers li").innerText.replace(/\s+/g, " ").trim()`)
		if !strings.HasPrefix(row, code) || !strings.Contains(row, proc.Name) || !strings.Contains(row, "Giấy tiếp nhận (A5)") {
			t.Errorf("dossier list row %q", row)
		}
		if got := con.attr(t, "#dossiers li a", "href"); got != a5 {
			t.Errorf("list's A5 link %q, want %q", got, a5)
		}
		// Esc closes the panel; F4 finishes the ticket
		press(t, kb.Escape, "Esc")
		get(t, con, "wait for the panel to close", chromedp.Poll[bool](`document.getElementById("dos").hidden`))
		press(t, kb.F4, "F4")
		waitFor(t, "wait for the finish", `st.current === null`)
		if n := dossiersOf(t, tickets[0]); n != 1 {
			t.Errorf("dossiers of the ticket: %d, want 1", n)
		}
	})
	if !ok {
		return
	}

	ok = t.Run("supplement", func(t *testing.T) {
		press(t, kb.F1, "F1")
		waitFor(t, "wait for the call", `st.current && st.current.id === `+fmt.Sprint(tickets[1]))
		altN(t)
		// a new ticket, a blank form
		if v := eval(t, "name", `document.getElementById("dos-name").value`); v != "" {
			t.Errorf("the form of the last ticket stayed: name %q", v)
		}
		pick(t, "tu nhan")
		missing := proc.Documents[1]
		con.do(t, "untick a paper and name the applicant",
			chromedp.Click(chromedp.CSS("#dos-docs tr:nth-child(2) .dos-inc")),
			chromedp.SendKeys(chromedp.CSS("#dos-name"), "Trần Thị Bình"))
		con.do(t, "press Yêu cầu bổ sung", chromedp.Click(chromedp.CSS("#dos-supp-go")), chromedp.WaitVisible(chromedp.CSS("#dos-supp")))
		sel := get(t, con, "read the missing list", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#dos-missing input:checked"), c => c.value)`))
		if !slices.Equal(sel, []string{missing}) {
			t.Errorf("papers to add, preselected: %q, want the unticked %q", sel, missing)
		}
		con.do(t, "write a note", chromedp.SendKeys(chromedp.CSS("#dos-supp-note"), "Bản sao phải có chứng thực"))
		shots.take(t, con, "supplement")
		con.do(t, "send", chromedp.Click(chromedp.CSS("#dos-supp-ok")), chromedp.WaitVisible(chromedp.CSS("#dos-slip")))
		if got := eval(t, "heading", `document.getElementById("dos-res-h").textContent`); got != "Đã lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ" {
			t.Errorf("result heading %q", got)
		}
		href := con.attr(t, "#dos-slip", "href")
		var id int64
		var kind, missingJSON, reason string
		if err := d.app.DB.R.QueryRow(`SELECT id, kind, missing, reason FROM dossier_slips WHERE ticket = ?`, tickets[1]).Scan(&id, &kind, &missingJSON, &reason); err != nil {
			t.Fatalf("the slip of the ticket: %v", err)
		}
		if kind != "supplement" || !strings.Contains(missingJSON, missing) || reason != "Bản sao phải có chứng thực" {
			t.Errorf("slip %d: %s, missing %s, reason %q", id, kind, missingJSON, reason)
		}
		if want := fmt.Sprintf("/ho-so/phieu/%d", id); href != want {
			t.Errorf("slip link %q, want %q", href, want)
		}
		shots.take(t, con, "supplement-done")
		txt := openPage(t, "slip", href)
		for _, s := range []string{"PHIẾU YÊU CẦU BỔ SUNG", missing, "Trần Thị Bình"} {
			if !strings.Contains(txt, s) {
				t.Errorf("slip page lacks %q:\n%.800s", s, txt)
			}
		}
		if n := dossiersOf(t, tickets[1]); n != 0 {
			t.Errorf("a supplement request received %d dossiers, want none", n)
		}
		con.do(t, "press Xong", chromedp.Click(chromedp.CSS("#dos-done")))
		get(t, con, "wait for the panel to close", chromedp.Poll[bool](`document.getElementById("dos").hidden`))
		press(t, kb.F4, "F4")
		waitFor(t, "wait for the finish", `st.current === null`)
	})
	if !ok {
		return
	}

	t.Run("refusal needs a reason, a double click receives once", func(t *testing.T) {
		press(t, kb.F1, "F1")
		waitFor(t, "wait for the call", `st.current && st.current.id === `+fmt.Sprint(tickets[2]))
		altN(t)
		pick(t, "1.001612") // by its code too
		con.do(t, "name the applicant", chromedp.SendKeys(chromedp.CSS("#dos-name"), "Lê Văn Cường"))

		con.do(t, "press Từ chối tiếp nhận", chromedp.Click(chromedp.CSS("#dos-ref-go")), chromedp.WaitVisible(chromedp.CSS("#dos-ref-reason")))
		con.do(t, "send with no reason", chromedp.Click(chromedp.CSS("#dos-ref-ok")), chromedp.WaitVisible(chromedp.CSS("#dos-msg")))
		if got := con.text(t, "#dos-msg"); got != "Hãy ghi lý do từ chối tiếp nhận hồ sơ" {
			t.Errorf("refusal without a reason says %q", got)
		}
		var slips int
		d.app.DB.R.QueryRow(`SELECT count(*) FROM dossier_slips WHERE ticket = ?`, tickets[2]).Scan(&slips)
		if slips != 0 {
			t.Errorf("a refusal without a reason recorded %d slips", slips)
		}
		con.do(t, "back", chromedp.Click(chromedp.CSS("#dos-ref-back")))

		// the counter's printer runs out of paper
		paperOut := filepath.Join(d.app.spools["quay-1"], "quay-1", printer.VirtualPaperOut)
		if err := os.WriteFile(paperOut, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(paperOut)
		// The server takes its time (the page's fetch is held 400 ms), so
		// the double click's second press comes while the first is in flight.
		con.do(t, "slow the network", chromedp.Evaluate[chromedp.Void](`(() => {
			const real = window.fetch;
			window.motcuaPosts = 0;
			window.fetch = (u, o) => {
				if (String(u).endsWith("/api/v1/dossiers") && o && o.method === "POST") {
					window.motcuaPosts++;
					return new Promise(r => setTimeout(r, 400)).then(() => real(u, o));
				}
				return real(u, o);
			};
		})()`))
		xy := get(t, con, "find the button", chromedp.Evaluate[[]float64](`(() => {
			const r = document.getElementById("dos-receive").getBoundingClientRect();
			return [r.left + r.width / 2, r.top + r.height / 2];
		})()`))
		con.do(t, "double click Tiếp nhận và in giấy hẹn",
			chromedp.MouseClickXY(xy[0], xy[1]),
			chromedp.MouseClickXY(xy[0], xy[1], chromedp.ClickCount(2)))
		if get(t, con, "in flight", chromedp.Evaluate[bool](`document.getElementById("dos-receive").disabled && window.motcuaConsole.dossier.busy`)) != true {
			t.Errorf("the outcome buttons are not disabled while the dossier is sent")
		}
		con.do(t, "wait for the result", chromedp.WaitVisible(chromedp.CSS("#dos-code")))
		time.Sleep(500 * time.Millisecond) // a second dossier, had one been sent, would be in by now
		if n := dossiersOf(t, tickets[2]); n != 1 {
			t.Errorf("a double click received %d dossiers, want 1", n)
		}
		if n := get(t, con, "posts", chromedp.Evaluate[int](`window.motcuaPosts`)); n != 1 {
			t.Errorf("a double click sent %d requests, want 1", n)
		}
		if got := con.text(t, "#dos-code"); !regexp.MustCompile(`^000\.00\.01\.H23-\d{6}-0002$`).MatchString(got) {
			t.Errorf("second dossier's code %q, want …-0002", got)
		}
		if got := con.text(t, "#dos-print"); got != "Không in được giấy hẹn: Máy in hết giấy. Hãy mở giấy tiếp nhận khổ A5 để in." {
			t.Errorf("failed print says %q", got)
		}
		if cls := con.attr(t, "#dos-a5", "class"); cls != "btn primary" || focused(t) != "dos-a5" {
			t.Errorf("after a failed print the A5 link is %q, focus on %q; want it primary and focused", cls, focused(t))
		}
		shots.take(t, con, "print-failed")
		waitFor(t, "wait for both in the list", `st.dossiers.length === 2`)
		codes := get(t, con, "read the list", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#dossiers li"), li => li.dataset.code)`))
		if len(codes) != 2 || codes[1] != code {
			t.Errorf("list of today's dossiers %q, want the newest first, then %s", codes, code)
		}
		if got := con.text(t, "#dos-count"); got != "2" {
			t.Errorf("dossier count %q, want 2", got)
		}
	})

	// Esc closes the panel: today's dossiers at the side
	press(t, kb.Escape, "Esc")
	get(t, con, "wait for the panel to close", chromedp.Poll[bool](`document.getElementById("dos").hidden`))
	shots.take(t, con, "list")
	con.do(t, "a 1920×1080 screen", chromedp.EmulateViewport(1920, 1080))
	time.Sleep(200 * time.Millisecond)
	shots.take(t, con, "1920x1080")
	con.checkConsole(t)
}
