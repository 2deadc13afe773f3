package server

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"

	"github.com/motcua/motcua/ratingpad"
	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/config"
	"github.com/motcua/motcua/server/queue"
)

// The rating keypads. Counters whose keypads name the same device share one
// line and one driver (ratingpad.Bus). A "virtual:NAME" line is simulated
// keypads behind a real pseudo-terminal, so the demo center always goes
// through the real serial driver, frames, CRCs and polling.
//
// "finish" at a counter arms its keypad for the rating window; a call, a
// pause, a close or a rating from the web pad disarms it; a press becomes a
// rating through the engine, under the same rules as the web pad (inside
// the window, once), with an idempotency key made of the keypad's serial
// number and the press's event id, so a press seen twice is stored once.

type keypadLine struct {
	port    string
	bus     *ratingpad.Bus
	sim     *ratingpad.Sim // virtual lines only
	master  *os.File       // virtual lines: the simulator's end of the pty
	slave   *os.File       // kept open so the master never reads EIO between reconnects
	simDone chan struct{}
}

type counterKeypad struct {
	counter string
	line    *keypadLine
	addr    ratingpad.Addr
	pad     ratingpad.Keypad
	cmds    chan keypadCmd
}

type keypadCmd struct {
	arm     bool
	ticket  string
	timeout time.Duration
}

type keypads struct {
	mu       sync.Mutex
	lines    []*keypadLine
	counters map[string]*counterKeypad
	started  time.Time
	refused  map[string]uint64 // why keypad presses rated nothing: "not-armed", "already-rated", "keys"
	rated    uint64
	wg       sync.WaitGroup
}

// openKeypads starts a driver per keypad line; a line that cannot open
// never stops the daemon: its driver keeps trying, the console and the
// monitor show the keypads offline.
func (a *App) openKeypads(ctx context.Context) {
	k := &a.keypads
	k.counters, k.refused, k.started = map[string]*counterKeypad{}, map[string]uint64{}, time.Now()
	type member struct {
		counter string
		ref     config.KeypadRef
	}
	byPort := map[string][]member{}
	var ports []string
	for _, c := range a.Cfg.Counters {
		if c.Keypad == "" {
			continue
		}
		ref, err := config.ParseKeypad(c.Keypad) // validated with the config
		if err != nil {
			continue
		}
		if byPort[ref.Port] == nil {
			ports = append(ports, ref.Port)
		}
		byPort[ref.Port] = append(byPort[ref.Port], member{c.ID, ref})
	}
	for _, port := range ports {
		ms := byPort[port]
		ref := ms[0].ref
		line := &keypadLine{port: port}
		var addrs []ratingpad.Addr
		for _, m := range ms {
			addrs = append(addrs, ratingpad.Addr(m.ref.Addr))
		}
		params := url.Values{}
		for k, v := range ref.Params {
			if k != "poll_ms" { // the driver's setting, not the port's
				params[k] = v
			}
		}
		uri := "serial:" + ref.Path
		if q := params.Encode(); q != "" {
			uri += "?" + q
		}
		if ref.Scheme == "virtual" {
			var err error
			if uri, err = a.simulateKeypads(ctx, line, addrs); err != nil {
				a.devices["keypad:"+port] = DeviceState{Kind: "keypad", URI: port, State: "failed", Reason: err.Error()}
				a.log.Warn("keypad line failed", "component", "keypad", "port", port, "err", err)
				continue
			}
		}
		dial, err := ratingpad.OpenSerial(uri)
		if err != nil {
			a.devices["keypad:"+port] = DeviceState{Kind: "keypad", URI: port, State: "failed", Reason: err.Error()}
			a.log.Warn("keypad line failed", "component", "keypad", "port", port, "err", err)
			continue
		}
		poll := time.Duration(0)
		if ms, err := strconv.Atoi(ref.Params.Get("poll_ms")); err == nil && ms > 0 {
			poll = time.Duration(ms) * time.Millisecond
		}
		baud, _ := strconv.Atoi(ref.Params.Get("baud")) // 0: the driver's default, 19200
		line.bus = ratingpad.OpenBus(ratingpad.BusConfig{Name: port, Dial: dial, Pads: addrs, Poll: poll, Baud: baud, Log: a.log.With("component", "keypad")})
		a.devices["keypad:"+port] = DeviceState{Kind: "keypad", URI: port, State: "loaded"}
		k.lines = append(k.lines, line)
		for _, m := range ms {
			ck := &counterKeypad{counter: m.counter, line: line, addr: ratingpad.Addr(m.ref.Addr), cmds: make(chan keypadCmd, 16)}
			ck.pad = line.bus.Keypad(ck.addr)
			k.counters[m.counter] = ck
			k.wg.Add(2)
			go func() { defer k.wg.Done(); a.keypadRatings(ctx, ck) }()
			go func() { defer k.wg.Done(); a.keypadCommands(ctx, ck) }()
		}
	}
	if len(k.counters) > 0 {
		k.wg.Add(1)
		go func() { defer k.wg.Done(); a.keypadEvents(ctx) }()
	}
}

