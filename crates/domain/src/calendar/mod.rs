//! UK working-day calendars: jurisdictions, bank holidays (computed per year, with the
//! one-off changes since 2012), working-day arithmetic and Europe/London local time.
//!
//! Built once ([`Calendar::uk`]) into tables so that deadline arithmetic is a few array
//! lookups: evaluation computes dozens of deadlines per case and must stay in the
//! microseconds.

mod bank_holidays;
mod changes;
mod jurisdiction;
mod london;

pub use bank_holidays::{BankHoliday, bank_holidays};
pub use changes::{CalendarChanges, ChangedDay, MAX_CALENDAR_BYTES};
pub use jurisdiction::Jurisdiction;

use jiff::civil::{Date, DateTime, Weekday};
use jiff::{SignedDuration, Timestamp};
use london::LondonTime;
use std::sync::Arc;

/// First and last years covered by the precomputed tables; outside them arithmetic falls
/// back to computing day by day.
const FIRST_YEAR: i16 = 1990;
const LAST_YEAR: i16 = 2100;

/// Working days and local time for the three UK jurisdictions. Cheap to clone (shared tables).
#[derive(Debug, Clone)]
pub struct Calendar {
    inner: Arc<Tables>,
}

#[derive(Debug)]
struct Tables {
    /// Day number (days since 1970-01-01) of `FIRST_YEAR`-01-01.
    first_day: i32,
    /// Per jurisdiction: for each day in range, the number of working days before it.
    working_before: [Vec<u32>; 3],
    /// Per jurisdiction: the day numbers of every working day in range, ascending.
    working_days: [Vec<i32>; 3],
    /// Per jurisdiction: the day numbers of every bank holiday in range, ascending.
    holidays: [Vec<i32>; 3],
    /// The administrator's changes applied on top of the built-in rules, if any.
    changes: Option<CalendarChanges>,
    london: LondonTime,
}

impl Default for Calendar {
    fn default() -> Self {
        Self::uk()
    }
}

