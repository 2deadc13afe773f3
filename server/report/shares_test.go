package report

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestShares(t *testing.T) {
	tests := []struct {
		name   string
		counts []int
		want   []int
	}{
		// ties of remainder go to the larger count, then to the first
		{"thirds", []int{1, 1, 1}, []int{334, 333, 333}},
		{"two to one", []int{2, 1}, []int{667, 333}},
		{"one to two", []int{1, 2}, []int{333, 667}},
		{"seven levels of one", []int{1, 1, 1, 1, 1, 1, 1}, []int{143, 143, 143, 143, 143, 143, 142}},
		{"nothing", []int{0, 0, 0}, []int{0, 0, 0}},
		{"999 and 1", []int{999, 1}, []int{999, 1}},
		{"one in 2001", []int{2000, 1}, []int{1000, 0}},
		{"larger count wins the tie", []int{1, 3, 1, 3}, []int{125, 375, 125, 375}},
		{"sixths", []int{1, 2, 3}, []int{167, 333, 500}},
		{"3 2 1", []int{3, 2, 1}, []int{500, 333, 167}},
		{"one level", []int{5}, []int{1000}},
		{"empty", nil, []int{}},
		{"negative as zero", []int{-4, 1, 1}, []int{0, 500, 500}},
		{"700 86,2%", []int{700, 100, 12}, []int{862, 123, 15}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tenths(Shares(tt.counts))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Shares(%v) = %v, want %v", tt.counts, got, tt.want)
			}
		})
	}
}

func tenths(ss []Share) []int {
	out := make([]int, len(ss))
	for i, s := range ss {
		out[i] = s.Tenths
	}
	return out
}

// TestSharesProperty: over random counts, the shares add up to exactly
// 1000 and each is within one tenth of its exact value (strictly less
// than one tenth away).
func TestSharesProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for range 20000 {
		n := 1 + r.IntN(8)
		counts := make([]int, n)
		total := 0
		for i := range counts {
			switch r.IntN(4) {
			case 0: // zero
			case 1:
				counts[i] = r.IntN(5)
			case 2:
				counts[i] = r.IntN(1000)
			default:
				counts[i] = r.IntN(1_000_000)
			}
			total += counts[i]
		}
		got := Shares(counts)
		sum := 0
		for i, s := range got {
			sum += s.Tenths
			if total == 0 {
				if s.Tenths != 0 {
					t.Fatalf("Shares(%v)[%d] = %d, want 0", counts, i, s.Tenths)
				}
				continue
			}
			// |tenths − 1000·c/total| < 1 ⇔ |tenths·total − 1000·c| < total
			d := int64(s.Tenths)*int64(total) - 1000*int64(counts[i])
			if d < 0 {
				d = -d
			}
			if d >= int64(total) {
				t.Fatalf("Shares(%v)[%d] = %d, exact %.3f", counts, i, s.Tenths, 1000*float64(counts[i])/float64(total))
			}
		}
		if total > 0 && sum != 1000 {
			t.Fatalf("Shares(%v) = %v adds up to %d", counts, tenths(got), sum)
		}
	}
}
