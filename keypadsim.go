package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.bug.st/serial"

	"github.com/motcua/motcua/ratingpad"
)

// keypadSimReadTimeout is the serial read timeout of keypad-sim: short, so
// that Run sees the line's silences (they end a broken frame) and ctx.
const keypadSimReadTimeout = 20 * time.Millisecond

// keypadSimWatch is how often keypad-sim looks at its keypads to say what
// the host did to them (armed, acknowledged, offline).
const keypadSimWatch = 100 * time.Millisecond

const keypadSimKeysHelp = `Gõ / type: "2" bấm phím 2 trên bàn phím đầu tiên / press key 2 on the first keypad; "3 1" bấm phím 1 trên bàn phím 3 / key 1 on keypad 3; "s" trạng thái / state; "q" thoát / quit.`

// keypadSim is `motcua keypad-sim`: rating keypads on a serial port, whose
// keys are pressed from the terminal, to try the daemon or a driver without
// hardware (a socat pty pair stands for the RS-485 line).
func keypadSim(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keypad-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	port := fs.String("port", "", "serial port path, e.g. a pty made by socat")
	baud := fs.Int("baud", 19200, "line speed, 8N1")
	addrs := fs.String("addr", "1", "comma-separated keypad addresses, 1–247 (0xfe: a keypad without address)")
	keys := fs.Int("keys", 3, "keys on each keypad, 3 or 4")
	prefix := fs.String("serial-prefix", "SIM", "serial numbers are PREFIX-0001, PREFIX-0002, … in the order of --addr")
	logLevel := fs.String("log-level", env("LOG_LEVEL", "warn"), "debug (every frame), info, warn or error")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("keypad-sim: unexpected argument %q", fs.Arg(0))}
	}
	if *port == "" {
		return usageError{errors.New("keypad-sim needs --port PATH")}
	}
	if *baud <= 0 {
		return usageError{fmt.Errorf("--baud %d: want a positive speed", *baud)}
	}
	if *keys != ratingpad.MinKeys && *keys != ratingpad.MaxKeys {
		return usageError{fmt.Errorf("--keys %d: 3 or 4", *keys)}
	}
	pads, err := simPads(*addrs, *prefix, uint8(*keys))
	if err != nil {
		return usageError{err}
	}
	log, err := logger(*logLevel, stderr)
	if err != nil {
		return err
	}

	p, err := serial.Open(*port, &serial.Mode{BaudRate: *baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
	if err != nil {
		return fmt.Errorf("keypad-sim: open %s: %w", *port, err)
	}
	defer p.Close()
	if err := p.SetReadTimeout(keypadSimReadTimeout); err != nil {
		return fmt.Errorf("keypad-sim: %s: read timeout: %w", *port, err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sim := ratingpad.NewSim(p, pads, ratingpad.SimOptions{Log: log})
	ran := make(chan error, 1)
	go func() { ran <- sim.Run(ctx) }()

	fmt.Fprintf(stdout, "Mô phỏng bàn phím đánh giá trên %s, %d baud / rating keypad simulator on %s:\n", *port, *baud, *port)
	for _, pad := range pads {
		fmt.Fprintf(stdout, "  bàn phím / keypad %s: %s, %d phím / keys\n", addrName(pad.Addr), pad.Serial, pad.Keys)
	}
	fmt.Fprintln(stdout, keypadSimKeysHelp)

	// Lines come from a goroutine: a read of a terminal cannot be
	// interrupted, and SIGINT must not wait for the next line.
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()

	w := &simWatch{sim: sim, pads: pads, out: stdout, last: map[ratingpad.Addr]ratingpad.SimState{}}
	w.look(false)
	tick := time.NewTicker(keypadSimWatch)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(stdout, "Dừng / stopped.")
			cancel()
			<-ran
			return nil
		case err := <-ran:
			return fmt.Errorf("keypad-sim: %s: %w", *port, err)
		case <-tick.C:
			w.look(true)
		case line, ok := <-lines:
			if !ok {
				cancel()
				<-ran
				return nil
			}
			w.look(true) // what the host did first, then the press
			if quit := w.command(line); quit {
				cancel()
				<-ran
				return nil
			}
		}
	}
}

// simPads makes the keypads of --addr: addresses in decimal or 0x hex.
func simPads(list, prefix string, keys uint8) ([]ratingpad.SimPad, error) {
	if len(prefix)+5 > ratingpad.MaxSerialLen || strings.Trim(prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
		return nil, fmt.Errorf("--serial-prefix %q: up to %d of A–Z, 0–9 and '-'", prefix, ratingpad.MaxSerialLen-5)
	}
	var pads []ratingpad.SimPad
	seen := map[ratingpad.Addr]bool{}
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.ParseUint(strings.TrimSpace(f), 0, 8)
		a := ratingpad.Addr(n)
		if err != nil || !(a.IsKeypad() || a == ratingpad.AddrUnaddressed) {
			return nil, fmt.Errorf("--addr %q: %q is no keypad address (1–247, or 0xfe)", list, f)
		}
		if seen[a] {
			return nil, fmt.Errorf("--addr %q: %d twice", list, a)
		}
		seen[a] = true
		if len(pads) == 9999 {
			return nil, fmt.Errorf("--addr %q: too many keypads", list)
		}
		pads = append(pads, ratingpad.SimPad{Addr: a, Serial: fmt.Sprintf("%s-%04d", prefix, len(pads)+1), Keys: keys})
	}
	return pads, nil
}