/// Days since 1970-01-01 (proleptic Gregorian), by arithmetic: jiff's span arithmetic is
/// general and comparatively slow, and this runs for every deadline.
fn day_number(d: Date) -> i32 {
    let (y, m, day) = (
        i32::from(d.year()),
        i32::from(d.month()),
        i32::from(d.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`day_number`]).
fn date_of(day: i32) -> Date {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    i16::try_from(y)
        .ok()
        .and_then(|y| Date::new(y, m as i8, d as i8).ok())
        .unwrap_or(Date::constant(1970, 1, 1))
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

impl Calendar {
    /// Builds the tables for England and Wales, Scotland and Northern Ireland.
    pub fn uk() -> Self {
        Self::build(None)
    }

    /// The same, with an administrator's bank-holiday changes applied on top of the
    /// built-in rules (days proclaimed after this release).
    pub fn uk_with(changes: CalendarChanges) -> Self {
        Self::build(Some(changes))
    }

    fn build(changes: Option<CalendarChanges>) -> Self {
        let first = Date::constant(FIRST_YEAR, 1, 1);
        let first_day = day_number(first);
        let last_day = day_number(Date::constant(LAST_YEAR, 12, 31));
        let mut working_before: [Vec<u32>; 3] = Default::default();
        let mut working_days: [Vec<i32>; 3] = Default::default();
        let mut holiday_days: [Vec<i32>; 3] = Default::default();
        for j in Jurisdiction::ALL {
            let idx = j.index();
            let mut holidays = std::collections::HashSet::new();
            for y in FIRST_YEAR..=LAST_YEAR {
                holidays.extend(bank_holidays(j, y).into_iter().map(|h| day_number(h.date)));
            }
            for d in changes.iter().flat_map(|c| &c.days) {
                if d.jurisdictions.contains(&j) {
                    if let Some(r) = d.replaces {
                        holidays.remove(&day_number(r));
                    }
                    holidays.insert(day_number(d.date));
                }
            }
            let mut sorted: Vec<i32> = holidays.iter().copied().collect();
            sorted.sort_unstable();
            holiday_days[idx] = sorted;
            let mut count = 0u32;
            let len = usize::try_from(last_day - first_day + 1).unwrap_or(0);
            let mut before = Vec::with_capacity(len);
            for day in first_day..=last_day {
                before.push(count);
                let d = date_of(day);
                if !is_weekend(d) && !holidays.contains(&day) {
                    count += 1;
                    working_days[idx].push(day);
                }
            }
            working_before[idx] = before;
        }
        Self {
            inner: Arc::new(Tables {
                first_day,
                working_before,
                working_days,
                holidays: holiday_days,
                changes,
                london: LondonTime::new(),
            }),
        }
    }

    fn slot(&self, day: i32) -> Option<usize> {
        let i = usize::try_from(day - self.inner.first_day).ok()?;
        (i < self.inner.working_before[0].len()).then_some(i)
    }

    /// Whether `date` is a bank holiday in the jurisdiction.
    pub fn is_bank_holiday(&self, j: Jurisdiction, date: Date) -> bool {
        let day = day_number(date);
        match self.slot(day) {
            Some(_) => self.inner.holidays[j.index()].binary_search(&day).is_ok(),
            None => bank_holidays(j, date.year()).iter().any(|h| h.date == date),
        }
    }

    /// Every bank holiday of a jurisdiction in a year, with the administrator's changes.
    pub fn bank_holiday_dates(&self, j: Jurisdiction, year: i16) -> Vec<Date> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return bank_holidays(j, year).into_iter().map(|h| h.date).collect();
        }
        let (a, b) = (
            day_number(Date::constant(year, 1, 1)),
            day_number(Date::constant(year, 12, 31)),
        );
        self.inner.holidays[j.index()]
            .iter()
            .filter(|d| (a..=b).contains(*d))
            .map(|d| date_of(*d))
            .collect()
    }

    /// The administrator's changes in use, if any (their version and source).
    pub fn changes(&self) -> Option<&CalendarChanges> {
        self.inner.changes.as_ref()
    }

    /// Whether `date` is a working day (not a weekend, not a bank holiday) in the jurisdiction.
    pub fn is_working_day(&self, j: Jurisdiction, date: Date) -> bool {
        let day = day_number(date);
        match self.slot(day) {
            Some(i) => {
                let before = &self.inner.working_before[j.index()];
                let next = before.get(i + 1).copied().unwrap_or_else(|| {
                    // Last day of the table: compute directly.
                    before[i] + u32::from(!is_weekend(date) && !self.is_bank_holiday(j, date))
                });
                next > before[i]
            }
            None => !is_weekend(date) && !self.is_bank_holiday(j, date),
        }
    }

    /// The `n`-th working day strictly after `from` (`from` itself when `n` is 0).
    pub fn add_working_days(&self, j: Jurisdiction, from: Date, n: u32) -> Date {
        if n == 0 {
            return from;
        }
        let day = day_number(from);
        if let Some(i) = self.slot(day) {
            let before = &self.inner.working_before[j.index()];
            // Working days up to and including `from`.
            let upto = before.get(i + 1).copied();
            if let Some(upto) = upto {
                let target = upto as usize + n as usize - 1;
                if let Some(&d) = self.inner.working_days[j.index()].get(target) {
                    return date_of(d);
                }
            }
        }
        // Outside the tables: count day by day (bounded: n working days need < 3n + 30 days).
        let mut d = from;
        let mut left = n;
        for _ in 0..(3 * u64::from(n) + 30) {
            match d.tomorrow() {
                Ok(next) => d = next,
                Err(_) => return d,
            }
            if self.is_working_day(j, d) {
                left -= 1;
                if left == 0 {
                    return d;
                }
            }
        }
        d
    }

    /// The number of working days `d` with `from < d <= to` (negative when `to < from`).
    pub fn working_days_between(&self, j: Jurisdiction, from: Date, to: Date) -> i64 {
        if to < from {
            return -self.working_days_between(j, to, from);
        }
        let (a, b) = (day_number(from), day_number(to));
        let before = &self.inner.working_before[j.index()];
        if let (Some(ia), Some(ib)) = (self.slot(a), self.slot(b))
            && let (Some(x), Some(y)) = (before.get(ia + 1), before.get(ib + 1))
        {
            return i64::from(*y) - i64::from(*x);
        }
        let mut count = 0;
        let mut d = from;
        while d < to {
            match d.tomorrow() {
                Ok(next) => d = next,
                Err(_) => break,
            }
            if self.is_working_day(j, d) {
                count += 1;
            }
        }
        count
    }

    /// The Europe/London local date of an instant.
    pub fn local_date(&self, t: Timestamp) -> Date {
        self.local_datetime(t).date()
    }

    /// The Europe/London local date and time of an instant.
    pub fn local_datetime(&self, t: Timestamp) -> DateTime {
        self.inner.london.to_local(t)
    }

    /// The instant of a London wall-clock time (a time skipped by the spring clock change
    /// moves forward an hour; an autumn repeat is the first of the two).
    pub fn local_instant(&self, local: DateTime) -> Timestamp {
        self.inner.london.to_instant(local)
    }

    /// The instant local midnight (00:00 Europe/London) begins on `d`.
    pub fn local_midnight(&self, d: Date) -> Timestamp {
        self.inner
            .london
            .to_instant(d.to_datetime(jiff::civil::Time::midnight()))
    }

    /// The local day number (days since 1970-01-01) of an instant, by arithmetic.
    fn local_day(&self, t: Timestamp) -> i64 {
        let s = t.as_second();
        (s + self.inner.london.offset_seconds(s)).div_euclid(86_400)
    }

    /// "Within `n` working days of `start`": the end of the `n`-th working day after the
    /// local date of `start` (local midnight beginning the next day). For `n` = 0, the end of
    /// the start's own day.
    pub fn working_days_deadline(&self, j: Jurisdiction, start: Timestamp, n: u32) -> Timestamp {
        let day = self.local_day(start);
        let last = match i32::try_from(day)
            .ok()
            .and_then(|d| self.slot(d).map(|i| (d, i)))
        {
            // Fast path: table lookups on day numbers.
            Some((_, i)) if n > 0 => {
                let idx = j.index();
                let upto = self.inner.working_before[idx]
                    .get(i + 1)
                    .map(|u| *u as usize);
                upto.and_then(|u| self.inner.working_days[idx].get(u + n as usize - 1))
                    .map(|d| i64::from(*d))
                    .unwrap_or_else(|| {
                        i64::from(day_number(self.add_working_days(j, date_of(day as i32), n)))
                    })
            }
            Some((d, _)) => i64::from(d),
            None => i64::from(day_number(self.add_working_days(
                j,
                self.local_date(start),
                n,
            ))),
        };
        Timestamp::from_second(self.inner.london.midnight_second(last + 1))
            .unwrap_or(Timestamp::MAX)
    }

    /// The same London wall-clock time `days` later (a day across a clock change is 23 or 25
    /// hours; a wall time that does not exist moves forward, as jiff's compatible rule does).
    pub fn add_calendar_days(&self, start: Timestamp, days: u32) -> Timestamp {
        // Fast path: no clock change in between, so the same wall time is exactly
        // `days` × 24 hours later.
        let s = start.as_second();
        let later = s.saturating_add(i64::from(days) * 86_400);
        let london = &self.inner.london;
        if london.offset_seconds(s) == london.offset_seconds(later) {
            return Timestamp::from_second(later)
                .and_then(|t| match start.subsec_nanosecond() {
                    // Whole seconds (the usual case): nothing to add.
                    0 => Ok(t),
                    nanos => t.checked_add(SignedDuration::from_nanos(i64::from(nanos))),
                })
                .unwrap_or(Timestamp::MAX);
        }
        let local = self.local_datetime(start);
        let Ok(offset) = i32::try_from(days) else {
            return Timestamp::MAX;
        };
        let later = date_of(day_number(local.date()).saturating_add(offset));
        london.to_instant(later.to_datetime(local.time()))
    }

    /// `hours` of elapsed time after `start` (saturating at the end of time).
    pub fn add_hours(&self, start: Timestamp, hours: u32) -> Timestamp {
        start
            .checked_add(SignedDuration::from_hours(i64::from(hours)))
            .unwrap_or(Timestamp::MAX)
    }

    /// Whole working days `now` is past `due` (0 when not past): "overdue by 2 working days".
    pub fn working_days_overdue(&self, j: Jurisdiction, due: Timestamp, now: Timestamp) -> i64 {
        if now <= due {
            return 0;
        }
        self.working_days_between(j, self.local_date(due), self.local_date(now))
            .max(0)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn local_time_agrees_with_jiff() {
        let cal = Calendar::uk();
        let tz = jiff::tz::TimeZone::get("Europe/London").unwrap();
        // Every 37 minutes over 2024-2027 (crosses eight clock changes), plus far samples.
        let mut t = Timestamp::from_second(1_704_067_200).unwrap();
        let end = Timestamp::from_second(1_830_297_600).unwrap();
        while t < end {
            assert_eq!(
                cal.local_datetime(t),
                t.to_zoned(tz.clone()).datetime(),
                "{t}"
            );
            t = t.checked_add(SignedDuration::from_mins(37)).unwrap();
        }
        for s in [
            0i64,
            631_152_000,
            2_000_000_000,
            4_000_000_000,
            5_000_000_000,
        ] {
            let t = Timestamp::from_second(s).unwrap();
            assert_eq!(
                cal.local_datetime(t),
                t.to_zoned(tz.clone()).datetime(),
                "{t}"
            );
        }
    }

    #[test]
    fn midnights_and_calendar_days_agree_with_jiff() {
        let cal = Calendar::uk();
        let tz = jiff::tz::TimeZone::get("Europe/London").unwrap();
        let mut d = Date::constant(2024, 1, 1);
        while d < Date::constant(2028, 1, 1) {
            let want = d.to_zoned(tz.clone()).unwrap().timestamp();
            assert_eq!(cal.local_midnight(d), want, "{d}");
            let day = day_number(d);
            assert_eq!(
                cal.inner.london.midnight_second(i64::from(day)),
                want.as_second(),
                "{d}"
            );
            // 7 calendar days from 14:30 local keeps the wall-clock time.
            let start = d.at(14, 30, 0, 0).to_zoned(tz.clone()).unwrap();
            let later = cal.add_calendar_days(start.timestamp(), 7);
            assert_eq!(
                later,
                start
                    .checked_add(jiff::Span::new().days(7))
                    .unwrap()
                    .timestamp(),
                "{d}"
            );
            d = d.tomorrow().unwrap();
        }
    }

    #[test]
    fn day_numbers_round_trip() {
        for day in [-800_000, -1, 0, 1, 10_957, 20_000, 47_482, 100_000] {
            assert_eq!(day_number(date_of(day)), day);
        }
        assert_eq!(day_number(Date::constant(2000, 1, 1)), 10_957);
        assert_eq!(date_of(0), Date::constant(1970, 1, 1));
    }
}
