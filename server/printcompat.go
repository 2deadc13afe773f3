package server

import (
	"errors"

	"github.com/motcua/motcua/printer"
)

// encodeDoc and errUnconfirmed bridge to the printer package while its
// raster encoder and confirming drivers land.
func encodeDoc(d printer.Ticket, p printer.Profile) ([]byte, error) { return printer.Encode(d, p), nil }

var errUnconfirmed = errors.New("printer did not confirm the job")
