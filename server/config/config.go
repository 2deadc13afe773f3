// Package config holds the description of one center: its departments,
// services, counters, kiosks, screens, priority categories and queue rules,
// read from a TOML file, or the embedded demo center when none is given.
package config

// Config is one center's whole configuration. Field names in TOML are the
// lower-case names in the tags; README.md lists every one.
type Config struct {
	Center      Center       `toml:"center"`
	Queue       Queue        `toml:"queue"`
	Departments []Department `toml:"department"`
	Services    []Service    `toml:"service"`
	Procedures  []Procedure  `toml:"procedure"`
	Dossier     Dossier      `toml:"dossier"`
	Counters    []Counter    `toml:"counter"`
	Kiosks      []Kiosk      `toml:"kiosk"`
	Screens     []Screen     `toml:"screen"`
	Priorities  []Priority   `toml:"priority"`
	Staff       []Staff      `toml:"staff"`
	Voice       Voice        `toml:"voice"`
	Alerts      Alerts       `toml:"alerts"`
	Reports     Reports      `toml:"reports"`
}

// Voice is how the lobby screens call numbers aloud.
type Voice struct {
	// Template of the announcement, with {số} (the number, read as words)
	// and {quầy} (the counter). Default "Xin mời công dân có số thứ tự {số}
	// đến quầy số {quầy}".
	Template string `toml:"template"`
	// Le reads an empty tens place "lẻ" (North) instead of "linh": 105 →
	// "một trăm lẻ năm".
	Le bool `toml:"le"`
	// Ngan reads thousands "ngàn" (South) instead of "nghìn".
	Ngan bool `toml:"ngan"`
	// Repeat is how many times each announcement is spoken, default 2.
	Repeat int `toml:"repeat"`
}

// Center names the center and sets its daemon-wide options.
type Center struct {
	// Name as printed on tickets and pages, e.g. "Trung tâm Phục vụ hành chính công tỉnh Hà Nam".
	Name string `toml:"name"`
	// Parent is the body above the center, printed above its name on forms.
	Parent string `toml:"parent"`
	// Place is the place name in "[place], ngày … tháng … năm …".
	Place string `toml:"place"`
	// Listen is the HTTP address, default "127.0.0.1:8080".
	Listen string `toml:"listen"`
	// PublicURL is the base of the links printed in QR codes, e.g.
	// "http://192.168.1.10:8080". Empty means the listen address.
	PublicURL string `toml:"public_url"`
	// Hours are the opening hours on working days, e.g. "07:30-17:00".
	// Empty means always open (the demo center).
	Hours string `toml:"hours"`
	// KioskPIN unlocks a kiosk's settings (4–8 digits). Empty: one is made
	// at first start, kept in the data directory and printed once.
	KioskPIN string `toml:"kiosk_pin"`
	// MetricsFrom lists the networks allowed to read /metrics, in CIDR form.
	// Empty means loopback and private networks.
	MetricsFrom []string `toml:"metrics_from"`
}

// Queue sets how the queue engine chooses the next ticket.
type Queue struct {
	// Strategy is "strict" (priority tickets first), "interleave" (up to
	// InterleaveN priority tickets, then one regular ticket while both wait)
	// or "aging" (score = seconds waited × the category's weight; the highest
	// score is called). Default "interleave".
	Strategy string `toml:"strategy"`
	// InterleaveN is N in "interleave N:1". Default 2.
	InterleaveN int `toml:"interleave_n"`
	// MaxRecalls is how many recalls a called ticket gets; the recall after
	// that marks it no-show. Default 3.
	MaxRecalls int `toml:"max_recalls"`
	// TransferTo is where a transferred ticket lands in its new queue:
	// "front" (default), "issue_time" (by its original issue time) or "back".
	TransferTo string `toml:"transfer_to"`
	// OfficialsMayCallSpecific lets officials (not only supervisors) call a
	// waiting ticket out of order.
	OfficialsMayCallSpecific bool `toml:"officials_may_call_specific"`
	// RatingWindowS is how long after finish a rating is accepted, default 60.
	RatingWindowS int `toml:"rating_window_s"`
	// RatingLevels is the rating scale, 3 (Rất hài lòng, Hài lòng, Không
	// hài lòng) or 4 (with Bình thường before the last), default 3: it must
	// match the keypads the center bought.
	RatingLevels int `toml:"rating_levels"`
}

// Department is a sở, ban, ngành (or the post office) that has services.
type Department struct {
	ID    string `toml:"id"`
	Name  string `toml:"name"`
	Short string `toml:"short"`
}

// Service is one choice on the kiosk: a procedure or a field of procedures,
// with its own queue and numbering.
type Service struct {
	ID         string `toml:"id"`
	Name       string `toml:"name"`
	Department string `toml:"department"`
	Field      string `toml:"field"`
	// Numbering: either a numeric block NumberFrom..NumberTo (e.g. 1001..1999)
	// or a letter Prefix with Width digits (A001). Numbers restart each local day.
	Prefix     string `toml:"prefix"`
	Width      int    `toml:"width"`
	NumberFrom int    `toml:"number_from"`
	NumberTo   int    `toml:"number_to"`
	// AvgServiceS is the expected service time in seconds used for wait
	// estimates until enough tickets of the day were served. Default 300.
	AvgServiceS int `toml:"avg_service_s"`
	// Closed services are shown on the kiosk but issue no tickets.
	Closed bool `toml:"closed"`
}

