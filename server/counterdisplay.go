package server

import (
	"net/http"
)

// handleCounterDisplayPage is the small screen above a counter: the number
// being served there.
func (a *App) handleCounterDisplayPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("counter")
	if err := a.place(nil, placeCounter, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	c, _ := a.Cfg.Counter(id)
	counterPage(w, r, c.ID, c.Name, c.Number)
}
