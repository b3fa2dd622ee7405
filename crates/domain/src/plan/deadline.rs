//! Deadlines in the plan's own words: "24 hours", "5 working days", "as soon as
//! practicable, 24 hours", "next meeting of trm", "before file_submitted".

use crate::event::EventType;
use serde::Serialize;
use std::fmt;

/// How long an obligation has once its clock starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub enum Deadline {
    /// Elapsed hours.
    Hours(u32),
    /// Calendar days, same local wall-clock time.
    CalendarDays(u32),
    /// Working days in the case's jurisdiction, to the end of the last one.
    WorkingDays(u32),
    /// As soon as practicable, held to a default for measurement.
    AsSoonAsPracticable(Box<Deadline>),
    /// The next meeting of a named calendar after the clock starts.
    NextMeeting(String),
    /// Before another step: due when that step happens.
    Before(Step),
    /// No clock: recorded as it happens (court hearings, sentence).
    WhenItHappens,
}

/// Another step a deadline refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Step {
    /// Another obligation of the same plan, by index.
    Obligation(usize, String),
    /// An event type.
    Event(EventType),
    /// Not yet resolved (only during loading).
    Unresolved(String),
}

impl From<Deadline> for String {
    fn from(d: Deadline) -> String {
        d.to_string()
    }
}

impl fmt::Display for Deadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u32| if n == 1 { "" } else { "s" };
        match self {
            Deadline::Hours(0) => f.write_str("at once"),
            Deadline::Hours(n) => write!(f, "{n} hour{}", plural(*n)),
            Deadline::CalendarDays(n) => write!(f, "{n} day{}", plural(*n)),
            Deadline::WorkingDays(n) => write!(f, "{n} working day{}", plural(*n)),
            Deadline::AsSoonAsPracticable(d) => write!(f, "as soon as practicable, {d}"),
            Deadline::NextMeeting(m) => write!(f, "next meeting of {m}"),
            Deadline::Before(Step::Obligation(_, id)) => write!(f, "before {id}"),
            Deadline::Before(Step::Event(e)) => write!(f, "before {}", e.as_str()),
            Deadline::Before(Step::Unresolved(s)) => write!(f, "before {s}"),
            Deadline::WhenItHappens => f.write_str("when it happens"),
        }
    }
}

impl Deadline {
    /// Parses a deadline phrase. "before X" is left unresolved for the loader.
    pub fn parse(text: &str) -> Result<Deadline, String> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        if lower == "at once" {
            return Ok(Deadline::Hours(0));
        }
        if lower == "when it happens" {
            return Ok(Deadline::WhenItHappens);
        }
        if let Some(rest) = lower.strip_prefix("as soon as practicable") {
            let rest = rest.trim_start_matches([',', ' ']);
            if rest.is_empty() {
                return Err("\"as soon as practicable\" needs a default to measure against, e.g. \"as soon as practicable, 24 hours\"".into());
            }
            let inner = Deadline::parse(rest)?;
            return match inner {
                Deadline::Hours(_) | Deadline::CalendarDays(_) | Deadline::WorkingDays(_) => {
                    Ok(Deadline::AsSoonAsPracticable(Box::new(inner)))
                }
                _ => Err(format!(
                    "the default after \"as soon as practicable\" must be hours or days, got \"{rest}\""
                )),
            };
        }
        if let Some(rest) = lower.strip_prefix("next meeting of ") {
            let m = rest.trim();
            if m.is_empty()
                || !m
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(format!(
                    "\"next meeting of\" needs a meeting id, got \"{m}\""
                ));
            }
            return Ok(Deadline::NextMeeting(m.to_owned()));
        }
        if let Some(rest) = t.strip_prefix("before ") {
            let s = rest.trim();
            if s.is_empty() {
                return Err("\"before\" needs a step: an obligation id or an event type".into());
            }
            return Ok(Deadline::Before(Step::Unresolved(s.to_owned())));
        }
        let mut words = lower.split_whitespace();
        let (Some(n), Some(unit)) = (words.next(), words.next()) else {
            return Err(format!(
                "cannot read the deadline \"{t}\"; expected e.g. \"24 hours\", \"7 days\", \"5 working days\", \"as soon as practicable, 24 hours\", \"next meeting of trm\", \"before file_submitted\", \"when it happens\""
            ));
        };
        let n: u32 = n
            .parse()
            .map_err(|_| format!("\"{n}\" is not a whole number in the deadline \"{t}\""))?;
        if n > 3650 {
            return Err(format!("{n} is too long for a deadline (at most 3650)"));
        }
        let rest: Vec<&str> = words.collect();
        match (unit, rest.as_slice()) {
            ("hour" | "hours", []) => Ok(Deadline::Hours(n)),
            ("day" | "days", []) => Ok(Deadline::CalendarDays(n)),
            ("calendar", ["day" | "days"]) => Ok(Deadline::CalendarDays(n)),
            ("working", ["day" | "days"]) => Ok(Deadline::WorkingDays(n)),
            _ => Err(format!(
                "unknown unit in the deadline \"{t}\"; use hours, days, calendar days or working days"
            )),
        }
    }
}
