package printer

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// CodePage names a Vietnamese single-byte code page a printer has, as
// written in a Profile. The zero value, CodePageNone, means the printer has
// none: text mode then folds the diacritics away (see Fold).
type CodePage string

// The Vietnamese code pages of ESC/POS printers.
const (
	// CodePageNone: no Vietnamese code page; text is folded to ASCII.
	CodePageNone CodePage = ""

	// CodePageTCVN3 is TCVN 5712:1993 "VN3" (the "ABC" encoding of the
	// .VnTime fonts). VN3 has room for the lower-case letters only; like the
	// .VnTime/.VnTimeH font pair, Epson splits it into two tables:
	// TableTCVN3Lower (ESC t 30, "TCVN-3 (Vietnamese) 1") with the 67
	// lower-case letters, and TableTCVN3Upper (ESC t 31, "TCVN-3
	// (Vietnamese) 2") with the 67 capitals, the toned ones at the byte of
	// their lower-case letter. Neither table has the other case, so a line
	// that mixes "Số" and "SỐ" switches tables in the middle (ASCII prints in
	// both). Every one of the 134 letters prints as one glyph in one cell.
	CodePageTCVN3 CodePage = "tcvn3"

	// CodePageWPC1258 is Windows-1258 (Epson ESC t 52, "WPC1258"). It has
	// the base letters ă â ê ô ơ ư đ and a few toned letters (à á è é ì í ò ó
	// ù ú ý and capitals), but the other tone marks exist only as combining
	// marks (0xCC grave, 0xEC acute, 0xDE tilde, 0xD2 hook above, 0xF2 dot
	// below) sent after the base letter. Printers do not compose them: the
	// mark is printed in a cell of its own, after the letter, so "Số" comes
	// out as "Sô´" and "Việt" as "Viê.t" with the dot beside the letter, not
	// under it, and every toned letter not in the table takes two columns.
	// Readable, but plainly worse than TCVN-3: use it only for a printer that
	// has no TCVN-3 table.
	CodePageWPC1258 CodePage = "wpc1258"
)

// Character code tables, the n of ESC t n "Select character code table"
// (1B 74 n), Epson ESC/POS Command Reference, ESC t, "Character code table"
// list (https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/esc_lt.html).
const (
	// NoTable marks a TableRun of printable ASCII, which prints the same in
	// every table: no ESC t is needed before it.
	NoTable = -1
	// TablePC437 is page 0, PC437 (USA: Standard Europe), the table ESC @
	// selects on Epson printers.
	TablePC437 = 0
	// TableTCVN3Lower is page 30, "TCVN-3 (Vietnamese) 1": lower case.
	TableTCVN3Lower = 30
	// TableTCVN3Upper is page 31, "TCVN-3 (Vietnamese) 2": upper case.
	TableTCVN3Upper = 31
	// TableWPC1258 is page 52, "WPC1258" (Windows-1258, Vietnamese).
	TableWPC1258 = 52
)

// TableRun is a run of text bytes that must be printed with one character
// code table selected: send ESC t Table (unless Table is NoTable, or that
// table is already selected), then Bytes.
type TableRun struct {
	Table int    // the n of ESC t n, or NoTable for ASCII that prints in any table
	Bytes []byte // the text's bytes in that table: never a control byte (< 0x20, 0x7F)
}

// ValidCodePage reports whether cp is a code page EncodeText knows.
func ValidCodePage(cp CodePage) bool {
	switch cp {
	case CodePageNone, CodePageTCVN3, CodePageWPC1258:
		return true
	}
	return false
}

// EncodeText turns s into the bytes a printer with code page cp prints as
// s, split into runs that each need one character code table. Runs of
// ASCII between two letters of the same table join that table's run; text
// that is ASCII throughout (or cp == CodePageNone, which folds the
// diacritics away with Fold) is one run with Table NoTable.
//
// Whitespace controls (tab, line breaks) become spaces, and a rune the code
// page lacks is folded (Fold) or, failing that, becomes '?': the result
// never carries a control byte, so text cannot smuggle a printer command
// into the stream. The only error is an unknown code page.
//
// Each output byte prints in one cell (character column), so len(Bytes)
// is the printed width in columns; with CodePageWPC1258 a toned letter may
// take two.
func EncodeText(cp CodePage, s string) ([]TableRun, error) {
	var e textEncoder
	switch cp {
	case CodePageNone:
		e.add(NoTable, []byte(asciiSafe(Fold(asciiPunct.Replace(s))))...)
	case CodePageTCVN3:
		for _, r := range norm.NFC.String(s) {
			e.tcvn3(r)
		}
	case CodePageWPC1258:
		for _, r := range norm.NFC.String(s) {
			e.wpc1258(r)
		}
	default:
		return nil, fmt.Errorf("encode text: unknown code page %q", cp)
	}
	e.flush()
	return e.runs, nil
}

