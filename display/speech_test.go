package display

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestNumberWords(t *testing.T) {
	le := Variant{Le: true}
	ngan := Variant{Ngan: true}
	tests := []struct {
		n    int
		v    Variant
		want string
	}{
		{0, Variant{}, "không"},
		{1, Variant{}, "một"},
		{4, Variant{}, "bốn"},
		{5, Variant{}, "năm"},
		{10, Variant{}, "mười"},
		{11, Variant{}, "mười một"},
		{14, Variant{}, "mười bốn"},
		{15, Variant{}, "mười lăm"},
		{20, Variant{}, "hai mươi"},
		{21, Variant{}, "hai mươi mốt"},
		{24, Variant{}, "hai mươi tư"},
		{25, Variant{}, "hai mươi lăm"},
		{99, Variant{}, "chín mươi chín"},
		{100, Variant{}, "một trăm"},
		{101, Variant{}, "một trăm linh một"},
		{105, Variant{}, "một trăm linh năm"},
		{105, le, "một trăm lẻ năm"},
		{110, Variant{}, "một trăm mười"},
		{115, Variant{}, "một trăm mười lăm"},
		{121, Variant{}, "một trăm hai mươi mốt"},
		{1000, Variant{}, "một nghìn"},
		{1000, ngan, "một ngàn"},
		{1001, Variant{}, "một nghìn không trăm linh một"},
		{1010, Variant{}, "một nghìn không trăm mười"},
		{1023, Variant{}, "một nghìn không trăm hai mươi ba"},
		{1023, ngan, "một ngàn không trăm hai mươi ba"},
		{1100, Variant{}, "một nghìn một trăm"},
		{1999, Variant{}, "một nghìn chín trăm chín mươi chín"},
		{2005, Variant{}, "hai nghìn không trăm linh năm"},
		{2005, Variant{Le: true, Ngan: true}, "hai ngàn không trăm lẻ năm"},
		{21000, Variant{}, "hai mươi mốt nghìn"},
		{105000, Variant{}, "một trăm linh năm nghìn"},
		{1000000, Variant{}, "một triệu"},
		{1000023, Variant{}, "một triệu không trăm hai mươi ba"},
		{2500000, Variant{}, "hai triệu năm trăm nghìn"},
		{999999999, Variant{}, "chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín"},
		{1000000000, Variant{}, "một tỷ"},
		{-5, Variant{}, "âm năm"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := NumberWords(tt.n, tt.v); got != tt.want {
				t.Errorf("NumberWords(%d, %+v) = %q, want %q", tt.n, tt.v, got, tt.want)
			}
		})
	}
}

func TestSpeakTicket(t *testing.T) {
	tests := []struct {
		number string
		v      Variant
		want   string
	}{
		{"1023", Variant{}, "một nghìn không trăm hai mươi ba"},
		{"0", Variant{}, "không"},
		{"A001", Variant{}, "a một"},
		{"A000", Variant{}, "a không"},
		{"a021", Variant{}, "a hai mươi mốt"},
		{"B105", Variant{}, "bê một trăm linh năm"},
		{"B105", Variant{Le: true}, "bê một trăm lẻ năm"},
		{"C-015", Variant{}, "xê mười lăm"},
		{"Đ 7", Variant{}, "đê bảy"},
		{"L24", Variant{}, "e-lờ hai mươi tư"},
		{"W1", Variant{}, "vê kép một"},
		{"XY2", Variant{}, "ích-xì i dài hai"},
		{"12A3", Variant{}, "mười hai a ba"},
		{"1234567890123", Variant{}, "một hai ba bốn năm sáu bảy tám chín không một hai ba"},
		{"", Variant{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.number, func(t *testing.T) {
			if got := SpeakTicket(tt.number, tt.v); got != tt.want {
				t.Errorf("SpeakTicket(%q, %+v) = %q, want %q", tt.number, tt.v, got, tt.want)
			}
		})
	}
}

func TestAnnounce(t *testing.T) {
	tests := []struct {
		name     string
		template string
		number   string
		counter  int
		v        Variant
		want     string
	}{
		{"default", "", "1023", 5, Variant{}, "Xin mời công dân có số thứ tự một nghìn không trăm hai mươi ba đến quầy số năm"},
		{"prefix", "", "A001", 12, Variant{}, "Xin mời công dân có số thứ tự a một đến quầy số mười hai"},
		{"north", "", "2005", 21, Variant{Le: true, Ngan: true}, "Xin mời công dân có số thứ tự hai ngàn không trăm lẻ năm đến quầy số hai mươi mốt"},
		{"custom", "Kính mời số {số}, quầy {quầy}", "15", 4, Variant{}, "Kính mời số mười lăm, quầy bốn"},
		{"decomposed", norm.NFD.String("Xin mời số thứ tự {số} đến quầy {quầy}"), "25", 1, Variant{}, "Xin mời số thứ tự hai mươi lăm đến quầy một"},
		{"ascii", "Moi so {so} den quay {quay}", "10", 3, Variant{}, "Moi so mười den quay ba"},
		{"no placeholders", "Thông báo", "1", 1, Variant{}, "Thông báo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Announce(tt.template, tt.number, tt.counter, tt.v)
			if got != tt.want {
				t.Errorf("Announce(%q, %q, %d) = %q, want %q", tt.template, tt.number, tt.counter, got, tt.want)
			}
		})
	}
}
