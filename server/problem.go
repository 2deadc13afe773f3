package server

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/motcua/motcua/server/apperr"
)

// problem is an RFC 9457 problem document.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

var statusOf = map[apperr.Code]int{
	apperr.Invalid:      http.StatusBadRequest,
	apperr.Unauthorized: http.StatusUnauthorized,
	apperr.Forbidden:    http.StatusForbidden,
	apperr.NotFound:     http.StatusNotFound,
	apperr.Conflict:     http.StatusConflict,
	apperr.TooLarge:     http.StatusRequestEntityTooLarge,
	apperr.Unsupported:  http.StatusUnsupportedMediaType,
	apperr.RateLimited:  http.StatusTooManyRequests,
	apperr.Unavailable:  http.StatusServiceUnavailable,
	apperr.Internal:     http.StatusInternalServerError,
}

// writeError answers with err as a problem. Only an *apperr.Error's safe
// words reach the client; anything else is logged and shown as a generic
// internal error.
func (a *App) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := apperr.As(err)
	if !ok {
		switch {
		case errors.Is(err, r.Context().Err()) && r.Context().Err() != nil:
			e = apperr.New(apperr.Unavailable, "canceled", "Yêu cầu đã bị hủy", "request canceled")
		default:
			a.log.Error("internal error", "component", "http", "path", r.URL.Path, "err", err)
			e = apperr.New(apperr.Internal, "internal", "Lỗi hệ thống, vui lòng thử lại hoặc báo quản trị viên", "internal error")
		}
	} else if e.Err != nil {
		a.log.Warn("request failed", "component", "http", "path", r.URL.Path, "type", e.Type, "err", e.Err)
	}
	status := statusOf[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="motcua"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(problem{Type: "/problems/" + e.Type, Title: e.Title, Status: status, Detail: e.Detail, Instance: r.URL.Path})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("write json", "err", err)
	}
}

// maxBody bounds every API request body.
const maxBody = 64 << 10

// decode reads a JSON body strictly: the right content type, at most
// maxBody bytes, no unknown fields, one value.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !jsonType(ct) {
		return apperr.New(apperr.Unsupported, "content-type", "Dữ liệu gửi lên phải là JSON", "Content-Type must be application/json, got %q", ct)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return apperr.New(apperr.TooLarge, "body-too-large", "Dữ liệu gửi lên quá lớn", "request body over %d bytes", maxBody)
		}
		return apperr.New(apperr.Invalid, "malformed-json", "Dữ liệu gửi lên không đúng định dạng JSON", "%v", err)
	}
	if dec.More() {
		return apperr.New(apperr.Invalid, "malformed-json", "Dữ liệu gửi lên không đúng định dạng JSON", "trailing data after the JSON value")
	}
	return nil
}

func jsonType(ct string) bool {
	for i := 0; i < len(ct); i++ {
		if ct[i] == ';' {
			ct = ct[:i]
			break
		}
	}
	for len(ct) > 0 && ct[len(ct)-1] == ' ' {
		ct = ct[:len(ct)-1]
	}
	return ct == "application/json"
}