// simulateKeypads serves simulated keypads on a new pty and returns the
// URI the driver opens: the pty's other end.
func (a *App) simulateKeypads(ctx context.Context, line *keypadLine, addrs []ratingpad.Addr) (string, error) {
	ptmx, slave, err := pty.Open()
	if err != nil {
		return "", fmt.Errorf("simulated keypads: pty: %w", err)
	}
	// pty.Open leaves the master blocking, where Close cannot end a
	// pending Read; a non-blocking copy goes through the runtime's poller.
	fd, err := syscall.Dup(int(ptmx.Fd()))
	ptmx.Close()
	if err == nil {
		err = syscall.SetNonblock(fd, true)
	}
	if err != nil {
		slave.Close()
		return "", fmt.Errorf("simulated keypads: pty: %w", err)
	}
	master := os.NewFile(uintptr(fd), "ptmx")
	line.master, line.slave, line.simDone = master, slave, make(chan struct{})
	pads := make([]ratingpad.SimPad, 0, len(addrs))
	for _, ad := range addrs {
		pads = append(pads, ratingpad.SimPad{Addr: ad, Serial: fmt.Sprintf("SIM-%04d", ad), Keys: uint8(a.Cfg.Queue.RatingLevels)})
	}
	line.sim = ratingpad.NewSim(master, pads, ratingpad.SimOptions{Log: a.log.With("component", "keypad-sim")})
	go func() {
		defer close(line.simDone)
		if err := line.sim.Run(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("keypad simulator stopped", "component", "keypad-sim", "err", err)
		}
	}()
	return "serial:" + slave.Name() + "?baud=19200", nil
}

// closeKeypads stops the drivers; the background context is already done.
func (a *App) closeKeypads() error {
	k := &a.keypads
	var errs []error
	for _, l := range k.lines {
		if l.bus != nil {
			errs = append(errs, l.bus.Close())
		}
	}
	k.wg.Wait()
	for _, l := range k.lines {
		if l.master != nil {
			l.master.Close()
			<-l.simDone
			l.slave.Close()
		}
	}
	k.lines = nil
	return errors.Join(errs...)
}

// keypadEvents arms and disarms keypads as the counters move on.
func (a *App) keypadEvents(ctx context.Context) {
	ch, stop := a.Engine.Subscribe("keypads", 256)
	defer stop()
	window := time.Duration(a.Cfg.Queue.RatingWindowS) * time.Second
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-ch:
			if !ok {
				return
			}
			ck := a.keypads.counters[ev.Counter]
			if ck == nil {
				continue
			}
			var cmd keypadCmd
			switch ev.Type {
			case queue.EvFinished:
				if ev.T == nil {
					continue
				}
				cmd = keypadCmd{arm: true, ticket: ev.T.Number, timeout: window}
			case queue.EvCalled, queue.EvRated, queue.EvPaused, queue.EvClosed:
				cmd = keypadCmd{}
			default:
				continue
			}
			select {
			case ck.cmds <- cmd:
			default:
				a.log.Warn("keypad commands backed up", "component", "keypad", "counter", ck.counter)
			}
		}
	}
}

