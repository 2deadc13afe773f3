package config

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/motcua/motcua/ratingpad"
)

// KeypadRef is where a counter's rating keypad is: the port it hangs on and
// its address on that line. Counters whose keypads share a port (an RS-485
// bus) share one driver.
type KeypadRef struct {
	// Port is the keypad URI without its addr parameter, with the other
	// parameters sorted: "serial:/dev/ttyUSB0?baud=19200", or
	// "virtual:NAME" for keypads simulated in the daemon (over a real pty).
	Port string
	// Scheme is "serial" or "virtual"; Path the device path or the name.
	Scheme, Path string
	// Params are the port's parameters (baud, vid, pid, serial).
	Params url.Values
	// Addr is the keypad's bus address, 1–247; default 1 (a keypad alone
	// on its adapter).
	Addr int
}

// ParseKeypad reads a counter's keypad setting:
// "serial:/dev/ttyUSB0?baud=19200&addr=3",
// "serial:/dev/ttyUSB0?vid=0403&pid=6001&serial=A10K&addr=2" (found again
// by its USB ids when it comes back under another name), "virtual:demo?addr=1".
func ParseKeypad(s string) (KeypadRef, error) {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok || (scheme != "serial" && scheme != "virtual") {
		return KeypadRef{}, fmt.Errorf("keypad %q: want serial:/dev/… or virtual:NAME", s)
	}
	path, query, _ := strings.Cut(rest, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return KeypadRef{}, fmt.Errorf("keypad %q: %v", s, err)
	}
	ref := KeypadRef{Scheme: scheme, Path: path, Params: q, Addr: 1}
	if a := q.Get("addr"); a != "" {
		n, err := strconv.Atoi(a)
		if err != nil || n < 1 || n > 247 {
			return KeypadRef{}, fmt.Errorf("keypad %q: addr must be 1 to 247", s)
		}
		ref.Addr = n
	}
	q.Del("addr")
	for k := range q {
		switch k {
		case "baud":
			if n, err := strconv.Atoi(q.Get(k)); err != nil || n < 1200 || n > 921600 {
				return KeypadRef{}, fmt.Errorf("keypad %q: baud must be a number from 1200 to 921600", s)
			}
		case "vid", "pid", "serial", "poll_ms":
		default:
			return KeypadRef{}, fmt.Errorf("keypad %q: unknown parameter %q (addr, baud, vid, pid, serial, poll_ms)", s, k)
		}
	}
	if scheme == "serial" && path == "" && (q.Get("vid") == "" || q.Get("pid") == "") {
		return KeypadRef{}, fmt.Errorf("keypad %q: give a device path, or vid and pid", s)
	}
	if scheme == "serial" {
		// the driver's own reading of the port, so that a setting the
		// configuration accepts is one the driver opens
		port := url.Values{}
		for k, v := range q {
			if k != "poll_ms" {
				port[k] = v
			}
		}
		if _, err := ratingpad.ParseSerialURI("serial:" + path + "?" + port.Encode()); err != nil {
			return KeypadRef{}, fmt.Errorf("keypad %q: %v", s, err)
		}
	}
	if scheme == "virtual" && path == "" {
		return KeypadRef{}, fmt.Errorf("keypad %q: a virtual keypad line needs a name, virtual:NAME", s)
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(scheme + ":" + path)
	for i, k := range keys {
		b.WriteString(map[bool]string{true: "?", false: "&"}[i == 0])
		b.WriteString(k + "=" + q.Get(k))
	}
	ref.Port = b.String()
	return ref, nil
}

// checkKeypads: each keypad setting parses, no two counters share a port
// and address, and one device is not opened with two different settings.
func (c *Config) checkKeypads(p *problems) {
	used := map[string]string{}   // port|addr → counter
	byPath := map[string]string{} // scheme:path → port
	for _, ct := range c.Counters {
		if ct.Keypad == "" {
			continue
		}
		ref, err := ParseKeypad(ct.Keypad)
		if err != nil {
			p.add("counter %q: %v", ct.ID, err)
			continue
		}
		k := ref.Port + "|" + strconv.Itoa(ref.Addr)
		if other, ok := used[k]; ok {
			p.add("counter %q: keypad address %d on %s is already counter %q's", ct.ID, ref.Addr, ref.Port, other)
		}
		used[k] = ct.ID
		pk := ref.Scheme + ":" + ref.Path
		if port, ok := byPath[pk]; ok && port != ref.Port && ref.Path != "" {
			p.add("counter %q: keypad line %s is set two ways (%s and %s)", ct.ID, pk, port, ref.Port)
		}
		byPath[pk] = ref.Port
	}
}