func addrName(a ratingpad.Addr) string {
	if a == ratingpad.AddrUnaddressed {
		return "0xfe"
	}
	return strconv.Itoa(int(a))
}

// levelNames are the ratings' names, Vietnamese / English, by keys then
// level.
var levelNames = map[uint8][]string{
	3: {"", "rất hài lòng / very satisfied", "hài lòng / satisfied", "không hài lòng / dissatisfied"},
	4: {"", "rất hài lòng / very satisfied", "hài lòng / satisfied", "bình thường / neutral", "không hài lòng / dissatisfied"},
}

func levelName(key, keys uint8) string {
	l, ok := ratingpad.Level(key, keys)
	if !ok {
		return "?"
	}
	return levelNames[keys][l]
}

// simWatch tells the terminal what happens to the keypads: it compares
// their state with what it saw last.
type simWatch struct {
	sim  *ratingpad.Sim
	pads []ratingpad.SimPad
	out  io.Writer
	last map[ratingpad.Addr]ratingpad.SimState
}

func (w *simWatch) look(say bool) {
	for _, pad := range w.pads {
		st, ok := w.sim.State(pad.Addr)
		prev, had := w.last[pad.Addr]
		if !ok {
			if had {
				fmt.Fprintf(w.out, "Bàn phím %s: đã nhận địa chỉ khác (SET_ADDRESS) / keypad %s: moved to another address\n", addrName(pad.Addr), addrName(pad.Addr))
				delete(w.last, pad.Addr)
			}
			continue
		}
		w.last[pad.Addr] = st
		if !say || !had {
			continue
		}
		n := addrName(pad.Addr)
		switch {
		case st.Offline && !prev.Offline:
			fmt.Fprintf(w.out, "Bàn phím %s: không nghe thấy máy chủ %v, ngoại tuyến (các phím nhấp nháy) / keypad %s: no POLL for %v, offline\n", n, ratingpad.OfflineAfter, n, ratingpad.OfflineAfter)
		case !st.Offline && prev.Offline:
			fmt.Fprintf(w.out, "Bàn phím %s: máy chủ hỏi lại, trực tuyến / keypad %s: polled again, online\n", n, n)
		}
		switch {
		case st.Armed && (!prev.Armed || st.Session != prev.Session):
			fmt.Fprintf(w.out, "Bàn phím %s: chờ đánh giá cho vé %s / keypad %s: armed for ticket %s (session %d)\n", n, ticketName(st.Ticket), n, ticketName(st.Ticket), st.Session)
		case !st.Armed && prev.Armed && st.Queued <= prev.Queued && !st.Offline:
			fmt.Fprintf(w.out, "Bàn phím %s: kết thúc lượt đánh giá vé %s, không có phím nào được bấm / keypad %s: rating of ticket %s ended without a press\n", n, ticketName(prev.Ticket), n, ticketName(prev.Ticket))
		}
		if st.Queued < prev.Queued {
			fmt.Fprintf(w.out, "Bàn phím %s: máy chủ đã nhận %d đánh giá, còn %d chờ / keypad %s: host acknowledged %d, %d queued\n", n, prev.Queued-st.Queued, st.Queued, n, prev.Queued-st.Queued, st.Queued)
		}
	}
}

func ticketName(t string) string {
	if t == "" {
		return "(không số / no number)"
	}
	return t
}

