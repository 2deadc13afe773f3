package printer

import (
	"fmt"
	"slices"
	"strings"
)

// Profile is what motcua must know about one printer model to print on
// it: paper, cut, quirks, code page, QR and status support. Profiles lists
// the families we support, each with the manual its values come from.
type Profile struct {
	Name      string // key in Profiles, as written in the configuration, e.g. "epson-tm-t20-80"
	Model     string // people's name for it, e.g. "Epson TM-T20III (80 mm)"
	WidthDots int    // printable width in dots: 384 (58 mm paper) or 576 (80 mm paper) at 203 dpi, 512 on the 180 dpi TM-T88; a multiple of 8
	Columns   int    // characters per line in font A (12 × 24 dots): WidthDots / 12

	// Cut is the byte sequence that ends a job; nil means feed-and-partial-
	// cut GS V 66 0 (1D 56 42 00).
	Cut []byte
	// CancelKanji sends FS . (1C 2E, "Cancel Kanji character mode") first:
	// Chinese-market clones start in a double-byte mode that would eat
	// the text-mode bytes.
	CancelKanji bool
	// CodePage is the Vietnamese code page for text mode; "" when the
	// printer has none (then text mode folds diacritics away).
	CodePage CodePage
	// CodePageTable is the n of ESC t that selects CodePage on this printer
	// when the maker numbers its tables differently from Epson (Rongta's
	// WPC1258 is page 35, Epson's 52); 0 means Epson's numbering (the Table
	// constants). Only for single-table code pages: TCVN-3 needs two.
	CodePageTable int
	// TextMode prints with the code page instead of a raster image: far
	// fewer bytes, for slow serial printers.
	TextMode bool
	// NativeQR draws QR codes with GS ( k instead of raster modules.
	NativeQR bool
	// RealtimeStatus: the printer answers DLE EOT n (10 04 n).
	RealtimeStatus bool
	// Completion is how the printer confirms a job was printed: "GS ( H"
	// (process ID response), "GS r 1" (transmit status), or "" (cannot).
	Completion string
	// Manual cites the document each value above comes from; "unverified"
	// marks a value taken from the family's usual behaviour because its
	// manual could not be consulted.
	Manual string
}

// Completion markers, the values of Profile.Completion.
const (
	CompletionProcessID = "GS ( H" // GS ( H fn 48 "Transmit process ID response": the printer answers once everything before it is printed
	CompletionStatus    = "GS r 1" // GS r 1 "Transmit status" (paper sensor): answered when the command is processed, after the data before it
)

// References the profiles cite.
const (
	printerDB = "receipt-print-hq/escpos-printer-db data/profile/"
	epsonRef  = "Epson ESC/POS Command Reference (download4.epson.biz/sec_pubs/pos/reference_en/escpos/): " +
		"ESC t page list (30/31 TCVN-3, 52 WPC1258), GS ( k QR functions 165-181, GS ( H fn 48, DLE EOT, GS V"
	tcvnNote = "TCVN-3 pages 30/31 are in the ESC t list of the reference; that this model's firmware has them is unverified (print a self-test page: it lists the code pages)"
)

// feedLines is ESC d n "Print and feed n lines": the end of a job on a
// printer without a cutter, so the last line clears the tear bar.
func feedLines(n byte) []byte { return []byte{asciiESC, 'd', n} }

