//! Plan and clock facts in plain words, for people reading a terminal.

use jiff::{Timestamp, tz::TimeZone};
use pledge_domain::plan::{ClockStart, Obligation, Role};
use std::process::ExitCode;

/// A role in words.
pub fn role(r: Role) -> String {
    r.as_str().replace('_', " ")
}

/// When the obligation's clock starts, in words.
pub fn clock_start(o: &Obligation) -> String {
    match o.starts {
        ClockStart::Reported => "from the report".into(),
        ClockStart::Event(e) => format!("from {}", e.as_str().replace('_', " ")),
        ClockStart::Each(e) => format!("from each {}", e.as_str().replace('_', " ")),
    }
}

/// An instant as London local time, e.g. `Mon 23 Nov 2026 14:05`.
pub fn local(t: Timestamp) -> String {
    let tz = TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC);
    t.to_zoned(tz).strftime("%a %d %b %Y %H:%M").to_string()
}

/// A duration in words: "3 hours", "2 days".
pub fn span(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    let (n, unit) = if s >= 2 * 86_400 {
        (s / 86_400, "day")
    } else if s >= 2 * 3600 {
        (s / 3600, "hour")
    } else {
        ((s / 60).max(1), "minute")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// Ends a command's printing to standard output. A closed pipe (`pledge ... | head`) is a
/// normal end, not an error: the reader has all it wanted, so the command exits quietly
/// with `code`. Any other write error is reported.
pub fn printed(result: std::io::Result<()>, code: ExitCode) -> anyhow::Result<ExitCode> {
    match result {
        Ok(()) => Ok(code),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(code),
        Err(e) => Err(anyhow::Error::new(e).context("cannot write to standard output")),
    }
}
