package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/queue"
)

// padButtonsJS reads the rating buttons: level, label, face colour and
// size, and whether each lies wholly on the screen.
const padButtonsJS = `Array.from(document.querySelectorAll("#levels button"), b => {
	const r = b.getBoundingClientRect(), c = b.querySelector("svg circle");
	return {level: +b.dataset.level, label: b.querySelector(".rt-label").textContent,
		fill: c ? c.getAttribute("fill") : "", w: r.width, h: r.height,
		inside: r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight};
})`

type padButton struct {
	Level  int     `json:"level"`
	Label  string  `json:"label"`
	Fill   string  `json:"fill"`
	W      float64 `json:"w"`
	H      float64 `json:"h"`
	Inside bool    `json:"inside"`
}

// checkPadButtons checks the armed pad's buttons: one per level, best
// first, each at least minW×minH CSS px and wholly on the screen, the
// faces from green to red.
func checkPadButtons(t *testing.T, tb *tab, levels []queue.RatingLevel, orientation string, minW, minH float64) {
	t.Helper()
	bs := get(t, tb, "read the buttons", chromedp.Evaluate[[]padButton](padButtonsJS))
	if len(bs) != len(levels) {
		t.Fatalf("%s: %d buttons, want %d", orientation, len(bs), len(levels))
	}
	for i, b := range bs {
		if b.Level != levels[i].Level || b.Label != levels[i].Label {
			t.Errorf("%s: button %d is %d %q, want %d %q", orientation, i, b.Level, b.Label, levels[i].Level, levels[i].Label)
		}
		if b.W < minW || b.H < minH || !b.Inside {
			t.Errorf("%s: button %q is %.0f×%.0f px (on screen: %v), want ≥ %.0f×%.0f on screen", orientation, b.Label, b.W, b.H, b.Inside, minW, minH)
		}
	}
	if first, last := bs[0].Fill, bs[len(bs)-1].Fill; first != "#1e8e3e" || last != "#d93025" {
		t.Errorf("%s: faces from %s to %s, want green #1e8e3e to red #d93025", orientation, first, last)
	}
	// the question above and the countdown below are on the screen too
	for _, sel := range []string{"#armed-ask", "#armed-ticket", "#countdown"} {
		if !get(t, tb, "is "+sel+" on the screen", chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
			const r = document.querySelector(%q).getBoundingClientRect();
			return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight;
		})()`, sel))) {
			t.Errorf("%s: %s is off the screen", orientation, sel)
		}
	}
}

// pairPad starts a browser and pairs it as the rating pad of counter
// through a one-time link, as `motcua pair create --role ratingpad`
// makes; the code is checked on the daemon's clock, now.
func pairPad(t *testing.T, d *daemon, exe, counter string, now time.Time) *browser {
	t.Helper()
	code, err := auth.CreatePairing(context.Background(), d.app.DB, auth.RoleRatingpad, counter, now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t, exe, "bảng đánh giá "+counter)
	b.do(t, "a landscape 10-inch tablet", chromedp.EmulateViewport(1280, 800, chromedp.EmulateTouch))
	b.do(t, "open the pairing link", chromedp.Navigate(d.base+"/pair/"+code))
	if loc := get(t, b.tab, "location", chromedp.Location()); loc != d.base+"/rate/"+counter {
		t.Fatalf("after pairing: at %s, want %s/rate/%s", loc, d.base, counter)
	}
	return b
}

// TestBrowserRate drives the web rating pad /rate/quay-1 in headless
// Chromium as a 10-inch tablet facing the citizen, with the daemon on a
// fake clock: the tablet pairs through a one-time link and lands on the
// pad; an official at quay-1 finishes a ticket and the pad offers it for
// rating within 2 s; one tap of "Hài lòng" (a second tap while it is in
// flight ignored, a lost first try retried with the same Idempotency-Key)
// is stored once, with level 2 and source web, seen in the ticket's
// history and on the official's console, and the pad thanks the citizen
// and goes idle; a ticket rated elsewhere while the pad was offline is
// refused with the server's words; a window that runs out on the daemon's
// clock takes the pad back to idle with no rating; the pad may not rate or
// act at another counter; an unpaired browser is told how to pair, and
// pairs the demo's way, from the start page.
func TestBrowserRate(t *testing.T) {
	exe := chromium(t)
	clk := clock.NewFake(monitorStart())
	d := bootWith(t, Options{Clock: clk})
	shots := newShots(t, "rate")
	const (
		svcID    = "dang-ky-doanh-nghiep" // served at quay-1
		username = "canbo-danhgia"
	)
	c1, ok := d.app.Cfg.Counter("quay-1")
	if !ok || !slices.Contains(c1.Services, svcID) {
		t.Fatalf("demo counter quay-1 does not fit the test: %+v", c1)
	}
	if _, ok := d.app.Cfg.Counter("quay-2"); !ok {
		t.Fatal("demo has no quay-2")
	}
	levels := queue.RatingLevels(d.app.Cfg.Queue.RatingLevels)
	if len(levels) < 3 || levels[1].Level != 2 || levels[1].Label != "Hài lòng" {
		t.Fatalf("rating levels %+v: want level 2 Hài lòng", levels)
	}
	window := time.Duration(d.app.Cfg.Queue.RatingWindowS) * time.Second
	if window != 60*time.Second {
		t.Fatalf("demo rating window %v, want 60 s", window)
	}

	d.user(username, auth.RoleOfficial, "quay-1")
	off := d.signIn(username, "quay-1")
	kiosk := d.token(auth.RoleKiosk, "kiosk-1")
	sup := d.token(auth.RoleSupervisor, "")

	// serve: a citizen takes a number, is called and served at quay-1.
	serve := func(t *testing.T) (int64, string) {
		t.Helper()
		id := d.issueID(t, kiosk, svcID, "")
		r := off.act(t, "quay-1", "call-next", nil, 200)
		var v struct{ Ticket struct{ ID int64 } }
		r.json(t, &v)
		if v.Ticket.ID != id {
			t.Fatalf("call-next called ticket %d, want %d: %s", v.Ticket.ID, id, r.body)
		}
		r = off.act(t, "quay-1", "finish", nil, 200)
		var f struct{ Ticket struct{ Number string } }
		r.json(t, &f)
		return id, f.Ticket.Number
	}
	ratings := func(t *testing.T, ticket int64) []int {
		t.Helper()
		rows, err := d.app.DB.R.Query(`SELECT level FROM ratings WHERE ticket = ?`, ticket)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []int
		for rows.Next() {
			var l int
			if err := rows.Scan(&l); err != nil {
				t.Fatal(err)
			}
			out = append(out, l)
		}
		return out
	}

	pad := pairPad(t, d, exe, "quay-1", clk.Now())
	pt := pad.tab
	// waitPad polls the pad until js holds of r, its window.motcuaRate.
	waitPad := func(t *testing.T, what, js string) {
		t.Helper()
		get(t, pt, what, chromedp.Poll[bool](`!!window.motcuaRate && (r => `+js+`)(window.motcuaRate)`))
	}
	sent := func(t *testing.T) []int {
		t.Helper()
		return get(t, pt, "read the levels sent", chromedp.Evaluate[[]int](`window.motcuaRate.sent`))
	}
	waitPad(t, "wait for the idle pad", `r.state === "idle" && !!r.poll`)
	if got := pt.text(t, "#idle-ask"); got != "Mời ông/bà đánh giá sau khi được phục vụ" {
		t.Errorf("idle pad asks %q", got)
	}
	if got := pt.text(t, ".rt-idle-title"); got != c1.Name {
		t.Errorf("idle pad names the counter %q, want %q", got, c1.Name)
	}
	if got := pt.text(t, ".rt-idle-center"); got != d.app.Cfg.Center.Name {
		t.Errorf("idle pad names the center %q, want %q", got, d.app.Cfg.Center.Name)
	}
	if get(t, pt, "offline notice", chromedp.Evaluate[bool](`document.getElementById("offline").hidden`)) != true {
		t.Errorf("offline notice shown while connected")
	}
	shots.take(t, pt, "idle")

	ok = t.Run("tap Hài lòng", func(t *testing.T) {
		id, number := serve(t)
		finished := time.Now()
		waitPad(t, "wait for "+number+" armed", fmt.Sprintf(`r.state === "armed" && r.ticket === %q`, number))
		if took := time.Since(finished); took > 2*time.Second {
			t.Errorf("the pad showed %s armed %v after the finish, want ≤ 2 s", number, took)
		}
		if got := pt.text(t, "#armed-ask"); got != "Mời ông/bà đánh giá mức độ hài lòng" {
			t.Errorf("armed pad asks %q", got)
		}
		if got := pt.text(t, "#armed-ticket"); got != number {
			t.Errorf("armed pad shows ticket %q, want %s", got, number)
		}
		countdown := regexp.MustCompile(`^Còn (\d+) giây$`)
		m := countdown.FindStringSubmatch(pt.text(t, "#countdown"))
		if m == nil {
			t.Errorf("countdown %q, want Còn N giây", pt.text(t, "#countdown"))
		} else if n, _ := strconv.Atoi(m[1]); n < 50 || n > 60 {
			t.Errorf("countdown %q just after the finish, want 50…60 s", m[0])
		}
		// one big button per level, best first, green to red, on the
		// screen in both orientations
		checkPadButtons(t, pt, levels, "landscape", 250, 300)
		shots.take(t, pt, "armed-landscape")
		pt.do(t, "turn the tablet upright", chromedp.EmulateViewport(800, 1280, chromedp.EmulateTouch))
		checkPadButtons(t, pt, levels, "portrait", 600, 180)
		shots.take(t, pt, "armed-portrait")
		pt.do(t, "turn the tablet back", chromedp.EmulateViewport(1280, 800, chromedp.EmulateTouch))

		// The first try of the tap is held in the network, then lost: taps
		// meanwhile are ignored, and the retry carries the same key.
		pt.do(t, "hold the first post", chromedp.Evaluate[chromedp.Void](`(() => {
			const real = window.fetch;
			window.motcuaKeys = [];
			let lose = null;
			window.motcuaLose = () => lose && lose();
			window.fetch = (u, o) => {
				if (o && o.method === "POST" && String(u).endsWith("/rating")) {
					window.motcuaKeys.push(o.headers["Idempotency-Key"]);
					if (window.motcuaKeys.length === 1) return new Promise((_, reject) => { lose = () => reject(new TypeError("Failed to fetch")); });
					window.fetch = real;
				}
				return real(u, o);
			};
		})()`))
		pt.do(t, "tap Hài lòng", chromedp.Tap(chromedp.CSS(`#levels button[data-level="2"]`)))
		waitPad(t, "wait for the tap in flight", `r.state === "sending"`)
		pt.do(t, "tap again while in flight", chromedp.Evaluate[chromedp.Void](`(() => {
			document.querySelector('#levels button[data-level="1"]').click();
			document.querySelector('#levels button[data-level="2"]').click();
		})()`))
		pt.do(t, "lose the first try", chromedp.Evaluate[chromedp.Void](`window.motcuaLose()`))
		waitPad(t, "wait for the thanks", `r.state === "thanks"`)
		thanked := time.Now()
		if got := pt.text(t, "#thanks-text"); got != "Cảm ơn ông/bà đã đánh giá: Hài lòng" {
			t.Errorf("thanks %q", got)
		}
		shots.take(t, pt, "thanks")
		if got := sent(t); !slices.Equal(got, []int{2}) {
			t.Errorf("levels posted %v, want [2]: one tap, one rating", got)
		}
		keys := get(t, pt, "read the keys sent", chromedp.Evaluate[[]string](`window.motcuaKeys`))
		if len(keys) != 2 || keys[0] == "" || keys[0] != keys[1] {
			t.Errorf("Idempotency-Key of the try and the retry: %q, want one key twice", keys)
		}
		if got := ratings(t, id); !slices.Equal(got, []int{2}) {
			t.Errorf("ratings of %s stored: %v, want [2]", number, got)
		}

		// the ticket's history, as a supervisor reads it
		r := d.do("GET", fmt.Sprintf("/api/v1/tickets/%d", id), sup, nil)
		if r.status != 200 {
			t.Fatalf("GET ticket %s: %d %s", number, r.status, r.body)
		}
		var h struct{ History []historyEvent }
		r.json(t, &h)
		var rated []historyEvent
		for _, ev := range h.History {
			if ev.Type == "ticket.rated" {
				rated = append(rated, ev)
			}
		}
		if len(rated) != 1 {
			t.Fatalf("history of %s has %d ticket.rated events, want 1: %+v", number, len(rated), h.History)
		}
		var data struct {
			Level  int    `json:"level"`
			Source string `json:"source"`
		}
		if err := json.Unmarshal(rated[0].Data, &data); err != nil || data.Level != 2 || data.Source != "web" || rated[0].Counter != "quay-1" {
			t.Errorf("ticket.rated of %s: counter %q data %s (%v), want quay-1, level 2, source web", number, rated[0].Counter, rated[0].Data, err)
		}
		// the official's console
		st := off.console(t, "quay-1")
		if st.LastRating == nil || st.LastRating.Level != 2 || st.LastRating.Number != number || st.LastRating.Source != "web" {
			t.Errorf("console last_rating %+v, want %s level 2 from web", st.LastRating, number)
		}
		if st.Rating.Armed {
			t.Errorf("console: rating still armed after the rating: %+v", st.Rating)
		}

		waitPad(t, "wait for the pad to go idle", `r.state === "idle"`)
		if held := time.Since(thanked); held < 4*time.Second {
			t.Errorf("the thanks stayed %v, want about 5 s", held)
		}
		last := get(t, pt, "read the last rating", chromedp.Evaluate[map[string]any](`window.motcuaRate.poll.last`))
		if last["number"] != number || last["level"] != float64(2) || last["label"] != "Hài lòng" || last["official"] != nil && last["official"] != "" {
			t.Errorf("the pad's last rating %v, want %s level 2 Hài lòng and no official", last, number)
		}
	})
	if !ok {
		return
	}

	ok = t.Run("rated elsewhere while offline", func(t *testing.T) {
		id, number := serve(t)
		waitPad(t, "wait for "+number+" armed", fmt.Sprintf(`r.state === "armed" && r.ticket === %q`, number))
		// the polls fail; taps still go out
		pt.do(t, "cut the polls", chromedp.Evaluate[chromedp.Void](`(() => {
			const real = window.fetch;
			window.motcuaReconnect = () => { window.fetch = real; };
			window.fetch = (u, o) => (!o || !o.method || o.method === "GET") && String(u).endsWith("/rating")
				? Promise.reject(new TypeError("Failed to fetch")) : real(u, o);
		})()`))
		pt.do(t, "wait for the offline notice", chromedp.WaitVisible(chromedp.CSS("#offline")))
		if got := pt.text(t, "#offline"); got != "Mất kết nối" {
			t.Errorf("offline notice %q, want Mất kết nối", got)
		}
		if got := get(t, pt, "state", chromedp.Evaluate[string](`window.motcuaRate.state`)); got != "armed" {
			t.Errorf("offline pad went %s, want still armed", got)
		}
		shots.take(t, pt, "offline")
		// meanwhile the citizen rated on another device at the counter
		if r := off.do("POST", "/api/v1/counters/quay-1/rating", map[string]int{"level": 1}, "Idempotency-Key", "elsewhere-"+number); r.status != 200 {
			t.Fatalf("rating from the official's session: %d %s", r.status, r.body)
		}
		pt.do(t, "tap Không hài lòng", chromedp.Tap(chromedp.CSS(fmt.Sprintf(`#levels button[data-level="%d"]`, len(levels)))))
		waitPad(t, "wait for the refusal", `r.state === "error"`)
		if got := pt.text(t, "#error-text"); got != "Lượt phục vụ này đã được đánh giá" {
			t.Errorf("refusal %q, want the server's Lượt phục vụ này đã được đánh giá", got)
		}
		shots.take(t, pt, "refused")
		if got := sent(t); !slices.Equal(got, []int{2, len(levels)}) {
			t.Errorf("levels posted %v, want [2 %d]", got, len(levels))
		}
		if got := ratings(t, id); !slices.Equal(got, []int{1}) {
			t.Errorf("ratings of %s stored: %v, want only the first, [1]", number, got)
		}
		pt.do(t, "reconnect", chromedp.Evaluate[chromedp.Void](`window.motcuaReconnect()`))
		waitPad(t, "wait for the pad back online and idle", `!r.offline && r.state === "idle"`)
		pt.forget(t, "status of 409", "/api/v1/counters/quay-1/rating")
	})
	if !ok {
		return
	}

	ok = t.Run("the window runs out", func(t *testing.T) {
		id, number := serve(t)
		waitPad(t, "wait for "+number+" armed", fmt.Sprintf(`r.state === "armed" && r.ticket === %q`, number))
		// the countdown follows the daemon's clock, not the tablet's
		clk.Advance(window / 2)
		get(t, pt, "wait for the countdown to follow", chromedp.Poll[bool](`(() => {
			const m = /^Còn (\d+) giây$/.exec(document.getElementById("countdown").textContent);
			return !!m && +m[1] <= 30 && +m[1] >= 25;
		})()`))
		clk.Advance(window/2 + time.Second)
		at := time.Now()
		waitPad(t, "wait for the pad to go idle", `r.state === "idle"`)
		if took := time.Since(at); took > 2*time.Second {
			t.Errorf("the pad went idle %v after the window ended, want ≤ 2 s", took)
		}
		if got := ratings(t, id); len(got) != 0 {
			t.Errorf("ratings of %s: %v, want none", number, got)
		}
		if got := sent(t); !slices.Equal(got, []int{2, len(levels)}) {
			t.Errorf("levels posted %v, want no more than [2 %d]", got, len(levels))
		}
		shots.take(t, pt, "idle-after-window")
	})
	if !ok {
		return
	}

	t.Run("quay-1's pad stays at quay-1", func(t *testing.T) {
		other := pad.newTab(t, "bảng đánh giá quay-1 → quay-2")
		other.do(t, "open the pad of quay-2", chromedp.Navigate(d.base+"/rate/quay-2"), chromedp.WaitVisible(chromedp.CSS("#unpaired")))
		// the pad's own cookie and CSRF token, another counter
		status := func(method, path, body string) int {
			t.Helper()
			return get(t, other, method+" "+path, chromedp.Evaluate[int](fmt.Sprintf(`fetch(%q, {method: %q, credentials: "same-origin",
				headers: {"Content-Type": "application/json", "X-CSRF-Token": decodeURIComponent((document.cookie.match(/(?:^|; )motcua_csrf=([^;]*)/) || [])[1] || ""), "Idempotency-Key": "other-counter"},
				body: %s}).then(r => r.status)`, path, method, body), chromedp.EvalAwaitPromise))
		}
		if got := status("POST", "/api/v1/counters/quay-2/rating", `'{"level": 1}'`); got != 403 {
			t.Errorf("quay-1's pad rating at quay-2: %d, want 403", got)
		}
		if got := status("GET", "/api/v1/counters/quay-2/rating", "undefined"); got != 403 {
			t.Errorf("quay-1's pad reading quay-2's rating: %d, want 403", got)
		}
		// a rating pad is no official, even at its own counter
		if got := status("POST", "/api/v1/counters/quay-1/call-next", "undefined"); got != 403 {
			t.Errorf("quay-1's pad calling the next citizen: %d, want 403", got)
		}
		other.forget(t, "status of 403", "/api/v1/counters/quay-2/rating")
		other.forget(t, "status of 403", "/api/v1/counters/quay-1/call-next")
		other.checkConsole(t)
	})

	t.Run("an unpaired browser", func(t *testing.T) {
		b := startBrowser(t, exe, "máy chưa ghép nối")
		b.do(t, "open the pad", chromedp.EmulateViewport(800, 1280, chromedp.EmulateTouch),
			chromedp.Navigate(d.base+"/rate/quay-1"), chromedp.WaitVisible(chromedp.CSS("#unpaired")))
		if got := b.text(t, "#unpaired h1"); got != "Máy tính bảng này chưa được ghép nối" {
			t.Errorf("unpaired page says %q", got)
		}
		if got := b.text(t, "#pair-cmd"); got != "motcua pair create --role ratingpad --place quay-1" {
			t.Errorf("pairing command %q", got)
		}
		if get(t, b.tab, "no pad script", chromedp.Evaluate[bool](`"motcuaRate" in window || !!document.querySelector("#levels")`)) {
			t.Errorf("an unpaired browser got the rating pad")
		}
		shots.take(t, b.tab, "unpaired")
		// the demo's way, as the page tells it: the start page's button
		b.do(t, "open the start page", loaded(chromedp.Click(chromedp.CSS("#start-link"))))
		b.do(t, "pair from the start page", loaded(chromedp.Click(pairButton(auth.RoleRatingpad, "quay-1"))))
		if loc := get(t, b.tab, "location", chromedp.Location()); loc != d.base+"/rate/quay-1" {
			t.Fatalf("after pairing from the start page: at %s, want %s/rate/quay-1", loc, d.base)
		}
		get(t, b.tab, "wait for the pad", chromedp.Poll[bool](`!!window.motcuaRate && window.motcuaRate.state === "idle"`))
		b.checkConsole(t)
	})

	pt.checkConsole(t)
}