// Profiles holds the printer profiles by name. "58mm" and "80mm" are
// generic ESC/POS printers of that paper width, the default. Any profile
// can be used in text mode by naming it with the suffix "+text" (see
// LookupProfile).
var Profiles = map[string]Profile{
	"58mm": {Name: "58mm", Model: "Máy in nhiệt ESC/POS khổ 58 mm", WidthDots: 384, Columns: 32,
		Manual: "Epson ESC/POS Command Reference: the common subset"},
	"80mm": {Name: "80mm", Model: "Máy in nhiệt ESC/POS khổ 80 mm", WidthDots: 576, Columns: 48,
		Manual: "Epson ESC/POS Command Reference: the common subset"},

	"epson-tm-t20-80": {
		Name: "epson-tm-t20-80", Model: "Epson TM-T20 / T20II / T20III (80 mm)",
		WidthDots: 576, Columns: 48, CodePage: CodePageTCVN3,
		NativeQR: true, RealtimeStatus: true, Completion: CompletionProcessID,
		Manual: "Epson TM-T20 Technical Reference Guide (M00028503): 203 dpi, 80 mm paper, autocutter (partial); " +
			printerDB + "TM-T20II.yml and TM-T20III.yml: 576 dots, font A 48 columns, pages 30/31 TCVN-3-1/-2 and 52 CP1258; " +
			epsonRef + "; GS ( H on TM-T20II/III per the reference's model list, on the first TM-T20 unverified",
	},
	"epson-tm-t20-58": {
		Name: "epson-tm-t20-58", Model: "Epson TM-T20 series with the 58 mm paper guide",
		WidthDots: 384, Columns: 32, CodePage: CodePageTCVN3,
		NativeQR: true, RealtimeStatus: true, Completion: CompletionProcessID,
		Manual: "Epson TM-T20 Technical Reference Guide (M00028503): 58 mm paper is a memory-switch setting; its printable width " +
			"(we believe 420 dots, 35 columns) is unverified, so we use 384 dots/32 columns, which fit; code pages as " +
			printerDB + "TM-T20II.yml; " + epsonRef,
	},
	"epson-tm-t82-80": {
		Name: "epson-tm-t82-80", Model: "Epson TM-T82 / T82II / T82III (80 mm)",
		WidthDots: 576, Columns: 48, CodePage: CodePageTCVN3,
		NativeQR: true, RealtimeStatus: true, Completion: CompletionProcessID,
		Manual: "Epson TM-T82 Technical Reference Guide: unverified (not consulted); 203 dpi, 576 dots, 48 columns as the TM-T20; " +
			epsonRef + "; " + tcvnNote + "; GS ( k and GS ( H are TM-T82II/III features, the first TM-T82 unverified",
	},
	"epson-tm-t88-80": {
		Name: "epson-tm-t88-80", Model: "Epson TM-T88V / TM-T88VI (80 mm)",
		WidthDots: 512, Columns: 42, CodePage: CodePageTCVN3,
		NativeQR: true, RealtimeStatus: true, Completion: CompletionProcessID,
		Manual: "Epson TM-T88V Specification (STANDARD) Rev. B: 180 dpi (not 203), partial-cut autocutter; " +
			printerDB + "TM-T88V.yml: 512 dots, font A 42 columns, pages 30/31 TCVN-3-1/-2 and 52 CP1258; " + epsonRef +
			"; the TM-T88VI is taken to be the same (unverified)",
	},

	"xprinter-xp80": {
		Name: "xprinter-xp80", Model: "Xprinter XP-80 / XP-Q80 series (80 mm)",
		WidthDots: 576, Columns: 48, CancelKanji: true,
		NativeQR: true, RealtimeStatus: true, Completion: CompletionStatus,
		Manual: "Xprinter XP-80XX Programmer Manual (XP-80X series): ESC/POS set with DLE EOT, GS r, FS . (Kanji mode), GS V; " +
			"GS ( k QR on the XP-Q80 generation, older XP-80 firmware unverified; Vietnamese code page: none found in the manual (unverified), so text mode folds",
	},
	"xprinter-xp58": {
		Name: "xprinter-xp58", Model: "Xprinter XP-58 series (58 mm)",
		WidthDots: 384, Columns: 32, CancelKanji: true, Cut: append(feedLines(4), cmdFeedCut...),
		RealtimeStatus: true, Completion: CompletionStatus,
		Manual: "unverified: Xprinter XP-58 programmer manual not consulted; values from the XP-80 manual's common set; " +
			"GS ( k not assumed; many XP-58 (e.g. XP-58IIH) have a tear bar, no cutter: the job feeds 4 lines (ESC d 4) " +
			"before GS V 66 0, which a cutter model executes and the others ignore",
	},
	"zjiang-pos58": {
		Name: "zjiang-pos58", Model: "Zjiang POS-58 (58 mm, tear bar)",
		WidthDots: 384, Columns: 32, CancelKanji: true, Cut: feedLines(4),
		Manual: "POS-58 Receipt Printer User Manual (Xiamen Zjiang) and " + printerDB + "ZJ-5870.yml (identifies as POS-58): " +
			"384 dots, 32 columns, qrCode false, no full or partial cut (so the job ends with ESC d 4 to clear the tear bar), " +
			"no Vietnamese code page, Chinese character mode switchable at power-on (FS . sent); DLE EOT and GS r unverified, not assumed",
	},
	"zjiang-pos80": {
		Name: "zjiang-pos80", Model: "Zjiang POS-80 series (80 mm, autocutter)",
		WidthDots: 576, Columns: 48, CancelKanji: true,
		Manual: "unverified: Zjiang 80 mm manual not consulted; 203 dpi 576 dots, GS V 66 0 and FS . as its POS-58 and the other Chinese clones; " +
			"status, completion, QR and code page not assumed",
	},
	"rongta-rp80": {
		Name: "rongta-rp80", Model: "Rongta RP80 / RP326 (80 mm)",
		WidthDots: 576, Columns: 48, CancelKanji: true, CodePage: CodePageWPC1258, CodePageTable: 35,
		NativeQR: true, RealtimeStatus: true, Completion: CompletionStatus,
		Manual: "Rongta 80mm Thermal Receipt Printer Command Set V1.0: DLE EOT n, GS r n, GS ( H fn 48, GS V, FS . (Kanji control); " +
			printerDB + "RP326.yml: page 35 = CP1258 (so ESC t 35, not Epson's 52), qrCode true (inherited); " +
			"GS ( k fn 65-81 also in the Rongta 02N Series Command Set; width 576 dots unverified",
	},
	"custom-vkp80iii": {
		Name: "custom-vkp80iii", Model: "Custom VKP80III kiosk printer (80 mm, presenter)",
		WidthDots: 576, Columns: 48, RealtimeStatus: true,
		Manual: "unverified: Custom VKP80III command manual not consulted; 203 dpi 80 mm = 576 dots, DLE EOT as its ESC/POS emulation; " +
			"GS V 66 0 assumed to cut and present; QR, completion and code page not assumed",
	},
}

// ProfileNames returns the names of Profiles, sorted.
func ProfileNames() []string {
	names := make([]string, 0, len(Profiles))
	for n := range Profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// textSuffix, after a profile's name, selects text mode: "epson-tm-t88-80+text".
const textSuffix = "+text"

// LookupProfile returns the profile called name. A name ending in "+text"
// is that profile in text mode (TextMode set, Name as given). The error
// lists the valid names.
func LookupProfile(name string) (Profile, error) {
	base, text := strings.CutSuffix(name, textSuffix)
	p, ok := Profiles[base]
	if !ok {
		return Profile{}, fmt.Errorf("printer profile %q is unknown; known: %s (add %q for text mode)",
			name, strings.Join(ProfileNames(), ", "), textSuffix)
	}
	if text {
		p.Name, p.TextMode = name, true
	}
	return p, nil
}
