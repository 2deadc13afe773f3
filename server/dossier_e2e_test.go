package server

import (
	"context"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/motcua/motcua/printer"
	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
)

type receiveReply struct {
	Code     string    `json:"code"`
	DueDate  string    `json:"due_date"`
	DueAt    time.Time `json:"due_at"`
	TrackURL string    `json:"track_url"`
	Receipt  struct {
		Print printResult `json:"print"`
	} `json:"receipt"`
}

type dossierReply struct {
	Dossier struct {
		Code, State, Holder, DueDate string
		Department                   string
		Timeliness                   string
		Apology                      *struct{ Reason string }
		Steps                        []struct{ Type, To, Actor string }
	}
}

// TestDossierEndToEnd: a ticket is served, a dossier received, the receipt
// printed on the counter's virtual printer; the QR in its picture opens the
// tracker, which shows the code and the appointment and no name; the control
// sheet's QR opens the hand-over screen, which records a hand-over; an
// apology is refused when repeated or late.
func TestDossierEndToEnd(t *testing.T) {
	// Monday 2 March 2026, 10:00 in Hà Nội
	clk := clock.NewFake(time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC))
	d := bootWith(t, Options{Clock: clk})
	d.user("cb1", "official", "quay-1")
	s := d.signIn("cb1", "")
	k := d.token("kiosk", "kiosk-1")
	tid := d.issueID(t, k, "dang-ky-doanh-nghiep", "")
	s.act(t, "quay-1", "call-next", nil, 200)
	s.act(t, "quay-1", "start", nil, 200)

	body := map[string]any{"ticket": tid, "procedure": "1.001612", "return_channel": "counter",
		"applicant": map[string]string{"name": "Nguyễn Văn An", "phone": "0912345678", "address": "12 Lê Lợi, Phủ Lý, Hà Nam"},
		"documents": []map[string]any{{"name": "Giấy đề nghị đăng ký doanh nghiệp", "form": "original", "count": 1},
			{"name": "Điều lệ công ty", "form": "original", "count": 1}, {"name": "Căn cước công dân của người đại diện", "form": "copy", "count": 1}}}
	r := s.do("POST", "/api/v1/dossiers", body)
	if r.status != http.StatusCreated {
		t.Fatalf("receive: %d %s", r.status, r.body)
	}
	var rec receiveReply
	r.json(t, &rec)
	if !regexp.MustCompile(`^000\.00\.01\.H23-260302-0001$`).MatchString(rec.Code) {
		t.Errorf("code %q, want the Circular 01/2018 form with today's date and sequence 0001", rec.Code)
	}
	if rec.DueDate != "2026-03-05" || rec.Receipt.Print.Status != "printed" {
		t.Errorf("3 working days from Mon 02/03: due %s (want 2026-03-05), receipt %+v", rec.DueDate, rec.Receipt.Print)
	}

	// the QR on the printed receipt, read back from the virtual printer's picture
	jobs, err := printer.LatestJobs(d.app.spools["quay-1"], "quay-1", 1)
	if err != nil || len(jobs) != 1 || jobs[0].PNG == "" {
		t.Fatalf("receipt job: %v %+v", err, jobs)
	}
	f, err := os.Open(jobs[0].PNG)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	qr, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR in the printed receipt: %v", err)
	}
	if qr.GetText() != rec.TrackURL {
		t.Fatalf("receipt QR %q, want the tracker %q", qr.GetText(), rec.TrackURL)
	}
	page := d.do("GET", strings.TrimPrefix(qr.GetText(), d.base), "", nil)
	text := string(page.body)
	if page.status != 200 || !strings.Contains(text, rec.Code) || !strings.Contains(text, "05/03/2026") || !strings.Contains(text, "N*** V*** A***") {
		t.Errorf("tracker page %d lacks the code, the appointment or the masked name:\n%.600s", page.status, text)
	}
	for _, secret := range []string{"Nguyễn Văn An", "0912345678", "Lê Lợi", "cb1"} {
		if strings.Contains(text, secret) {
			t.Errorf("the public tracker shows %q", secret)
		}
	}
	if r := d.do("GET", "/hs/"+rec.Code+"?k=wrong", "", nil); r.status != http.StatusNotFound || strings.Contains(string(r.body), "05/03/2026") {
		t.Errorf("tracker with a wrong token: %d", r.status)
	}

	// the A5 receipt in two copies and the control sheet with the hand-over QR
	a5 := s.do("GET", "/ho-so/"+rec.Code+"/giay-tiep-nhan", nil)
	if a5.status != 200 || strings.Count(string(a5.body), rec.Code) < 2 || !strings.Contains(string(a5.body), "Nguyễn Văn An") {
		t.Errorf("A5 receipt: %d %.300s", a5.status, a5.body)
	}
	sheet := s.do("GET", "/ho-so/"+rec.Code+"/phieu-kiem-soat", nil)
	handover := d.base + "/ban-giao/" + rec.Code
	if sheet.status != 200 || !strings.Contains(string(sheet.body), string(qrSVG(handover))) {
		t.Errorf("control sheet: %d, or its QR is not the hand-over screen's", sheet.status)
	}
	var got dossierReply
	s.do("GET", "/api/v1/dossiers/"+rec.Code, nil).json(t, &got)
	dept := "department:" + got.Dossier.Department
	// scanning it: the hand-over screen, then its form
	hp := s.do("GET", "/ban-giao/"+rec.Code, nil)
	if hp.status != 200 || !strings.Contains(string(hp.body), "Ghi nhận bàn giao") {
		t.Fatalf("hand-over screen: %d %.300s", hp.status, hp.body)
	}
	form := url.Values{"csrf": {s.csrf}, "to": {dept}, "how": {"in_person"}}
	req, _ := http.NewRequest("POST", d.base+"/ban-giao/"+rec.Code, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := s.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	s.do("GET", "/api/v1/dossiers/"+rec.Code, nil).json(t, &got)
	if got.Dossier.Holder != dept || got.Dossier.State != "in_progress" || len(got.Dossier.Steps) != 1 || !strings.Contains(got.Dossier.Steps[0].Actor, "cb1") {
		t.Errorf("after the hand-over: %+v", got.Dossier)
	}
	// a forged form (no CSRF) records nothing
	bad, _ := http.NewRequest("POST", d.base+"/ban-giao/"+rec.Code, strings.NewReader(url.Values{"to": {"post"}, "how": {"in_person"}}.Encode()))
	bad.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res, err := s.c.Do(bad); err != nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("hand-over without CSRF: %v %v", res.StatusCode, err)
	}

	// apology: once, and at least one working day before the due date
	clk.Set(time.Date(2026, 3, 3, 2, 0, 0, 0, time.UTC)) // Tue 03/03
	s = d.signIn("cb1", "")                              // yesterday's session has expired
	ap := map[string]string{"type": "apology", "note": "Cần xác minh thêm thông tin đăng ký", "new_due_date": "2026-03-10"}
	if r := s.do("POST", "/api/v1/dossiers/"+rec.Code+"/events", ap); r.status != 200 {
		t.Fatalf("apology: %d %s", r.status, r.body)
	}
	if r := s.do("POST", "/api/v1/dossiers/"+rec.Code+"/events", ap); r.status != http.StatusConflict || !strings.Contains(string(r.body), "apology-repeated") {
		t.Errorf("second apology: %d %s", r.status, r.body)
	}
	if page := d.do("GET", strings.TrimPrefix(rec.TrackURL, d.base), "", nil); !strings.Contains(string(page.body), "ngày 10 tháng 3 năm 2026") {
		t.Errorf("the tracker does not show the apology's new date")
	}
	// a second dossier, apologised for on its due date: refused
	s2 := s.do("POST", "/api/v1/dossiers", body)
	var rec2 receiveReply
	s2.json(t, &rec2)
	if rec2.Code != "000.00.01.H23-260303-0001" {
		t.Errorf("next day's first code: %q", rec2.Code)
	}
	clk.Set(time.Date(2026, 3, 6, 2, 0, 0, 0, time.UTC)) // Fri 06/03, its due date
	s = d.signIn("cb1", "")
	if r := s.do("POST", "/api/v1/dossiers/"+rec2.Code+"/events", map[string]string{"type": "apology", "note": "trễ", "new_due_date": "2026-03-12"}); r.status != http.StatusConflict || !strings.Contains(string(r.body), "apology-late") {
		t.Errorf("late apology: %d %s", r.status, r.body)
	}

	// result and return: the first one was late (due 05/03, ready 06/03)
	s.do("POST", "/api/v1/dossiers/"+rec.Code+"/events", map[string]string{"type": "result_ready"})
	if r := s.do("POST", "/api/v1/dossiers/"+rec.Code+"/events", map[string]string{"type": "returned", "how": "counter"}); r.status != 200 {
		t.Fatalf("returned: %d %s", r.status, r.body)
	}
	s.do("GET", "/api/v1/dossiers/"+rec.Code, nil).json(t, &got)
	if got.Dossier.State != "returned" || got.Dossier.Timeliness != "late" {
		t.Errorf("returned: %+v", got.Dossier)
	}
	// the applicant rates it online, once, with the receipt's token
	token := rec.TrackURL[strings.Index(rec.TrackURL, "?k=")+3:]
	if r := d.do("POST", "/api/v1/public/dossiers/"+rec.Code+"/rating?k=wrong", "", map[string]int{"level": 1}); r.status != http.StatusNotFound {
		t.Errorf("rating with a wrong token: %d", r.status)
	}
	if r := d.do("POST", "/api/v1/public/dossiers/"+rec.Code+"/rating?k="+token, "", map[string]int{"level": 1}); r.status != 200 {
		t.Errorf("citizen rating: %d %s", r.status, r.body)
	}
	if r := d.do("POST", "/api/v1/public/dossiers/"+rec.Code+"/rating?k="+token, "", map[string]int{"level": 3}); r.status != http.StatusConflict {
		t.Errorf("second citizen rating: %d %s", r.status, r.body)
	}
	if r := d.do("POST", "/api/v1/public/dossiers/"+rec2.Code+"/rating?k="+rec2.TrackURL[strings.Index(rec2.TrackURL, "?k=")+3:], "", map[string]int{"level": 1}); r.status != http.StatusConflict || !strings.Contains(string(r.body), "not-returned") {
		t.Errorf("rating a dossier not returned: %d %s", r.status, r.body)
	}
	var rated struct {
		Dossier struct {
			CitizenRating int `json:"citizen_rating"`
		}
	}
	s.do("GET", "/api/v1/dossiers/"+rec.Code, nil).json(t, &rated)
	if rated.Dossier.CitizenRating != 1 {
		t.Errorf("citizen rating stored: %d", rated.Dossier.CitizenRating)
	}
	if n, err := verifyChain(d.app); err != nil || n < 10 {
		t.Errorf("audit chain over tickets and dossiers: %d %v", n, err)
	}
}

