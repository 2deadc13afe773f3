package printer

// Profile is what motcua must know about one printer model to print on
// it: paper, cut, quirks, code page, QR and status support. Profiles lists
// the families we support, each with the manual its values come from.
type Profile struct {
	Name      string // key in Profiles, as written in the configuration, e.g. "epson-tm-t20-80"
	Model     string // people's name for it, e.g. "Epson TM-T20III (80 mm)"
	WidthDots int    // printable width in dots at 203 dpi: 384 (58 mm paper) or 576 (80 mm paper); a multiple of 8
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
	// Manual cites the document each value above comes from.
	Manual string
}

// CodePage names a Vietnamese single-byte code page a printer has.
type CodePage string

// Profiles holds the printer profiles by name. "58mm" and "80mm" are
// generic ESC/POS printers of that paper width, the default.
var Profiles = map[string]Profile{
	"58mm": {Name: "58mm", Model: "Máy in nhiệt ESC/POS khổ 58 mm", WidthDots: 384, Columns: 32,
		Manual: "Epson ESC/POS Command Reference: the common subset"},
	"80mm": {Name: "80mm", Model: "Máy in nhiệt ESC/POS khổ 80 mm", WidthDots: 576, Columns: 48,
		Manual: "Epson ESC/POS Command Reference: the common subset"},
}