// DecodeText is EncodeText's inverse for one table: it returns what a
// printer with code page cp prints for bytes b when ESC t table is
// selected. It returns exactly one rune per byte, because the printer
// prints one cell per byte: bytes below 0x80 are ASCII (controls come back
// as U+FFFD), and a byte the table does not define (for us) is U+FFFD.
//
// With CodePageWPC1258 the tone marks come back as the combining marks they
// are in Windows-1258 (U+0300, U+0301, U+0303, U+0309, U+0323), one rune
// each, NOT composed with the letter before: the printer draws them in a
// cell of their own, and whoever draws the text should too. WPC1258 being
// one table, any table but NoTable and TablePC437 is taken as it, whatever
// the maker numbers it (Epson 52, Rongta 35: Profile.CodePageTable). With
// CodePageNone (or a table cp does not have) only ASCII is known.
func DecodeText(cp CodePage, table int, b []byte) string {
	out := make([]rune, len(b))
	for i, c := range b {
		out[i] = decodeByte(cp, table, c)
	}
	return string(out)
}

func decodeByte(cp CodePage, table int, c byte) rune {
	switch {
	case c < 0x20 || c == 0x7F:
		return utf8.RuneError
	case c < 0x80:
		return rune(c)
	}
	switch {
	case cp == CodePageTCVN3 && table == TableTCVN3Lower:
		if r := tcvn3Lower[c-0x80]; r != ' ' {
			return r
		}
	case cp == CodePageTCVN3 && table == TableTCVN3Upper:
		if r := tcvn3Upper[c-0x80]; r != ' ' {
			return r
		}
	case cp == CodePageWPC1258 && table != NoTable && table != TablePC437:
		// WPC1258 is one table, whose number is the maker's: Epson's 52,
		// Rongta's 35 (Profile.CodePageTable).
		if r := charmap.Windows1258.DecodeByte(c); r != utf8.RuneError && !unicode.IsControl(r) {
			return r
		}
	}
	return utf8.RuneError
}

// textEncoder collects TableRuns. ASCII waits in pending until the next
// letter that needs a table decides which run it joins.
type textEncoder struct {
	runs    []TableRun
	pending []byte
}

// add appends bytes that must be printed in table (NoTable: any table).
func (e *textEncoder) add(table int, b ...byte) {
	if table == NoTable {
		e.pending = append(e.pending, b...)
		return
	}
	if n := len(e.runs); n > 0 && e.runs[n-1].Table == table {
		e.runs[n-1].Bytes = append(append(e.runs[n-1].Bytes, e.pending...), b...)
		e.pending = e.pending[:0]
		return
	}
	if n := len(e.runs); n > 0 {
		// ASCII between two tables stays with the earlier one: fewer bytes
		// do not matter, but a table switch at a word boundary reads better
		// in a dump.
		e.runs[n-1].Bytes = append(e.runs[n-1].Bytes, e.pending...)
	} else if len(e.pending) > 0 {
		// leading ASCII goes with the first table: one ESC t, not two runs
		b = append(append([]byte(nil), e.pending...), b...)
		e.runs = append(e.runs, TableRun{Table: table, Bytes: b})
		e.pending = e.pending[:0]
		return
	}
	e.runs = append(e.runs, TableRun{Table: table, Bytes: append([]byte(nil), b...)})
	e.pending = e.pending[:0]
}

// flush ends the text: pending ASCII joins the last run, or is a run of its own.
func (e *textEncoder) flush() {
	if len(e.pending) == 0 {
		return
	}
	if n := len(e.runs); n > 0 {
		e.runs[n-1].Bytes = append(e.runs[n-1].Bytes, e.pending...)
	} else {
		e.runs = append(e.runs, TableRun{Table: NoTable, Bytes: append([]byte(nil), e.pending...)})
	}
	e.pending = nil
}

// ascii adds r if it is printable ASCII or whitespace and reports whether it did.
func (e *textEncoder) ascii(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f':
		e.add(NoTable, ' ')
	case r >= 0x20 && r < 0x7F:
		e.add(NoTable, byte(r))
	default:
		return false
	}
	return true
}

// fallback adds r as ASCII punctuation or folded to ASCII, or '?'.
func (e *textEncoder) fallback(r rune) {
	e.add(NoTable, []byte(asciiSafe(Fold(asciiPunct.Replace(string(r)))))...)
}

func (e *textEncoder) tcvn3(r rune) {
	if e.ascii(r) {
		return
	}
	if at, ok := tcvn3Encode[r]; ok {
		e.add(at.table, at.b)
		return
	}
	e.fallback(r)
}