func TestCalendarAPI(t *testing.T) {
	d := boot(t, "")
	tok := d.token("official", "")
	var v struct {
		DueDate string `json:"due_date"`
		Skipped []struct{ Date, Reason string }
	}
	r := d.do("GET", "/api/v1/calendar/appointment?received_at="+url.QueryEscape("2026-03-02T10:00:00+07:00")+"&working_days=5", tok, nil)
	r.json(t, &v)
	if r.status != 200 || v.DueDate != "2026-03-09" || len(v.Skipped) != 2 {
		t.Errorf("5 working days from Mon 02/03/2026: %d %+v, want 2026-03-09 skipping the weekend", r.status, v)
	}
	var days struct {
		Days []struct {
			Date, Reason string
			Working      bool
		}
	}
	d.do("GET", "/api/v1/calendar/days?year=2026", tok, nil).json(t, &days)
	found := map[string]string{}
	for _, x := range days.Days {
		found[x.Date] = x.Reason
	}
	if found["2026-02-17"] != "Tết Nguyên Đán" || found["2026-04-26"] == "" || found["2026-04-27"] == "" {
		t.Errorf("2026: Tết %q, Giỗ Tổ %q, its compensatory Monday %q", found["2026-02-17"], found["2026-04-26"], found["2026-04-27"])
	}
	for _, q := range []string{"year=abc", "year=3000"} {
		if r := d.do("GET", "/api/v1/calendar/days?"+q, tok, nil); r.status != 400 {
			t.Errorf("%s: %d", q, r.status)
		}
	}
	if r := d.do("GET", "/api/v1/calendar/appointment?received_at=yesterday&working_days=5", tok, nil); r.status != 400 {
		t.Errorf("bad received_at: %d", r.status)
	}
}

