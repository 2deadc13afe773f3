package report

import "sort"

// Share is a proportion in tenths of a percent: 927 is 92,7%, 1000 is 100,0%.
type Share struct {
	Tenths int // 927 = 92,7%
}

// Shares splits 100,0% between counts in tenths of a percent by the largest
// remainder method, so that the shares add up to exactly 1000 whenever the
// total is positive (a table of shares printed for the provincial committee
// adds up to 100,0%, never 99,9% or 100,1%).
//
// Each count first gets the floor of its exact share (count·1000/total); the
// tenths left over go one each to the counts with the largest remainders.
// Ties between equal remainders go to the larger count, then to the earlier
// position in counts: (1, 1, 1) gives 334, 333, 333. Every share is within
// one tenth of its exact value. All shares are zero when the total is zero;
// negative counts are treated as zero.
func Shares(counts []int) []Share {
	out := make([]Share, len(counts))
	total := 0
	for _, c := range counts {
		if c > 0 {
			total += c
		}
	}
	if total == 0 {
		return out
	}
	type rem struct{ i, r, c int }
	rems := make([]rem, len(counts))
	given := 0
	for i, c := range counts {
		if c < 0 {
			c = 0
		}
		p := int64(c) * 1000
		out[i].Tenths = int(p / int64(total))
		given += out[i].Tenths
		rems[i] = rem{i, int(p % int64(total)), c}
	}
	sort.SliceStable(rems, func(a, b int) bool {
		if rems[a].r != rems[b].r {
			return rems[a].r > rems[b].r
		}
		if rems[a].c != rems[b].c {
			return rems[a].c > rems[b].c
		}
		return rems[a].i < rems[b].i
	})
	for k := 0; given < 1000; k++ {
		out[rems[k].i].Tenths++
		given++
	}
	return out
}

// share is n/d as a Share, rounded half up to the nearest tenth; zero when d
// is zero.
func share(n, d int) Share {
	if d <= 0 {
		return Share{}
	}
	return Share{Tenths: int((int64(n)*2000 + int64(d)) / (2 * int64(d)))}
}
