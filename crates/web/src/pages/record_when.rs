//! When the assault happened, as a person types it: the GOV.UK date input (day, month, year)
//! and a time in the 24-hour or 12-hour clock ("01:20", "0120", "1.20am"), both in UK time.
//! Native pickers are not used: their format depends on the phone. Errors follow the GOV.UK
//! Design System's wording for dates and times.

use jiff::Timestamp;
use jiff::civil::{Date, Time};

/// The UK's time zone, in which people give dates and times.
pub const UK: &str = "Europe/London";

/// Today's date in the UK at `now`.
pub fn today(now: Timestamp) -> Option<Date> {
    now.in_tz(UK).ok().map(|z| z.date())
}

/// The date from the three boxes, or what is wrong in plain English.
pub fn date(day: &str, month: &str, year: &str, today: Option<Date>) -> Result<Date, String> {
    let parts = [("day", day), ("month", month), ("year", year)];
    let missing: Vec<&str> = parts
        .iter()
        .filter(|(_, v)| v.trim().is_empty())
        .map(|(n, _)| *n)
        .collect();
    if missing.len() == 3 {
        return Err("Enter the date of the assault".into());
    }
    if !missing.is_empty() {
        return Err(format!(
            "The date of the assault must include a {}",
            missing.join(" and a ")
        ));
    }
    let number = |s: &str| s.trim().parse::<i16>().ok();
    let (Some(d), Some(m), Some(y)) = (number(day), number(month), number(year)) else {
        return Err("The date of the assault must be a real date".into());
    };
    if !(1000..=9999).contains(&y) {
        return Err("The year of the assault must include 4 numbers".into());
    }
    let (Ok(m), Ok(d)) = (i8::try_from(m), i8::try_from(d)) else {
        return Err("The date of the assault must be a real date".into());
    };
    let date = Date::new(y, m, d).map_err(|_| "The date of the assault must be a real date")?;
    if today.is_some_and(|t| date > t) {
        return Err("The date of the assault must be today or in the past".into());
    }
    Ok(date)
}

/// The time as typed, or what is wrong in plain English.
pub fn time(typed: &str) -> Result<Time, String> {
    let t = typed.trim().to_lowercase().replace(' ', "");
    if t.is_empty() {
        return Err("Enter the time of the assault".into());
    }
    let wrong = || "Enter the time of the assault like 01:20, 0120 or 1:20am".to_owned();
    let (clock, half) = if let Some(c) = t.strip_suffix("am") {
        (c, Some(false))
    } else if let Some(c) = t.strip_suffix("pm") {
        (c, Some(true))
    } else {
        (t.as_str(), None)
    };
    let (h, m) = match clock.split_once([':', '.']) {
        Some((h, m)) => (h, m),
        None if clock.len() == 4 => clock.split_at(2),
        None if clock.len() <= 2 && half.is_some() => (clock, "00"),
        None => return Err(wrong()),
    };
    let (Ok(mut h), Ok(m)) = (h.parse::<i8>(), m.parse::<i8>()) else {
        return Err(wrong());
    };
    if m.to_string().len() > 2 || !(0..60).contains(&m) {
        return Err("The time of the assault must be a real time".into());
    }
    match half {
        Some(pm) if (1..=12).contains(&h) => h = h % 12 + if pm { 12 } else { 0 },
        Some(_) => return Err("The time of the assault must be a real time".into()),
        None if !(0..24).contains(&h) => {
            return Err("The time of the assault must be a real time".into());
        }
        None => {}
    }
    Time::new(h, m, 0, 0).map_err(|_| "The time of the assault must be a real time".into())
}

/// The moment, in the UK's time zone (a time that a clock change skips or repeats is read as
/// the clock showed it first).
pub fn moment(date: Date, time: Time) -> Result<Timestamp, String> {
    date.to_datetime(time)
        .in_tz(UK)
        .map(|z| z.timestamp())
        .map_err(|_| "The date of the assault must be a real date".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_from_three_boxes_and_refused_in_plain_english() {
        let today = Date::new(2026, 3, 10).ok();
        assert_eq!(
            date("9", "3", "2026", today),
            Ok(Date::constant(2026, 3, 9))
        );
        assert_eq!(
            date("", "", "", today),
            Err("Enter the date of the assault".into())
        );
        assert_eq!(
            date("9", "", "", today),
            Err("The date of the assault must include a month and a year".into())
        );
        assert_eq!(
            date("30", "2", "2026", today),
            Err("The date of the assault must be a real date".into())
        );
        assert_eq!(
            date("11", "3", "2026", today),
            Err("The date of the assault must be today or in the past".into())
        );
        assert_eq!(
            date("1", "3", "26", today),
            Err("The year of the assault must include 4 numbers".into())
        );
    }

    #[test]
    fn times_in_the_ways_people_write_them() {
        let t = |h, m| Ok(Time::constant(h, m, 0, 0));
        assert_eq!(time("01:20"), t(1, 20));
        assert_eq!(time("0120"), t(1, 20));
        assert_eq!(time("1.20am"), t(1, 20));
        assert_eq!(time("12:05 am"), t(0, 5));
        assert_eq!(time("12pm"), t(12, 0));
        assert_eq!(time("9:45pm"), t(21, 45));
        assert_eq!(time(""), Err("Enter the time of the assault".into()));
        assert!(time("25:00").is_err());
        assert!(time("13pm").is_err());
        assert!(time("noon").is_err());
        assert!(time("12:60").is_err());
    }
}
