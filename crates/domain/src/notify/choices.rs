//! A person's email choices and quiet hours, and the one decision made from them for each
//! notification: no email, email now, or email held until quiet hours end.
//!
//! The in-app notification is always written; these choices are about email only. A
//! mandatory kind is emailed whatever the person chose, and an urgent notification (a
//! hospitalised colleague) goes at once, quiet hours or not. Quiet hours are read in
//! Europe/London local time with jiff's time zone database, so a window keeps its wall-clock
//! meaning across the clock changes (docs/notifications.md, "Choices and quiet hours").

use super::NoticeKind;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use std::sync::LazyLock;

/// Europe/London from the bundled tz database (the UK rule since 1996 if it were missing).
static LONDON: LazyLock<TimeZone> = LazyLock::new(|| {
    TimeZone::get("Europe/London")
        .or_else(|_| TimeZone::posix("GMT0BST,M3.5.0/1,M10.5.0"))
        .unwrap_or(TimeZone::UTC)
});

/// A daily window, in London wall-clock time, during which email waits. `start` is inside the
/// window and `end` is not; a window whose end is before its start spans midnight
/// (22:00–07:00). Whole minutes only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    start: Time,
    end: Time,
}

/// Why quiet hours were refused, naming the end of the window at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuietHoursError {
    /// `start` or `end`.
    pub field: &'static str,
    /// Plain words.
    pub message: String,
}

impl std::fmt::Display for QuietHoursError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl QuietHours {
    /// A window from `start` up to `end`, each a time like `07:00` (24-hour clock, hours and
    /// minutes). The same start and end is refused: it would be an empty window (or a whole
    /// day of held mail, which nobody means).
    pub fn parse(start: &str, end: &str) -> Result<Self, QuietHoursError> {
        let s = parse_time(start).ok_or_else(|| QuietHoursError {
            field: "start",
            message: "The start of quiet hours must be a time like 22:00".into(),
        })?;
        let e = parse_time(end).ok_or_else(|| QuietHoursError {
            field: "end",
            message: "The end of quiet hours must be a time like 07:00".into(),
        })?;
        Self::new(s, e)
    }

    /// A window from minutes after midnight (0..1440), as stored.
    pub fn from_minutes(start: u16, end: u16) -> Result<Self, QuietHoursError> {
        let t = |m: u16, field: &'static str| {
            (m < 1440)
                .then(|| {
                    Time::new(i8::try_from(m / 60).ok()?, i8::try_from(m % 60).ok()?, 0, 0).ok()
                })
                .flatten()
                .ok_or_else(|| QuietHoursError {
                    field,
                    message: format!("{m} is not a number of minutes in a day"),
                })
        };
        Self::new(t(start, "start")?, t(end, "end")?)
    }

    fn new(start: Time, end: Time) -> Result<Self, QuietHoursError> {
        let (start, end) = (minute_of(start), minute_of(end));
        if start == end {
            return Err(QuietHoursError {
                field: "end",
                message: "The end of quiet hours must be different from the start".into(),
            });
        }
        Ok(Self { start, end })
    }

    /// The start, `HH:MM`.
    pub fn start(&self) -> String {
        self.start.strftime("%H:%M").to_string()
    }

    /// The end, `HH:MM`.
    pub fn end(&self) -> String {
        self.end.strftime("%H:%M").to_string()
    }

    /// The start in minutes after midnight, as stored.
    pub fn start_minutes(&self) -> u16 {
        minutes(self.start)
    }

    /// The end in minutes after midnight, as stored.
    pub fn end_minutes(&self) -> u16 {
        minutes(self.end)
    }

    /// Whether a London wall-clock time is inside the window.
    pub fn contains(&self, local: Time) -> bool {
        if self.start < self.end {
            self.start <= local && local < self.end
        } else {
            local >= self.start || local < self.end
        }
    }

    /// Whether an instant falls in the window (read in London local time).
    pub fn is_quiet_at(&self, at: Timestamp) -> bool {
        self.contains(at.to_zoned(LONDON.clone()).time())
    }

    /// The first instant after `now` at which London local time is outside the window, for an
    /// instant inside it. Local time leaves the window either by reaching `end` or by a clock
    /// change jumping out of it; so the answer is the earliest of those moments (each
    /// instant `end` names on the days around `now`, both of a repeated hour, the moment the
    /// clocks go forward past a missing `end`, and every clock change in the next 26 hours)
    /// that is later than `now` and outside the window.
    fn ends_after(&self, now: Timestamp) -> Timestamp {
        let tz = &*LONDON;
        let today = now.to_zoned(tz.clone()).date();
        let mut candidates: Vec<Timestamp> = Vec::new();
        for days in -1..=2 {
            let Ok(day) = today.checked_add(jiff::Span::new().days(days)) else {
                continue;
            };
            candidates.extend(end_instants(tz, day, self.end));
        }
        let horizon = now + jiff::SignedDuration::from_hours(26);
        candidates.extend(
            tz.following(now)
                .map(|t| t.timestamp())
                .take_while(|t| *t <= horizon),
        );
        candidates
            .into_iter()
            .filter(|t| *t > now && !self.is_quiet_at(*t))
            .min()
            // A window is at most 23 h 59 min of wall-clock time, so an end always comes
            // within 26 hours; were the tz database ever to say otherwise, do not hold mail.
            .unwrap_or(now)
    }
}

