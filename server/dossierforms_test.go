package server

import (
	"bytes"
	"html"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The print pages of dossiers (web/dossier/*.html) are parsed here from the
// files on disk and fed data of the shape of the contract's view structs
// (DossierView, SlipView): Go templates look fields up by name, so
// anonymous structs with the same field names stand in for them.

// formsPages are the print pages, each a file defining one template of
// its own name.
var formsPages = []string{"apology.html", "control-sheet.html", "receipt.html", "slip.html"}

const (
	formsCode    = "000.00.12.H41-260303-0012"
	formsQRMark  = `<svg class="test-qr-track"`
	formsHandMrk = `<svg class="test-qr-handover"`
)

// formsQR is a stand-in for the lead's QR SVG, marked so the test finds it.
func formsQR(class string) template.HTML {
	var b strings.Builder
	b.WriteString(`<svg class="` + class + `" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21" shape-rendering="crispEdges"><path fill="#fff" d="M0 0h21v21H0z"/><path d="`)
	// three finder squares and a sprinkle of modules: looks like a QR
	for _, c := range [][2]int{{0, 0}, {14, 0}, {0, 14}} {
		b.WriteString("M" + strconv.Itoa(c[0]) + " " + strconv.Itoa(c[1]) + "h7v7h-7zm1 1v5h5v-5zm1 1h3v3h-3z")
	}
	for i := 0; i < 60; i++ {
		x, y := 8+(i*7)%13, (i*5)%21
		if x < 8 && (y < 8 || y > 12) {
			continue
		}
		b.WriteString("M" + strconv.Itoa(x) + " " + strconv.Itoa(y) + "h1v1h-1z")
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String())
}

// formsFixtures builds the data the lead's handlers pass: a 3-document
// dossier received on 03/03/2026 (month 3: "tháng 3", no zero), its
// apology, a supplement slip with two missing documents and a refusal.
func formsFixtures() (dossier, apology, supplement, refusal map[string]any) {
	type procedure = struct {
		Code, Name, Field, Department, DepartmentName string
		Amount                                        int
		UnitText                                      string
		Fees                                          string
		OnlineLevel                                   int
		Documents                                     []string
	}
	type applicant = struct{ Name, Phone, Address, Email, IDNumber string }
	type doc = struct {
		Name, Form string
		Count      int
	}
	type step = struct {
		Label, From, To, How, Note string
		At                         time.Time
		AtText                     string
	}
	type apologyView = struct{ Reason, NewDueText, IssuedText, By string }
	type dossierView = struct {
		Center, CenterParent, Place string
		Code, TrackURL              string
		QR                          template.HTML
		Procedure                   procedure
		Applicant                   applicant
		Masked                      string
		Documents                   []doc
		Sets                        int
		ReceivedText, DueText       string
		ReceivedDate, DueDate       string
		ReceivedDay                 string
		ReturnChannel               string
		Official, CounterName       string
		BookEntry                   string
		StateText                   string
		Timeliness                  string
		Steps                       []step
		Apology                     *apologyView
		Holder                      string
		PossiblyLost                bool
		CollectText                 string
	}
	type slipView = struct {
		Center, CenterParent, Place     string
		Kind                            string
		Number                          string
		Procedure                       procedure
		Applicant                       applicant
		Reason                          string
		Missing                         []string
		Official, CounterName, DateText string
	}

	const (
		center = "Trung tâm Phục vụ hành chính công tỉnh Hà Nam"
		parent = "Ủy ban nhân dân tỉnh Hà Nam"
	)
	birth := procedure{
		Code: "1.001193.000.00.00.H41", Name: "Đăng ký thành lập hộ kinh doanh",
		Field: "Thành lập và hoạt động của hộ kinh doanh", Department: "so-tai-chinh",
		DepartmentName: "Sở Tài chính", Amount: 3, UnitText: "ngày làm việc", Fees: "100.000 đồng",
		OnlineLevel: 4,
	}
	person := applicant{
		Name: "Nguyễn Thị Hồng Nhung", Phone: "0912 345 678",
		Address: "Số 12 đường Lê Hoàn, phường Phủ Lý, tỉnh Hà Nam",
		Email:   "nhung.nguyen@example.vn", IDNumber: "035190001234",
	}
	received := time.Date(2026, 3, 3, 9, 15, 0, 0, time.FixedZone("ICT", 7*3600))
	d := dossierView{
		Center: center, CenterParent: parent, Place: "Hà Nam",
		Code: formsCode, TrackURL: "https://motcua.hanam.gov.vn/hs/" + formsCode + "?k=Zq3v9TqP",
		QR: formsQR("test-qr-track"), Procedure: birth, Applicant: person, Masked: "N*** T*** H*** N***",
		Documents: []doc{
			{"Giấy đề nghị đăng ký hộ kinh doanh", "Bản chính", 1},
			{"Căn cước công dân của chủ hộ kinh doanh", "Bản sao có chứng thực", 1},
			{"Hợp đồng thuê địa điểm kinh doanh", "Bản sao", 2},
		},
		Sets:         1,
		ReceivedText: "09 giờ 15 phút, ngày 03 tháng 3 năm 2026", ReceivedDate: "03/03/2026", ReceivedDay: "ngày 03 tháng 3 năm 2026",
		DueText: "16 giờ 00 phút, ngày 06 tháng 3 năm 2026", DueDate: "06/03/2026",
		ReturnChannel: "Tại Trung tâm (quầy số 3)",
		Official:      "Trần Văn Dũng", CounterName: "Quầy số 3",
		BookEntry: "0012/2026", StateText: "Đang giải quyết",
		Steps: []step{
			// the lead's first step: the receipt itself, from nobody
			{Label: "Tiếp nhận hồ sơ", To: center, At: received, AtText: "09:15, 03/03/2026"},
			{Label: "Chuyển xử lý", From: "Trung tâm Phục vụ hành chính công", To: "Sở Tài chính", How: "Trực tiếp",
				At: received.Add(2 * time.Hour), AtText: "11:15, 03/03/2026"},
			{Label: "Thẩm định", From: "Sở Tài chính (văn thư)", To: "Phòng Đăng ký kinh doanh", How: "Trực tiếp",
				Note: "Hồ sơ đủ thành phần", At: received.Add(26 * time.Hour), AtText: "11:15, 04/03/2026"},
		},
		Holder:      "Sở Tài chính",
		CollectText: "Nhận kết quả tại quầy số 3, Trung tâm Phục vụ hành chính công tỉnh Hà Nam, giờ hành chính các ngày làm việc.",
	}
	dossier = map[string]any{"D": d, "CSS": "/forms.css", "JS": "/forms.js", "HandoverQR": formsQR("test-qr-handover")}

	a := d
	a.Apology = &apologyView{
		Reason:     "Cần xác minh thêm địa điểm kinh doanh với Ủy ban nhân dân phường Phủ Lý.",
		NewDueText: "16 giờ 00 phút, ngày 11 tháng 3 năm 2026",
		IssuedText: "ngày 05 tháng 3 năm 2026",
		By:         "Lê Minh Tuấn",
	}
	apology = map[string]any{"D": a, "CSS": "/forms.css", "JS": "/forms.js"}

	supplement = map[string]any{"S": slipView{
		Center: center, CenterParent: parent, Place: "Hà Nam", Kind: "supplement", Number: "12/2026",
		Procedure: birth, Applicant: person,
		Reason:   "Hợp đồng thuê địa điểm chưa có chữ ký của bên cho thuê.\nGiấy đề nghị thiếu ngành, nghề kinh doanh.",
		Missing:  []string{"Hợp đồng thuê địa điểm kinh doanh có đủ chữ ký hai bên", "Giấy đề nghị đăng ký hộ kinh doanh ghi đủ ngành, nghề"},
		Official: "Trần Văn Dũng", CounterName: "Quầy số 3", DateText: "ngày 03 tháng 3 năm 2026",
	}, "CSS": "/forms.css", "JS": "/forms.js"}

	refusal = map[string]any{"S": slipView{
		Center: center, CenterParent: parent, Place: "Hà Nam", Kind: "refusal", Number: "13/2026",
		Procedure: procedure{Name: "Cấp giấy phép xây dựng nhà ở riêng lẻ", DepartmentName: "Sở Xây dựng",
			Amount: 15, UnitText: "ngày làm việc", Fees: "75.000 đồng"},
		Applicant: applicant{Name: "Công ty TNHH Xây dựng Minh & Phát", Phone: "0226 3852 111",
			Address: "Khu công nghiệp Đồng Văn I, tỉnh Hà Nam"},
		Reason:   "Thửa đất thuộc khu vực đã có quyết định thu hồi đất (Quyết định số 215/QĐ-UBND ngày 10 tháng 02 năm 2026).",
		Official: "Trần Văn Dũng", CounterName: "Quầy số 3", DateText: "ngày 03 tháng 3 năm 2026",
	}, "CSS": "/forms.css", "JS": "/forms.js"}
	return dossier, apology, supplement, refusal
}

// formsCase is one page drawn with one data set, and what it must say.
type formsCase struct {
	name, page string
	data       map[string]any
	// in order: each must appear in the visible text after the previous
	ordered []string
	// anywhere in the visible text, exactly n times
	counts map[string]int
	// in the HTML as written
	raw []string
	// nowhere in the visible text
	absent []string
}

func formsCases() []formsCase {
	dossier, apology, supplement, refusal := formsFixtures()
	motto := []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"}
	header := append([]string{"Ủy ban nhân dân tỉnh Hà Nam", "Trung tâm Phục vụ hành chính công tỉnh Hà Nam"}, motto...)
	return []formsCase{
		{
			name: "receipt", page: "receipt.html", data: dossier,
			ordered: append(header,
				"Hà Nam, ngày 03 tháng 3 năm 2026",
				"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
				"Mã hồ sơ: "+formsCode,
				"(Liên 1: Lưu)",
				"Trung tâm Phục vụ hành chính công tỉnh Hà Nam tiếp nhận hồ sơ của:",
				"Ông/Bà: Nguyễn Thị Hồng Nhung",
				"Số định danh cá nhân: 035190001234",
				"Địa chỉ: Số 12 đường Lê Hoàn, phường Phủ Lý, tỉnh Hà Nam",
				"Số điện thoại: 0912 345 678", "Email: nhung.nguyen@example.vn",
				"Nội dung yêu cầu giải quyết: Đăng ký thành lập hộ kinh doanh",
				"1. Thành phần hồ sơ nộp gồm:",
				"STT", "Tên giấy tờ", "Hình thức (bản chính, bản sao)", "Số lượng",
				"Giấy đề nghị đăng ký hộ kinh doanh Bản chính 1",
				"Căn cước công dân của chủ hộ kinh doanh Bản sao có chứng thực 1",
				"Hợp đồng thuê địa điểm kinh doanh Bản sao 2",
				"2. Số lượng hồ sơ: 1 (bộ)",
				"3. Thời gian giải quyết hồ sơ theo quy định là: 3 ngày làm việc",
				"4. Thời gian nhận hồ sơ: 09 giờ 15 phút, ngày 03 tháng 3 năm 2026",
				"5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 06 tháng 3 năm 2026",
				"6. Đăng ký nhận kết quả tại: Tại Trung tâm (quầy số 3)",
				"Vào Sổ theo dõi hồ sơ, số thứ tự: 0012/2026",
				"Quét mã bằng Zalo hoặc máy ảnh điện thoại để tra cứu tiến độ hồ sơ",
				"Phí, lệ phí: 100.000 đồng",
				"Khi đến nhận kết quả, xin mang theo giấy này.",
				"Nhận kết quả tại quầy số 3",
				"NGƯỜI NỘP HỒ SƠ (Ký và ghi rõ họ tên) Nguyễn Thị Hồng Nhung",
				"NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) Trần Văn Dũng",
				// the second copy follows the first
				"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
				"(Liên 2: Giao người nộp hồ sơ)",
				"NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) Trần Văn Dũng",
			),
			counts: map[string]int{
				"Liên 1: Lưu": 1, "Liên 2: Giao người nộp hồ sơ": 1,
				"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ":                            2,
				"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM":                                 2,
				"Mã hồ sơ: " + formsCode:                                             2,
				"Quét mã bằng Zalo hoặc máy ảnh điện thoại để tra cứu tiến độ hồ sơ": 2,
				"NGƯỜI NỘP HỒ SƠ":                                                    2, "NGƯỜI TIẾP NHẬN HỒ SƠ": 2,
			},
			raw: []string{formsQRMark, `<article class="sheet">`},
		},
		{
			name: "control-sheet", page: "control-sheet.html", data: dossier,
			ordered: append(header,
				"PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
				"Mã hồ sơ: "+formsCode,
				"Quét để ghi nhận bàn giao hồ sơ",
				"Kèm theo hồ sơ của: Nguyễn Thị Hồng Nhung",
				"Nội dung yêu cầu giải quyết: Đăng ký thành lập hộ kinh doanh",
				"Cơ quan (bộ phận) giải quyết hồ sơ: Sở Tài chính",
				"Thời gian nhận hồ sơ: 09 giờ 15 phút, ngày 03 tháng 3 năm 2026",
				"Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 06 tháng 3 năm 2026",
				"TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ",
				"KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/đúng hạn/quá hạn)", "GHI CHÚ",
				"Nhận: Trung tâm Phục vụ hành chính công tỉnh Hà Nam", "09:15, 03/03/2026", "Tiếp nhận hồ sơ",
				"Giao: Trung tâm Phục vụ hành chính công Nhận: Sở Tài chính", "11:15, 03/03/2026", "Chuyển xử lý",
				"Giao: Sở Tài chính (văn thư) Nhận: Phòng Đăng ký kinh doanh", "11:15, 04/03/2026", "Thẩm định Hồ sơ đủ thành phần",
				"… giờ … phút, ngày … tháng … năm …",
				"bưu chính",
			),
			counts: map[string]int{
				"… giờ … phút, ngày … tháng … năm …": 2, // blank rows to fill by hand
				"Người giao": 5 + 1, // 3 steps, 2 blank rows, the footnote
				"Giao:":      4,     // the first step is the receipt: no one hands it over
				"Quét để ghi nhận bàn giao hồ sơ": 1,
			},
			raw:    []string{formsHandMrk},
			absent: []string{"Liên 1", "Zalo"},
		},
		{
			name: "apology", page: "apology.html", data: apology,
			ordered: append(header,
				"Hà Nam, ngày 05 tháng 3 năm 2026",
				"PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
				"Mã hồ sơ: "+formsCode,
				"Kính gửi: Ông/Bà Nguyễn Thị Hồng Nhung",
				"09 giờ 15 phút, ngày 03 tháng 3 năm 2026",
				"Đăng ký thành lập hộ kinh doanh",
				"Thời hẹn trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 06 tháng 3 năm 2026",
				"lý do: Cần xác minh thêm địa điểm kinh doanh với Ủy ban nhân dân phường Phủ Lý.",
				"xin lỗi Ông/Bà và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào 16 giờ 00 phút, ngày 11 tháng 3 năm 2026",
				"Mong nhận được sự thông cảm",
				"THỦ TRƯỞNG CƠ QUAN (Ký, ghi rõ họ tên và đóng dấu) Lê Minh Tuấn",
			),
			counts: map[string]int{"PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ": 1},
		},
		{
			name: "supplement", page: "slip.html", data: supplement,
			ordered: append(header[:2:2],
				"Số: 12/2026",
				motto[0], motto[1],
				"Hà Nam, ngày 03 tháng 3 năm 2026",
				"PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
				"Hồ sơ của: Nguyễn Thị Hồng Nhung",
				"Nội dung yêu cầu giải quyết: Đăng ký thành lập hộ kinh doanh",
				"Địa chỉ: Số 12 đường Lê Hoàn",
				"Số điện thoại: 0912 345 678", "Email: nhung.nguyen@example.vn",
				"Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
				"Hợp đồng thuê địa điểm kinh doanh có đủ chữ ký hai bên",
				"Giấy đề nghị đăng ký hộ kinh doanh ghi đủ ngành, nghề",
				"Lý do:", "Hợp đồng thuê địa điểm chưa có chữ ký của bên cho thuê.", "Giấy đề nghị thiếu ngành, nghề kinh doanh.",
				"liên hệ Trần Văn Dũng, Quầy số 3",
				"NGƯỜI HƯỚNG DẪN (Ký và ghi rõ họ tên) Trần Văn Dũng",
			),
			counts: map[string]int{"PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ": 1},
			raw:    []string{"<li>Hợp đồng thuê địa điểm kinh doanh có đủ chữ ký hai bên</li>", "<li>Giấy đề nghị đăng ký hộ kinh doanh ghi đủ ngành, nghề</li>"},
			absent: []string{"TỪ CHỐI", "Mã hồ sơ"},
		},
		{
			name: "refusal", page: "slip.html", data: refusal,
			ordered: append(header[:2:2],
				"Số: 13/2026",
				motto[0], motto[1],
				"Hà Nam, ngày 03 tháng 3 năm 2026",
				"PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
				"tiếp nhận hồ sơ của:",
				"Ông/Bà: Công ty TNHH Xây dựng Minh & Phát",
				"Địa chỉ: Khu công nghiệp Đồng Văn I, tỉnh Hà Nam",
				"Số điện thoại: 0226 3852 111", "Email:",
				"Nội dung yêu cầu giải quyết: Cấp giấy phép xây dựng nhà ở riêng lẻ",
				"từ chối tiếp nhận, giải quyết hồ sơ này vì lý do sau:",
				"Thửa đất thuộc khu vực đã có quyết định thu hồi đất (Quyết định số 215/QĐ-UBND ngày 10 tháng 02 năm 2026).",
				"Xin trân trọng thông báo!",
				"NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) Trần Văn Dũng",
			),
			counts: map[string]int{"PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ": 1},
			raw:    []string{"Minh &amp; Phát"},
			absent: []string{"BỔ SUNG", "Mã hồ sơ"},
		},
	}
}

// formsParse parses the pages as the lead's code does (ParseFS of
// web/dossier/*.html), from the files on disk.
func formsParse(t *testing.T) *template.Template {
	t.Helper()
	tpl, err := template.ParseGlob(filepath.Join("web", "dossier", "*.html"))
	if err != nil {
		t.Fatalf("parse web/dossier/*.html: %v", err)
	}
	return tpl
}

func formsRender(t *testing.T, tpl *template.Template, c formsCase) string {
	t.Helper()
	var buf bytes.Buffer
	if err := tpl.ExecuteTemplate(&buf, c.page, c.data); err != nil {
		t.Fatalf("execute %s: %v", c.page, err)
	}
	return buf.String()
}

var (
	formsTagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
	formsSpaceRE = regexp.MustCompile(`\s+`)
	formsOnRE    = regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`)
	formsScript  = regexp.MustCompile(`(?i)<script\b[^>]*>`)
)

// formsText is the page's text as a reader sees it: tags dropped,
// entities decoded, white space collapsed (the <head> included, which
// holds only the title).
func formsText(page string) string {
	s := formsTagRE.ReplaceAllString(page, " ")
	s = html.UnescapeString(s)
	s = formsSpaceRE.ReplaceAllString(s, " ")
	// a space the tags left before punctuation is not the reader's
	for _, p := range []string{" )", " :", " ,", " ."} {
		s = strings.ReplaceAll(s, p, p[1:])
	}
	return strings.ReplaceAll(s, "( ", "(")
}

// TestDossierFormsTemplates checks that each print page is one template
// of its file's name, draws every field of its official form in order with
// the contract's data, and carries no inline script.
func TestDossierFormsTemplates(t *testing.T) {
	tpl := formsParse(t)
	var names []string
	for _, x := range tpl.Templates() {
		if x.Tree != nil { // the set's own empty root has none
			names = append(names, x.Name())
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, formsPages) {
		t.Errorf("templates in web/dossier: got %q, want %q (one per file, named after it, nothing {{define}}d)", names, formsPages)
	}

	for _, c := range formsCases() {
		t.Run(c.name, func(t *testing.T) {
			out := formsRender(t, tpl, c)
			text := formsText(out)
			if strings.Contains(out, "<no value>") || strings.Contains(out, "&lt;no value&gt;") {
				t.Errorf("%s: output holds <no value>", c.page)
			}
			from := 0
			for _, want := range c.ordered {
				i := strings.Index(text[from:], want)
				if i < 0 {
					if strings.Contains(text, want) {
						t.Errorf("%s: %q is out of order (not after offset %d)", c.page, want, from)
					} else {
						t.Errorf("%s: missing %q", c.page, want)
					}
					continue
				}
				from += i + len(want)
			}
			for want, n := range c.counts {
				if got := strings.Count(text, want); got != n {
					t.Errorf("%s: %q appears %d times, want %d", c.page, want, got, n)
				}
			}
			for _, want := range c.raw {
				if !strings.Contains(out, want) {
					t.Errorf("%s: HTML lacks %q", c.page, want)
				}
			}
			for _, bad := range c.absent {
				if strings.Contains(text, bad) {
					t.Errorf("%s: says %q, which belongs to another form", c.page, bad)
				}
			}
			// CSP script-src 'self': one external script, no handlers
			scripts := formsScript.FindAllString(out, -1)
			if len(scripts) != 1 || !strings.Contains(scripts[0], `src="/forms.js"`) {
				t.Errorf("%s: scripts %q, want only <script src=\"/forms.js\">", c.page, scripts)
			}
			if m := formsOnRE.FindString(out); m != "" {
				t.Errorf("%s: inline event handler in %q", c.page, m)
			}
			if !strings.Contains(out, `<link rel="stylesheet" href="/forms.css">`) {
				t.Errorf("%s: no link to the stylesheet /forms.css", c.page)
			}
			if !strings.Contains(out, `<button type="button" class="print" hidden>In phiếu</button>`) {
				t.Errorf("%s: no hidden \"In phiếu\" button for forms.js to show", c.page)
			}
			if t.Failed() {
				t.Logf("%s visible text:\n%s", c.page, text)
			}
		})
	}
}

// TestDossierFormsPrint draws the pages in headless Chromium under the
// daemon's CSP and prints them to PDF on A5: the receipt is two pages (its
// two copies), every other form one; "In phiếu" shows and prints. PDFs and
// screenshots go to $MOTCUA_ARTIFACTS when set.
func TestDossierFormsPrint(t *testing.T) {
	exe := chromium(t)
	tpl := formsParse(t)
	pages := map[string][]byte{}
	for _, c := range formsCases() {
		pages["/"+c.name] = []byte(formsRender(t, tpl, c))
	}
	mux := http.NewServeMux()
	for p, body := range pages {
		mux.HandleFunc("GET "+p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			// the daemon's policy for its pages (pages.go render)
			w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
			w.Write(body)
		})
	}
	mux.HandleFunc("GET /forms.css", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join("web", "staff", "forms.css"))
	})
	mux.HandleFunc("GET /forms.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join("web", "staff", "forms.js"))
	})
	mux.HandleFunc("GET /favicon.ico", http.NotFound)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	artifacts := os.Getenv("MOTCUA_ARTIFACTS")
	if artifacts != "" {
		if err := os.MkdirAll(artifacts, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	keep := func(name string, b []byte) {
		dir := artifacts
		if dir == "" {
			dir = t.TempDir()
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Errorf("save %s: %v", p, err)
			return
		}
		t.Logf("saved %s (%d bytes)", p, len(b))
	}

	b := startBrowser(t, exe, "forms")
	wantPages := map[string]int{"receipt": 2, "control-sheet": 1, "apology": 1, "supplement": 1, "refusal": 1}
	for _, c := range formsCases() {
		t.Run(c.name, func(t *testing.T) {
			b.do(t, "open "+c.name,
				chromedp.EmulateViewport(800, 1100),
				chromedp.Navigate(srv.URL+"/"+c.name),
				chromedp.WaitVisible(chromedp.CSS("button.print")))

			// the text is set in DejaVu Sans when the machine has it
			font := get(t, b.tab, "font", chromedp.Evaluate[string](`getComputedStyle(document.body).fontFamily`))
			if !strings.HasPrefix(font, `"DejaVu Sans"`) {
				t.Errorf("font-family %s, want DejaVu Sans first", font)
			}
			// on screen, each sheet holds its form within one A5 height
			heights := get(t, b.tab, "sheet heights", chromedp.Evaluate[[]float64](
				`Array.from(document.querySelectorAll(".sheet"), s => s.getBoundingClientRect().height)`))
			const a5 = 210 / 25.4 * 96 // px
			for i, h := range heights {
				if h > a5+1 {
					t.Errorf("sheet %d is %.0f px high on screen, more than A5 (%.0f px): the form overflows its page", i+1, h, a5)
				}
			}
			// how much room the form leaves on its sheet, for longer data
			used := get(t, b.tab, "content height", chromedp.Evaluate[float64](
				`Math.max(...Array.from(document.querySelectorAll(".sheet"), s => s.lastElementChild.getBoundingClientRect().bottom - s.getBoundingClientRect().top))`))
			t.Logf("the tallest sheet is filled to %.0f of 210 mm (less the 7 mm bottom margin)", used*25.4/96)
			png := get(t, b.tab, "screenshot", chromedp.FullScreenshot(100))
			keep("dossier-"+c.name+".png", png)

			// "In phiếu" calls window.print, stubbed so the headless print
			// dialog cannot block
			printed := get(t, b.tab, "click In phiếu", chromedp.Evaluate[bool](
				`(() => { let n = 0; window.print = () => { n++ }; document.querySelector("button.print").click(); return n === 1 })()`))
			if !printed {
				t.Error(`"In phiếu" did not call window.print once`)
			}

			pdf := get(t, b.tab, "print to PDF", chromedp.PrintToPDF(
				chromedp.PDFPaper(chromedp.PaperA5), chromedp.PDFPreferCSSPageSize()))
			keep("dossier-"+c.name+".pdf", pdf)
			sizes := formsPDFPages(t, pdf)
			if len(sizes) != wantPages[c.name] {
				t.Errorf("PDF has %d pages, want %d", len(sizes), wantPages[c.name])
			}
			for i, s := range sizes { // A5: 148 × 210 mm = 419.5 × 595.3 pt
				if !formsNear(s[0], 419.53) || !formsNear(s[1], 595.28) {
					t.Errorf("PDF page %d is %.1f × %.1f pt, want A5 portrait 419.5 × 595.3", i+1, s[0], s[1])
				}
			}
			b.checkConsole(t)
		})
	}
}

var (
	formsPDFPageRE = regexp.MustCompile(`/Type\s*/Page\b[^s]`)
	formsMediaBox  = regexp.MustCompile(`/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]`)
)

// formsPDFPages reads the page sizes (points) from a PDF Chromium wrote;
// it writes its page objects uncompressed.
func formsPDFPages(t *testing.T, pdf []byte) [][2]float64 {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	var sizes [][2]float64
	for _, m := range formsMediaBox.FindAllSubmatch(pdf, -1) {
		var v [4]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(string(m[i+1]), 64)
		}
		sizes = append(sizes, [2]float64{v[2] - v[0], v[3] - v[1]})
	}
	if n := len(formsPDFPageRE.FindAll(pdf, -1)); n != len(sizes) {
		t.Fatalf("PDF: %d page objects but %d media boxes", n, len(sizes))
	}
	return sizes
}

func formsNear(a, b float64) bool { return a-b < 1.5 && b-a < 1.5 }
