package server

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/auth"
)

const maxTicker = 500 // characters

// ticker is a screen's announcement line: as last edited, else the
// configured one.
func (a *App) ticker(screen string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var v string
	err := a.DB.R.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", "ticker:"+screen).Scan(&v)
	if err == nil {
		return v
	}
	if !errors.Is(err, sql.ErrNoRows) {
		a.log.Warn("ticker", "screen", screen, "err", err)
	}
	sc, _ := a.Cfg.Screen(screen)
	return sc.Ticker
}

// handleSetTicker lets a supervisor change a screen's ticker; the screens
// showing it change at once.
func (a *App) handleSetTicker(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	screen := r.PathValue("screen")
	if err := a.place(p, placeScreen, screen); err != nil {
		a.writeError(w, r, err)
		return
	}
	var b struct {
		Text string `json:"text"`
	}
	if err := decode(w, r, &b); err != nil {
		a.writeError(w, r, err)
		return
	}
	b.Text = strings.TrimSpace(b.Text)
	if !utf8.ValidString(b.Text) || utf8.RuneCountInString(b.Text) > maxTicker || strings.ContainsAny(b.Text, "\x00\r\n") {
		a.writeError(w, r, apperr.New(apperr.Invalid, "bad-ticker", "Dòng chữ chạy tối đa 500 ký tự, trên một dòng", "ticker: one line of at most 500 characters"))
		return
	}
	if _, err := a.DB.W.ExecContext(r.Context(), `INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?,?,?,?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		"ticker:"+screen, b.Text, a.clock.Now().UnixMilli(), p.Name); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.publishTicker(screen, b.Text)
	writeJSON(w, http.StatusOK, map[string]any{"screen": screen, "text": b.Text})
}

// publishTicker sends a screen's new ticker to the screens showing it.
func (a *App) publishTicker(screen, text string) {
	a.Hub.PublishTicker(screen, text)
}