func (e *textEncoder) wpc1258(r rune) {
	if e.ascii(r) {
		return
	}
	if c, ok := charmap.Windows1258.EncodeRune(r); ok && c >= 0x80 { // 0x80–0x9F are printable (€, —, “…) in WPC1258
		e.add(TableWPC1258, c)
		return
	}
	// Split off the tone mark, compose the rest (base letter and its
	// circumflex, breve or horn) and send the tone as a combining mark.
	var base []rune
	var tone rune
	for _, d := range norm.NFD.String(string(r)) {
		if _, ok := wpc1258Tones[d]; ok && tone == 0 {
			tone = d
			continue
		}
		base = append(base, d)
	}
	composed := []rune(norm.NFC.String(string(base)))
	if tone == 0 || len(composed) != 1 {
		e.fallback(r)
		return
	}
	b, ok := charmap.Windows1258.EncodeRune(composed[0])
	if !ok || (b < 0x80 && !unicode.IsLetter(composed[0])) {
		e.fallback(r)
		return
	}
	e.add(TableWPC1258, b, wpc1258Tones[tone])
}

// asciiPunct replaces typographic punctuation that Vietnamese text often
// carries (from a word processor) and that TCVN-3 lacks with its ASCII
// look-alike, rather than '?'.
var asciiPunct = strings.NewReplacer(
	"\u2014", "-", "\u2013", "-", "\u2010", "-", "\u2011", "-", "\u2212", "-",
	"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u2018", "'", "\u2019", "'",
	"\u2026", "...", "\u00a0", " ", "\u2022", "*", "\u00b7", ".",
)

// wpc1258Tones are the Windows-1258 bytes of the five Vietnamese tone marks.
var wpc1258Tones = map[rune]byte{
	'\u0300': 0xCC, // grave (huyền)
	'\u0301': 0xEC, // acute (sắc)
	'\u0303': 0xDE, // tilde (ngã)
	'\u0309': 0xD2, // hook above (hỏi)
	'\u0323': 0xF2, // dot below (nặng)
}

// tcvn3Lower and tcvn3Upper are the upper halves (0x80–0xFF) of Epson's
// pages 30 and 31, one rune a byte, ' ' where the table has nothing we use.
// The layout is TCVN 5712:1993 VN3 (each vowel's tones in the order huyền,
// hỏi, ngã, sắc, nặng: grave, hook, tilde, acute, dot below; positions
// kept free for box drawing), as tabulated for these two Epson pages in
// receipt-print-hq/escpos-printer-db data/encoding.yml ("TCVN-3-1",
// "TCVN-3-2"), which agrees with libiconv's TCVN-5712 for the lower case.
// Page 31's capitals without a tone sit irregularly: Ă A1, Â A2, Đ A7,
// Ê Ô Ơ Ư AA–AD.
var (
	tcvn3Lower = []rune("" +
		"                " + // 0x80
		"                " + // 0x90
		"        ăâêôơưđ " + // 0xA0
		"     àảãáạ ằẳẵắ " + // 0xB0
		"      ặầẩẫấậè ẻẽ" + // 0xC0
		"éẹềểễếệìỉ   ĩíịò" + // 0xD0
		" ỏõóọồổỗốộờởỡớợù" + // 0xE0
		" ủũúụừửữứựỳỷỹýỵ ") // 0xF0
	tcvn3Upper = []rune("" +
		"                " + // 0x80
		"                " + // 0x90
		" ĂÂ    Đ  ÊÔƠƯ  " + // 0xA0
		"     ÀẢÃÁẠ ẰẲẴẮ " + // 0xB0
		"      ẶẦẨẪẤẬÈ ẺẼ" + // 0xC0
		"ÉẸỀỂỄẾỆÌỈ   ĨÍỊÒ" + // 0xD0
		" ỎÕÓỌỒỔỖỐỘỜỞỠỚỢÙ" + // 0xE0
		" ỦŨÚỤỪỬỮỨỰỲỶỸÝỴ ") // 0xF0
)

// tcvnAt is where a letter is in TCVN-3: its table and byte.
type tcvnAt struct {
	table int
	b     byte
}

// tcvn3Encode inverts tcvn3Lower and tcvn3Upper. U+00D0 (Ð, Icelandic
// eth), often typed for Đ and the glyph the tables are drawn with, prints
// as Đ.
var tcvn3Encode = func() map[rune]tcvnAt {
	m := make(map[rune]tcvnAt)
	for table, runes := range map[int][]rune{TableTCVN3Lower: tcvn3Lower, TableTCVN3Upper: tcvn3Upper} {
		if len(runes) != 128 {
			panic("printer: TCVN-3 table is not 128 runes long")
		}
		for i, r := range runes {
			if r != ' ' {
				m[r] = tcvnAt{table, byte(0x80 + i)}
			}
		}
	}
	m['\u00d0'] = m['Đ']
	return m
}()
