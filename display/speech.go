package display

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// DefaultTemplate is the announcement read when a center configures none.
// "{số}" is replaced by the ticket number and "{quầy}" by the counter number,
// both read as Vietnamese words.
const DefaultTemplate = "Xin mời công dân có số thứ tự {số} đến quầy số {quầy}"

// Variant chooses between the regional ways of reading numbers. The zero
// value reads the way most text-to-speech voices and most centers do:
// "linh" for an empty tens place and "nghìn" for thousands.
type Variant struct {
	// Le reads an empty tens place as "lẻ" (North: "một trăm lẻ năm")
	// instead of "linh" ("một trăm linh năm").
	Le bool
	// Ngan reads thousands as "ngàn" (South) instead of "nghìn".
	Ngan bool
}

var digitWords = [10]string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// NumberWords returns n read as Vietnamese words, e.g. 1023 → "một nghìn
// không trăm hai mươi ba", 21 → "hai mươi mốt", 105 → "một trăm linh năm".
// After "mươi" 1 is "mốt", 4 is "tư" and 5 is "lăm"; after "mười" 5 is "lăm".
// A group of three digits after a higher group is read in full ("không
// trăm …"); groups that are all zeros are left out (1000000 → "một triệu").
// Numbers of a billion and more are read with "tỷ"; negative ones start
// with "âm".
func NumberWords(n int, v Variant) string {
	if n == 0 {
		return digitWords[0]
	}
	if n < 0 {
		// -n overflows for the smallest int; no ticket or counter gets there.
		return "âm " + NumberWords(-n, v)
	}
	var words []string
	words = appendNumber(words, uint64(n), false, v)
	return strings.Join(words, " ")
}

// appendNumber appends the words of n > 0; full asks for the leading group
// to be read in full, as it is when a higher group came before.
func appendNumber(words []string, n uint64, full bool, v Variant) []string {
	const billion = 1_000_000_000
	if n >= billion {
		words = appendNumber(words, n/billion, full, v)
		words = append(words, "tỷ")
		n %= billion
		if n == 0 {
			return words
		}
		full = true
	}
	thousand := "nghìn"
	if v.Ngan {
		thousand = "ngàn"
	}
	groups := [3]uint64{n / 1_000_000, n / 1000 % 1000, n % 1000}
	scales := [3]string{"triệu", thousand, ""}
	for i, g := range groups {
		if g == 0 {
			continue
		}
		words = appendGroup(words, int(g), full, v)
		if scales[i] != "" {
			words = append(words, scales[i])
		}
		full = true
	}
	return words
}

// appendGroup appends the words of 1 ≤ g ≤ 999. When full is set the
// hundreds are always read ("không trăm"), as after a higher group.
func appendGroup(words []string, g int, full bool, v Variant) []string {
	h, t, u := g/100, g/10%10, g%10
	if h > 0 || full {
		words = append(words, digitWords[h], "trăm")
	}
	switch {
	case t == 0 && u == 0:
		return words
	case t == 0:
		if h > 0 || full {
			if v.Le {
				words = append(words, "lẻ")
			} else {
				words = append(words, "linh")
			}
		}
		return append(words, digitWords[u])
	case t == 1:
		words = append(words, "mười")
	default:
		words = append(words, digitWords[t], "mươi")
	}
	switch u {
	case 0:
	case 1:
		if t >= 2 {
			words = append(words, "mốt")
		} else {
			words = append(words, "một")
		}
	case 4:
		if t >= 2 {
			words = append(words, "tư")
		} else {
			words = append(words, "bốn")
		}
	case 5:
		words = append(words, "lăm")
	default:
		words = append(words, digitWords[u])
	}
	return words
}

// letterNames are the Vietnamese names of the letters callers read out.
// The Latin letters outside the Vietnamese alphabet (F, J, W, Z) take their
// usual borrowed names.
var letterNames = map[rune]string{
	'A': "a", 'Ă': "á", 'Â': "ớ", 'B': "bê", 'C': "xê", 'D': "dê", 'Đ': "đê",
	'E': "e", 'Ê': "ê", 'F': "ép", 'G': "giê", 'H': "hát", 'I': "i", 'J': "gi",
	'K': "ca", 'L': "e-lờ", 'M': "em-mờ", 'N': "en-nờ", 'O': "o", 'Ô': "ô",
	'Ơ': "ơ", 'P': "pê", 'Q': "quy", 'R': "e-rờ", 'S': "ét-xì", 'T': "tê",
	'U': "u", 'Ư': "ư", 'V': "vê", 'W': "vê kép", 'X': "ích-xì", 'Y': "i dài",
	'Z': "dét",
}

// maxNumberDigits is the longest run of digits read as one number; longer
// runs are read digit by digit, as nobody says a number that long.
const maxNumberDigits = 12

// SpeakTicket returns a ticket number as a caller reads it aloud. Letters
// are read by their Vietnamese names ("B" → "bê"), each run of digits as one
// number with its leading zeros dropped, the way callers say it: "1023" →
// "một nghìn không trăm hai mươi ba", "A001" → "a một", "B105" → "bê một
// trăm linh năm". Other characters (spaces, "-", ".") only separate words.
func SpeakTicket(number string, v Variant) string {
	var words []string
	var digits []rune
	flush := func() {
		if len(digits) == 0 {
			return
		}
		s := strings.TrimLeft(string(digits), "0")
		digits = digits[:0]
		switch {
		case s == "":
			words = append(words, digitWords[0])
		case len(s) > maxNumberDigits:
			for _, d := range s {
				words = append(words, digitWords[d-'0'])
			}
		default:
			n, _ := strconv.ParseUint(s, 10, 64) // at most 12 ASCII digits
			words = appendNumber(words, n, false, v)
		}
	}
	for _, r := range norm.NFC.String(number) {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, r)
		case unicode.IsLetter(r):
			flush()
			if name, ok := letterNames[unicode.ToUpper(r)]; ok {
				words = append(words, name)
			} else {
				words = append(words, string(unicode.ToLower(r)))
			}
		default:
			flush()
		}
	}
	flush()
	return strings.Join(words, " ")
}

// Announce fills an announcement template: "{số}" becomes the ticket number
// read by SpeakTicket and "{quầy}" the counter number read by NumberWords.
// An empty template means DefaultTemplate. The template is normalised to
// NFC first, so one typed with combining accents (Unikey's "Unicode tổ hợp")
// still matches; "{so}" and "{quay}" are accepted as well.
func Announce(template, number string, counter int, v Variant) string {
	if strings.TrimSpace(template) == "" {
		template = DefaultTemplate
	}
	r := strings.NewReplacer(
		"{số}", SpeakTicket(number, v),
		"{so}", SpeakTicket(number, v),
		"{quầy}", NumberWords(counter, v),
		"{quay}", NumberWords(counter, v),
	)
	return r.Replace(norm.NFC.String(template))
}