// keypadCommands sends one counter's arm and disarm commands in order.
func (a *App) keypadCommands(ctx context.Context, ck *counterKeypad) {
	for {
		select {
		case <-ctx.Done():
			return
		case cmd := <-ck.cmds:
			cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			var err error
			if cmd.arm {
				if st, ok := a.padState(ck); ok && st.Online && int(st.Keys) != a.Cfg.Queue.RatingLevels {
					err = fmt.Errorf("the keypad has %d keys, the center rates on %d levels", st.Keys, a.Cfg.Queue.RatingLevels)
				} else {
					err = ck.pad.StartRating(cctx, cmd.ticket, cmd.timeout)
				}
			} else {
				err = ck.pad.StopRating(cctx)
			}
			cancel()
			if err != nil && ctx.Err() == nil {
				a.log.Warn("keypad command", "component", "keypad", "counter", ck.counter, "arm", cmd.arm, "ticket", cmd.ticket, "err", err)
			}
			a.live.poke()
		}
	}
}

// keypadRatings turns one keypad's presses into ratings.
func (a *App) keypadRatings(ctx context.Context, ck *counterKeypad) {
	for r := range ck.pad.Ratings() {
		a.keypadRated(ctx, ck, r)
	}
}

func (a *App) keypadRated(ctx context.Context, ck *counterKeypad, r ratingpad.Rating) {
	k := &a.keypads
	if int(r.Keys) != a.Cfg.Queue.RatingLevels {
		k.count("keys")
		a.log.Warn("keypad rating on another scale", "component", "keypad", "counter", ck.counter, "keys", r.Keys, "levels", a.Cfg.Queue.RatingLevels)
		return
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	key := fmt.Sprintf("keypad|%s|%d", r.Serial, r.EventID)
	rt, err := a.Engine.Rate(rctx, ck.counter, r.Level, "keypad", queue.Actor{Name: "Bàn phím " + r.Serial, Key: key})
	var ae *apperr.Error
	switch {
	case err == nil:
		k.mu.Lock()
		k.rated++
		k.mu.Unlock()
		a.log.Info("keypad rating", "component", "keypad", "counter", ck.counter, "ticket", rt.Number, "level", rt.Level, "serial", r.Serial, "event", r.EventID,
			"latency_ms", a.clock.Now().Sub(r.At).Milliseconds())
	case errors.As(err, &ae) && ae.Code == apperr.Conflict:
		k.count(ae.Type)
		a.log.Info("keypad press rated nothing", "component", "keypad", "counter", ck.counter, "ticket", r.Ticket, "why", ae.Type)
	default:
		a.log.Warn("keypad rating", "component", "keypad", "counter", ck.counter, "err", err)
	}
}

func (k *keypads) count(why string) {
	k.mu.Lock()
	k.refused[why]++
	k.mu.Unlock()
}

func (a *App) padState(ck *counterKeypad) (ratingpad.PadState, bool) {
	for _, st := range ck.line.bus.States() {
		if st.Addr == ck.addr {
			return st, true
		}
	}
	return ratingpad.PadState{}, false
}

// keypadOfflineAfter is how long a keypad may be silent (or not found since
// start) before the monitor raises an alert: a replug takes seconds.
const keypadOfflineAfter = 10 * time.Second

// keypadState is a counter's keypad as its driver reports it.
func (a *App) keypadState(counter string) (DeviceView, bool) {
	ck := a.keypads.counters[counter]
	if ck == nil {
		return DeviceView{}, false
	}
	st, ok := a.padState(ck)
	switch {
	case !ok:
		return DeviceView{}, false
	case st.Online && int(st.Keys) != a.Cfg.Queue.RatingLevels:
		return DeviceView{State: "unknown", Message: fmt.Sprintf("Bàn phím có %d phím nhưng trung tâm đánh giá theo %d mức", st.Keys, a.Cfg.Queue.RatingLevels)}, true
	case st.Online && st.Armed:
		return DeviceView{State: "ok", Message: "Bàn phím đánh giá đang chờ công dân bấm"}, true
	case st.Online:
		return DeviceView{State: "ok", Message: "Bàn phím đánh giá sẵn sàng (" + st.Serial + ")"}, true
	case st.LastSeen.IsZero():
		return DeviceView{State: "offline", Message: "Bàn phím đánh giá không trả lời"}, true
	}
	return DeviceView{State: "offline", Message: "Bàn phím đánh giá mất kết nối từ " + st.LastSeen.In(clock.Local).Format("15:04")}, true
}

// keypadAlerts are the monitor's alerts for keypads silent too long.
func (a *App) keypadAlerts(now time.Time) []Alert {
	var out []Alert
	ids := make([]string, 0, len(a.keypads.counters))
	for id := range a.keypads.counters {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		st, ok := a.padState(a.keypads.counters[id])
		if !ok || st.Online {
			continue
		}
		since := st.LastSeen
		if since.IsZero() {
			since = a.keypads.started
		}
		if time.Since(since) < keypadOfflineAfter {
			continue
		}
		c, _ := a.Cfg.Counter(id)
		out = append(out, Alert{ID: "keypad:" + id, Kind: "keypad", Severity: "warning", Since: since,
			Title: fmt.Sprintf("%s: bàn phím đánh giá không trả lời", c.Name)})
	}
	return out
}

// pressVirtualKey plays a citizen pressing key on a simulated keypad (the
// start page's buttons in the demo).
func (a *App) pressVirtualKey(counter string, key int) error {
	ck := a.keypads.counters[counter]
	if ck == nil || ck.line.sim == nil {
		return apperr.New(apperr.NotFound, "no-virtual-keypad", "Quầy này không có bàn phím đánh giá mô phỏng", "counter %s has no virtual keypad", counter)
	}
	if err := ck.line.sim.Press(ck.addr, uint8(key)); err != nil {
		return apperr.New(apperr.Invalid, "bad-key", "Phím không hợp lệ", "%v", err)
	}
	return nil
}

// keypadMetrics writes the keypads' figures for /metrics.
func (a *App) keypadMetrics(b *strings.Builder) {
	k := &a.keypads
	if len(k.counters) == 0 {
		return
	}
	ids := make([]string, 0, len(k.counters))
	for id := range k.counters {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	b.WriteString("# HELP motcua_keypad_up A counter's rating keypad answers its polls (1) or not (0).\n# TYPE motcua_keypad_up gauge\n")
	for _, id := range ids {
		st, _ := a.padState(k.counters[id])
		up := 0
		if st.Online {
			up = 1
		}
		fmt.Fprintf(b, "motcua_keypad_up{counter=\"%s\"} %d\n", esc(id), up)
	}
	b.WriteString("# HELP motcua_keypad_unarmed_presses Key presses while no rating was awaited, as the keypad counts them (wrapping at 65536).\n# TYPE motcua_keypad_unarmed_presses gauge\n")
	for _, id := range ids {
		st, _ := a.padState(k.counters[id])
		fmt.Fprintf(b, "motcua_keypad_unarmed_presses{counter=\"%s\"} %d\n", esc(id), st.Unarmed)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	fmt.Fprintf(b, "# HELP motcua_keypad_ratings_total Ratings stored from keypads.\n# TYPE motcua_keypad_ratings_total counter\nmotcua_keypad_ratings_total %d\n", k.rated)
	b.WriteString("# HELP motcua_keypad_refused_total Keypad presses that rated nothing, by reason.\n# TYPE motcua_keypad_refused_total counter\n")
	whys := make([]string, 0, len(k.refused))
	for w := range k.refused {
		whys = append(whys, w)
	}
	sort.Strings(whys)
	for _, w := range whys {
		fmt.Fprintf(b, "motcua_keypad_refused_total{reason=\"%s\"} %d\n", esc(w), k.refused[w])
	}
	b.WriteString("# HELP motcua_keypad_line_bytes_total Bytes sent (tx) and received (rx) on each keypad line.\n# TYPE motcua_keypad_line_bytes_total counter\n")
	for _, l := range k.lines {
		st := l.bus.Stats()
		fmt.Fprintf(b, "motcua_keypad_line_bytes_total{line=\"%s\",dir=\"tx\"} %d\nmotcua_keypad_line_bytes_total{line=\"%s\",dir=\"rx\"} %d\n", esc(l.port), st.TxBytes, esc(l.port), st.RxBytes)
	}
}
