package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/server/clock"
)

// A short history through the daemon, then the report in each format.
func TestReportAPI(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)) // Mon 02/03 08:00
	d := bootWith(t, Options{Clock: clk})
	d.user("cb1", "official", "quay-1")
	s := d.signIn("cb1", "")
	k := d.token("kiosk", "kiosk-1")
	for i := 0; i < 3; i++ {
		d.issueID(t, k, "dang-ky-doanh-nghiep", "")
	}
	for i, level := range []int{1, 1, 3} {
		clk.Advance(10 * time.Minute)
		s.act(t, "quay-1", "call-next", nil, 200)
		clk.Advance(5 * time.Minute)
		s.act(t, "quay-1", "finish", nil, 200)
		s.act(t, "quay-1", "rating", map[string]int{"level": level}, 200)
		if i == 0 {
			body := map[string]any{"procedure": "1.001612", "return_channel": "counter",
				"applicant": map[string]string{"name": "Hoàng Văn Nam"}, "documents": []map[string]any{{"name": "Tờ khai", "form": "original", "count": 1}}}
			if r := s.do("POST", "/api/v1/dossiers", body); r.status != 201 {
				t.Fatalf("receive: %d %s", r.status, r.body)
			}
		}
	}
	sup := d.token("supervisor", "")
	q := "/api/v1/reports/summary?from=2026-03-01&to=2026-03-31"
	var sum struct {
		Queue struct {
			Issued, Served int
			Service        struct{ MeanS float64 }
		}
		Satisfaction struct {
			Rated  int
			Levels []struct {
				Count int
				Share struct{ Tenths int }
			}
		}
		Dossiers struct{ Total struct{ ReceivedDirect int } }
	}
	r := d.do("GET", q, sup, nil)
	r.json(t, &sum)
	// finished without Start: timed from the call, 5 minutes each
	if r.status != 200 || sum.Queue.Issued != 3 || sum.Queue.Served != 3 || sum.Queue.Service.MeanS != 300 || sum.Satisfaction.Rated != 3 || sum.Dossiers.Total.ReceivedDirect != 1 {
		t.Fatalf("summary: %d %+v", r.status, sum)
	}
	shares := 0
	for _, l := range sum.Satisfaction.Levels {
		shares += l.Share.Tenths
	}
	if shares != 1000 {
		t.Errorf("shares add up to %d tenths, want 1000", shares)
	}
	text := string(d.do("GET", q+"&format=text", sup, nil).body)
	for _, want := range []string{"tiếp nhận 1 hồ sơ", "3 lượt đánh giá", "2 lượt rất hài lòng, chiếm tỷ lệ 66,7%", "1 lượt không hài lòng, chiếm tỷ lệ 33,3%"} {
		if !strings.Contains(text, want) {
			t.Errorf("narrative lacks %q:\n%s", want, text)
		}
	}
	if r := d.do("GET", q+"&format=csv", sup, nil); r.status != 200 || !strings.HasPrefix(r.ctype, "text/csv") || !strings.Contains(string(r.body), "Trước hạn") {
		t.Errorf("csv: %d %s %.200s", r.status, r.ctype, r.body)
	}
	if r := d.do("GET", q+"&format=xlsx", sup, nil); r.status != 200 || !strings.HasPrefix(string(r.body), "PK") {
		t.Errorf("xlsx: %d %s", r.status, r.ctype)
	}
	for _, bad := range []string{"?from=2026-03-31&to=2026-03-01", "?from=01/03/2026&to=2026-03-31", "?preset=decade", "?from=2026-03-01&to=2026-03-31&format=pdf", "?department=khong-co"} {
		if r := d.do("GET", "/api/v1/reports/summary"+bad, sup, nil); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, r.status)
		}
	}
	if r := s.do("GET", q, nil); r.status != http.StatusForbidden {
		t.Errorf("an official reads the report: %d", r.status)
	}
	d.user("gs1", "supervisor", "")
	page := d.signIn("gs1", "").do("GET", "/admin/reports?preset=month", nil)
	if page.status != 200 || !strings.Contains(string(page.body), "Biểu II.06a") || !strings.Contains(string(page.body), "<svg") {
		t.Errorf("report page: %d %.300s", page.status, page.body)
	}
}
