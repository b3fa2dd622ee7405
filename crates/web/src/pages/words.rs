//! Times and states in words, for people reading a page at 3 a.m.: "due in 3 hours",
//! "overdue by 2 days", "Tue 24 Nov 2026, 07:14" (UK time).

use jiff::Timestamp;
use jiff::tz::TimeZone;
use pledge_domain::evaluate::State;

/// A moment as UK local time, e.g. `Tue 24 Nov 2026, 07:14`.
pub fn when(t: Timestamp) -> String {
    let tz = TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC);
    t.to_zoned(tz).strftime("%a %-d %b %Y, %H:%M").to_string()
}

/// An optional moment, or a dash.
pub fn when_opt(t: Option<Timestamp>) -> String {
    t.map(when).unwrap_or_else(|| "–".to_owned())
}

/// A length of time in the largest sensible unit: `45 minutes`, `3 hours`, `2 days`.
pub fn span(seconds: i64) -> String {
    let s = seconds.abs();
    let (n, unit) = if s < 3600 {
        ((s / 60).max(1), "minute")
    } else if s < 48 * 3600 {
        (s / 3600, "hour")
    } else {
        (s / 86_400, "day")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// When something is due, relative to now: `due in 3 hours`, `overdue by 2 days`.
pub fn due(due_at: Option<Timestamp>, now: Timestamp) -> String {
    match due_at {
        None => "no due time yet".to_owned(),
        Some(d) => {
            let secs = d.as_second() - now.as_second();
            if secs >= 0 {
                format!("due in {}", span(secs))
            } else {
                format!("overdue by {}", span(secs))
            }
        }
    }
}

/// An obligation's state in words and the GOV.UK tag colour that goes with it.
pub fn state(s: State) -> (&'static str, &'static str) {
    match s {
        State::NotYetDue => ("Not yet due", ""),
        State::DueSoon => ("Due soon", "govuk-tag--yellow"),
        State::Overdue => ("Overdue", "govuk-tag--red"),
        State::MetOnTime => ("Done on time", "govuk-tag--green"),
        State::MetLate => ("Done late", "govuk-tag--orange"),
        State::NotApplicable => ("Does not apply", "govuk-tag--grey"),
        State::Waived => ("Waived", "govuk-tag--grey"),
    }
}

/// A snake_case name as words: `senior_leader` → `senior leader`.
pub fn words(name: &str) -> String {
    name.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_in_words() -> Result<(), jiff::Error> {
        let now: Timestamp = "2026-11-24T07:00:00Z".parse()?;
        let at = |s: &str| s.parse::<Timestamp>().ok();
        assert_eq!(due(at("2026-11-24T10:00:00Z"), now), "due in 3 hours");
        assert_eq!(due(at("2026-11-22T07:00:00Z"), now), "overdue by 2 days");
        assert_eq!(due(at("2026-11-24T07:30:00Z"), now), "due in 30 minutes");
        assert_eq!(due(at("2026-11-24T08:00:00Z"), now), "due in 1 hour");
        assert_eq!(due(None, now), "no due time yet");
        assert_eq!(when(now), "Tue 24 Nov 2026, 07:00");
        Ok(())
    }
}
