//! A meeting that recurs: "every Tuesday at 10:00", from a date, perhaps until one, with
//! exceptions. Expanded into the meeting dates that "next meeting of ..." deadlines read.

use crate::calendar::Calendar;
use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};

/// At most this many meetings are expanded from one schedule (ten years of weekly meetings).
pub const MAX_OCCURRENCES: usize = 520;

/// A weekly meeting schedule in London local time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklySchedule {
    /// The day of the week.
    pub weekday: Weekday,
    /// The local time.
    pub time: Time,
    /// The first date it may fall on.
    pub from: Date,
    /// The last date it may fall on, if it ends.
    pub until: Option<Date>,
    /// Dates it does not meet (a bank holiday, a cancelled meeting).
    pub except: Vec<Date>,
}

fn weekday(word: &str) -> Option<Weekday> {
    let w = word.trim_end_matches('s').to_ascii_lowercase();
    Some(match w.as_str() {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

impl WeeklySchedule {
    /// Parses "every Tuesday at 10:00 from 2026-01-06 [until 2026-12-31] [except
    /// 2026-12-29, 2027-01-05]"; the error says which part is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let expect = "expected e.g. \"every Tuesday at 10:00 from 2026-01-06 until 2026-12-31 except 2026-12-29\"";
        let t = text.trim();
        let rest = t
            .strip_prefix("every ")
            .ok_or_else(|| format!("a schedule starts with \"every\"; {expect}"))?;
        let (day, rest) = rest
            .split_once(" at ")
            .ok_or_else(|| format!("say the time with \"at\"; {expect}"))?;
        let weekday = weekday(day.trim())
            .ok_or_else(|| format!("\"{}\" is not a day of the week", day.trim()))?;
        let (time, rest) = rest
            .split_once(" from ")
            .ok_or_else(|| format!("say the first date with \"from\"; {expect}"))?;
        let time: Time = time
            .trim()
            .parse()
            .map_err(|_| format!("\"{}\" is not a time like 10:00", time.trim()))?;
        let (dates, except) = match rest.split_once(" except ") {
            Some((d, e)) => (d, Some(e)),
            None => (rest, None),
        };
        let (from, until) = match dates.split_once(" until ") {
            Some((f, u)) => (f, Some(u)),
            None => (dates, None),
        };
        let date = |s: &str, what: &str| -> Result<Date, String> {
            s.trim()
                .parse()
                .map_err(|_| format!("the {what} \"{}\" is not a date like 2026-01-06", s.trim()))
        };
        let from = date(from, "first date")?;
        let until = until.map(|u| date(u, "last date")).transpose()?;
        if until.is_some_and(|u| u < from) {
            return Err("the last date is before the first".into());
        }
        let except = except
            .map(|e| {
                e.split(',')
                    .map(|d| date(d, "exception"))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        Ok(Self {
            weekday,
            time,
            from,
            until,
            except,
        })
    }

    /// The schedule in the words [`WeeklySchedule::parse`] reads, exceptions in date order
    /// ("every Tuesday at 10:00 from 2026-01-06 until 2026-12-31 except 2026-12-29").
    pub fn text(&self) -> String {
        let day = match self.weekday {
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
            Weekday::Saturday => "Saturday",
            Weekday::Sunday => "Sunday",
        };
        let mut out = format!(
            "every {day} at {} from {}",
            self.time.strftime("%H:%M"),
            self.from
        );
        if let Some(u) = self.until {
            out.push_str(&format!(" until {u}"));
        }
        if !self.except.is_empty() {
            let mut except = self.except.clone();
            except.sort();
            except.dedup();
            let dates: Vec<String> = except.iter().map(ToString::to_string).collect();
            out.push_str(&format!(" except {}", dates.join(", ")));
        }
        out
    }

    /// The meetings it gives, in order, at most [`MAX_OCCURRENCES`].
    pub fn occurrences(&self, calendar: &Calendar) -> Vec<Timestamp> {
        let ahead = (self.weekday.to_monday_zero_offset()
            - self.from.weekday().to_monday_zero_offset())
        .rem_euclid(7);
        let mut day = self.from.checked_add(jiff::Span::new().days(ahead)).ok();
        let mut out = Vec::new();
        while let Some(d) = day {
            if out.len() >= MAX_OCCURRENCES || self.until.is_some_and(|u| d > u) {
                break;
            }
            if !self.except.contains(&d) {
                out.push(calendar.local_instant(d.to_datetime(self.time)));
            }
            day = d.checked_add(jiff::Span::new().days(7)).ok();
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::evaluate::Meetings;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn every_tuesday_at_ten_with_exceptions_across_the_clock_change() {
        let cal = Calendar::uk();
        let s = WeeklySchedule::parse(
            "every Tuesday at 10:00 from 2026-10-19 until 2026-11-10 except 2026-11-03",
        )
        .unwrap();
        // 20 and 27 October (BST, then GMT after the 25th), not 3 November, 10 November.
        assert_eq!(
            s.occurrences(&cal),
            vec![
                ts("2026-10-20T09:00:00Z"),
                ts("2026-10-27T10:00:00Z"),
                ts("2026-11-10T10:00:00Z"),
            ]
        );
        assert_eq!(
            WeeklySchedule::parse(&s.text()).unwrap(),
            s,
            "the text reads back"
        );
        assert_eq!(
            s.text(),
            "every Tuesday at 10:00 from 2026-10-19 until 2026-11-10 except 2026-11-03"
        );
        let mut m = Meetings::default();
        m.add("trm", s.occurrences(&cal));
        assert_eq!(
            m.next_after("trm", ts("2026-10-28T00:00:00Z")),
            Some(ts("2026-11-10T10:00:00Z"))
        );
    }

    #[test]
    fn an_open_ended_schedule_is_bounded_and_bad_text_is_named() {
        let cal = Calendar::uk();
        let s = WeeklySchedule::parse("every monday at 09:30 from 2026-01-05").unwrap();
        assert_eq!(s.occurrences(&cal).len(), MAX_OCCURRENCES);
        for (text, says) in [
            ("Tuesdays at 10:00 from 2026-01-06", "every"),
            ("every Funday at 10:00 from 2026-01-06", "Funday"),
            ("every Tuesday at ten from 2026-01-06", "ten"),
            ("every Tuesday at 10:00 from soon", "first date"),
            (
                "every Tuesday at 10:00 from 2026-02-01 until 2026-01-01",
                "before",
            ),
            (
                "every Tuesday at 10:00 from 2026-01-06 except 2026-13-01",
                "exception",
            ),
        ] {
            let e = WeeklySchedule::parse(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }
}
