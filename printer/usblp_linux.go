package printer

import (
	"os"

	"golang.org/x/sys/unix"
)

// lpGetStatus runs the LPGETSTATUS ioctl on a usblp device file. It goes
// through SyscallConn, not Fd, which would put the file in blocking mode
// and keep Close from ending the back-channel reader.
func lpGetStatus(f *os.File) (int, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var (
		w    int
		ierr error
	)
	if err := rc.Control(func(fd uintptr) {
		w, ierr = unix.IoctlGetInt(int(fd), lpGetStatusReq)
	}); err != nil {
		return 0, err
	}
	return w, ierr
}