// TestBrowserRateFourLevels runs the pad on the 4-level scale (the demo
// center with rating_levels = 4): four buttons, best first, fit a 10-inch
// tablet in both orientations, and "Bình thường" is stored as level 3 of 4.
func TestBrowserRateFourLevels(t *testing.T) {
	exe := chromium(t)
	demo, err := os.ReadFile(filepath.Join("config", "demo.toml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(demo), "\nrating_levels = 3\n", "\nrating_levels = 4\n", 1)
	if cfg == string(demo) {
		t.Fatal("config/demo.toml has no line rating_levels = 3 to change")
	}
	path := filepath.Join(t.TempDir(), "center.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(monitorStart())
	d := bootWith(t, Options{ConfigPath: path, Clock: clk})
	shots := newShots(t, "rate4")
	levels := queue.RatingLevels(4)
	if got := queue.RatingLevels(d.app.Cfg.Queue.RatingLevels); !slices.Equal(got, levels) || levels[2].Label != "Bình thường" {
		t.Fatalf("rating levels %+v, want the 4-level scale with Bình thường third", got)
	}
	d.user("canbo-bonmuc", auth.RoleOfficial, "quay-1")
	off := d.signIn("canbo-bonmuc", "quay-1")
	id := d.issueID(t, d.token(auth.RoleKiosk, "kiosk-1"), "dang-ky-doanh-nghiep", "")
	off.act(t, "quay-1", "call-next", nil, 200)
	off.act(t, "quay-1", "finish", nil, 200)

	pt := pairPad(t, d, exe, "quay-1", clk.Now()).tab
	get(t, pt, "wait for the armed pad", chromedp.Poll[bool](`!!window.motcuaRate && window.motcuaRate.state === "armed"`))
	checkPadButtons(t, pt, levels, "landscape", 200, 300)
	shots.take(t, pt, "armed-landscape")
	pt.do(t, "turn the tablet upright", chromedp.EmulateViewport(800, 1280, chromedp.EmulateTouch))
	checkPadButtons(t, pt, levels, "portrait", 600, 160)
	shots.take(t, pt, "armed-portrait")

	pt.do(t, "tap Bình thường", chromedp.Tap(chromedp.CSS(`#levels button[data-level="3"]`)))
	get(t, pt, "wait for the thanks", chromedp.Poll[bool](`window.motcuaRate.state === "thanks"`))
	if got := pt.text(t, "#thanks-text"); got != "Cảm ơn ông/bà đã đánh giá: Bình thường" {
		t.Errorf("thanks %q", got)
	}
	var level, of int
	var source string
	if err := d.app.DB.R.QueryRow(`SELECT level, levels, source FROM ratings WHERE ticket = ?`, id).Scan(&level, &of, &source); err != nil || level != 3 || of != 4 || source != "web" {
		t.Errorf("stored rating: level %d of %d from %q (%v), want 3 of 4 from web", level, of, source, err)
	}
	pt.checkConsole(t)
}
