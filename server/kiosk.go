package server

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/queue"
)

// kioskPIN is the PIN that unlocks a kiosk's settings: the configured one,
// or one made at first start, kept in the data directory (mode 0600) and
// printed once beside the staff passwords.
func (a *App) kioskPIN() (string, error) {
	if a.Cfg.Center.KioskPIN != "" {
		return a.Cfg.Center.KioskPIN, nil
	}
	path := filepath.Join(a.opts.DataDir, "kiosk-pin")
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("kiosk pin: %w", err)
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	pin := fmt.Sprintf("%06d", n.Int64())
	if err := os.WriteFile(path, []byte(pin+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("kiosk pin: %w", err)
	}
	fmt.Fprintf(a.opts.Out, "Mã PIN mở cài đặt kiosk (in một lần) / kiosk settings PIN: %s\n", pin)
	return pin, nil
}

// servicesView is a kiosk choice with, when it is closed, why and when it
// opens again.
type servicesView struct {
	queue.ServiceStatus
	ClosedReason string     `json:"closed_reason,omitempty"` // "service" (closed by the center) or "hours" (outside opening hours)
	OpensAt      *time.Time `json:"opens_at,omitempty"`
}

func (a *App) servicesWithHours(ss []queue.ServiceStatus) []servicesView {
	now := a.clock.Now()
	next, ok := a.Cfg.Center.NextOpening(now, clock.Local)
	hoursClosed := !a.Cfg.Center.OpenAt(now.In(clock.Local).Hour()*60 + now.In(clock.Local).Minute())
	out := make([]servicesView, 0, len(ss))
	for _, s := range ss {
		v := servicesView{ServiceStatus: s}
		switch {
		case s.Open:
		case hoursClosed:
			v.ClosedReason = "hours"
			if ok {
				n := next.UTC()
				v.OpensAt = &n
			}
		default:
			v.ClosedReason = "service"
		}
		out = append(out, v)
	}
	return out
}

func (a *App) handlePriorities(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	type pri struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	out := []pri{}
	for _, p := range a.Cfg.Priorities {
		out = append(out, pri{p.ID, p.Name})
	}
	writeJSON(w, http.StatusOK, out)
}

// handleKioskUnlock checks the PIN a kiosk's settings gesture asks for;
// failures are rate-limited like sign-ins.
func (a *App) handleKioskUnlock(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id := r.PathValue("kiosk")
	if err := a.place(p, placeKiosk, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	var b struct {
		PIN string `json:"pin"`
	}
	if err := decode(w, r, &b); err != nil {
		a.writeError(w, r, err)
		return
	}
	keys := []string{"ip:" + clientIP(r), "kiosk:" + id}
	if wait := a.limiter.blocked(keys...); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		a.writeError(w, r, apperr.New(apperr.RateLimited, "too-many-attempts", "Nhập sai quá nhiều lần, hãy thử lại sau", "too many wrong PINs"))
		return
	}
	pin, err := a.kioskPIN()
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if !auth.Equal(b.PIN, pin) {
		a.limiter.fail(keys...)
		a.writeError(w, r, apperr.New(apperr.Forbidden, "wrong-pin", "Sai mã PIN", "wrong kiosk PIN"))
		return
	}
	a.log.Info("kiosk settings unlocked", "component", "kiosk", "kiosk", id, "by", p.Name)
	w.WriteHeader(http.StatusNoContent)
}

// handleTicketQR draws the QR code of a ticket's own page as SVG, for the
// kiosk's screen: a citizen whose ticket did not print photographs or
// scans it there.
func (a *App) handleTicketQR(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	tk, err := a.Engine.TicketByToken(r.Context(), tok)
	if err != nil || len(tok) < 8 {
		a.writeError(w, r, apperr.New(apperr.NotFound, "ticket-not-found", "Không tìm thấy vé này", "no such ticket"))
		return
	}
	q, err := qrcode.New(a.PublicURL()+"/t/"+tk.Token, qrcode.Medium)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	n := len(bm)
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 -4 %d %d" shape-rendering="crispEdges"><rect x="-4" y="-4" width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n+8, n+8, n+8, n+8)
	for y, row := range bm {
		for x, on := range row {
			if on {
				fmt.Fprintf(&sb, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	sb.WriteString(`"/></svg>`)
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Write([]byte(sb.String()))
}
