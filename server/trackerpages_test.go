package server

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The dossier's public pages are checked against data of the contract's
// shape (shared CONTRACT.md, "Go view structs"), written here as anonymous
// structs so the test does not wait for the handlers: a field the
// templates use that the contract lacks fails the execution.
type (
	tpProcedure = struct {
		Code, Name, Field, Department, DepartmentName string
		Amount                                        int
		UnitText                                      string
		Fees                                          string
		OnlineLevel                                   int
		Documents                                     []string
	}
	tpApplicant = struct{ Name, Phone, Address, Email, IDNumber string }
	tpDoc       = struct {
		Name, Form string
		Count      int
	}
	tpStep = struct {
		Label, From, To, How, Note string
		At                         time.Time
		AtText                     string
	}
	tpApology = struct{ Reason, NewDueText, IssuedText, By string }
	tpDossier = struct {
		Center, CenterParent, Place string
		Code, TrackURL              string
		QR                          template.HTML
		Procedure                   tpProcedure
		Applicant                   tpApplicant
		Masked                      string
		Documents                   []tpDoc
		Sets                        int
		ReceivedText, DueText       string
		ReceivedDate, DueDate       string
		ReturnChannel               string
		Official, CounterName       string
		BookEntry                   string
		StateText                   string
		Timeliness                  string
		Steps                       []tpStep
		Apology                     *tpApology
		Holder                      string
		PossiblyLost                bool
		CollectText                 string
	}
)

const (
	tpCenter    = "Trung tâm Phục vụ hành chính công tỉnh Hà Nam"
	tpCode      = "000.00.01.H42-261127-0001"
	tpProcName  = "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam"
	tpDeptName  = "Sở Tư pháp"
	tpMasked    = "N*** V*** A***"
	tpCSS       = "/ticket/assets/tracker.css?v=0123456789ab"
	tpPageLimit = 15 * 1024 // page + CSS, bytes: a cheap phone on a slow line
)

// tpSecrets are the applicant's data: no public page may show them, even
// though the data given to the templates carries them (a handler that
// forgets to blank D.Applicant must not leak it).
var tpSecrets = []string{"Nguyễn Văn An", "0912345678", "Thôn Đông, xã Kim Bảng", "an.nguyen@example.vn", "035088001234", "Nguyễn Thị Bích", "Quầy số 3"}

// tpDossierInProgress is a dossier at the department, four steps in.
func tpDossierInProgress() tpDossier {
	at := func(s string) time.Time {
		v, err := time.Parse("15:04, 02/01/2006", s)
		if err != nil {
			panic(err)
		}
		return v
	}
	step := func(label, when string) tpStep {
		return tpStep{Label: label, From: "Nguyễn Thị Bích", To: "Sở Tư pháp", How: "Trực tiếp", At: at(when), AtText: when}
	}
	return tpDossier{
		Center: tpCenter, CenterParent: "UBND TỈNH HÀ NAM", Place: "Hà Nam",
		Code: tpCode, TrackURL: "https://motcua.example.vn/hs/" + tpCode + "?k=abc",
		QR:           template.HTML(`<svg viewBox="0 0 1 1"></svg>`),
		Procedure:    tpProcedure{Code: "2.000488", Name: tpProcName, Field: "Lý lịch tư pháp", Department: "stp", DepartmentName: tpDeptName, Amount: 10, UnitText: "ngày làm việc", Fees: "200.000 đồng", OnlineLevel: 4, Documents: []string{"Tờ khai yêu cầu cấp phiếu lý lịch tư pháp"}},
		Applicant:    tpApplicant{Name: "Nguyễn Văn An", Phone: "0912345678", Address: "Thôn Đông, xã Kim Bảng", Email: "an.nguyen@example.vn", IDNumber: "035088001234"},
		Masked:       tpMasked,
		Documents:    []tpDoc{{Name: "Tờ khai", Form: "Bản chính", Count: 1}},
		Sets:         1,
		ReceivedText: "10 giờ 05 phút, ngày 27 tháng 11 năm 2026", ReceivedDate: "27/11/2026",
		DueText: "10 giờ 05 phút, ngày 04 tháng 12 năm 2026", DueDate: "04/12/2026",
		ReturnChannel: "Tại Trung tâm (quầy số 1)",
		Official:      "Nguyễn Thị Bích", CounterName: "Quầy số 3", BookEntry: "0001/2026",
		StateText: "Đang giải quyết",
		Steps: []tpStep{
			step("Trung tâm tiếp nhận hồ sơ", "10:05, 27/11/2026"),
			step("Chuyển hồ sơ đến Sở Tư pháp", "14:30, 27/11/2026"),
			step("Sở Tư pháp nhận hồ sơ", "08:15, 30/11/2026"),
			step("Sở Tư pháp đang thẩm định", "09:40, 01/12/2026"),
		},
		Holder:      tpDeptName,
		CollectText: "Nhận kết quả tại Trung tâm (quầy số 1), giờ hành chính từ Thứ Hai đến Thứ Sáu",
	}
}

