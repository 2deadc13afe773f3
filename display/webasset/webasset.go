// Package webasset serves a page's embedded static files under URLs that
// carry their content hash, so a kiosk or a lobby TV never runs a stale
// script after an upgrade, and answers errors as RFC 9457 problems like the
// rest of the API. The kiosk and display pages share it.
package webasset

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// Set is the embedded files of one page, mounted at a prefix.
type Set struct {
	prefix string
	files  map[string]file
}

type file struct {
	body  []byte
	hash  string // first 12 hex digits of its SHA-256
	ctype string
}

// New reads every file below dir of fsys; prefix is where Handler is
// mounted, e.g. "/kiosk/assets/". It panics on an unreadable tree: the
// files are embedded, so that is a build mistake.
func New(fsys fs.FS, dir, prefix string) *Set {
	s := &Set{prefix: prefix, files: map[string]file{}}
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		s.files[p] = file{body: b, hash: hex.EncodeToString(sum[:6]), ctype: ctype}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return s
}

// URL is the versioned URL of the file name; it panics for a file that is
// not embedded, which a page test catches.
func (s *Set) URL(name string) string {
	f, ok := s.files[name]
	if !ok {
		panic(fmt.Sprintf("webasset: no file %q under %s", name, s.prefix))
	}
	return s.prefix + name + "?v=" + f.hash
}

// Handler serves the files, mounted at the prefix (it also works behind
// http.StripPrefix). A URL that carries the file's current hash is cached
// for a year; any other is revalidated.
func (s *Set) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			Problem(w, http.StatusMethodNotAllowed, "method-not-allowed", "Phương thức không được hỗ trợ")
			return
		}
		name := strings.TrimPrefix(r.URL.Path, s.prefix)
		f, ok := s.files[name]
		if !ok {
			Problem(w, http.StatusNotFound, "not-found", "Không tìm thấy tệp")
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.ctype)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("ETag", `"`+f.hash+`"`)
		if r.URL.Query().Get("v") == f.hash {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.body))
	})
}

// Problem answers with an RFC 9457 problem whose type is /problems/typ, as
// the daemon's API does.
func Problem(w http.ResponseWriter, status int, typ, title string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
	}{"/problems/" + typ, title, status})
}

// WriteHTML answers with a rendered page: no caching of the page itself (its
// assets are versioned), no sniffing, and csp as the Content-Security-Policy
// unless the server set one already.
func WriteHTML(w http.ResponseWriter, page []byte, csp string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	if h.Get("Content-Security-Policy") == "" && csp != "" {
		h.Set("Content-Security-Policy", csp)
	}
	h.Set("Content-Length", strconv.Itoa(len(page)))
	_, _ = w.Write(page)
}