// command carries out one line typed by the user; it reports whether to
// quit.
func (w *simWatch) command(line string) bool {
	f := strings.Fields(line)
	switch {
	case len(f) == 0:
		return false
	case len(f) == 1 && (f[0] == "q" || f[0] == "quit"):
		return true
	case len(f) == 1 && f[0] == "s":
		w.status()
		return false
	case len(f) == 1 && (f[0] == "h" || f[0] == "?" || f[0] == "help"):
		fmt.Fprintln(w.out, keypadSimKeysHelp)
		return false
	}
	addr, keyText := w.pads[0].Addr, f[0]
	if len(f) == 2 {
		n, err := strconv.ParseUint(f[0], 0, 8)
		if err != nil {
			w.notUnderstood(line)
			return false
		}
		addr, keyText = ratingpad.Addr(n), f[1]
	}
	key, err := strconv.ParseUint(keyText, 10, 8)
	if len(f) > 2 || err != nil {
		w.notUnderstood(line)
		return false
	}
	w.press(addr, uint8(key))
	return false
}

func (w *simWatch) notUnderstood(line string) {
	fmt.Fprintf(w.out, "Không hiểu %q / not understood. %s\n", line, keypadSimKeysHelp)
}

func (w *simWatch) press(addr ratingpad.Addr, key uint8) {
	n := addrName(addr)
	before, _ := w.sim.State(addr)
	if err := w.sim.Press(addr, key); errors.Is(err, ratingpad.ErrUnknownPad) {
		fmt.Fprintf(w.out, "Không có bàn phím %s / no keypad %s\n", n, n)
		return
	} else if err != nil {
		fmt.Fprintf(w.out, "Bàn phím %s chỉ có phím 1–%d / keypad %s has keys 1–%d\n", n, before.Keys, n, before.Keys)
		return
	}
	after, _ := w.sim.State(addr)
	w.last[addr] = after // the press is told here, not by look
	switch {
	case after.Queued > before.Queued:
		lv := levelName(key, after.Keys)
		vi, en, _ := strings.Cut(lv, " / ")
		fmt.Fprintf(w.out, "Bàn phím %s: đã bấm phím %d (%s) cho vé %s / keypad %s: pressed key %d (%s) for ticket %s, %d queued for the host\n",
			n, key, vi, ticketName(before.Ticket), n, key, en, ticketName(before.Ticket), after.Queued)
	case after.Offline:
		fmt.Fprintf(w.out, "Bàn phím %s: ngoại tuyến, bỏ qua phím %d / keypad %s: offline, key %d ignored\n", n, key, n, key)
	case after.Unarmed != before.Unarmed:
		fmt.Fprintf(w.out, "Bàn phím %s: bấm phím %d khi chưa có lượt đánh giá, bỏ qua / keypad %s: key %d pressed while not armed, ignored (%d such presses)\n", n, key, n, key, after.Unarmed)
	default:
		fmt.Fprintf(w.out, "Bàn phím %s: đầy %d đánh giá chưa gửi, từ chối phím %d / keypad %s: queue full (%d), key %d refused\n", n, after.Queued, key, n, after.Queued, key)
	}
}

func (w *simWatch) status() {
	for _, pad := range w.pads {
		n := addrName(pad.Addr)
		st, ok := w.sim.State(pad.Addr)
		if !ok {
			fmt.Fprintf(w.out, "Bàn phím %s (%s): đã sang địa chỉ khác / moved to another address\n", n, pad.Serial)
			continue
		}
		vi, en := "không chờ đánh giá", "idle"
		if st.Armed {
			vi, en = "chờ đánh giá vé "+ticketName(st.Ticket), "armed for ticket "+ticketName(st.Ticket)
		}
		onVi, onEn := "trực tuyến", "online"
		if st.Offline {
			onVi, onEn = "ngoại tuyến", "offline"
		}
		fmt.Fprintf(w.out, "Bàn phím %s (%s, %d phím): %s, %d đánh giá chờ gửi, %d lần bấm khi chưa bật, %s / keypad %s: %s, %d queued, %d unarmed presses, %s, LEDs %0*b%s\n",
			n, st.Serial, st.Keys, vi, st.Queued, st.Unarmed, onVi, n, en, st.Queued, st.Unarmed, onEn, int(st.Keys), st.LEDMask, blink(st.LEDBlink))
	}
}

func blink(b bool) string {
	if b {
		return " blinking"
	}
	return ""
}
