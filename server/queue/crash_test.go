package queue

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/store"
)

const crashEnv = "MOTCUA_CRASH_CHILD_DB"

// TestCrashChild is the child of TestCrashNeverLosesOrSkipsNumbers: it
// issues tickets from many goroutines and prints each one after Issue
// returned, until it is killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("runs only as the child of TestCrashNeverLosesOrSkipsNumbers")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(3)
	}
	e, err := New(ctx, db, testConfig(nil), clock.System{}, nil)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(3)
	}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(out, "READY")
	out.Flush()
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			svc := []string{"a", "b", "c"}[g%3]
			for {
				is, err := e.Issue(ctx, IssueRequest{Service: svc})
				mu.Lock()
				if err != nil {
					fmt.Fprintln(out, "ERR", err)
				} else {
					// acknowledged: the client was told this number
					fmt.Fprintln(out, "ACK", is.Ticket.IssuedService, is.Ticket.Day, is.Ticket.Seq, is.Ticket.Number)
				}
				out.Flush()
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

type ack struct {
	service, day, number string
	seq                  int
}

// TestCrashNeverLosesOrSkipsNumbers kills a child that issues tickets with
// SIGKILL at random moments, 50 times, and checks after each restart that
// every acknowledged ticket exists, that no number appears twice, and that
// per service and day the numbers form one unbroken sequence.
func TestCrashNeverLosesOrSkipsNumbers(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test is long; run without -short")
	}
	dbPath := filepath.Join(t.TempDir(), "crash.db")
	acked := map[ack]bool{}
	kills := 50
	for i := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+dbPath)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		ready := make(chan struct{})
		lines := make(chan string, 1<<16)
		go func() {
			first := true
			for sc.Scan() {
				if first && sc.Text() == "READY" {
					close(ready)
					first = false
					continue
				}
				lines <- sc.Text()
			}
			close(lines)
		}()
		select {
		case <-ready:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("run %d: child never got ready", i)
		}
		time.Sleep(time.Duration(20+rand.IntN(250)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		n := 0
		for l := range lines {
			f := strings.Fields(l)
			if len(f) == 0 {
				continue
			}
			switch f[0] {
			case "ACK":
				if len(f) != 5 {
					continue // the kill cut the line short: not acknowledged
				}
				var seq int
				fmt.Sscan(f[3], &seq)
				a := ack{service: f[1], day: f[2], seq: seq, number: f[4]}
				if acked[a] {
					t.Fatalf("run %d: number %s of %s acknowledged twice", i, a.number, a.service)
				}
				acked[a] = true
				n++
			case "ERR":
				if strings.Contains(l, "hết số") {
					continue
				}
				t.Errorf("run %d: child error: %s", i, l)
			}
		}
		if n == 0 && i < 3 {
			t.Logf("run %d: killed before any ticket", i)
		}
		checkDurable(t, i, dbPath, acked)
	}
	t.Logf("%d kills, %d tickets acknowledged", kills, len(acked))
	if len(acked) < kills {
		t.Errorf("only %d tickets acknowledged over %d runs: the test did not exercise the engine", len(acked), kills)
	}
}

func checkDurable(t *testing.T, run int, path string, acked map[ack]bool) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("run %d: reopen: %v", run, err)
	}
	defer db.Close()
	rows, err := db.R.Query("SELECT issued_service, day, seq, number FROM tickets ORDER BY issued_service, day, seq")
	if err != nil {
		t.Fatal(err)
	}
	stored := map[ack]bool{}
	next := map[string]int{}
	for rows.Next() {
		var a ack
		if err := rows.Scan(&a.service, &a.day, &a.seq, &a.number); err != nil {
			t.Fatal(err)
		}
		k := a.service + "/" + a.day
		if want := next[k] + 1; a.seq != want {
			t.Fatalf("run %d: %s: after number %d comes %d: a number was skipped or repeated", run, k, next[k], a.seq)
		}
		next[k] = a.seq
		if stored[a] {
			t.Fatalf("run %d: %s stored twice", run, a.number)
		}
		stored[a] = true
	}
	rows.Close()
	for a := range acked {
		if !stored[a] {
			t.Fatalf("run %d: acknowledged ticket %s (%s, %s) is missing after the crash", run, a.number, a.service, a.day)
		}
	}
	// the sequence table agrees: the next number is the one after the last stored
	for k, last := range next {
		svc, day, _ := strings.Cut(k, "/")
		var seq int
		if err := db.R.QueryRow("SELECT last FROM sequences WHERE service = ? AND day = ?", svc, day).Scan(&seq); err != nil || seq != last {
			t.Fatalf("run %d: %s: sequence at %d, last ticket %d (%v)", run, k, seq, last, err)
		}
	}
	if _, err := Verify(ctx, db.R); err != nil {
		t.Fatalf("run %d: event log after crash: %v", run, err)
	}
}
