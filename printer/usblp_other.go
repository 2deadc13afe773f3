//go:build !linux

package printer

import (
	"errors"
	"os"
)

// lpGetStatus is Linux only: elsewhere usb printers report no status.
func lpGetStatus(*os.File) (int, error) { return 0, errors.ErrUnsupported }
