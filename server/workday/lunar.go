package workday

import (
	"math"
	"time"
)

// The Vietnamese lunisolar calendar (âm lịch), computed the way Hồ Ngọc Đức
// describes it and most Vietnamese calendars follow:
//
//   - a lunar month starts on the local day (UTC+7) that holds the
//     astronomical new moon;
//   - month 11 is the month that holds the winter solstice;
//   - a year from one month 11 to the next with 13 months has a leap month:
//     the first month after month 11 during which the sun enters no new
//     30° sector of longitude (no "trung khí"); it repeats the number of the
//     month before it.
//
// Times of new moons and the sun's longitude use the low-precision series of
// Jean Meeus, "Astronomical Algorithms"; that is what the published tables
// use, so a more precise ephemeris would disagree with them on the rare days
// a new moon falls within minutes of local midnight.
//
// The time zone is what makes the Vietnamese calendar differ from the Chinese
// one (UTC+8): Tết 1985 falls on 21 January in Vietnam and 20 February in
// China, Tết 2007 on 17 February in Vietnam and 18 February in China. Vietnam
// has used UTC+7 for its calendar since 1968; dates before that are computed
// at UTC+7 too, which is not what was printed in the North at the time.

// zoneHours is the offset from UTC, in hours, the calendar is computed at.
const zoneHours = 7.0

const (
	// synodicMonth is the mean time from one new moon to the next, in days.
	synodicMonth = 29.530588853
	// firstNewMoon1900 is the Julian date (UT) of the new moon of
	// 1 January 1900, 13:51 UT, from which new moons are numbered.
	firstNewMoon1900 = 2415021.076998695
	// unixJDN is the Julian day number of 1 January 1970.
	unixJDN = 2440588
)

// julianDay is the Julian day number of a (proleptic Gregorian) date: the
// count of days since 1 January 4713 BC, the day starting at noon UT.
func julianDay(y int, m time.Month, d int) int {
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	return int(floorDiv(u, 86400)) + unixJDN
}

