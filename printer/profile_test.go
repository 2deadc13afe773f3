package printer

import (
	"slices"
	"strings"
	"testing"
)

func TestProfiles(t *testing.T) {
	for _, name := range []string{"58mm", "80mm"} {
		if _, ok := Profiles[name]; !ok {
			t.Errorf("profile %q missing", name)
		}
	}
	for name, p := range Profiles {
		t.Run(name, func(t *testing.T) {
			if p.Name != name {
				t.Errorf("Name %q, want its key %q", p.Name, name)
			}
			if p.WidthDots <= 0 || p.WidthDots%8 != 0 {
				t.Errorf("WidthDots %d, want a positive multiple of 8", p.WidthDots)
			}
			if p.Columns != p.WidthDots/12 {
				t.Errorf("Columns %d, want WidthDots/12 = %d", p.Columns, p.WidthDots/12)
			}
			if !ValidCodePage(p.CodePage) {
				t.Errorf("CodePage %q unknown", p.CodePage)
			}
			switch p.Completion {
			case "", CompletionProcessID, CompletionStatus:
			default:
				t.Errorf("Completion %q, want \"\", %q or %q", p.Completion, CompletionProcessID, CompletionStatus)
			}
			if p.Manual == "" || p.Model == "" {
				t.Error("Model and Manual must be filled in")
			}
			if strings.HasPrefix(name, "epson-") && p.CodePage != CodePageTCVN3 {
				t.Errorf("Epson TM CodePage %q, want TCVN-3", p.CodePage)
			}
			if p.CodePageTable != 0 && p.CodePage != CodePageWPC1258 {
				t.Errorf("CodePageTable %d with code page %q: only single-table code pages can be renumbered", p.CodePageTable, p.CodePage)
			}
			if p.TextMode {
				t.Error("TextMode is chosen with the +text suffix, not in the table")
			}
		})
	}
}

func TestProfileNames(t *testing.T) {
	names := ProfileNames()
	if len(names) != len(Profiles) || !slices.IsSorted(names) {
		t.Errorf("ProfileNames() = %q, want the %d names sorted", names, len(Profiles))
	}
}

func TestLookupProfile(t *testing.T) {
	p, err := LookupProfile("epson-tm-t88-80")
	if err != nil || p.Name != "epson-tm-t88-80" || p.TextMode {
		t.Errorf("LookupProfile(epson-tm-t88-80) = %+v, %v", p, err)
	}
	p, err = LookupProfile("epson-tm-t88-80+text")
	if err != nil || p.Name != "epson-tm-t88-80+text" || !p.TextMode || p.CodePage != CodePageTCVN3 {
		t.Errorf("LookupProfile(epson-tm-t88-80+text) = %+v, %v", p, err)
	}
	if Profiles["epson-tm-t88-80"].TextMode {
		t.Error("LookupProfile changed the table")
	}
	for _, bad := range []string{"", "epson", "+text", "80mm+text+text"} {
		_, err := LookupProfile(bad)
		if err == nil {
			t.Errorf("LookupProfile(%q) succeeded", bad)
			continue
		}
		if !strings.Contains(err.Error(), "epson-tm-t20-80") || !strings.Contains(err.Error(), "58mm") {
			t.Errorf("error %q does not list the valid names", err)
		}
	}
}
