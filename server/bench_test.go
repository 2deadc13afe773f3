package server

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/server/auth"
)

// fsyncRate measures the raw fsync rate of the disk under dir: small
// appends, each followed by fsync, for d.
func fsyncRate(tb testing.TB, dir string, d time.Duration) float64 {
	f, err := os.Create(filepath.Join(dir, "fsync-probe"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 512)
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		if _, err := f.Write(buf); err != nil {
			tb.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			tb.Fatal(err)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkIssueHTTP issues tickets over HTTP from 50 concurrent clients
// against the whole daemon, and reports tickets/s, p50 and p99 latency, and
// the raw fsync rate of the same disk measured in the same run.
//
//	go test -run='^$' -bench=IssueHTTP -benchtime=3s ./server/
func BenchmarkIssueHTTP(b *testing.B) {
	const clients = 50
	d := boot(b, "")
	fs := fsyncRate(b, d.data, time.Second)
	tok := d.token(auth.RoleKiosk, "") // unbound: nothing printed
	// letter-prefix services never run out of numbers
	services := []string{"noi-vu", "thue", "khu-cong-nghiep", "buu-chinh"}
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	lat := make([][]time.Duration, clients)
	var next atomic.Int64
	var failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				body := fmt.Sprintf(`{"service":%q}`, services[c%len(services)])
				req, _ := http.NewRequest("POST", d.base+"/api/v1/tickets", bytes.NewBufferString(body))
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 201 {
					failed.Add(1)
					continue
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d requests failed", n)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000
	}
	st := d.app.Engine.Stats()
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "tickets/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(fs, "fsync/s")
	if st.Commits > 0 {
		b.ReportMetric(float64(st.Ops)/float64(st.Commits), "ops/commit")
	}
}
