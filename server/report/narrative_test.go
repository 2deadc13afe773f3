package report

import (
	"context"
	"testing"

	"github.com/motcua/motcua/server/workday"
)

// The narrative of the known history, word for word: every figure in it is
// one TestBuildKnownHistory checks (wait mean 703,6 s → 11 phút 44 giây;
// on time 2 of 3 resolved → 66,7%; ratings 3/2/1 → 50,0% 33,3% 16,7%;
// 6 ratings for 10 served → 60,0%).
func TestNarrativeOfKnownHistory(t *testing.T) {
	h := knownHistory(t)
	f := Filter{From: d("2026-03-09"), To: d("2026-03-11")}
	s, err := Build(context.Background(), h.db, h.cfg, workday.New(nil, workday.DefaultHours()), f, h.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := "Từ ngày 09/03/2026 đến ngày 11/03/2026, Trung tâm Phục vụ hành chính công thử đã tiếp nhận 4 hồ sơ, " +
		"giải quyết tiếp 1 hồ sơ từ kỳ trước chuyển sang, đã trả kết quả 3 hồ sơ, tỷ lệ đúng hạn 66,7%. " +
		"Có 6 lượt đánh giá mức độ hài lòng, trong đó: 3 lượt rất hài lòng, chiếm tỷ lệ 50,0%; 2 lượt hài lòng, chiếm tỷ lệ 33,3%; " +
		"1 lượt không hài lòng, chiếm tỷ lệ 16,7%.\n\n" +
		"Đã cấp 12 số thứ tự, phục vụ 10 lượt; thời gian chờ trung bình 11 phút 44 giây, thời gian phục vụ trung bình 8 phút 18 giây; " +
		"90% lượt chờ không quá 20 phút 00 giây; 1 lượt vắng mặt khi được gọi, 2 lượt chuyển quầy; tỷ lệ lượt phục vụ được đánh giá 60,0%.\n"
	if got := Text(s); got != want {
		t.Errorf("narrative:\ngot  %q\nwant %q", got, want)
	}
}
