package server

import (
	"net/http"

	"github.com/motcua/motcua/display"
)

// counterPage draws the counter screen; until display.CounterPage lands it
// is the lobby page filtered to the counter.
func counterPage(w http.ResponseWriter, r *http.Request, id, name string, _ int) {
	display.Page(w, r, "counter:"+id, name)
}
