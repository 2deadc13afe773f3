package server

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/config"
	"github.com/motcua/motcua/server/dossier"
)

// The views the dossier pages render (print forms, tracker, lookup).

// ProcedureView is a procedure as the forms print it.
type ProcedureView struct {
	Code, Name, Field, Department, DepartmentName string
	Amount                                        int
	UnitText                                      string
	Fees                                          string
	OnlineLevel                                   int
	Documents                                     []string
}

// ApplicantView is who handed the dossier in.
type ApplicantView struct{ Name, Phone, Address, Email, IDNumber string }

// DocView is one paper of the dossier.
type DocView struct {
	Name, Form string
	Count      int
}

// StepView is one step of the timeline.
type StepView struct {
	Label, From, To, How, Note string
	At                         time.Time
	AtText                     string
}

// ApologyView is the apology slip's content.
type ApologyView struct{ Reason, NewDueText, IssuedText, By string }

// DossierView is a dossier as its pages show it.
type DossierView struct {
	Center, CenterParent, Place string
	Code, TrackURL              string
	QR                          template.HTML
	Procedure                   ProcedureView
	Applicant                   ApplicantView
	Masked                      string
	Documents                   []DocView
	Sets                        int
	ReceivedText, DueText       string
	ReceivedDate, DueDate       string
	ReceivedDay                 string // "ngày 03 tháng 3 năm 2026", beside the place
	ReturnChannel               string
	Official, CounterName       string
	BookEntry                   string
	StateText                   string
	Timeliness                  string
	Steps                       []StepView
	Apology                     *ApologyView
	Holder                      string
	PossiblyLost                bool
	CollectText                 string
}

// SlipView is a supplement request or a refusal.
type SlipView struct {
	Center, CenterParent, Place string
	Kind, Number                string
	Procedure                   ProcedureView
	Applicant                   ApplicantView
	Reason                      string
	Missing                     []string
	Official, CounterName       string
	DateText                    string
}

func (a *App) procedure(code string) (config.Procedure, bool) {
	for _, p := range a.Cfg.Procedures {
		if p.Code == code {
			return p, true
		}
	}
	return config.Procedure{}, false
}

func (a *App) procedureView(code string) ProcedureView {
	p, _ := a.procedure(code)
	v := ProcedureView{Code: p.Code, Name: p.Name, Field: p.Field, Department: p.Department, Fees: p.Fees, OnlineLevel: p.OnlineLevel, Documents: p.Documents}
	if d, ok := a.Cfg.Department(p.Department); ok {
		v.DepartmentName = d.Name
	}
	switch {
	case p.ProcessingHours > 0:
		v.Amount, v.UnitText = p.ProcessingHours, "giờ làm việc"
	case p.SameDay:
		v.Amount, v.UnitText = 0, "giải quyết trong ngày"
	default:
		v.Amount, v.UnitText = p.ProcessingDays, "ngày làm việc"
	}
	if v.Fees == "" {
		v.Fees = "Không"
	}
	return v
}

// viLongTime is "16 giờ 00 phút, ngày 09 tháng 3 năm 2026", as forms write it.
func viLongTime(t time.Time) string {
	l := t.In(clock.Local)
	return fmt.Sprintf("%02d giờ %02d phút, %s", l.Hour(), l.Minute(), viDate(t))
}

// viDate is "ngày 05 tháng 02 năm 2026", "ngày 15 tháng 9 năm 2025": days
// below 10 and the months 1 and 2 take a leading zero (Decree 30/2020/NĐ-CP
// on the writing of administrative documents).
func viDate(t time.Time) string {
	l := t.In(clock.Local)
	month := strconv.Itoa(int(l.Month()))
	if l.Month() <= 2 {
		month = "0" + month
	}
	return fmt.Sprintf("ngày %02d tháng %s năm %d", l.Day(), month, l.Year())
}

func ddmmyyyy(date string) string { // YYYY-MM-DD → DD/MM/YYYY
	if len(date) != 10 {
		return date
	}
	return date[8:10] + "/" + date[5:7] + "/" + date[0:4]
}

// maskName keeps each word's first letter: "Nguyễn Văn An" → "N*** V*** A***".
func maskName(s string) string {
	var out []string
	for _, w := range strings.Fields(s) {
		r, _ := utf8.DecodeRuneInString(w)
		out = append(out, string(r)+"***")
	}
	return strings.Join(out, " ")
}

var formVI = map[string]string{"original": "Bản chính", "certified": "Bản sao có chứng thực", "copy": "Bản sao"}

var stepVI = map[string]string{
	dossier.StepHandover: "Bàn giao hồ sơ", dossier.StepConsult: "Lấy ý kiến cơ quan liên quan", dossier.StepConsultReply: "Cơ quan liên quan trả lời",
	dossier.StepSupplementRequested: "Yêu cầu bổ sung hồ sơ", dossier.StepSupplementReceived: "Đã nhận hồ sơ bổ sung",
	dossier.StepPause: "Tạm dừng giải quyết", dossier.StepResume: "Tiếp tục giải quyết", dossier.StepResult: "Đã có kết quả",
	dossier.StepReturned: "Đã trả kết quả", dossier.StepApology: "Xin lỗi và hẹn lại ngày trả kết quả",
}