// tpDossierLate is the same dossier past its date, with the apology.
func tpDossierLate() tpDossier {
	d := tpDossierInProgress()
	d.Timeliness = "Trễ hạn"
	d.Apology = &tpApology{Reason: "Cần xác minh thêm thông tin tại địa phương nơi cư trú", NewDueText: "ngày 11 tháng 12 năm 2026", IssuedText: "ngày 03 tháng 12 năm 2026", By: "Sở Tư pháp tỉnh Hà Nam"}
	return d
}

// tpLevels are the rating levels a handler passes with "CanRate".
var tpLevels = []struct {
	Level int
	Label string
}{{1, "Rất hài lòng"}, {2, "Hài lòng"}, {3, "Không hài lòng"}}

// tpRateAction is the rating form's target for tpCode and the token "tok-123".
const tpRateAction = `action="/hs/` + tpCode + `/danh-gia?k=tok-123"`

// tpDossierDone has been returned ahead of time.
func tpDossierDone() tpDossier {
	d := tpDossierInProgress()
	d.StateText, d.Timeliness = "Đã trả kết quả", "Trước hạn"
	d.Steps = append(d.Steps, tpStep{Label: "Đã trả kết quả cho người nộp", AtText: "15:20, 03/12/2026"})
	return d
}

var (
	tpTagRE   = regexp.MustCompile(`<[^>]*>`)
	tpSpaceRE = regexp.MustCompile(`\s+`)
)

// tpText is what a reader sees of a page: tags out, entities decoded,
// white space collapsed.
func tpText(page string) string {
	return strings.TrimSpace(tpSpaceRE.ReplaceAllString(html.UnescapeString(tpTagRE.ReplaceAllString(page, " ")), " "))
}