/// The instants at which London wall-clock time reads `end` on `day`: one usually, two in the
/// repeated hour of October, and in the missing hour of March the moment the clocks go
/// forward (the first instant whose local time is past `end`).
fn end_instants(tz: &TimeZone, day: Date, end: Time) -> Vec<Timestamp> {
    let ambiguous = tz.to_ambiguous_timestamp(day.to_datetime(end));
    match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { offset } => offset
            .to_timestamp(day.to_datetime(end))
            .ok()
            .into_iter()
            .collect(),
        AmbiguousOffset::Fold { before, after } => [before, after]
            .into_iter()
            .filter_map(|o| o.to_timestamp(day.to_datetime(end)).ok())
            .collect(),
        AmbiguousOffset::Gap { after, .. } => {
            // Read with the offset after the change, the wall time is an instant before the
            // change; the change itself is the next transition.
            let before_change = after.to_timestamp(day.to_datetime(end)).ok();
            before_change
                .and_then(|t| tz.following(t).next())
                .map(|t| t.timestamp())
                .into_iter()
                .collect()
        }
    }
}

fn parse_time(s: &str) -> Option<Time> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    if !h.chars().chain(m.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    Time::new(h, m, 0, 0).ok()
}

fn minute_of(t: Time) -> Time {
    Time::new(t.hour(), t.minute(), 0, 0).unwrap_or(t)
}

fn minutes(t: Time) -> u16 {
    u16::try_from(i32::from(t.hour()) * 60 + i32::from(t.minute())).unwrap_or(0)
}

/// What a person chose: the optional kinds they do not want by email, and their quiet hours.
/// The default (nothing chosen) is every kind by email, at any hour.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmailChoices {
    /// Kinds the person turned email off for. A mandatory kind here has no effect.
    pub off: Vec<NoticeKind>,
    /// When email waits.
    pub quiet_hours: Option<QuietHours>,
}

/// What happens to a notification's email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailDecision {
    /// The person turned email off for this kind: in the inbox only.
    Off,
    /// Send it now.
    Now,
    /// Quiet hours: hold it, and send it at this moment (when they end).
    HeldUntil(Timestamp),
}

/// The one decision: whether a notification of `kind` is emailed to a person with `choices`,
/// and when. Mandatory kinds cannot be turned off; urgent notifications ignore quiet hours;
/// anything else arriving in quiet hours is held until the first moment they are over.
pub fn email_decision(
    choices: &EmailChoices,
    kind: NoticeKind,
    mandatory: bool,
    urgent: bool,
    now: Timestamp,
) -> EmailDecision {
    if !mandatory && !kind.mandatory() && choices.off.contains(&kind) {
        return EmailDecision::Off;
    }
    match choices.quiet_hours {
        Some(q) if !urgent && q.is_quiet_at(now) => EmailDecision::HeldUntil(q.ends_after(now)),
        _ => EmailDecision::Now,
    }
}
