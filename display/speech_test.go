package display

import (
	"strconv"
	"strings"
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

// TestNumberWordsTicketRange is the table of the numbers a ticket or a
// counter can carry, 0 to 9999, with the readings DOMAIN.md asks for: "mốt"
// for 1 after "mươi", "tư" for 4 after "mươi", "lăm" for 5 after
// "mười"/"mươi", "linh" (default) or "lẻ" for an empty tens place, "nghìn"
// (default) or "ngàn", and "không trăm" once a thousand has been read.
func TestNumberWordsTicketRange(t *testing.T) {
	def, le, ngan, both := Variant{}, Variant{Le: true}, Variant{Ngan: true}, Variant{Le: true, Ngan: true}
	tests := []struct {
		n    int
		v    Variant
		want string
	}{
		{0, def, "không"},
		{1, def, "một"},
		{2, def, "hai"},
		{4, def, "bốn"},
		{5, def, "năm"},
		{9, def, "chín"},
		{10, def, "mười"},
		{11, def, "mười một"},
		{14, def, "mười bốn"},
		{15, def, "mười lăm"},
		{19, def, "mười chín"},
		{20, def, "hai mươi"},
		{21, def, "hai mươi mốt"},
		{24, def, "hai mươi tư"},
		{25, def, "hai mươi lăm"},
		{31, def, "ba mươi mốt"},
		{44, def, "bốn mươi tư"},
		{50, def, "năm mươi"},
		{55, def, "năm mươi lăm"},
		{100, def, "một trăm"},
		{101, def, "một trăm linh một"},
		{101, le, "một trăm lẻ một"},
		{104, def, "một trăm linh bốn"},
		{104, le, "một trăm lẻ bốn"},
		{105, def, "một trăm linh năm"},
		{105, le, "một trăm lẻ năm"},
		{110, def, "một trăm mười"},
		{110, le, "một trăm mười"}, // "lẻ" only for an empty tens place
		{111, def, "một trăm mười một"},
		{114, def, "một trăm mười bốn"},
		{115, def, "một trăm mười lăm"},
		{121, def, "một trăm hai mươi mốt"},
		{124, def, "một trăm hai mươi tư"},
		{125, def, "một trăm hai mươi lăm"},
		{200, def, "hai trăm"},
		{505, def, "năm trăm linh năm"},
		{999, def, "chín trăm chín mươi chín"},
		{1000, def, "một nghìn"},
		{1000, ngan, "một ngàn"},
		{1001, def, "một nghìn không trăm linh một"},
		{1001, both, "một ngàn không trăm lẻ một"},
		{1005, def, "một nghìn không trăm linh năm"},
		{1005, le, "một nghìn không trăm lẻ năm"},
		{1010, def, "một nghìn không trăm mười"},
		{1014, def, "một nghìn không trăm mười bốn"},
		{1015, def, "một nghìn không trăm mười lăm"},
		{1021, def, "một nghìn không trăm hai mươi mốt"},
		{1023, def, "một nghìn không trăm hai mươi ba"},
		{1024, def, "một nghìn không trăm hai mươi tư"},
		{1024, ngan, "một ngàn không trăm hai mươi tư"},
		{1100, def, "một nghìn một trăm"},
		{1105, def, "một nghìn một trăm linh năm"},
		{2005, def, "hai nghìn không trăm linh năm"},
		{2005, both, "hai ngàn không trăm lẻ năm"},
		{2024, def, "hai nghìn không trăm hai mươi tư"},
		{2025, def, "hai nghìn không trăm hai mươi lăm"},
		{3050, def, "ba nghìn không trăm năm mươi"},
		{4004, def, "bốn nghìn không trăm linh bốn"},
		{5555, def, "năm nghìn năm trăm năm mươi lăm"},
		{7001, ngan, "bảy ngàn không trăm linh một"},
		{9999, def, "chín nghìn chín trăm chín mươi chín"},
		{9999, ngan, "chín ngàn chín trăm chín mươi chín"},
	}
	for _, tt := range tests {
		if got := NumberWords(tt.n, tt.v); got != tt.want {
			t.Errorf("NumberWords(%d, %+v) = %q, want %q", tt.n, tt.v, got, tt.want)
		}
		// a ticket of the same digits reads the same
		if got := SpeakTicket(strconv.Itoa(tt.n), tt.v); got != tt.want {
			t.Errorf("SpeakTicket(%q, %+v) = %q, want %q", strconv.Itoa(tt.n), tt.v, got, tt.want)
		}
	}
}

// TestNumberWordsRules checks the rules on every number 0…9999.
func TestNumberWordsRules(t *testing.T) {
	bad := []string{"mươi một", "mươi bốn", "mươi năm", "mười năm", "mười mốt", "mười tư", "linh mốt", "linh tư", "linh lăm", "trăm lăm", "không trăm không"}
	for n := 0; n <= 9999; n++ {
		got := " " + NumberWords(n, Variant{}) + " "
		for _, b := range bad {
			if strings.Contains(got, " "+b+" ") {
				t.Errorf("NumberWords(%d) = %q: contains %q", n, got, b)
			}
		}
		t10, u := n/10%10, n%10
		wantLinh := n >= 100 && t10 == 0 && u != 0
		if strings.Contains(got, " linh ") != wantLinh {
			t.Errorf("NumberWords(%d) = %q: linh %v, want %v", n, got, !wantLinh, wantLinh)
		}
		wantKhongTram := n >= 1000 && n/100%10 == 0 && n%100 != 0
		if strings.Contains(got, " không trăm ") != wantKhongTram {
			t.Errorf("NumberWords(%d) = %q: không trăm %v, want %v", n, got, !wantKhongTram, wantKhongTram)
		}
		le := NumberWords(n, Variant{Le: true, Ngan: true})
		if want := strings.TrimSpace(strings.NewReplacer(" linh ", " lẻ ", " nghìn ", " ngàn ").Replace(got)); le != want {
			t.Errorf("NumberWords(%d, lẻ ngàn) = %q, want %q", n, le, want)
		}
	}
}

func TestAnnounceTemplates(t *testing.T) {
	tests := []struct {
		template, number string
		counter          int
		v                Variant
		want             string
	}{
		{"", "A001", 1, Variant{}, "Xin mời công dân có số thứ tự a một đến quầy số một"},
		{DefaultTemplate, "1024", 21, Variant{}, "Xin mời công dân có số thứ tự một nghìn không trăm hai mươi tư đến quầy số hai mươi mốt"},
		{"", "B015", 24, Variant{}, "Xin mời công dân có số thứ tự bê mười lăm đến quầy số hai mươi tư"},
		{"", "C105", 15, Variant{Le: true}, "Xin mời công dân có số thứ tự xê một trăm lẻ năm đến quầy số mười lăm"},
		{"Kính mời {số} đến quầy {quầy}", "C1005", 10, Variant{Le: true, Ngan: true}, "Kính mời xê một ngàn không trăm lẻ năm đến quầy mười"},
		{"Xin mời số thứ tự {số} đến quầy số {quầy}. Nhắc lại: số {số}", "D2005", 3, Variant{}, "Xin mời số thứ tự dê hai nghìn không trăm linh năm đến quầy số ba. Nhắc lại: số dê hai nghìn không trăm linh năm"},
		{"Mời {số}", "AB-0025", 0, Variant{}, "Mời a bê hai mươi lăm"},
		{"   ", "0110", 4, Variant{}, "Xin mời công dân có số thứ tự một trăm mười đến quầy số bốn"},
	}
	for _, tt := range tests {
		if got := Announce(tt.template, tt.number, tt.counter, tt.v); got != tt.want {
			t.Errorf("Announce(%q, %q, %d, %+v)\n got %q\nwant %q", tt.template, tt.number, tt.counter, tt.v, got, tt.want)
		}
	}
}
