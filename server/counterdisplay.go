package server

import (
	"net/http"

	"github.com/motcua/motcua/server/apperr"
)

// handleCounterDisplayPage is the small screen above a counter: the number
// being served there.
func (a *App) handleCounterDisplayPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("counter")
	c, ok := a.Cfg.Counter(id)
	if !ok {
		a.writeError(w, r, apperr.New(apperr.NotFound, "counter-not-found", "Không có quầy này", "no counter %q", id))
		return
	}
	counterPage(w, r, c.ID, c.Name, c.Number)
}