// Procedure is one administrative procedure (thủ tục hành chính) as the
// national catalogue lists it. Its period is counted in working days
// (ProcessingDays), in working hours within Dossier.Hours (ProcessingHours),
// or it is settled on the spot (SameDay): exactly one of the three.
type Procedure struct {
	// Code is the mã TTHC on the national portal, e.g. "1.001612"; unique.
	Code string `toml:"code"`
	Name string `toml:"name"`
	// Service is the kiosk service whose queue and counters receive it.
	Service string `toml:"service"`
	// Department settles it; default the service's department.
	Department string `toml:"department"`
	Field      string `toml:"field"`
	// ProcessingDays is the legal period in working days (the day of
	// receipt not counted).
	ProcessingDays int `toml:"processing_days"`
	// ProcessingHours is the period in working hours, for procedures the
	// province counts that way (e.g. 8 or 16).
	ProcessingHours int `toml:"processing_hours"`
	// SameDay: giải quyết ngay trong ngày; with Cutoff, a dossier received
	// after it is settled the next working day.
	SameDay bool `toml:"same_day"`
	// Fees in words as the catalogue gives them: "50.000 đồng/hồ sơ",
	// "Không".
	Fees string `toml:"fees"`
	// Documents are the papers it requires, in the order the form lists
	// them (the receipt's table of documents submitted).
	Documents []string `toml:"documents"`
	// OnlineLevel is the dịch vụ công trực tuyến level: 2, 3 or 4 (3 and 4
	// are now "một phần" and "toàn trình"); 0 when not given.
	OnlineLevel int `toml:"online_level"`
	// Cutoff is the time of day ("HH:MM") after which a dossier counts as
	// received the next working day; "" takes "15:00", "none" has none.
	Cutoff string `toml:"cutoff"`
}

// Dossier ([dossier]) sets how received dossiers are numbered and watched.
type Dossier struct {
	// Unit is the receiving unit's identifier V1V2V3.Z1Z2.Y1Y2.MX1X2
	// (Circular 01/2018/TT-VPCP Art. 19, QCVN 102:2016/BTTTT), e.g.
	// "000.00.01.H42": letters, digits and dots.
	Unit string `toml:"unit"`
	// CodeFormat builds the dossier code (mã hồ sơ), default
	// "{unit}-{yymmdd}-{seq:4}". Placeholders: {unit}, {yymmdd}, {yyyy},
	// {mm}, {dd}, {seq:N} (the day's sequence, N >= 4 digits), {dept} (the
	// procedure's department short code). It needs {seq:N} and a date.
	CodeFormat string `toml:"code_format"`
	// NearDueDays: the monitor lists dossiers due within this many working
	// days (default 2).
	NearDueDays int `toml:"near_due_days"`
	// LostAfterDays: a dossier whose last hand-over at one holder is older
	// than this many working days is flagged possibly lost (default 3).
	LostAfterDays int `toml:"lost_after_days"`
	// Hotline is printed on receipts.
	Hotline string `toml:"hotline"`
	// Hours are the working hours that hour-counted procedures count in.
	Hours WorkHours `toml:"hours"`
	// Overrides ([[dossier.override]]) are the year's extra days off and
	// make-up working days, each with its reason.
	Overrides []DayOverride `toml:"override"`
}

// Counter is a quầy. Services are served in the listed order when Order is
// "list", or oldest ticket first across all of them when Order is "fifo"
// (default).
type Counter struct {
	ID       string   `toml:"id"`
	Number   int      `toml:"number"`
	Name     string   `toml:"name"`
	Services []string `toml:"services"`
	Order    string   `toml:"order"`
	// General marks a Quầy Tổng hợp.
	General bool   `toml:"general"`
	Printer string `toml:"printer"`
	// PrinterProfile names the printer model (see motcua print-test
	// --list); default "80mm", a generic 80 mm ESC/POS printer.
	PrinterProfile string `toml:"printer_profile"`
	Keypad         string `toml:"keypad"`
}

// Kiosk is a touch kiosk with its ticket printer.
type Kiosk struct {
	ID      string `toml:"id"`
	Name    string `toml:"name"`
	Printer string `toml:"printer"`
	// PrinterProfile names the printer model; default "80mm".
	PrinterProfile string `toml:"printer_profile"`
}

// Screen is a lobby display; empty lists mean everything.
type Screen struct {
	ID   string `toml:"id"`
	Name string `toml:"name"`
	// Ticker is the announcement line scrolling at the bottom; supervisors
	// change it while running (PUT /api/v1/screens/{id}/ticker).
	Ticker   string   `toml:"ticker"`
	Counters []string `toml:"counters"`
	Services []string `toml:"services"`
}

// Priority is a priority category (người cao tuổi, …).
type Priority struct {
	ID   string `toml:"id"`
	Name string `toml:"name"`
	// Weight multiplies waiting time under the aging strategy. Default 2.
	Weight float64 `toml:"weight"`
}

// Staff is an account created at first start if it does not exist, with a
// random password printed once.
type Staff struct {
	Username string `toml:"username"`
	Name     string `toml:"name"`
	Role     string `toml:"role"`
	Counter  string `toml:"counter"`
}