func tpParse(t *testing.T) *template.Template {
	t.Helper()
	tpl, err := template.ParseFiles(filepath.Join("web", "tracker.html"), filepath.Join("web", "tracuu.html"))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// TestTrackerPages renders the dossier's public pages, /hs/{code} and
// /tra-cuu, in every state they have: the texts a citizen reads, the
// timeliness colour, never the applicant's unmasked data, and a page that
// stays small with its stylesheet.
func TestTrackerPages(t *testing.T) {
	tpl := tpParse(t)
	css, err := os.ReadFile(filepath.Join("web", "ticket", "tracker.css"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(css, []byte("url(")) || bytes.Contains(css, []byte("@import")) {
		t.Errorf("tracker.css loads another resource; the page must need nothing but itself and its stylesheet")
	}
	steps := func(n int) string { return fmt.Sprintf("<li>×%d", n) }
	tests := []struct {
		name, page string
		data       map[string]any
		want       []string // in the visible text, in this order
		wantHTML   []string // in the markup
		absent     []string // nowhere, markup included
	}{
		{
			name: "in progress", page: "tracker.html",
			data: map[string]any{"D": tpDossierInProgress(), "CSS": tpCSS},
			want: []string{tpCenter, "Mã hồ sơ", tpCode, tpProcName, tpDeptName,
				"Ngày hẹn trả kết quả: 04/12/2026", "10 giờ 05 phút, ngày 04 tháng 12 năm 2026", "Đang giải quyết",
				"Người nộp hồ sơ", tpMasked, "Ngày tiếp nhận 27/11/2026",
				"Tiến độ giải quyết",
				"Trung tâm tiếp nhận hồ sơ 10:05, 27/11/2026", "Chuyển hồ sơ đến Sở Tư pháp 14:30, 27/11/2026",
				"Sở Tư pháp nhận hồ sơ 08:15, 30/11/2026", "Sở Tư pháp đang thẩm định 09:40, 01/12/2026",
				"Nhận kết quả", "Nhận kết quả tại Trung tâm (quầy số 1)", "Tra cứu hồ sơ khác"},
			wantHTML: []string{`<html lang="vi">`, `href="` + html.EscapeString(tpCSS) + `"`, `<p class="code" id="code">` + tpCode + `</p>`, steps(4)},
			absent:   []string{"<script", "xin lỗi", "tl-ok", "tl-late", "Không tìm thấy", "stp", "http://", "https://", "<svg", "<form", "đánh giá", "Cảm ơn"},
		},
		{
			name: "late with apology", page: "tracker.html",
			data: map[string]any{"D": tpDossierLate(), "CSS": tpCSS},
			want: []string{tpCode, "Ngày hẹn trả kết quả: 04/12/2026", "Đang giải quyết Trễ hạn",
				"Thư xin lỗi", "Cơ quan giải quyết đã xin lỗi và hẹn lại ngày trả kết quả: ngày 11 tháng 12 năm 2026",
				"Lý do: Cần xác minh thêm thông tin tại địa phương nơi cư trú", "Sở Tư pháp tỉnh Hà Nam, ngày 03 tháng 12 năm 2026",
				"Tiến độ giải quyết"},
			wantHTML: []string{`class="tl-late" id="timeliness">Trễ hạn<`, `id="apology"`, steps(4)},
			absent:   []string{"tl-ok"},
		},
		{
			name: "returned early", page: "tracker.html",
			data:     map[string]any{"D": tpDossierDone(), "CSS": tpCSS},
			want:     []string{"Đã trả kết quả Trước hạn", "Đã trả kết quả cho người nộp 15:20, 03/12/2026"},
			wantHTML: []string{`class="tl-ok" id="timeliness">Trước hạn<`, steps(5)},
			absent:   []string{"tl-late", "xin lỗi"},
		},
		{
			// returned, not yet rated: the plain form, levels in order
			name: "returned, rating form", page: "tracker.html",
			data: map[string]any{"D": tpDossierDone(), "CSS": tpCSS, "CanRate": true, "Levels": tpLevels, "Token": "tok-123", "Rated": ""},
			want: []string{tpCode, "Đã trả kết quả Trước hạn", "Tiến độ giải quyết", "Nhận kết quả",
				"Ông/bà đánh giá việc giải quyết hồ sơ này", "Rất hài lòng", "Hài lòng", "Không hài lòng", "Gửi đánh giá", "Tra cứu hồ sơ khác"},
			wantHTML: []string{`<form class="card rate" id="rate" method="post" ` + tpRateAction + `>`,
				`<input type="radio" name="level" value="1" required>`, `<input type="radio" name="level" value="3" required>`,
				`<button class="btn pri" type="submit" id="rate-go">Gửi đánh giá</button>`, steps(5)},
			absent: []string{"Cảm ơn", "<script", "http://", "https://", `value="4"`, "xin mang theo"},
		},
		{
			// the token is the page's own, escaped into the query
			name: "rating form, odd token", page: "tracker.html",
			data:     map[string]any{"D": tpDossierDone(), "CSS": tpCSS, "CanRate": true, "Levels": tpLevels, "Token": `a&b"c d`},
			wantHTML: []string{`action="/hs/` + tpCode + `/danh-gia?k=a%26b%22c%20d"`},
			absent:   []string{`k=a&b`, `"c d"`},
		},
		{
			name: "rated", page: "tracker.html",
			data:     map[string]any{"D": tpDossierDone(), "CSS": tpCSS, "CanRate": false, "Levels": tpLevels, "Token": "tok-123", "Rated": "Hài lòng"},
			want:     []string{"Đã trả kết quả Trước hạn", "Cảm ơn ông/bà đã đánh giá: Hài lòng", "Tra cứu hồ sơ khác"},
			wantHTML: []string{`id="rated"`},
			absent:   []string{"<form", `name="level"`, "Gửi đánh giá", "Ông/bà đánh giá"},
		},
		{
			// a handler that leaves CanRate on once rated: thanks, not the form again
			name: "rated, CanRate left on", page: "tracker.html",
			data:   map[string]any{"D": tpDossierDone(), "CSS": tpCSS, "CanRate": true, "Levels": tpLevels, "Token": "tok-123", "Rated": "Rất hài lòng"},
			want:   []string{"Cảm ơn ông/bà đã đánh giá: Rất hài lòng"},
			absent: []string{"<form", `name="level"`},
		},
		{
			name: "can rate without levels", page: "tracker.html",
			data:   map[string]any{"D": tpDossierDone(), "CSS": tpCSS, "CanRate": true, "Token": "tok-123"},
			absent: []string{"<form", "Gửi đánh giá", "Cảm ơn"},
		},
		{
			name: "in progress, CanRate false", page: "tracker.html",
			data:   map[string]any{"D": tpDossierInProgress(), "CSS": tpCSS, "CanRate": false, "Levels": tpLevels, "Token": "tok-123", "Rated": ""},
			want:   []string{"Đang giải quyết", "Tiến độ giải quyết"},
			absent: []string{"<form", "đánh giá", "Cảm ơn", "tok-123"},
		},
		{
			name: "not found", page: "tracker.html",
			data:     map[string]any{"NotFound": true, "CSS": tpCSS},
			want:     []string{"Trung tâm Phục vụ hành chính công", "Không tìm thấy hồ sơ hoặc đường dẫn không đúng", "Tra cứu bằng mã hồ sơ"},
			wantHTML: []string{`<title>Không tìm thấy hồ sơ`, `<a class="btn" href="/tra-cuu">`},
			absent:   []string{"Mã hồ sơ", "Ngày hẹn", "<li>", "Tra cứu hồ sơ khác"},
		},
		{
			// a handler that found the center's name but no dossier may
			// still pass D: NotFound wins, and nothing of D but the center
			name: "not found with data", page: "tracker.html",
			data:   map[string]any{"NotFound": true, "D": tpDossierLate(), "CSS": tpCSS, "CanRate": true, "Levels": tpLevels, "Token": "tok-123"},
			want:   []string{tpCenter, "Không tìm thấy hồ sơ hoặc đường dẫn không đúng"},
			absent: []string{tpCode, tpProcName, tpMasked, "xin lỗi", "Ngày hẹn", "<form", "đánh giá", "tok-123"},
		},
		{
			name: "lookup form", page: "tracuu.html",
			data:     map[string]any{"CSS": tpCSS},
			want:     []string{"Trung tâm Phục vụ hành chính công", "Tra cứu tiến độ hồ sơ", "Mã hồ sơ", "dạng 000.00.01.H42-261127-0001", "Tra cứu"},
			wantHTML: []string{`<form class="card ask" method="get" action="/tra-cuu"`, `name="ma"`, `autocomplete="off"`, `inputmode="text"`, `placeholder="000.00.01.H42-261127-0001"`, `value=""`},
			absent:   []string{"Không tìm thấy", "quá nhiều lần", "Ngày hẹn"},
		},
		{
			name: "lookup found", page: "tracuu.html",
			data: map[string]any{"Query": tpCode, "Found": true, "D": tpDossierLate(), "CSS": tpCSS},
			want: []string{tpCenter, tpCode, tpProcName, "Ngày hẹn trả kết quả: 04/12/2026", "Đang giải quyết", "Tiến độ giải quyết",
				"Trung tâm tiếp nhận hồ sơ 10:05, 27/11/2026", "Sở Tư pháp đang thẩm định 09:40, 01/12/2026"},
			wantHTML: []string{`value="` + tpCode + `"`, `<p class="code" id="code">` + tpCode + `</p>`, steps(4)},
			// the code's progress and nothing more: no applicant, not even
			// masked, no receipt time, no apology's reason, no place to collect
			absent: []string{tpMasked, "Người nộp", "Ngày tiếp nhận", "27 tháng 11", "xác minh", "xin lỗi", "Nhận kết quả tại", "Không tìm thấy", "quá nhiều lần"},
		},
		{
			name: "lookup not found", page: "tracuu.html",
			data:     map[string]any{"Query": "000.00.01.H42-261127-9999", "Found": false, "CSS": tpCSS},
			want:     []string{"Không tìm thấy hồ sơ có mã 000.00.01.H42-261127-9999"},
			wantHTML: []string{`value="000.00.01.H42-261127-9999"`},
			absent:   []string{"Ngày hẹn", "quá nhiều lần", "<li>"},
		},
		{
			name: "lookup not found, markup typed in", page: "tracuu.html",
			data:     map[string]any{"Query": `<b>"x"</b>`, "CSS": tpCSS},
			want:     []string{`Không tìm thấy hồ sơ có mã <b>"x"</b>`},
			wantHTML: []string{`&lt;b&gt;&#34;x&#34;&lt;/b&gt;`},
			absent:   []string{`<b>"x"`},
		},
		{
			name: "lookup throttled", page: "tracuu.html",
			data:   map[string]any{"Query": tpCode, "Throttled": true, "D": tpDossierInProgress(), "Found": true, "CSS": tpCSS},
			want:   []string{"Bạn tra cứu quá nhiều lần, vui lòng thử lại sau ít phút"},
			absent: []string{"Không tìm thấy", "Ngày hẹn", tpProcName, "<li>"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tpl.ExecuteTemplate(&buf, tc.page, tc.data); err != nil {
				t.Fatalf("execute %s: %v", tc.page, err)
			}
			out := buf.String()
			text := tpText(out)
			raw := html.UnescapeString(out)
			// steps(n) stands for "n list items"
			rest := text
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					if strings.Contains(text, w) {
						t.Errorf("%q is there but out of order", w)
					} else {
						t.Errorf("text lacks %q", w)
					}
					continue
				}
				rest = rest[i+len(w):]
			}
			for _, w := range tc.wantHTML {
				if n, ok := strings.CutPrefix(w, "<li>×"); ok {
					if got := fmt.Sprint(strings.Count(out, "<li>")); got != n {
						t.Errorf("timeline has %s steps, want %s", got, n)
					}
					continue
				}
				if !strings.Contains(out, w) {
					t.Errorf("markup lacks %s", w)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(out, a) {
					t.Errorf("page has %q, which it must not", a)
				}
			}
			// decoded too: an entity-encoded name is still a leak
			for _, a := range tpSecrets {
				if strings.Contains(raw, a) || strings.Contains(out, a) {
					t.Errorf("page shows the applicant's or official's %q", a)
				}
			}
			for _, bad := range []string{"<no value>", "%!", "ZgotmplZ", " style=", "<script", "src=\"http", "href=\"http"} {
				if strings.Contains(out, bad) {
					t.Errorf("page has %q", bad)
				}
			}
			if size := buf.Len() + len(css); size >= tpPageLimit {
				t.Errorf("page %d + CSS %d = %d bytes, want under %d", buf.Len(), len(css), size, tpPageLimit)
			}
			if t.Failed() {
				t.Logf("text: %s", text)
			}
		})
	}
	// the daemon parses every web/*.html into one set: the two pages are
	// in it under the names the handlers execute, and the stylesheet is
	// among the ticket assets the handlers link
	for _, name := range []string{"tracker.html", "tracuu.html"} {
		if pages.Lookup(name) == nil {
			t.Errorf("embedded pages lack %s", name)
		}
	}
	if u := ticketAssets.URL("tracker.css"); !strings.HasPrefix(u, ticketAssetsPrefix+"tracker.css?v=") {
		t.Errorf("tracker.css served at %q", u)
	}
}

// tpPageJS measures the rendered tracker page: whether anything sticks out
// sideways, how the code and the due date are set, the timeliness colour.
const tpPageJS = `(() => {
	const q = s => document.querySelector(s), px = e => e ? parseFloat(getComputedStyle(e).fontSize) : 0;
	const code = q("#code"), big = q("#due .big"), tl = q("#timeliness");
	let codeLines = 0;
	if (code) { const r = document.createRange(); r.selectNodeContents(code); codeLines = new Set(Array.from(r.getClientRects(), c => Math.round(c.top))).size; }
	return {
		scrollW: document.documentElement.scrollWidth, innerW: innerWidth,
		codeLines: codeLines, codePx: px(code), codeFont: code ? getComputedStyle(code).fontFamily : "",
		bodyPx: px(document.body), duePx: px(big),
		tlBg: tl ? getComputedStyle(tl).backgroundColor : "",
		steps: document.querySelectorAll("#steps li").length,
		stylesheets: document.styleSheets.length,
		cssRules: document.styleSheets.length ? document.styleSheets[0].cssRules.length : 0,
	};
})()`

type tpPageMetrics struct {
	ScrollW     float64 `json:"scrollW"`
	InnerW      float64 `json:"innerW"`
	CodeLines   int     `json:"codeLines"`
	CodePx      float64 `json:"codePx"`
	CodeFont    string  `json:"codeFont"`
	BodyPx      float64 `json:"bodyPx"`
	DuePx       float64 `json:"duePx"`
	TLBg        string  `json:"tlBg"`
	Steps       int     `json:"steps"`
	Stylesheets int     `json:"stylesheets"`
	CSSRules    int     `json:"cssRules"`
}

// TestTrackerPagesBrowser renders the public pages in headless Chromium
// on a small Android phone's screen (360×740), served as the daemon serves
// them: the embedded stylesheet at its hashed URL and a CSP without inline
// style or script. Nothing may stick out sideways, the dossier code stays
// on one line in a monospace face, the due date is big, the timeliness
// green or red; the lookup form goes by GET ?ma=. Screenshots go to a
// temporary directory and, when set, to $MOTCUA_ARTIFACTS.
func TestTrackerPagesBrowser(t *testing.T) {
	exe := chromium(t)
	tpl := tpParse(t)
	cssURL := ticketAssets.URL("tracker.css")
	render := func(w http.ResponseWriter, name string, data map[string]any, status int) {
		data["CSS"] = cssURL
		var buf bytes.Buffer
		if err := tpl.ExecuteTemplate(&buf, name, data); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		w.WriteHeader(status)
		w.Write(buf.Bytes())
	}
	dossiers := map[string]tpDossier{"progress": tpDossierInProgress(), "late": tpDossierLate(), "done": tpDossierDone()}
	mux := http.NewServeMux()
	mux.Handle("GET "+ticketAssetsPrefix, ticketAssets.Handler())
	mux.HandleFunc("GET /hs/{case}", func(w http.ResponseWriter, r *http.Request) {
		d, ok := dossiers[r.PathValue("case")]
		if !ok {
			render(w, "tracker.html", map[string]any{"NotFound": true}, 404)
			return
		}
		render(w, "tracker.html", map[string]any{"D": d}, 200)
	})
	mux.HandleFunc("GET /tra-cuu", func(w http.ResponseWriter, r *http.Request) {
		q := strings.TrimSpace(r.URL.Query().Get("ma"))
		switch {
		case q == "":
			render(w, "tracuu.html", map[string]any{}, 200)
		case q == "throttle-me":
			render(w, "tracuu.html", map[string]any{"Query": q, "Throttled": true}, 429)
		case q == tpCode:
			render(w, "tracuu.html", map[string]any{"Query": q, "Found": true, "D": tpDossierLate()}, 200)
		default:
			render(w, "tracuu.html", map[string]any{"Query": q}, 404)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	shots, keep := t.TempDir(), os.Getenv("MOTCUA_ARTIFACTS")
	shot := func(tb *tab, name string) {
		t.Helper()
		png := get(t, tb, "screenshot "+name, chromedp.FullScreenshot(100)) // 100: PNG
		name = "tracker-" + name + ".png"
		for _, dir := range []string{shots, keep} {
			if dir == "" {
				continue
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
				t.Errorf("screenshot %s: %v", name, err)
			}
		}
		t.Logf("screenshot %s: %s (%d bytes)", name, filepath.Join(shots, name), len(png))
	}

	b := startBrowser(t, exe, "phone-360")
	small := chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	b.do(t, "small phone", small)
	measure := func(what string) tpPageMetrics {
		t.Helper()
		m := get(t, b.tab, "measure "+what, chromedp.Evaluate[tpPageMetrics](tpPageJS))
		if m.Stylesheets != 1 || m.CSSRules < 20 {
			t.Errorf("%s: %d stylesheets with %d rules: tracker.css did not load", what, m.Stylesheets, m.CSSRules)
		}
		if m.ScrollW > m.InnerW {
			t.Errorf("%s: page is %.0f px wide on a %.0f px screen", what, m.ScrollW, m.InnerW)
		}
		return m
	}
	for _, tc := range []struct{ path, tlBg string }{
		{"progress", ""},
		{"late", "rgb(197, 34, 31)"}, // red
		{"done", "rgb(10, 122, 47)"}, // green
	} {
		b.do(t, "open "+tc.path, chromedp.Navigate(srv.URL+"/hs/"+tc.path+"?k=tok"))
		m := measure(tc.path)
		if m.CodeLines != 1 || m.CodePx < 18 || !strings.Contains(m.CodeFont, "mono") {
			t.Errorf("%s: code on %d lines at %.1f px in %q, want one line, ≥ 18 px, monospace", tc.path, m.CodeLines, m.CodePx, m.CodeFont)
		}
		if m.DuePx < 2*m.BodyPx {
			t.Errorf("%s: due date at %.1f px, body %.1f px: want it at least twice as big", tc.path, m.DuePx, m.BodyPx)
		}
		if m.TLBg != tc.tlBg {
			t.Errorf("%s: timeliness colour %q, want %q", tc.path, m.TLBg, tc.tlBg)
		}
		if want := len(dossiers[tc.path].Steps); m.Steps != want {
			t.Errorf("%s: %d steps on the timeline, want %d", tc.path, m.Steps, want)
		}
		shot(b.tab, tc.path)
	}
	b.do(t, "open a wrong link", chromedp.Navigate(srv.URL+"/hs/khong-co?k=x"))
	measure("not found")
	if got := b.text(t, ".nf h1"); got != "Không tìm thấy hồ sơ hoặc đường dẫn không đúng" {
		t.Errorf("not found: heading %q", got)
	}
	shot(b.tab, "not-found")

	// from the wrong link to the lookup, then a code typed in the form
	b.do(t, "follow the lookup link", loaded(chromedp.Click(chromedp.CSS(".nf a.btn"))))
	measure("lookup")
	if ok := get(t, b.tab, "the pattern", chromedp.Evaluate[bool](`(() => {
		const i = document.getElementById("ma"), ok = v => (i.value = v, i.checkValidity());
		const r = ok(" 000.00.01.H42-261127-0001 ") && ok("H55.242-261127-0001") && !ok("000 00 01") && !ok("");
		i.value = ""; return r;
	})()`)); !ok {
		t.Errorf("lookup: the code's pattern accepts or refuses the wrong codes")
	}
	b.do(t, "type a code", chromedp.SendKeys(chromedp.CSS("#ma"), tpCode))
	b.do(t, "send the form", loaded(chromedp.Click(chromedp.CSS("form.ask button"))))
	if got := get(t, b.tab, "address", chromedp.Location()); !strings.HasSuffix(got, "/tra-cuu?ma="+tpCode) {
		t.Errorf("lookup: form went to %q, want /tra-cuu?ma=%s", got, tpCode)
	}
	m := measure("lookup found")
	if m.CodeLines != 1 || m.Steps != 4 {
		t.Errorf("lookup found: code on %d lines, %d steps; want 1 and 4", m.CodeLines, m.Steps)
	}
	shot(b.tab, "lookup-found")
	b.do(t, "lookup a wrong code", chromedp.Navigate(srv.URL+"/tra-cuu?ma=000.00.01.H42-261127-9999"))
	measure("lookup not found")
	if got := b.text(t, "#msg"); !strings.HasPrefix(got, "Không tìm thấy hồ sơ có mã 000.00.01.H42-261127-9999") {
		t.Errorf("lookup not found: %q", got)
	}
	shot(b.tab, "lookup-not-found")
	b.do(t, "lookup too often", chromedp.Navigate(srv.URL+"/tra-cuu?ma=throttle-me"))
	measure("throttled")
	if got := b.text(t, "#msg"); got != "Bạn tra cứu quá nhiều lần, vui lòng thử lại sau ít phút." {
		t.Errorf("throttled: %q", got)
	}
	shot(b.tab, "lookup-throttled")
	tpCheckConsole(t, b.tab, "/hs/khong-co?k=x", "/tra-cuu?ma=000.00.01.H42-261127-9999", "/tra-cuu?ma=throttle-me")
}

// tpCheckConsole fails on any error the pages logged (a CSP violation:
// inline style, another host), as checkConsole does, but for the status
// of the pages answered 404 or 429 on purpose, and the missing favicon.
func tpCheckConsole(t *testing.T, tb *tab, expected ...string) {
	t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, m := range tb.console {
		if !m.IsException() && m.Type != chromedp.ConsoleError {
			continue
		}
		if strings.HasPrefix(m.Text, "Failed to load resource: the server responded with a status of ") &&
			(strings.HasSuffix(m.URL, "/favicon.ico") || slices.ContainsFunc(expected, func(p string) bool { return strings.HasSuffix(m.URL, p) })) {
			continue
		}
		t.Errorf("%s: console %s: %s (%s:%d)", tb.name, m.Type, m.Text, m.URL, m.Line+1)
	}
}
