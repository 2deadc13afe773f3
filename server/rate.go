package server

import (
	"net/http"
	"time"

	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/queue"
)

// The web rating pad: a tablet at a counter (paired with role ratingpad)
// or the official's own session rates the ticket last finished there,
// under the same rules as a keypad: inside the window, once.

type ratingState struct {
	Now     time.Time           `json:"now"`
	Counter map[string]any      `json:"counter"`
	Armed   bool                `json:"armed"`
	Ticket  string              `json:"ticket,omitempty"`
	Until   *time.Time          `json:"until,omitempty"`
	Levels  []queue.RatingLevel `json:"levels"`
	Last    *queue.Rating       `json:"last"`
}

func (a *App) handleRatingState(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id := r.PathValue("id")
	if err := a.place(p, placeCounter, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	c, _ := a.Cfg.Counter(id)
	st := ratingState{Now: a.clock.Now(), Counter: map[string]any{"id": c.ID, "number": c.Number, "name": c.Name},
		Levels: queue.RatingLevels(a.Cfg.Queue.RatingLevels)}
	tk, until, err := a.Engine.Armed(r.Context(), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if tk != nil {
		st.Armed, st.Ticket, st.Until = true, tk.Number, &until
	}
	last, err := a.Engine.LastRating(r.Context(), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if last != nil {
		// the pad shows the citizen their own rating, not who served them
		l := *last
		l.Official = ""
		st.Last = &l
	}
	writeJSON(w, http.StatusOK, st)
}

func (a *App) handleRate(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id := r.PathValue("id")
	if err := a.place(p, placeCounter, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	var b counterBody
	if err := decode(w, r, &b); err != nil {
		a.writeError(w, r, err)
		return
	}
	key, err := idemKey(r, p)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	rt, err := a.Engine.Rate(r.Context(), id, b.Level, "web", queue.Actor{Name: p.Name, Key: key})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if p.Role == auth.RoleRatingpad {
		rt.Official = ""
	}
	writeJSON(w, http.StatusOK, map[string]any{"rating": rt})
}

func (a *App) handleRatePage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("counter")
	c, ok := a.Cfg.Counter(id)
	if !ok {
		a.writeError(w, r, placeErrors[placeCounter].notFound(id))
		return
	}
	data := map[string]any{"Center": a.Cfg.Center.Name, "Counter": c.ID, "CounterNumber": c.Number, "CounterName": c.Name,
		"CSS": staffAssets.URL("rate.css"), "JS": staffAssets.URL("rate.js"), "Common": staffAssets.URL("common.js")}
	p, err := a.principal(r)
	data["Paired"] = err == nil && p.Is(raters...) && a.place(p, placeCounter, id) == nil
	render(w, "rate.html", data)
}
