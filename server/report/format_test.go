package report

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/motcua/motcua/server/workday"
)

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		in   int
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1.000"}, {1234, "1.234"}, {5602, "5.602"},
		{12345, "12.345"}, {123456, "123.456"}, {1234567, "1.234.567"},
		{-5, "-5"}, {-999, "-999"}, {-1234, "-1.234"}, {-1234567, "-1.234.567"},
		{math.MinInt64, "-9.223.372.036.854.775.808"},
	} {
		if got := Number(tc.in); got != tc.want {
			t.Errorf("Number(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		in   int
		want string
	}{
		{0, "0,0%"}, {1, "0,1%"}, {9, "0,9%"}, {15, "1,5%"}, {123, "12,3%"}, {862, "86,2%"},
		{927, "92,7%"}, {985, "98,5%"}, {1000, "100,0%"}, {-15, "-1,5%"},
	} {
		if got := Percent(Share{Tenths: tc.in}); got != tc.want {
			t.Errorf("Percent(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDuration(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0 giây"}, {-3, "0 giây"}, {math.NaN(), "0 giây"}, {0.4, "0 giây"}, {0.5, "1 giây"},
		{45, "45 giây"}, {59.4, "59 giây"}, {59.5, "1 phút 00 giây"}, {60, "1 phút 00 giây"},
		{65, "1 phút 05 giây"}, {390, "6 phút 30 giây"}, {725, "12 phút 05 giây"}, {725.4, "12 phút 05 giây"},
		{3599, "59 phút 59 giây"}, {3599.6, "1 giờ 00 phút"}, {3600, "1 giờ 00 phút"},
		{3720, "1 giờ 02 phút"}, {3749, "1 giờ 02 phút"}, {3750, "1 giờ 03 phút"},
		{36000 + 59*60, "10 giờ 59 phút"}, {90000, "25 giờ 00 phút"},
	} {
		if got := Duration(tc.in); got != tc.want {
			t.Errorf("Duration(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func day(y int, m time.Month, d int) workday.Date { return workday.Date{Year: y, Month: m, Day: d} }

// october is the example month, figures built by hand.
func october() *Summary {
	levels := []Level{
		{Level: 3, Label: "Rất hài lòng", Count: 700},
		{Level: 2, Label: "Hài lòng", Count: 100},
		{Level: 1, Label: "Không hài lòng", Count: 12},
	}
	for i, sh := range Shares([]int{700, 100, 12}) {
		levels[i].Share = sh
	}
	s := &Summary{
		Filter: Filter{From: day(2026, 10, 1), To: day(2026, 10, 31)},
		Queue: Queue{
			Issued: 5602, Served: 5410, NoShow: 150, Transferred: 42,
			Wait:              Stats{N: 5410, MeanS: 725, MedianS: 600, P90S: 1510},
			Service:           Stats{N: 5410, MeanS: 390, MedianS: 360, P90S: 720},
			IdleWhileWaitingS: 3725,
			ByService: []Group{
				{Key: "HT", Name: "Hộ tịch", Issued: 3000, Served: 2900, NoShow: 90, Transferred: 10,
					Wait: Stats{N: 2900, MeanS: 700, MedianS: 610, P90S: 1400}, Service: Stats{N: 2900, MeanS: 400, MedianS: 380, P90S: 700}},
				{Key: "DD", Name: "Đất đai", Issued: 2602, Served: 2510, NoShow: 60, Transferred: 32,
					Wait: Stats{N: 2510, MeanS: 754, MedianS: 590, P90S: 1600}, Service: Stats{N: 2510, MeanS: 378, MedianS: 340, P90S: 740}},
				{Key: "XX", Issued: 0}, // no name, nobody came
			},
			ByCounter:  []Group{{Key: "1", Name: "Quầy 1", Issued: 5602, Served: 5410, Wait: Stats{N: 5410, MeanS: 725}, IdleS: 3725}},
			ByOfficial: []Group{{Key: "lan", Name: "Nguyễn Thị Lan", Served: 5410, Service: Stats{N: 5410, MeanS: 390}}},
			WaitHistogram: []Bucket{
				{"0–5 phút", 1200}, {"5–10 phút", 1500}, {"10–15 phút", 1100}, {"15–20 phút", 700},
				{"20–30 phút", 500}, {"30–45 phút", 300}, {"45–60 phút", 80}, {"Từ 60 phút", 30},
			},
		},
		Dossiers: Dossiers{
			Total: DossierRow{ReceivedDirect: 1234, ResolvedEarly: 600, ResolvedOnTime: 484, ResolvedLate: 16,
				PendingWithin: 120, PendingPast: 14},
			ByDepartment: []DossierRow{
				{Key: "STP", Name: "Sở Tư pháp", ReceivedDirect: 734, ResolvedEarly: 400, ResolvedOnTime: 284, ResolvedLate: 6, PendingWithin: 40, PendingPast: 4},
				{Key: "STNMT", Name: "Sở Tài nguyên và Môi trường", ReceivedDirect: 500, ResolvedEarly: 200, ResolvedOnTime: 200, ResolvedLate: 10, PendingWithin: 80, PendingPast: 10},
			},
			ByField: []DossierRow{
				{Key: "hotich", Name: "Hộ tịch", ReceivedDirect: 734, ResolvedEarly: 400, ResolvedOnTime: 284, ResolvedLate: 6, PendingWithin: 40, PendingPast: 4},
				{Key: "datdai", Name: "Đất đai", ReceivedDirect: 500, ResolvedEarly: 200, ResolvedOnTime: 200, ResolvedLate: 10, PendingWithin: 80, PendingPast: 10},
			},
			OnTimeShare: Share{Tenths: 985}, // 1084/1100
		},
		Satisfaction: Satisfaction{
			Rated: 812, Levels: levels, ServedTickets: 5410, RatedShare: Share{Tenths: 150},
			ByCounter: []SatGroup{{Key: "1", Name: "Quầy 1", Rated: 812, Levels: levels}},
			ByOfficial: []SatGroup{
				{Key: "lan", Name: "Nguyễn Thị Lan", Rated: 2, Levels: []Level{{Level: 3, Label: "Rất hài lòng", Count: 1, Share: Share{500}}, {Level: 1, Label: "Không hài lòng", Count: 1, Share: Share{500}}}},
				{Key: "minh", Name: "Trần Văn Minh"}, // never rated
			},
		},
	}
	for h, n := range map[int]int{7: 300, 8: 900, 9: 1000, 10: 800, 11: 400, 13: 500, 14: 700, 15: 600, 16: 402} {
		s.Queue.ByHour[h] = Group{Issued: n, Served: n - 35}
	}
	return s
}

const octoberText = "Từ ngày 01/10/2026 đến ngày 31/10/2026, Trung tâm đã tiếp nhận 1.234 hồ sơ, đã trả kết quả 1.100 hồ sơ, " +
	"tỷ lệ đúng hạn 98,5%. Có 812 lượt đánh giá mức độ hài lòng, trong đó: 700 lượt rất hài lòng, chiếm tỷ lệ 86,2%; " +
	"100 lượt hài lòng, chiếm tỷ lệ 12,3%; 12 lượt không hài lòng, chiếm tỷ lệ 1,5%.\n\n" +
	"Đã cấp 5.602 số thứ tự, phục vụ 5.410 lượt; thời gian chờ trung bình 12 phút 05 giây, thời gian phục vụ trung bình " +
	"6 phút 30 giây; 90% lượt chờ không quá 25 phút 10 giây; 150 lượt vắng mặt khi được gọi, 42 lượt chuyển quầy; " +
	"tỷ lệ lượt phục vụ được đánh giá 15,0%.\n"

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    func() *Summary
		want string
	}{
		{"month", october, octoberText},
		{"center", func() *Summary {
			s := october()
			s.Center = "Trung tâm Phục vụ hành chính công tỉnh Hà Nam"
			return s
		}, strings.Replace(octoberText, "2026, Trung tâm đã", "2026, Trung tâm Phục vụ hành chính công tỉnh Hà Nam đã", 1)},
		{"empty day", func() *Summary {
			return &Summary{Filter: Filter{From: day(2026, 10, 5), To: day(2026, 10, 5)}}
		}, "Ngày 05/10/2026, Trung tâm không tiếp nhận và không trả kết quả hồ sơ nào. " +
			"Không có lượt đánh giá mức độ hài lòng nào.\n\nKhông có số thứ tự nào được cấp.\n"},
		{"no period", func() *Summary { return &Summary{Center: "Trung tâm Hành chính công huyện Kim Bảng"} },
			"Trong kỳ, Trung tâm Hành chính công huyện Kim Bảng không tiếp nhận và không trả kết quả hồ sơ nào. " +
				"Không có lượt đánh giá mức độ hài lòng nào.\n\nKhông có số thứ tự nào được cấp.\n"},
		{"nothing resolved, nobody served", func() *Summary {
			return &Summary{
				Filter:   Filter{From: day(2026, 1, 1), To: day(2026, 1, 2)},
				Queue:    Queue{Issued: 3, NoShow: 3},
				Dossiers: Dossiers{Total: DossierRow{ReceivedDirect: 2, ReceivedOnline: 1, PendingWithin: 3}},
			}
		}, "Từ ngày 01/01/2026 đến ngày 02/01/2026, Trung tâm đã tiếp nhận 3 hồ sơ (1 hồ sơ trực tuyến), " +
			"chưa trả kết quả hồ sơ nào. Không có lượt đánh giá mức độ hài lòng nào.\n\n" +
			"Đã cấp 3 số thứ tự, chưa phục vụ lượt nào; 3 lượt vắng mặt khi được gọi.\n"},
		{"carried over, a level nobody chose", func() *Summary {
			return &Summary{
				Filter: Filter{From: day(2026, 3, 2), To: day(2026, 3, 6)},
				Queue: Queue{Issued: 40, Served: 40, Wait: Stats{N: 40, MeanS: 44.6, P90S: 59.5},
					Service: Stats{N: 40, MeanS: 3749}},
				Dossiers: Dossiers{Total: DossierRow{CarriedOver: 5, ResolvedOnTime: 4, ResolvedLate: 1}, OnTimeShare: Share{800}},
				Satisfaction: Satisfaction{Rated: 3, ServedTickets: 40, RatedShare: Share{75}, Levels: []Level{
					{Level: 3, Label: "Rất hài lòng", Count: 2, Share: Share{667}},
					{Level: 2, Label: "Hài lòng", Count: 1, Share: Share{333}},
					{Level: 1, Label: "Không hài lòng"},
				}},
			}
		}, "Từ ngày 02/03/2026 đến ngày 06/03/2026, Trung tâm không tiếp nhận hồ sơ mới, giải quyết tiếp 5 hồ sơ " +
			"từ kỳ trước chuyển sang, đã trả kết quả 5 hồ sơ, tỷ lệ đúng hạn 80,0%. Có 3 lượt đánh giá mức độ hài lòng, " +
			"trong đó: 2 lượt rất hài lòng, chiếm tỷ lệ 66,7%; 1 lượt hài lòng, chiếm tỷ lệ 33,3%; không có lượt không hài lòng.\n\n" +
			"Đã cấp 40 số thứ tự, phục vụ 40 lượt; thời gian chờ trung bình 45 giây, thời gian phục vụ trung bình 1 giờ 02 phút; " +
			"90% lượt chờ không quá 1 phút 00 giây; tỷ lệ lượt phục vụ được đánh giá 7,5%.\n"},
		{"carried over, nothing done", func() *Summary {
			return &Summary{
				Filter:   Filter{From: day(2026, 3, 2), To: day(2026, 3, 2)},
				Dossiers: Dossiers{Total: DossierRow{CarriedOver: 5, PendingPast: 5}},
			}
		}, "Ngày 02/03/2026, Trung tâm không tiếp nhận hồ sơ mới, giải quyết tiếp 5 hồ sơ từ kỳ trước chuyển sang, " +
			"chưa trả kết quả hồ sơ nào. Không có lượt đánh giá mức độ hài lòng nào.\n\nKhông có số thứ tự nào được cấp.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Text(tc.s()); got != tc.want {
				t.Errorf("Text:\ngot  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// csvSection returns the heading and rows of the CSV section titled title.
func csvSection(t *testing.T, recs [][]string, title string) (head []string, rows [][]string) {
	t.Helper()
	for i, r := range recs {
		if len(r) == 1 && r[0] == title {
			head = recs[i+1]
			for _, r := range recs[i+2:] {
				if len(r) == 1 && r[0] == onlineNote {
					continue
				}
				if len(r) < len(head) {
					break // the next section's title (the reader skips empty lines)
				}
				rows = append(rows, r)
			}
			return head, rows
		}
	}
	t.Fatalf("CSV has no section %q", title)
	return nil, nil
}

func TestCSV(t *testing.T) {
	s := october()
	s.Center = "Trung tâm Phục vụ hành chính công tỉnh Hà Nam"
	var buf bytes.Buffer
	if err := CSV(&buf, s); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("CSV does not start with a UTF-8 BOM: %q", raw[:min(len(raw), 8)])
	}
	if n, crlf := bytes.Count(raw, []byte("\n")), bytes.Count(raw, []byte("\r\n")); n != crlf {
		t.Errorf("CSV has %d line ends, %d of them CRLF", n, crlf)
	}
	r := csv.NewReader(bytes.NewReader(raw[3:]))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[0]; !slices.Equal(got, []string{reportTitle}) {
		t.Errorf("first line %q", got)
	}
	if got, want := recs[1], []string{"Đơn vị", "Trung tâm Phục vụ hành chính công tỉnh Hà Nam"}; !slices.Equal(got, want) {
		t.Errorf("line 2 = %q, want %q", got, want)
	}
	if got, want := recs[2], []string{"Kỳ báo cáo", "01/10/2026 – 31/10/2026"}; !slices.Equal(got, want) {
		t.Errorf("line 3 = %q, want %q", got, want)
	}

	head, rows := csvSection(t, recs, "Số liệu tổng hợp")
	if !slices.Equal(head, []string{"Chỉ tiêu", "Giá trị"}) {
		t.Errorf("summary heading %q", head)
	}
	summary := map[string]string{}
	for _, r := range rows {
		summary[r[0]] = r[1]
	}
	for k, want := range map[string]string{
		"Số thứ tự đã cấp": "5602", "Lượt đã phục vụ": "5410", "Lượt vắng mặt khi được gọi": "150", "Lượt chuyển quầy": "42",
		"Thời gian chờ trung bình": "0:12:05", "90% lượt chờ không quá": "0:25:10", "Thời gian phục vụ trung bình": "0:06:30",
		"Thời gian quầy trống khi có người chờ": "1:02:05",
		"Hồ sơ tiếp nhận trực tiếp, bưu chính":  "1234", "Hồ sơ tiếp nhận trực tuyến": "0", "Hồ sơ giải quyết quá hạn": "16",
		"Tỷ lệ giải quyết đúng hạn": "98,5%", "Hồ sơ đang giải quyết quá hạn": "14",
		"Lượt đánh giá mức độ hài lòng": "812", "Tỷ lệ lượt phục vụ được đánh giá": "15,0%",
	} {
		if got := summary[k]; got != want {
			t.Errorf("summary %q = %q, want %q", k, got, want)
		}
	}

	head, rows = csvSection(t, recs, "Biểu II.06a theo đơn vị")
	wantHead := []string{"STT", "Mã", "Đơn vị",
		"Tiếp nhận: Tổng số", "Tiếp nhận: Trực tuyến", "Tiếp nhận: Trực tiếp, bưu chính", "Tiếp nhận: Từ kỳ trước chuyển sang",
		"Đã giải quyết: Tổng số", "Đã giải quyết: Trước hạn", "Đã giải quyết: Đúng hạn", "Đã giải quyết: Quá hạn",
		"Đang giải quyết: Tổng số", "Đang giải quyết: Trong hạn", "Đang giải quyết: Quá hạn"}
	if !slices.Equal(head, wantHead) {
		t.Errorf("II.06a heading\ngot  %q\nwant %q", head, wantHead)
	}
	wantRows := [][]string{
		{"1", "STP", "Sở Tư pháp", "734", "0", "734", "0", "690", "400", "284", "6", "44", "40", "4"},
		{"2", "STNMT", "Sở Tài nguyên và Môi trường", "500", "0", "500", "0", "410", "200", "200", "10", "90", "80", "10"},
		{"", "", "Tổng cộng", "1234", "0", "1234", "0", "1100", "600", "484", "16", "134", "120", "14"},
	}
	if !slices.EqualFunc(rows, wantRows, slices.Equal) {
		t.Errorf("II.06a rows\ngot  %q\nwant %q", rows, wantRows)
	}
	if !slices.ContainsFunc(recs, func(r []string) bool { return len(r) == 1 && r[0] == onlineNote }) {
		t.Error("no note on the online column")
	}

	head, rows = csvSection(t, recs, "Hàng chờ theo dịch vụ")
	if len(head) != 13 || head[2] != "Số lượt: Đã cấp" || head[6] != "Thời gian chờ: Trung bình" || head[12] != "Quầy trống khi có người chờ" {
		t.Errorf("queue heading %q", head)
	}
	if want := []string{"HT", "Hộ tịch", "3000", "2900", "90", "10", "0:11:40", "0:10:10", "0:23:20", "0:06:40", "0:06:20", "0:11:40", "0:00:00"}; !slices.Equal(rows[0], want) {
		t.Errorf("queue row\ngot  %q\nwant %q", rows[0], want)
	}
	if want := []string{"XX", "XX", "0", "0", "0", "0", "", "", "", "", "", "", "0:00:00"}; !slices.Equal(rows[2], want) {
		t.Errorf("queue row without waits\ngot  %q\nwant %q", rows[2], want)
	}
	_, rows = csvSection(t, recs, "Hàng chờ theo giờ lấy số")
	if len(rows) != 9 || rows[0][0] != "07:00–08:00" || rows[0][1] != "300" || rows[8][0] != "16:00–17:00" {
		t.Errorf("queue by hour %q", rows)
	}
	_, rows = csvSection(t, recs, "Phân bố thời gian chờ")
	if len(rows) != 8 || !slices.Equal(rows[7], []string{"Từ 60 phút", "30"}) {
		t.Errorf("wait histogram %q", rows)
	}

	head, rows = csvSection(t, recs, "Mức độ hài lòng")
	if !slices.Equal(head, []string{"Mức", "Mức độ", "Số lượt", "Tỷ lệ"}) {
		t.Errorf("satisfaction heading %q", head)
	}
	wantRows = [][]string{
		{"3", "Rất hài lòng", "700", "86,2%"}, {"2", "Hài lòng", "100", "12,3%"}, {"1", "Không hài lòng", "12", "1,5%"},
		{"", "Tổng cộng", "812", "100,0%"},
	}
	if !slices.EqualFunc(rows, wantRows, slices.Equal) {
		t.Errorf("satisfaction rows\ngot  %q\nwant %q", rows, wantRows)
	}
	head, rows = csvSection(t, recs, "Mức độ hài lòng theo cán bộ")
	if want := []string{"Mã", "Cán bộ", "Số lượt đánh giá", "Rất hài lòng: Số lượt", "Rất hài lòng: Tỷ lệ",
		"Hài lòng: Số lượt", "Hài lòng: Tỷ lệ", "Không hài lòng: Số lượt", "Không hài lòng: Tỷ lệ"}; !slices.Equal(head, want) {
		t.Errorf("satisfaction by official heading\ngot  %q\nwant %q", head, want)
	}
	wantRows = [][]string{
		{"lan", "Nguyễn Thị Lan", "2", "1", "50,0%", "0", "0,0%", "1", "50,0%"},
		{"minh", "Trần Văn Minh", "0", "0", "", "0", "", "0", ""}, // no share of nothing
	}
	if !slices.EqualFunc(rows, wantRows, slices.Equal) {
		t.Errorf("satisfaction by official\ngot  %q\nwant %q", rows, wantRows)
	}
}

func TestCSVEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := CSV(&buf, &Summary{}); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF"))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	_, rows := csvSection(t, recs, "Mức độ hài lòng")
	if want := [][]string{{"", "Tổng cộng", "0", ""}}; !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("empty satisfaction %q, want %q", rows, want)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWritersReportErrors(t *testing.T) {
	if err := CSV(failWriter{}, october()); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("CSV to a failing writer: %v", err)
	}
	if err := XLSX(failWriter{}, october()); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("XLSX to a failing writer: %v", err)
	}
}

func TestXLSX(t *testing.T) {
	s := october()
	var buf bytes.Buffer
	if err := XLSX(&buf, s); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"Tổng hợp", "Hàng chờ", "Hồ sơ (Biểu II.06a)", "Hài lòng"}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	// find is the cell holding text, as "B7"
	find := func(sheet, text string) (col, row int) {
		t.Helper()
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, cells := range rows {
			for c, v := range cells {
				if v == text {
					return c + 1, r + 1
				}
			}
		}
		t.Fatalf("sheet %s has no cell %q", sheet, text)
		return 0, 0
	}
	ref := func(col, row int) string {
		s, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// check compares the cell dc columns right of text's cell: its raw value
	// (unless "-") and what Excel shows (unless "").
	check := func(sheet, text string, dc int, raw, shown string) {
		t.Helper()
		c, r := find(sheet, text)
		cell := ref(c+dc, r)
		got, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if raw != "-" && got != raw {
			t.Errorf("%s!%s raw = %q, want %q", sheet, cell, got, raw)
		}
		if shown == "" {
			return
		}
		if got, _ := f.GetCellValue(sheet, cell); got != shown {
			t.Errorf("%s!%s shown = %q, want %q", sheet, cell, got, shown)
		}
	}

	if v, _ := f.GetCellValue("Tổng hợp", "A1"); v != reportTitle {
		t.Errorf("Tổng hợp!A1 = %q", v)
	}
	check("Tổng hợp", "Kỳ báo cáo", 1, "01/10/2026 – 31/10/2026", "")
	check("Tổng hợp", "Số thứ tự đã cấp", 1, "5602", "5,602")
	check("Tổng hợp", "Tỷ lệ giải quyết đúng hạn", 1, "0.985", "98.5%")
	check("Tổng hợp", "Thời gian chờ trung bình", 1, "-", "0:12:05")
	check("Tổng hợp", "Lượt đánh giá mức độ hài lòng", 1, "812", "")

	check("Hàng chờ", "Hộ tịch", 1, "3000", "")
	check("Hàng chờ", "Hộ tịch", 5, "-", "0:11:40")
	check("Hàng chờ", "Hộ tịch", 6, "-", "0:10:10")
	check("Hàng chờ", "07:00–08:00", 1, "300", "")
	check("Hàng chờ", "Từ 60 phút", 1, "30", "")

	const d = "Hồ sơ (Biểu II.06a)"
	c, r := find(d, "Tiếp nhận")
	for i, want := range []string{"Tổng số", "Trực tuyến", "Trực tiếp, bưu chính", "Từ kỳ trước chuyển sang",
		"Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"} {
		if got, _ := f.GetCellValue(d, ref(c+i, r+1)); got != want {
			t.Errorf("%s!%s = %q, want %q", d, ref(c+i, r+1), got, want)
		}
	}
	for i, want := range map[int]string{4: "Đã giải quyết", 8: "Đang giải quyết"} {
		if got, _ := f.GetCellValue(d, ref(c+i, r)); got != want {
			t.Errorf("%s!%s = %q, want %q", d, ref(c+i, r), got, want)
		}
	}
	merges, err := f.GetMergeCells(d)
	if err != nil {
		t.Fatal(err)
	}
	var ranges []string
	for _, m := range merges {
		ranges = append(ranges, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	if want := ref(c, r) + ":" + ref(c+3, r); !slices.Contains(ranges, want) {
		t.Errorf("merged %q, want %s among them", ranges, want)
	}
	check(d, "Sở Tư pháp", 1, "734", "")
	check(d, "Sở Tư pháp", 5, "690", "")
	check(d, "Sở Tư pháp", 11, "4", "")
	check(d, "Tổng cộng", 5, "1100", "1,100")

	check("Hài lòng", "Rất hài lòng", 1, "700", "")
	check("Hài lòng", "Rất hài lòng", 2, "0.862", "86.2%")
	check("Hài lòng", "Không hài lòng", 2, "0.015", "1.5%")
	check("Hài lòng", "Tổng cộng", 2, "1", "100.0%")

	if w, err := f.GetColWidth("Tổng hợp", "A"); err != nil || w < 30 {
		t.Errorf("Tổng hợp column A is %v wide (%v), want room for the labels", w, err)
	}
	st, err := f.GetCellStyle(d, ref(c, r))
	if err != nil {
		t.Fatal(err)
	}
	if style, err := f.GetStyle(st); err != nil || style.Font == nil || !style.Font.Bold {
		t.Errorf("heading %s is not bold (%v)", ref(c, r), err)
	}
}

func TestXLSXEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := XLSX(&buf, &Summary{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if n := len(f.GetSheetList()); n != 4 {
		t.Errorf("%d sheets, want 4", n)
	}
}

// svgCheck decodes chart as XML and returns its title, desc and text nodes.
func svgCheck(t *testing.T, chart string) (title, desc string, texts []string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(chart))
	var stack []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, chart)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				if tok.Name.Local != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root %v", tok.Name)
				}
				attrs := map[string]string{}
				for _, a := range tok.Attr {
					attrs[a.Name.Local] = a.Value
				}
				if attrs["role"] != "img" || attrs["viewBox"] != "0 0 640 240" {
					t.Errorf("svg attributes %v", attrs)
				}
			} else if len(stack) == 1 && title == "" && tok.Name.Local != "title" {
				t.Errorf("first child is %s, want title", tok.Name.Local)
			}
			for _, a := range tok.Attr {
				if a.Name.Local == "href" || strings.Contains(a.Value, "url(") {
					t.Errorf("external reference %s=%q", a.Name.Local, a.Value)
				}
			}
			stack = append(stack, tok.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			switch stack[len(stack)-1] {
			case "title":
				title += string(tok)
			case "desc":
				desc += string(tok)
			case "text":
				texts = append(texts, string(tok))
			}
		}
	}
	if strings.Contains(chart, "<script") {
		t.Error("chart has a script")
	}
	return title, desc, texts
}

func TestCharts(t *testing.T) {
	s := october()
	t.Run("load by hour", func(t *testing.T) {
		title, desc, texts := svgCheck(t, string(ChartLoadByHour(s)))
		if title != "Số thứ tự đã cấp theo giờ" {
			t.Errorf("title %q", title)
		}
		if !strings.Contains(desc, "9h: 1.000 số") || !strings.Contains(desc, "12h: 0 số") {
			t.Errorf("desc %q", desc)
		}
		for _, want := range []string{"7h", "12h", "17h", "1.000", "402"} {
			if !slices.Contains(texts, want) {
				t.Errorf("no label %q in %q", want, texts)
			}
		}
		if slices.Contains(texts, "6h") || slices.Contains(texts, "18h") {
			t.Errorf("hours outside 7h–17h drawn: %q", texts)
		}
		s := october()
		s.Queue.ByHour[19] = Group{Issued: 3}
		if _, _, texts := svgCheck(t, string(ChartLoadByHour(s))); !slices.Contains(texts, "19h") {
			t.Errorf("an evening ticket is not drawn: %q", texts)
		}
	})
	t.Run("waits", func(t *testing.T) {
		title, desc, texts := svgCheck(t, string(ChartWaits(s)))
		if title != "Phân bố thời gian chờ" || !strings.Contains(desc, "5–10 phút: 1.500 lượt") {
			t.Errorf("title %q desc %q", title, desc)
		}
		for _, want := range []string{"0–5 phút", "Từ 60 phút", "1.500", "30"} {
			if !slices.Contains(texts, want) {
				t.Errorf("no label %q in %q", want, texts)
			}
		}
	})
	t.Run("satisfaction", func(t *testing.T) {
		title, desc, texts := svgCheck(t, string(ChartSatisfaction(s)))
		if title != "Tỷ lệ mức độ hài lòng" || !strings.Contains(desc, "Rất hài lòng: 700 lượt, 86,2%") {
			t.Errorf("title %q desc %q", title, desc)
		}
		for _, want := range []string{"Rất hài lòng", "700 lượt – 86,2%", "12 lượt – 1,5%", "Tỷ lệ mức độ hài lòng (812 lượt đánh giá)"} {
			if !slices.Contains(texts, want) {
				t.Errorf("no label %q in %q", want, texts)
			}
		}
	})
	t.Run("escaped", func(t *testing.T) {
		s := october()
		s.Satisfaction.Levels[0].Label = `Rất <hài> lòng & "vui"`
		s.Queue.WaitHistogram[0].Label = "<5"
		if _, _, texts := svgCheck(t, string(ChartSatisfaction(s))); !slices.Contains(texts, `Rất <hài> lòng & "vui"`) {
			t.Errorf("label not round-tripped: %q", texts)
		}
		svgCheck(t, string(ChartWaits(s)))
	})
	t.Run("empty", func(t *testing.T) {
		for name, chart := range map[string]func(*Summary) string{
			"load":         func(s *Summary) string { return string(ChartLoadByHour(s)) },
			"waits":        func(s *Summary) string { return string(ChartWaits(s)) },
			"satisfaction": func(s *Summary) string { return string(ChartSatisfaction(s)) },
		} {
			_, _, texts := svgCheck(t, chart(&Summary{}))
			if !slices.ContainsFunc(texts, func(s string) bool { return strings.HasPrefix(s, "Không có") }) {
				t.Errorf("%s: empty chart says %q", name, texts)
			}
			if strings.Contains(chart(&Summary{}), "0,0%") {
				t.Errorf("%s: empty chart shows 0,0%%", name)
			}
		}
	})
}

func TestNiceStep(t *testing.T) {
	for _, tc := range []struct{ top, want int }{{1, 1}, {4, 1}, {5, 2}, {8, 2}, {9, 5}, {20, 5}, {21, 10}, {1000, 500}, {1001, 500}, {2001, 1000}} {
		if got := niceStep(tc.top); got != tc.want {
			t.Errorf("niceStep(%d) = %d, want %d", tc.top, got, tc.want)
		}
	}
}
