package report

import (
	"strings"

	"github.com/motcua/motcua/server/workday"
)

// Text is the report's narrative as the center publishes it: a paragraph on
// dossiers and satisfaction, then one on the queue, separated by a blank
// line and ending with a newline. For example:
//
//	Từ ngày 01/10/2026 đến ngày 31/10/2026, Trung tâm đã tiếp nhận 1.234 hồ
//	sơ, đã trả kết quả 1.100 hồ sơ, tỷ lệ đúng hạn 98,5%. Có 812 lượt đánh giá
//	mức độ hài lòng, trong đó: 700 lượt rất hài lòng, chiếm tỷ lệ 86,2%; …
//
//	Đã cấp 5.602 số thứ tự, phục vụ 5.410 lượt; thời gian chờ trung bình 12
//	phút 05 giây, thời gian phục vụ trung bình 6 phút 30 giây; …
//
// A figure with nothing behind it is said in words ("không có lượt đánh giá
// mức độ hài lòng nào"), never as a share of zero.
func Text(s *Summary) string {
	var b strings.Builder
	textDossiers(&b, s)
	b.WriteByte(' ')
	textSatisfaction(&b, &s.Satisfaction)
	b.WriteString("\n\n")
	textQueue(&b, s)
	b.WriteByte('\n')
	return b.String()
}

// textOpening is the sentence's start: when, then who.
func textOpening(s *Summary) string {
	f := s.Filter
	var when string
	zero := workday.Date{}
	switch {
	case f.From == zero && f.To == zero:
		when = "Trong kỳ"
	case f.From == zero:
		when = "Đến ngày " + dateVN(f.To)
	case f.To == zero || f.From.Compare(f.To) == 0:
		when = "Ngày " + dateVN(f.From)
	default:
		when = "Từ ngày " + dateVN(f.From) + " đến ngày " + dateVN(f.To)
	}
	who := strings.TrimSpace(s.Center)
	if who == "" {
		who = "Trung tâm"
	}
	return when + ", " + who
}

func textDossiers(b *strings.Builder, s *Summary) {
	t := s.Dossiers.Total
	recv, res := rowReceived(t), rowResolved(t)
	b.WriteString(textOpening(s))
	switch {
	case recv == 0 && res == 0 && t.CarriedOver <= 0:
		b.WriteString(" không tiếp nhận và không trả kết quả hồ sơ nào.")
		return
	case recv == 0:
		b.WriteString(" không tiếp nhận hồ sơ mới")
	default:
		b.WriteString(" đã tiếp nhận " + Number(recv) + " hồ sơ")
		if t.ReceivedOnline > 0 {
			b.WriteString(" (" + Number(t.ReceivedOnline) + " hồ sơ trực tuyến)")
		}
	}
	if t.CarriedOver > 0 {
		b.WriteString(", giải quyết tiếp " + Number(t.CarriedOver) + " hồ sơ từ kỳ trước chuyển sang")
	}
	switch {
	case res > 0:
		b.WriteString(", đã trả kết quả " + Number(res) + " hồ sơ, tỷ lệ đúng hạn " + Percent(s.Dossiers.OnTimeShare))
	case recv > 0 || t.CarriedOver > 0:
		b.WriteString(", chưa trả kết quả hồ sơ nào")
	}
	b.WriteByte('.')
}

func textSatisfaction(b *strings.Builder, sat *Satisfaction) {
	if sat.Rated <= 0 {
		b.WriteString("Không có lượt đánh giá mức độ hài lòng nào.")
		return
	}
	b.WriteString("Có " + Number(sat.Rated) + " lượt đánh giá mức độ hài lòng")
	if len(sat.Levels) == 0 {
		b.WriteByte('.')
		return
	}
	b.WriteString(", trong đó: ")
	for i, l := range sat.Levels {
		if i > 0 {
			b.WriteString("; ")
		}
		if l.Count <= 0 {
			b.WriteString("không có lượt " + lowerFirst(l.Label))
			continue
		}
		b.WriteString(Number(l.Count) + " lượt " + lowerFirst(l.Label) + ", chiếm tỷ lệ " + Percent(l.Share))
	}
	b.WriteByte('.')
}

func textQueue(b *strings.Builder, s *Summary) {
	q := &s.Queue
	if q.Issued <= 0 && q.Served <= 0 {
		b.WriteString("Không có số thứ tự nào được cấp.")
		return
	}
	b.WriteString("Đã cấp " + Number(q.Issued) + " số thứ tự")
	if q.Served > 0 {
		b.WriteString(", phục vụ " + Number(q.Served) + " lượt")
	} else {
		b.WriteString(", chưa phục vụ lượt nào")
	}
	var times []string
	if q.Wait.N > 0 {
		times = append(times, "thời gian chờ trung bình "+Duration(q.Wait.MeanS))
	}
	if q.Service.N > 0 {
		times = append(times, "thời gian phục vụ trung bình "+Duration(q.Service.MeanS))
	}
	if len(times) > 0 {
		b.WriteString("; " + strings.Join(times, ", "))
	}
	if q.Wait.N > 0 {
		b.WriteString("; 90% lượt chờ không quá " + Duration(q.Wait.P90S))
	}
	var misses []string
	if q.NoShow > 0 {
		misses = append(misses, Number(q.NoShow)+" lượt vắng mặt khi được gọi")
	}
	if q.Transferred > 0 {
		misses = append(misses, Number(q.Transferred)+" lượt chuyển quầy")
	}
	if len(misses) > 0 {
		b.WriteString("; " + strings.Join(misses, ", "))
	}
	if s.Satisfaction.ServedTickets > 0 {
		b.WriteString("; tỷ lệ lượt phục vụ được đánh giá " + Percent(s.Satisfaction.RatedShare))
	}
	b.WriteByte('.')
}
