package server

import (
	"context"
	"net"
	"os"
	"strconv"
	"time"
)

// sdNotify sends a state to systemd when run as a Type=notify service
// (NOTIFY_SOCKET set); elsewhere it does nothing. The protocol is one
// datagram on a unix socket, so no library is needed.
func sdNotify(state string) bool {
	path := os.Getenv("NOTIFY_SOCKET")
	if path == "" {
		return false
	}
	if path[0] == '@' {
		path = "\x00" + path[1:] // abstract socket
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return false
	}
	defer c.Close()
	_, err = c.Write([]byte(state))
	return err == nil
}

// watchdog pings systemd at half the WatchdogSec interval, but only while
// the database answers: a daemon whose store hangs gets restarted.
func (a *App) watchdog() (stop func()) {
	usec, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || usec <= 0 {
		return func() {}
	}
	if pid := os.Getenv("WATCHDOG_PID"); pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	every := time.Duration(usec) * time.Microsecond / 2
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				pctx, pcancel := context.WithTimeout(ctx, every)
				err := a.DB.R.PingContext(pctx)
				pcancel()
				if err == nil {
					sdNotify("WATCHDOG=1")
				} else {
					a.log.Error("watchdog: database does not answer", "err", err)
				}
			}
		}
	}()
	return cancel
}