// partyVI names a party: a department by its name.
func (a *App) partyVI(p string) string {
	switch {
	case p == "center":
		return a.Cfg.Center.Name
	case p == "post":
		return "Bưu chính công ích"
	case p == "citizen":
		return "Người nộp hồ sơ"
	case strings.HasPrefix(p, "department:"):
		if d, ok := a.Cfg.Department(strings.TrimPrefix(p, "department:")); ok {
			return d.Name
		}
	case strings.HasPrefix(p, "consulted:"):
		return strings.TrimPrefix(p, "consulted:")
	}
	return p
}

// dossierView builds the pages' view; public leaves out who handled it
// and the applicant's details (only the masked name).
func (a *App) dossierView(d dossier.Dossier, public bool) DossierView {
	c, _ := a.Cfg.Counter(d.Counter)
	v := DossierView{Center: a.Cfg.Center.Name, CenterParent: a.Cfg.Center.Parent, Place: a.Cfg.Center.Place,
		Code: d.Code, TrackURL: a.trackURL(d), Procedure: a.procedureView(d.Procedure), Masked: maskName(d.Applicant.Name),
		Sets: d.Sets, ReceivedText: viLongTime(d.ReceivedAt), DueText: viLongTime(d.DueAt),
		ReceivedDate: d.ReceivedAt.In(clock.Local).Format("02/01/2006"), DueDate: ddmmyyyy(d.DueDate), ReceivedDay: viDate(d.ReceivedAt),
		ReturnChannel: channelVI(d.ReturnChannel, c.Number), CounterName: c.Name,
		BookEntry: fmt.Sprintf("%04d/%d", d.BookNo, d.BookYear), StateText: capitalize(dossier.StateVI(d.State)),
		Timeliness: map[string]string{"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Trễ hạn"}[d.Timeliness],
		Holder:     a.partyVI(d.Holder), PossiblyLost: d.PossiblyLost}
	v.QR = qrSVG(v.TrackURL)
	if !public {
		v.Applicant = ApplicantView{d.Applicant.Name, d.Applicant.Phone, d.Applicant.Address, d.Applicant.Email, d.Applicant.IDNumber}
		v.Official = officialName(d.Official)
		for _, doc := range d.Documents {
			v.Documents = append(v.Documents, DocView{Name: doc.Name, Form: formVI[doc.Form], Count: doc.Count})
		}
	}
	v.Steps = append(v.Steps, StepView{Label: "Tiếp nhận hồ sơ", At: d.ReceivedAt, AtText: viShort(d.ReceivedAt), To: a.Cfg.Center.Name})
	for _, st := range d.Steps {
		sv := StepView{Label: stepVI[st.Type], At: st.At, AtText: viShort(st.At), From: a.partyVI(st.From), To: a.partyVI(st.To)}
		if st.Type == dossier.StepHandover && st.To != "" {
			sv.Label = "Chuyển đến " + a.partyVI(st.To)
		}
		if !public {
			sv.How = map[string]string{"in_person": "Trực tiếp", "post": "Bưu chính, vận đơn " + st.Waybill, "counter": "Tại quầy"}[st.How]
			sv.Note = st.Note
		}
		v.Steps = append(v.Steps, sv)
	}
	if ap := d.Apology; ap != nil {
		nd, _ := time.ParseInLocation("2006-01-02", ap.NewDue, clock.Local)
		v.Apology = &ApologyView{Reason: ap.Reason, NewDueText: viDate(nd), IssuedText: viDate(ap.At)}
		if !public {
			v.Apology.By = officialName(ap.By)
		}
	}
	switch {
	case d.State == dossier.Returned:
		v.CollectText = "Kết quả đã được trả."
	case d.ReturnChannel == "post":
		v.CollectText = "Kết quả sẽ được gửi qua dịch vụ bưu chính công ích đến địa chỉ đã đăng ký."
	case d.ReturnChannel == "online":
		v.CollectText = "Kết quả được trả trực tuyến qua Cổng dịch vụ công."
	default:
		v.CollectText = fmt.Sprintf("Nhận kết quả tại %s, %s; mang theo giấy tiếp nhận hồ sơ.", a.Cfg.Center.Name, strings.ToLower(channelVI(d.ReturnChannel, c.Number)[:1])+channelVI(d.ReturnChannel, c.Number)[1:])
	}
	return v
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return strings.ToUpper(string(r)) + s[n:]
}

func viShort(t time.Time) string { return t.In(clock.Local).Format("15:04, 02/01/2006") }

func (a *App) slipView(sl dossier.Slip) SlipView {
	c, _ := a.Cfg.Counter(sl.Counter)
	return SlipView{Center: a.Cfg.Center.Name, CenterParent: a.Cfg.Center.Parent, Place: a.Cfg.Center.Place,
		Kind: sl.Kind, Number: fmt.Sprintf("%d/%d", sl.Number, sl.Year), Procedure: a.procedureView(sl.Procedure),
		Applicant: ApplicantView{sl.Applicant.Name, sl.Applicant.Phone, sl.Applicant.Address, sl.Applicant.Email, sl.Applicant.IDNumber},
		Reason:    sl.Reason, Missing: sl.Missing, Official: officialName(sl.Official), CounterName: c.Name, DateText: viDate(sl.At)}
}
