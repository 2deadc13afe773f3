package server

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"time"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/config"
	"github.com/motcua/motcua/server/report"
	"github.com/motcua/motcua/server/store"
	"github.com/motcua/motcua/server/workday"
)

// The reports: what the center director reads and what the province asks
// for, as JSON, the Vietnamese narrative, CSV, XLSX, and a page with charts.

// reportFilter reads from, to (or a preset), department, counter and
// official, and checks them against the center.
func reportFilter(cfg *config.Config, q map[string][]string, today workday.Date) (report.Filter, string, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	bad := func(title, detail string) error { return apperr.New(apperr.Invalid, "bad-period", title, "%s", detail) }
	var f report.Filter
	preset := get("preset")
	switch {
	case preset != "":
		p, ok := report.PresetByKey(today, cfg.Reports.CloseDay, preset)
		if !ok {
			return f, "", bad("Không có kỳ báo cáo này", "unknown preset "+preset)
		}
		f.From, f.To = p.From, p.To
	case get("from") == "" && get("to") == "":
		p, _ := report.PresetByKey(today, cfg.Reports.CloseDay, "month")
		f.From, f.To, preset = p.From, p.To, "month"
	default:
		var err1, err2 error
		f.From, err1 = workday.ParseDate(get("from"))
		f.To, err2 = workday.ParseDate(get("to"))
		if err1 != nil || err2 != nil {
			return f, "", bad("Hãy nhập từ ngày, đến ngày dạng YYYY-MM-DD", "from and to must be YYYY-MM-DD")
		}
	}
	if f.To.Before(f.From) {
		return f, "", bad("Đến ngày phải sau từ ngày", "to before from")
	}
	if f.From.AddDays(3 * 366).Before(f.To) {
		return f, "", bad("Kỳ báo cáo dài quá 3 năm", "period longer than 3 years")
	}
	f.Department, f.Counter, f.Official = get("department"), get("counter"), get("official")
	if f.Department != "" {
		if _, ok := cfg.Department(f.Department); !ok {
			return f, "", apperr.New(apperr.Invalid, "bad-department", "Không có sở, ngành này", "unknown department %q", f.Department)
		}
	}
	if f.Counter != "" {
		if _, ok := cfg.Counter(f.Counter); !ok {
			return f, "", apperr.New(apperr.Invalid, "bad-counter", "Không có quầy này", "unknown counter %q", f.Counter)
		}
	}
	return f, preset, nil
}

// writeReport writes s in format: json, text, csv or xlsx.
func writeReport(w io.Writer, s *report.Summary, format string) error {
	switch format {
	case "text":
		_, err := io.WriteString(w, report.Text(s))
		return err
	case "csv":
		return report.CSV(w, s)
	case "xlsx":
		return report.XLSX(w, s)
	}
	return fmt.Errorf("report: unknown format %q", format)
}

var reportTypes = map[string]string{
	"text": "text/plain; charset=utf-8",
	"csv":  "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

func (a *App) handleReport(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	now := a.clock.Now()
	f, _, err := reportFilter(a.Cfg, r.URL.Query(), workday.DateOf(now))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && reportTypes[format] == "" {
		a.writeError(w, r, apperr.New(apperr.Invalid, "bad-format", "Định dạng phải là json, text, csv hoặc xlsx", "format %q", format))
		return
	}
	s, err := report.Build(r.Context(), a.DB, a.Cfg, a.Dossiers.Calendar(), f, now)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if format == "" || format == "json" {
		writeJSON(w, http.StatusOK, s)
		return
	}
	w.Header().Set("Content-Type", reportTypes[format])
	if format != "text" {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="bao-cao-%s-%s.%s"`, f.From, f.To, format))
	}
	if err := writeReport(w, s, format); err != nil {
		a.log.Error("report", "err", err)
	}
}

// handleReportsPage is /admin/reports: the period, the narrative, the
// tables and the charts, printable.
func (a *App) handleReportsPage(w http.ResponseWriter, r *http.Request) {
	p := a.staffPrincipal(w, r, supervisor...)
	if p == nil {
		return
	}
	now := a.clock.Now()
	today := workday.DateOf(now)
	data := map[string]any{"Center": a.Cfg.Center.Name, "CSS": staffAssets.URL("staff.css"), "Me": p.Name,
		"Presets": report.Presets(today, a.Cfg.Reports.CloseDay), "Departments": a.Cfg.Departments, "Query": r.URL.RawQuery}
	f, preset, err := reportFilter(a.Cfg, r.URL.Query(), today)
	if err != nil {
		data["Error"] = err.Error()
		if e, ok := apperr.As(err); ok {
			data["Error"] = e.Title
		}
		render(w, "reports.html", data)
		return
	}
	s, err := report.Build(r.Context(), a.DB, a.Cfg, a.Dossiers.Calendar(), f, now)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	data["Preset"], data["F"], data["S"] = preset, f, s
	data["Text"] = report.Text(s)
	data["Charts"] = []template.HTML{report.ChartLoadByHour(s), report.ChartWaits(s), report.ChartSatisfaction(s)}
	data["FromText"], data["ToText"] = f.From.DMY(), f.To.DMY()
	render(w, "reports.html", data)
}

// RunReport is `motcua report`: the same report from the center's database,
// with the daemon running or not (it only reads).
func RunReport(ctx context.Context, cfg *config.Config, db *store.DB, q map[string][]string, format string, w io.Writer) error {
	a := &App{Cfg: cfg, DB: db}
	hours, err := a.calendarHours()
	if err != nil {
		return err
	}
	overrides, err := a.allOverrides(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	f, _, err := reportFilter(cfg, q, workday.DateOf(now))
	if err != nil {
		return err
	}
	s, err := report.Build(ctx, db, cfg, workday.New(overrides, hours), f, now)
	if err != nil {
		return err
	}
	if format == "" || format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	return writeReport(w, s, format)
}
