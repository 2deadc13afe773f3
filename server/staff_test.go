package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"time"

	"github.com/motcua/motcua/server/auth"
)

// staffPassword is the password of every account tests make with d.user.
const staffPassword = "mat-khau-thu-nghiem"

// user makes a staff account with staffPassword.
func (d *daemon) user(username, role, counter string) {
	d.t.Helper()
	if _, err := auth.CreateUser(context.Background(), d.app.DB, auth.User{Username: username, Name: "Cán bộ " + username, Role: role, Counter: counter}, staffPassword, time.Now()); err != nil {
		d.t.Fatal(err)
	}
}

// staff is a browser-like client signed in with a cookie session.
type staff struct {
	d    *daemon
	c    *http.Client
	csrf string
}

// signIn signs username in (at counter, if given) and fails the test
// unless it worked.
func (d *daemon) signIn(username, counter string) *staff {
	d.t.Helper()
	s, r := d.trySignIn(username, staffPassword, counter)
	if r.status != http.StatusOK {
		d.t.Fatalf("sign in %s: %d %s", username, r.status, r.body)
	}
	return s
}

func (d *daemon) trySignIn(username, password, counter string) (*staff, reply) {
	d.t.Helper()
	jar, _ := cookiejar.New(nil)
	s := &staff{d: d, c: &http.Client{Jar: jar, Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	r := s.do("POST", "/api/v1/session", map[string]string{"username": username, "password": password, "counter": counter})
	if r.status == http.StatusOK {
		var v struct{ CSRF string }
		r.json(d.t, &v)
		s.csrf = v.CSRF
	}
	return s, r
}

// do sends a request with the session cookie and the CSRF header; hdr
// are name, value pairs added (an empty X-CSRF-Token value removes it).
func (s *staff) do(method, path string, body any, hdr ...string) reply {
	s.d.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.d.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.d.base+path, rd)
	if err != nil {
		s.d.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.csrf != "" {
		req.Header.Set(csrfHeader, s.csrf)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	res, err := s.c.Do(req)
	if err != nil {
		s.d.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return reply{status: res.StatusCode, ctype: res.Header.Get("Content-Type"), body: b}
}
