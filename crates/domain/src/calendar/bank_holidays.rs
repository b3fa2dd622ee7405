//! Bank holidays per jurisdiction, computed from the rules (including Easter and substitute
//! days) plus the one-off changes: moved holidays and extra days for national events.

use super::Jurisdiction;
use jiff::civil::{Date, Weekday};

/// A bank holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BankHoliday {
    /// The day.
    pub date: Date,
    /// Its name.
    pub name: &'static str,
}

/// Easter Sunday (anonymous Gregorian algorithm).
pub(super) fn easter(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // month is 3 or 4 and day 1..=31 by construction.
    Date::new(year, month as i8, day as i8).unwrap_or(Date::constant(2000, 4, 23))
}

fn date(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).unwrap_or(Date::constant(2000, 1, 1))
}

fn add_days(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(d)
}

/// The first `weekday` of a month.
fn first(y: i16, m: i8, weekday: Weekday) -> Date {
    let d = date(y, m, 1);
    let ahead =
        (weekday.to_monday_zero_offset() - d.weekday().to_monday_zero_offset()).rem_euclid(7);
    add_days(d, i64::from(ahead))
}

/// The last `weekday` of a month.
fn last(y: i16, m: i8, weekday: Weekday) -> Date {
    let d = date(y, m, 1).last_of_month();
    let back =
        (d.weekday().to_monday_zero_offset() - weekday.to_monday_zero_offset()).rem_euclid(7);
    add_days(d, -i64::from(back))
}

/// A single fixed holiday moved to the next Monday when it falls at a weekend.
fn next_monday_if_weekend(d: Date) -> Date {
    match d.weekday() {
        Weekday::Saturday => add_days(d, 2),
        Weekday::Sunday => add_days(d, 1),
        _ => d,
    }
}

/// Two consecutive fixed holidays (Christmas and Boxing Day; 1 and 2 January in Scotland):
/// any that falls at a weekend is replaced by the next weekday not already a holiday.
fn pair(first_day: Date) -> (Date, Date) {
    let second = add_days(first_day, 1);
    match first_day.weekday() {
        // Fri, Sat: second day moves to Monday.
        Weekday::Friday => (first_day, add_days(first_day, 3)),
        // Sat, Sun: both move to Mon and Tue.
        Weekday::Saturday => (add_days(first_day, 2), add_days(first_day, 3)),
        // Sun, Mon: the second keeps Monday, the first moves to Tuesday.
        Weekday::Sunday => (add_days(first_day, 2), second),
        _ => (first_day, second),
    }
}

/// A date as (year, month, day).
type Ymd = (i16, i8, i8);

/// Moves and one-off holidays since 1990 in one jurisdiction only: (where; the usual date
/// it replaces, if any; the day; its name).
const LOCAL_ONE_OFFS: &[(Jurisdiction, Option<Ymd>, Ymd, &str)] = &[(
    // Proclaimed by the Scottish Government after Scotland qualified for the 2026 FIFA
    // World Cup: Monday 15 June 2026, Scotland only.
    Jurisdiction::Scotland,
    None,
    (2026, 6, 15),
    "Bank holiday for Scotland's participation in the FIFA World Cup",
)];

/// Moves and one-off holidays since 1990, the same in all three jurisdictions:
/// (the usual date it replaces, if any; the day; its name).
const ONE_OFFS: &[(Option<Ymd>, Ymd, &str)] = &[
    (
        Some((1995, 5, 1)),
        (1995, 5, 8),
        "Early May bank holiday (VE Day)",
    ),
    (None, (1999, 12, 31), "Millennium Day"),
    (Some((2002, 5, 27)), (2002, 6, 4), "Spring bank holiday"),
    (None, (2002, 6, 3), "Golden Jubilee bank holiday"),
    (
        None,
        (2011, 4, 29),
        "Wedding of Prince William and Catherine Middleton",
    ),
    (Some((2012, 5, 28)), (2012, 6, 4), "Spring bank holiday"),
    (None, (2012, 6, 5), "Queen's Diamond Jubilee"),
    (
        Some((2020, 5, 4)),
        (2020, 5, 8),
        "Early May bank holiday (VE Day)",
    ),
    (Some((2022, 5, 30)), (2022, 6, 2), "Spring bank holiday"),
    (None, (2022, 6, 3), "Platinum Jubilee bank holiday"),
    (
        None,
        (2022, 9, 19),
        "Bank Holiday for the State Funeral of Queen Elizabeth II",
    ),
    (
        None,
        (2023, 5, 8),
        "Bank holiday for the coronation of King Charles III",
    ),
];

/// The bank holidays of a jurisdiction in a year, sorted by date.
pub fn bank_holidays(j: Jurisdiction, year: i16) -> Vec<BankHoliday> {
    let mut out = Vec::with_capacity(12);
    let mut add = |d: Date, name: &'static str| out.push(BankHoliday { date: d, name });
    let easter = easter(year);
    match j {
        Jurisdiction::Scotland => {
            let (a, b) = pair(date(year, 1, 1));
            add(a, "New Year's Day");
            add(b, "2nd January");
        }
        _ => add(next_monday_if_weekend(date(year, 1, 1)), "New Year's Day"),
    }
    if j == Jurisdiction::NorthernIreland {
        add(
            next_monday_if_weekend(date(year, 3, 17)),
            "St Patrick's Day",
        );
    }
    add(add_days(easter, -2), "Good Friday");
    if j != Jurisdiction::Scotland {
        add(add_days(easter, 1), "Easter Monday");
    }
    add(first(year, 5, Weekday::Monday), "Early May bank holiday");
    add(last(year, 5, Weekday::Monday), "Spring bank holiday");
    if j == Jurisdiction::NorthernIreland {
        add(
            next_monday_if_weekend(date(year, 7, 12)),
            "Battle of the Boyne (Orangemen's Day)",
        );
    }
    if j == Jurisdiction::Scotland {
        add(first(year, 8, Weekday::Monday), "Summer bank holiday");
        add(
            next_monday_if_weekend(date(year, 11, 30)),
            "St Andrew's Day",
        );
    } else {
        add(last(year, 8, Weekday::Monday), "Summer bank holiday");
    }
    let (christmas, boxing) = pair(date(year, 12, 25));
    add(christmas, "Christmas Day");
    add(boxing, "Boxing Day");

    let local = LOCAL_ONE_OFFS
        .iter()
        .filter(|(where_, ..)| *where_ == j)
        .map(|(_, moved, day, name)| (moved, day, name));
    for (moved, day, name) in ONE_OFFS.iter().map(|(m, d, n)| (m, d, n)).chain(local) {
        if day.0 != year {
            continue;
        }
        if let Some((y, m, d)) = moved {
            let from = date(*y, *m, *d);
            out.retain(|h| h.date != from);
        }
        out.push(BankHoliday {
            date: date(day.0, day.1, day.2),
            name,
        });
    }
    out.sort_by_key(|h| h.date);
    out.dedup_by_key(|h| h.date);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easter_dates() {
        assert_eq!(easter(2024), date(2024, 3, 31));
        assert_eq!(easter(2025), date(2025, 4, 20));
        assert_eq!(easter(2026), date(2026, 4, 5));
        assert_eq!(easter(2038), date(2038, 4, 25));
        assert_eq!(easter(2008), date(2008, 3, 23));
    }
}
