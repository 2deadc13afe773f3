// Package workday is the working-day calendar (lịch làm việc) dossier
// appointments are computed on. It is pure: no I/O and no clock, times are
// passed in, and dates are civil dates in Asia/Ho_Chi_Minh (clock.Local).
//
// # Working days
//
// Monday to Friday are working days; Saturday (Thứ Bảy) and Sunday (Chủ
// nhật) are not. The public holidays of Labour Code 2019 Art. 112 are
// computed for any year:
//
//   - Tết Dương lịch: 1 January;
//   - Tết Nguyên Đán: five days, by default the last day of the lunar year
//     (29 or 30 Tết) and Mùng 1 to Mùng 4;
//   - Giỗ Tổ Hùng Vương: 10th day of the 3rd lunar month (the ordinary
//     month, not a leap 3rd month);
//   - Ngày Chiến thắng: 30 April;
//   - Ngày Quốc tế Lao động: 1 May;
//   - Quốc khánh: 2 September and "one adjacent day before or after" (một
//     ngày liền kề trước hoặc sau). Our default is the day after, 3
//     September; the Government names the day each year, and an override
//     moves it (1 September off, 3 September working).
//
// A holiday on a Saturday or Sunday gives a compensatory day off (nghỉ bù,
// Art. 112(3)) on the next working day: each holiday day on a weekend gives
// one, so Tết with a Saturday and a Sunday inside gives two, taken in order
// on the first weekdays after it that are neither holidays nor already
// compensatory days. Two holidays on one date (Giỗ Tổ can fall on 30 April
// or 1 May) give one day off and no compensation: the law compensates only
// holidays on the weekly rest day.
//
// Every year the Government fixes the exact Tết days and swaps days (a
// weekday off, a Saturday worked). Those decisions are Overrides: an extra
// day off or a weekend working day, each with its reason. Overrides win over
// everything, including the computed holidays and compensatory days, which
// are computed without looking at them.
//
// # Lunar calendar
//
// Tết and Giỗ Tổ follow the Vietnamese lunar calendar (âm lịch), computed
// with the astronomical method Hồ Ngọc Đức published (true new moons and the
// sun's longitude, after Meeus) at UTC+7. That zone is why Vietnam and China
// sometimes celebrate Tết on different days: 21 January vs 20 February 1985,
// 17 vs 18 February 2007, 2 vs 3 February 2030. See SolarToLunar and
// LunarToSolar.
//
// # Periods
//
// Appointment computes the due date of a processing time, per Civil Code
// Art. 147–148 and the one-stop rules:
//
//   - in working days (ngày làm việc): the day of receipt is not counted; a
//     dossier received after the cut-off (15:00 by default) or on a day off
//     counts as received on the next working day; the result is due on the
//     n-th working day after that, at the receipt's clock time clamped into
//     office hours (a lunch-break time becomes the end of the morning, a time
//     after hours or before opening the end of the afternoon; a 0-day period
//     received in the lunch break is due when the afternoon opens, never
//     before the receipt);
//   - in working hours (giờ làm việc): counted from the receipt moment within
//     the morning and afternoon sessions of working days; the cut-off does not
//     apply. The default sessions, 07:30–11:30 and 13:30–17:00, make a 7½-hour
//     day; a province with an 8-hour day sets its Hours.
//
// A supplemented dossier restarts its period from zero: call Appointment again
// with the time the complete dossier arrived.
package workday