// civil is the Gregorian date of a Julian day number.
func civil(jdn int) (int, time.Month, int) {
	return time.Unix(int64(jdn-unixJDN)*86400, 0).UTC().Date()
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func ifloor(x float64) int { return int(math.Floor(x)) }

// newMoon is the Julian date (UT, fractional) of the k-th new moon after the
// one of 1 January 1900 (k may be negative). Meeus's series for the true new
// moon, with his polynomial for ΔT.
func newMoon(k int) float64 {
	const rad = math.Pi / 180
	kf := float64(k)
	t := kf / 1236.85 // Julian centuries since 1900 January 0.5
	t2 := t * t
	t3 := t2 * t

	mean := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3
	mean += 0.00033 * math.Sin((166.56+132.87*t-0.009173*t2)*rad)

	sunAnom := (359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3) * rad
	moonAnom := (306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3) * rad
	lat := (21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3) * rad

	c := (0.1734-0.000393*t)*math.Sin(sunAnom) + 0.0021*math.Sin(2*sunAnom)
	c += -0.4068*math.Sin(moonAnom) + 0.0161*math.Sin(2*moonAnom)
	c += -0.0004 * math.Sin(3*moonAnom)
	c += 0.0104*math.Sin(2*lat) - 0.0051*math.Sin(sunAnom+moonAnom)
	c += -0.0074*math.Sin(sunAnom-moonAnom) + 0.0004*math.Sin(2*lat+sunAnom)
	c += -0.0004*math.Sin(2*lat-sunAnom) - 0.0006*math.Sin(2*lat+moonAnom)
	c += 0.0010*math.Sin(2*lat-moonAnom) + 0.0005*math.Sin(2*moonAnom+sunAnom)

	var deltaT float64
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return mean + c - deltaT
}

// sunLongitude is the sun's apparent longitude, in radians in [0, 2π), at
// Julian date jd (UT, fractional).
func sunLongitude(jd float64) float64 {
	const rad = math.Pi / 180
	t := (jd - 2451545.0) / 36525 // Julian centuries since J2000.0
	t2 := t * t
	anom := 357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2
	mean := 280.46645 + 36000.76983*t + 0.0003032*t2
	center := (1.914600-0.004817*t-0.000014*t2)*math.Sin(anom*rad) +
		(0.019993-0.000101*t)*math.Sin(2*anom*rad) +
		0.000290*math.Sin(3*anom*rad)
	l := (mean + center) * rad
	return l - 2*math.Pi*math.Floor(l/(2*math.Pi))
}

// newMoonDay is the Julian day number of the local day holding the k-th new
// moon: the first day of a lunar month. A Julian date's day starts at noon,
// hence the half day.
func newMoonDay(k int) int {
	return ifloor(newMoon(k) + 0.5 + zoneHours/24)
}

// sector is which 30° sector of longitude (0–11, 0 at the March equinox,
// 9 from the winter solstice) the sun is in at the local midnight that
// starts day jdn.
func sector(jdn int) int {
	return ifloor(sunLongitude(float64(jdn)-0.5-zoneHours/24) / math.Pi * 6)
}

// lunation is the number k of the new moon starting the month that holds day
// jdn.
func lunation(jdn int) int {
	k := ifloor((float64(jdn) - firstNewMoon1900) / synodicMonth)
	for newMoonDay(k+1) <= jdn {
		k++
	}
	for newMoonDay(k) > jdn {
		k--
	}
	return k
}

// month11 is the first day (Julian day number) of lunar month 11 of Gregorian
// year y: the month holding the winter solstice of December y.
func month11(y int) int {
	k := ifloor(float64(julianDay(y, time.December, 31)-2415021) / synodicMonth)
	nm := newMoonDay(k)
	if sector(nm) >= 9 { // the solstice came before this month began
		nm = newMoonDay(k - 1)
	}
	return nm
}

// leapOffset is, for the 13-month span starting at month 11 on day a11, how
// many months after month 11 the leap month comes: the first month at whose
// start and end the sun is in the same sector.
func leapOffset(a11 int) int {
	k := ifloor((float64(a11)-firstNewMoon1900)/synodicMonth + 0.5)
	i := 1
	cur := sector(newMoonDay(k + i))
	for {
		prev := cur
		i++
		cur = sector(newMoonDay(k + i))
		if cur == prev || i >= 14 {
			break
		}
	}
	return i - 1
}

// SolarToLunar converts a Gregorian date to the Vietnamese lunar calendar:
// the lunar day (1–30), month (1–12), year (the year Tết opens, so lunar
// 12/2025 falls partly in January 2026), and whether the month is the leap
// month (tháng nhuận).
func SolarToLunar(y int, m time.Month, d int) (lunarDay, lunarMonth, lunarYear int, leap bool) {
	jdn := julianDay(y, m, d)
	y, _, _ = civil(jdn) // normalise an out-of-range date like 2026-02-30
	start := newMoonDay(lunation(jdn))

	a11 := month11(y)
	b11 := a11
	if a11 >= start {
		lunarYear = y
		a11 = month11(y - 1)
	} else {
		lunarYear = y + 1
		b11 = month11(y + 1)
	}
	lunarDay = jdn - start + 1
	diff := (start - a11) / 29 // whole months since month 11
	lunarMonth = diff + 11
	if b11-a11 > 365 { // 13 months: a leap year
		lo := leapOffset(a11)
		if diff >= lo {
			lunarMonth = diff + 10
			leap = diff == lo
		}
	}
	if lunarMonth > 12 {
		lunarMonth -= 12
	}
	if lunarMonth >= 11 && diff < 4 {
		lunarYear--
	}
	return lunarDay, lunarMonth, lunarYear, leap
}

// LunarToSolar converts a Vietnamese lunar date to the Gregorian calendar.
// ok is false when the date does not exist: a day 30 in a 29-day month, a
// leap month that year does not have, a month outside 1–12 or a day outside
// 1–30.
func LunarToSolar(lunarDay, lunarMonth, lunarYear int, leap bool) (y int, m time.Month, d int, ok bool) {
	if lunarMonth < 1 || lunarMonth > 12 || lunarDay < 1 || lunarDay > 30 {
		return 0, 0, 0, false
	}
	var a11, b11 int
	if lunarMonth < 11 {
		a11, b11 = month11(lunarYear-1), month11(lunarYear)
	} else {
		a11, b11 = month11(lunarYear), month11(lunarYear+1)
	}
	off := lunarMonth - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		lo := leapOffset(a11)
		leapMonth := (lo + 10) % 12 // the month number it repeats
		if leapMonth == 0 {
			leapMonth = 12
		}
		if leap && lunarMonth != leapMonth {
			return 0, 0, 0, false
		}
		if leap || off >= lo {
			off++
		}
	} else if leap {
		return 0, 0, 0, false
	}
	k := ifloor(0.5 + (float64(a11)-firstNewMoon1900)/synodicMonth)
	start := newMoonDay(k + off)
	if lunarDay > newMoonDay(k+off+1)-start {
		return 0, 0, 0, false
	}
	y, m, d = civil(start + lunarDay - 1)
	return y, m, d, true
}
