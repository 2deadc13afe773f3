package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The demo center's keypads are simulated behind a real pty: the serial
// driver polls them, finish arms one, a press on the start page's virtual
// key is stored as the rating of the ticket just finished.
func TestDemoKeypadRates(t *testing.T) {
	d := boot(t, "")
	d.user("cb1", "official", "quay-1")
	s := d.signIn("cb1", "")
	k := d.token("kiosk", "kiosk-1")
	waitFor := func(what string, ok func(st ConsoleState) bool) ConsoleState {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			st := s.console(t, "quay-1")
			if ok(st) {
				return st
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; keypad %+v", what, st.Devices["keypad"])
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("the keypad online", func(st ConsoleState) bool { return st.Devices["keypad"].State == "ok" })
	id := d.issueID(t, k, "dang-ky-doanh-nghiep", "")
	s.act(t, "quay-1", "call-next", nil, 200)
	s.act(t, "quay-1", "finish", nil, 200)
	waitFor("the keypad armed", func(st ConsoleState) bool { return strings.Contains(st.Devices["keypad"].Message, "đang chờ") })

	press := func(key string) int {
		res, err := http.PostForm(d.base+"/start/key", url.Values{"counter": {"quay-1"}, "key": {key}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	at := time.Now()
	if st := press("2"); st != http.StatusOK && st != http.StatusSeeOther {
		t.Fatalf("virtual key: %d", st)
	}
	st := waitFor("the rating", func(st ConsoleState) bool { return st.LastRating != nil })
	t.Logf("virtual key press to stored rating: %v at the default poll interval", time.Since(at).Round(time.Millisecond))
	if st.LastRating.Ticket != id || st.LastRating.Level != 2 || st.LastRating.Source != "keypad" || !strings.Contains(st.LastRating.Official, "cb1") {
		t.Errorf("rating: %+v, want ticket %d level 2 from the keypad, credited to cb1", st.LastRating, id)
	}
	// a second press rates nothing and is counted
	press("1")
	time.Sleep(700 * time.Millisecond)
	if st := s.console(t, "quay-1"); st.LastRating.Level != 2 {
		t.Errorf("a second press changed the rating: %+v", st.LastRating)
	}
	r := d.do("GET", "/metrics", "", nil)
	if !strings.Contains(string(r.body), `motcua_keypad_up{counter="quay-1"} 1`) || !strings.Contains(string(r.body), "motcua_keypad_ratings_total 1") {
		t.Errorf("metrics lack the keypad figures:\n%s", grepLines(string(r.body), "keypad"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
