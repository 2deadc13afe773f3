package printer

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// TestOCRTicket reads the virtual printer's PNG of a ticket with tesseract
// and its Vietnamese data, as a citizen's eye would: the number must come
// out exactly, the lines with diacritics nearly (tesseract makes one or two
// mistakes a ticket on Go-rendered text, so ≥ 80% similarity).
//
// Page segmentation mode 4 ("a single column of text of variable sizes"):
// mode 6 ("a uniform block of text") reads every line but the queue number,
// whose digits are seven times taller than the rest.
func TestOCRTicket(t *testing.T) {
	tesseract := ocrTool(t)
	tk := vpTicket()
	for _, tc := range []struct {
		profile    string
		wantNumber bool // text mode magnifies font A eightfold: blocky digits tesseract misreads
	}{
		{"58mm", true},
		{"80mm", true},
		{"epson-tm-t20-80+text", false},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			pr, err := LookupProfile(tc.profile)
			if err != nil {
				t.Fatal(err)
			}
			data, err := Encode(tk, pr)
			if err != nil {
				t.Fatal(err)
			}
			_, file := vpPreviewFile(t, Job{ID: "ticket/" + tk.Number, Data: data})
			read := ocr(t, tesseract, file)
			t.Logf("tesseract read:\n%s", read)
			lines := strings.Split(read, "\n")

			if tc.wantNumber && !ocrHasToken(lines, tk.Number) {
				t.Errorf("the number %q is not on a line of its own", tk.Number)
			}
			for _, want := range []string{tk.Department, "Số người chờ trước: 12"} {
				best, line := ocrBest(lines, want)
				t.Logf("%q read as %q (%.0f%%)", want, line, 100*best)
				if best < 0.8 {
					t.Errorf("no line reads like %q: best %q, %.0f%% similar, want ≥ 80%%", want, line, 100*best)
				}
			}
		})
	}
}

// ocrTool returns the tesseract command, or skips the test loudly when
// tesseract or its Vietnamese data is missing; in CI (CI=true) it must be
// there.
func ocrTool(t *testing.T) string {
	t.Helper()
	missing := func(why string) {
		msg := "OCR test not run: " + why + " (apt-get install tesseract-ocr tesseract-ocr-vie)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("SKIPPED: " + msg)
	}
	path, err := exec.LookPath("tesseract")
	if err != nil {
		missing("no tesseract on PATH")
		return ""
	}
	out, err := exec.Command(path, "--list-langs").CombinedOutput()
	if err != nil {
		missing("tesseract --list-langs: " + err.Error())
	}
	for _, l := range strings.Fields(string(out)) {
		if l == "vie" {
			return path
		}
	}
	missing("tesseract has no Vietnamese data (vie)")
	return ""
}

// ocr runs tesseract on the image file and returns the text, NFC.
func ocr(t *testing.T, tesseract, file string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tesseract, file, "-", "-l", "vie", "--psm", "4")
	// One thread is 3–4 times faster on two cores than OpenMP's default.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tesseract: %v: %s", err, stderr.String())
	}
	return norm.NFC.String(string(out))
}

func ocrHasToken(lines []string, tok string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) == tok {
			return true
		}
	}
	return false
}

// ocrBest returns the line most similar to want and its similarity.
func ocrBest(lines []string, want string) (float64, string) {
	best, bestLine := 0.0, ""
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if s := ocrSimilarity(l, want); s > best {
			best, bestLine = s, l
		}
	}
	return best, bestLine
}

// ocrSimilarity is 1 − the edit distance between a and b, in runes, over
// the longer length: 1 for equal strings, 0 for nothing in common.
func ocrSimilarity(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	n := max(len(ra), len(rb))
	if n == 0 {
		return 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(rb)])/float64(n)
}

func TestOCRSimilarity(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"", "", 1},
		{"Sở Kế hoạch", "Sở Kế hoạch", 1},
		{"Sở Kế hoạch và Đầu tư", "Sở Kế hoach và Đầu tư", 1 - 1.0/21},
		{"abc", "", 0},
	} {
		if got := ocrSimilarity(tc.a, tc.b); got != tc.want {
			t.Errorf("ocrSimilarity(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
