package server

import (
	"net/http"

	"github.com/motcua/motcua/display"
)

// counterPage draws the small screen above a counter.
func counterPage(w http.ResponseWriter, r *http.Request, id, name string, number int) {
	display.CounterPage(w, r, id, name, number)
}