func TestVietnameseDates(t *testing.T) {
	tests := []struct {
		at   time.Time
		date string
		long string
	}{
		{time.Date(2026, 2, 5, 9, 0, 0, 0, clock.Local), "ngày 05 tháng 02 năm 2026", "09 giờ 00 phút, ngày 05 tháng 02 năm 2026"},
		{time.Date(2025, 9, 15, 16, 0, 0, 0, clock.Local), "ngày 15 tháng 9 năm 2025", "16 giờ 00 phút, ngày 15 tháng 9 năm 2025"},
		{time.Date(2026, 3, 9, 16, 5, 0, 0, clock.Local), "ngày 09 tháng 3 năm 2026", "16 giờ 05 phút, ngày 09 tháng 3 năm 2026"},
		{time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC), "ngày 27 tháng 11 năm 2026", "10 giờ 00 phút, ngày 27 tháng 11 năm 2026"},
	}
	for _, tt := range tests {
		if got := viDate(tt.at); got != tt.date {
			t.Errorf("viDate(%v) = %q, want %q", tt.at, got, tt.date)
		}
		if got := viLongTime(tt.at); got != tt.long {
			t.Errorf("viLongTime(%v) = %q, want %q", tt.at, got, tt.long)
		}
	}
	for in, want := range map[string]string{"Nguyễn Văn An": "N*** V*** A***", "  Đỗ   Thị  Ánh ": "Đ*** T*** Á***", "": ""} {
		if got := maskName(in); got != want {
			t.Errorf("maskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDossierDigest(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)) // Mon 02/03 10:00
	d := bootWith(t, Options{Clock: clk})
	d.user("cb1", "official", "quay-1")
	s := d.signIn("cb1", "")
	body := map[string]any{"procedure": "1.001612", "return_channel": "post",
		"applicant": map[string]string{"name": "Trần Thị Bình", "phone": "0987654321", "address": "Phủ Lý"},
		"documents": []map[string]any{{"name": "Giấy đề nghị", "form": "original", "count": 1}}}
	var rec receiveReply
	if r := s.do("POST", "/api/v1/dossiers", body); r.status != 201 {
		t.Fatalf("receive: %d %s", r.status, r.body)
	} else {
		r.json(t, &rec)
	}
	sup := d.token("supervisor", "")
	// due Thu 05/03; on Mon 09/03 it is 2 working days late, and held by
	// the center since the receipt (5 working days): possibly lost
	clk.Set(time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC))
	r := d.do("GET", "/api/v1/dossiers/digest?format=text", sup, nil)
	text := string(r.body)
	for _, want := range []string{"ngày 09 tháng 3 năm 2026", "Sở Kế hoạch và Đầu tư: 1 hồ sơ quá hạn, 0 hồ sơ sắp đến hạn, 1 hồ sơ có thể thất lạc",
		rec.Code, "hẹn trả 05/03/2026", "quá hạn 2 ngày làm việc"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Trần Thị Bình") {
		t.Error("the digest names the applicant")
	}
	var m MonitorState
	d.do("GET", "/api/v1/monitor", sup, nil).json(t, &m)
	if len(m.Dossiers.Overdue) != 1 || m.Dossiers.Overdue[0].DaysLate != 2 || hasAlert(m, "dossier:"+rec.Code) == nil || hasAlert(m, "lost:"+rec.Code) != nil || len(m.Dossiers.Lost) != 1 {
		t.Errorf("monitor dossiers: %+v, alerts %+v", m.Dossiers, m.Alerts)
	}
	s = d.signIn("cb1", "")
	if page := s.do("GET", "/thu-tuc", nil); page.status != 200 || !strings.Contains(string(page.body), "1.001612") || !strings.Contains(string(page.body), "Danh mục thủ tục hành chính") {
		t.Errorf("procedures page: %d", page.status)
	}
}

// A department's staff see its dossiers: the list and the digest.
func TestDepartmentSeesItsDossiers(t *testing.T) {
	d := boot(t, "")
	d.user("cb1", "official", "quay-1")
	s := d.signIn("cb1", "")
	for _, proc := range []string{"1.001612", "2.000488"} { // KH&ĐT, Tư pháp
		body := map[string]any{"procedure": proc, "return_channel": "counter",
			"applicant": map[string]string{"name": "Lê Văn Cường"}, "documents": []map[string]any{{"name": "Tờ khai", "form": "original", "count": 1}}}
		if r := s.do("POST", "/api/v1/dossiers", body); r.status != 201 {
			t.Fatalf("receive %s: %d %s", proc, r.status, r.body)
		}
	}
	if _, err := auth.CreateUser(context.Background(), d.app.DB, auth.User{Username: "sotp", Name: "Cán bộ Sở Tư pháp", Role: "official", Department: "tp"}, staffPassword, time.Now()); err != nil {
		t.Fatal(err)
	}
	tp := d.signIn("sotp", "quay-3")
	var list struct{ Dossiers []struct{ Department string } }
	tp.do("GET", "/api/v1/dossiers?state=open", nil).json(t, &list)
	if len(list.Dossiers) != 1 || list.Dossiers[0].Department != "tp" {
		t.Errorf("the Tư pháp user's list: %+v, want its one dossier", list.Dossiers)
	}
	s.do("GET", "/api/v1/dossiers?state=open", nil).json(t, &list)
	if len(list.Dossiers) != 2 {
		t.Errorf("an official of no department sees %d dossiers, want 2", len(list.Dossiers))
	}
	var me struct{ Department string }
	tp.do("GET", "/api/v1/me", nil).json(t, &me)
	if me.Department != "tp" {
		t.Errorf("me: department %q", me.Department)
	}
}

// The admin edits the year's days off while running: appointments follow.
func TestCalendarOverridesEdited(t *testing.T) {
	d := boot(t, "")
	d.user("root2", "admin", "")
	admin := d.signIn("root2", "")
	official := d.token("official", "")
	due := func() string {
		var v struct {
			DueDate string `json:"due_date"`
		}
		d.do("GET", "/api/v1/calendar/appointment?received_at="+url.QueryEscape("2026-03-02T10:00:00+07:00")+"&working_days=5", official, nil).json(t, &v)
		return v.DueDate
	}
	if got := due(); got != "2026-03-09" {
		t.Fatalf("before: %s", got)
	}
	body := map[string]any{"overrides": []map[string]any{{"date": "2026-03-04", "working": false, "reason": "Nghỉ theo thông báo số 12/TB-UBND"}}}
	if r := official2(d).do("PUT", "/api/v1/calendar/overrides", body); r.status != http.StatusForbidden {
		t.Errorf("an official edits the calendar: %d", r.status)
	}
	if r := admin.do("PUT", "/api/v1/calendar/overrides", body); r.status != 200 || !strings.Contains(string(r.body), `"source":"admin"`) {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	if got := due(); got != "2026-03-10" {
		t.Errorf("with Wed 04/03 off: %s, want 2026-03-10", got)
	}
	for _, bad := range []map[string]any{
		{"overrides": []map[string]any{{"date": "04/03/2026", "reason": "x"}}},
		{"overrides": []map[string]any{{"date": "2026-03-04", "reason": ""}}},
		{"overrides": []map[string]any{{"date": "2026-03-04", "reason": "a"}, {"date": "2026-03-04", "reason": "b"}}},
	} {
		if r := admin.do("PUT", "/api/v1/calendar/overrides", bad); r.status != http.StatusBadRequest {
			t.Errorf("%v: %d", bad, r.status)
		}
	}
	// kept across a restart
	d.stop()
	app, err := Open(context.Background(), Options{DataDir: d.data, Listen: "127.0.0.1:0", Out: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	got := app.Dossiers.Calendar().Appointment(time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC), 5, 0)
	if got.Date.String() != "2026-03-10" {
		t.Errorf("after a restart: %s", got.Date)
	}
}

func official2(d *daemon) *staff {
	d.user("cb9", "official", "quay-1")
	return d.signIn("cb9", "")
}

// A console retrying after a lost answer gets the same dossier and no
// second print; a dossier links only a ticket served at that counter.
func TestReceiveRetriedAndTicketChecked(t *testing.T) {
	d := boot(t, "")
	d.user("cb1", "official", "quay-1")
	d.user("cb5", "official", "quay-5")
	s := d.signIn("cb1", "")
	k := d.token("kiosk", "kiosk-1")
	tid := d.issueID(t, k, "dang-ky-doanh-nghiep", "")
	s.act(t, "quay-1", "call-next", nil, 200)
	body := map[string]any{"ticket": tid, "procedure": "1.001612", "return_channel": "counter",
		"applicant": map[string]string{"name": "Phạm Thu Hà"}, "documents": []map[string]any{{"name": "Tờ khai", "form": "original", "count": 1}}}
	var a, b receiveReply
	r1 := s.do("POST", "/api/v1/dossiers", body, "Idempotency-Key", "tiep-nhan-1")
	r2 := s.do("POST", "/api/v1/dossiers", body, "Idempotency-Key", "tiep-nhan-1")
	r1.json(t, &a)
	r2.json(t, &b)
	if r1.status != 201 || r2.status != 201 || a.Code == "" || a.Code != b.Code || b.Receipt.Print.Status != "replayed" {
		t.Errorf("retry: %d %s / %d %s", r1.status, r1.body, r2.status, r2.body)
	}
	jobs, _ := printer.LatestJobs(d.app.spools["quay-1"], "quay-1", 0)
	if len(jobs) != 1 {
		t.Errorf("%d receipts printed, want 1", len(jobs))
	}
	var list struct{ Dossiers []any }
	s.do("GET", "/api/v1/dossiers", nil).json(t, &list)
	if len(list.Dossiers) != 1 {
		t.Errorf("%d dossiers, want 1", len(list.Dossiers))
	}
	// a slip retried with its key: one slip
	slip := map[string]any{"ticket": tid, "procedure": "1.001612", "outcome": "supplement", "reason": "Thiếu điều lệ",
		"applicant": map[string]string{"name": "Phạm Thu Hà"}}
	var s1, s2 struct{ Slip struct{ ID int64 } }
	s.do("POST", "/api/v1/dossiers", slip, "Idempotency-Key", "phieu-1").json(t, &s1)
	s.do("POST", "/api/v1/dossiers", slip, "Idempotency-Key", "phieu-1").json(t, &s2)
	if s1.Slip.ID == 0 || s1.Slip.ID != s2.Slip.ID {
		t.Errorf("retried slip: %d then %d, want the same", s1.Slip.ID, s2.Slip.ID)
	}
	other := d.signIn("cb5", "")
	if r := other.do("POST", "/api/v1/dossiers", body); r.status != http.StatusConflict || !strings.Contains(string(r.body), "ticket-elsewhere") {
		t.Errorf("a ticket of another counter: %d %s", r.status, r.body)
	}
}

// The staff page of a dossier (the control sheet's QR) records every step
// with plain forms: what a department's desk does without the API.
func TestDossierStepsByForm(t *testing.T) {
	d := boot(t, "")
	d.user("cb1", "official", "quay-1")
	s := d.signIn("cb1", "")
	body := map[string]any{"procedure": "1.001612", "return_channel": "counter",
		"applicant": map[string]string{"name": "Vũ Minh Tâm"}, "documents": []map[string]any{{"name": "Tờ khai", "form": "original", "count": 1}}}
	var rec receiveReply
	s.do("POST", "/api/v1/dossiers", body).json(t, &rec)
	post := func(v url.Values) string {
		t.Helper()
		v.Set("csrf", s.csrf)
		req, _ := http.NewRequest("POST", d.base+"/ban-giao/"+rec.Code, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := s.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	steps := []struct {
		form url.Values
		want string
	}{
		{url.Values{"to": {"department:khdt"}, "how": {"in_person"}}, "Đã ghi nhận bàn giao"},
		{url.Values{"type": {"consult"}, "agency": {"Cục Thuế tỉnh"}, "deadline": {"2099-01-05"}}, "Đã ghi nhận: Lấy ý kiến"},
		{url.Values{"type": {"consult"}, "agency": {"Cục Thuế tỉnh"}}, "Hãy ghi hạn trả lời"},
		{url.Values{"type": {"consult_reply"}, "agency": {"Cục Thuế tỉnh"}}, "Đã ghi nhận: Cơ quan liên quan trả lời"},
		{url.Values{"type": {"pause"}}, "Hãy ghi căn cứ pháp lý"},
		{url.Values{"type": {"pause"}, "note": {"Chờ kết quả giám định theo Điều 9"}}, "Đã ghi nhận: Tạm dừng"},
		{url.Values{"type": {"resume"}}, "Đã ghi nhận: Tiếp tục"},
		{url.Values{"type": {"returned"}, "how": {"counter"}}, "đang ở trạng thái"},
		{url.Values{"type": {"result_ready"}}, "Đã ghi nhận: Đã có kết quả"},
		{url.Values{"type": {"returned"}, "how": {"post"}}, "Hãy ghi số vận đơn"},
		{url.Values{"type": {"returned"}, "how": {"post"}, "waybill": {"EB123456789VN"}}, "Đã ghi nhận: Đã trả kết quả"},
	}
	for _, st := range steps {
		if got := post(st.form); !strings.Contains(got, st.want) {
			t.Errorf("%v: the page does not say %q: %.400s", st.form, st.want, got)
		}
	}
	var got dossierReply
	s.do("GET", "/api/v1/dossiers/"+rec.Code, nil).json(t, &got)
	if got.Dossier.State != "returned" || got.Dossier.Holder != "post" || len(got.Dossier.Steps) != 7 {
		t.Errorf("after the forms: %+v", got.Dossier)
	}
}

func TestProceduresAPI(t *testing.T) {
	d := boot(t, "")
	var ps []struct {
		ID, Code, Name, Department string
		ProcessingDays             int `json:"processing_days"`
		ProcessingHours            int `json:"processing_hours"`
		Documents                  []string
	}
	r := d.do("GET", "/api/v1/procedures", d.token("kiosk", "kiosk-1"), nil)
	r.json(t, &ps)
	if r.status != 200 || len(ps) != len(d.app.Cfg.Procedures) {
		t.Fatalf("procedures: %d, %d of %d", r.status, len(ps), len(d.app.Cfg.Procedures))
	}
	found := false
	for _, p := range ps {
		if p.ID == "1.001612" {
			found = p.Code == p.ID && p.Department == "khdt" && p.ProcessingDays == 3 && len(p.Documents) > 0
		}
	}
	if !found {
		t.Errorf("1.001612 missing or wrong: %+v", ps)
	}
	if r := d.do("GET", "/api/v1/procedures", d.token("display", "sanh"), nil); r.status != 403 {
		t.Errorf("a screen reads the catalogue: %d", r.status)
	}
}
