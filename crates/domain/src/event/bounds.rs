//! Limits on every field of an event: how long a text may be, which texts may span lines,
//! how many items a list may hold, which numbers and dates are plausible. Checked by
//! [`Case::record`](crate::Case::record), so the API, the pages, case files and imports
//! share them; the OpenAPI document states the same limits from these tables.
//! docs/events.md, "Limits on every field", lists them.

use super::values::{PersonId, Suspect, Victim};
use super::{Event, EventKind};
use crate::case::Refusal;
use jiff::civil::Date;
use jiff::{Span, Timestamp, ToSpan};

/// How a text field is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// One line: at most this many characters, no control character at all.
    Line(usize),
    /// Free text over several lines: at most this many characters; newline, carriage
    /// return and tab are allowed, every other control character is refused.
    Lines(usize),
}

impl Text {
    /// The most characters (Unicode scalar values) the text may have.
    pub fn max_chars(self) -> usize {
        match self {
            Text::Line(n) | Text::Lines(n) => n,
        }
    }

    /// Whether the text may span lines.
    pub fn multi_line(self) -> bool {
        matches!(self, Text::Lines(_))
    }

    /// The same rule as a regular expression (ECMA-262 and Python alike) for JSON Schema's
    /// `pattern`: no control character, except line breaks and tabs in free text.
    pub fn pattern(self) -> &'static str {
        match self {
            Text::Line(_) => "^[^\\u0000-\\u001f\\u007f-\\u009f]*$",
            Text::Lines(_) => "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$",
        }
    }
}

/// A text field not in [`TEXTS`]: one line of 200 characters, so nothing is unbounded.
pub const DEFAULT_TEXT: Text = Text::Line(200);

/// Every text field of an event, by its name in the JSON (the same name carries the same
/// limit in every event that has it). Names of list items are the list's name.
pub const TEXTS: &[(&str, Text)] = &[
    // The report.
    ("force", Text::Line(100)),
    ("unit", Text::Line(100)),
    ("place", Text::Line(500)),
    ("how_reported", Text::Line(100)),
    ("summary", Text::Lines(10_000)),
    ("body_parts", Text::Line(100)),
    ("description", Text::Lines(2_000)),
    ("id", Text::Line(64)),
    // References in other systems.
    ("crime_reference", Text::Line(64)),
    ("safety_reference", Text::Line(64)),
    ("classification", Text::Line(64)),
    ("reference", Text::Line(64)),
    ("obligation", Text::Line(64)),
    ("tier", Text::Line(64)),
    // Short phrases.
    ("who", Text::Line(200)),
    ("suspect", Text::Line(200)),
    ("how", Text::Line(100)),
    ("evidence", Text::Line(200)),
    ("to", Text::Line(200)),
    ("court", Text::Line(200)),
    ("service", Text::Line(200)),
    // Free text.
    ("tier_reason", Text::Lines(2_000)),
    ("reason", Text::Lines(2_000)),
    ("detail", Text::Lines(2_000)),
    ("sentence", Text::Lines(2_000)),
    ("note", Text::Lines(4_000)),
    ("view", Text::Lines(10_000)),
    ("actions", Text::Lines(2_000)),
    ("action", Text::Lines(2_000)),
];

/// The limit of a text field by name.
pub fn text_limit(field: &str) -> Text {
    TEXTS
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, t)| *t)
        .unwrap_or(DEFAULT_TEXT)
}

/// A list not in [`LISTS`] holds at most this many items.
pub const DEFAULT_LIST: usize = 20;

/// Lists with their own bound, by name.
pub const LISTS: &[(&str, usize)] = &[("victims", 50), ("suspects", 50)];

/// The most items a list may hold, by name.
pub fn list_limit(field: &str) -> usize {
    LISTS
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, n)| *n)
        .unwrap_or(DEFAULT_LIST)
}

/// Whole numbers and their plausible range, by name.
pub const NUMBERS: &[(&str, u64, u64)] = &[
    ("years_of_service", 0, 70),
    ("previous_assaults", 0, 1_000),
    ("days", 0, 3_660),
    ("every_days", 1, 366),
    ("outcome_type", 1, 22),
    ("version", 1, 1_000_000),
];

/// The plausible range of a whole-number field, if it has one.
pub fn number_limit(field: &str) -> Option<(u64, u64)> {
    NUMBERS
        .iter()
        .find(|(name, _, _)| *name == field)
        .map(|(_, lo, hi)| (*lo, *hi))
}

/// Nothing Pledge records happened before this (the start of 1990, UTC).
pub const EARLIEST: Timestamp = Timestamp::constant(631_152_000, 0);

/// How far after it was recorded a court hearing may be listed.
pub fn hearing_horizon() -> Span {
    5.years()
}

/// How far after it was recorded a tasking meeting may be.
pub fn meeting_horizon() -> Span {
    1.year()
}

/// The date `span` after the (UTC) date of `at`; the last representable date past that.
fn date_after(at: Timestamp, span: Span) -> Date {
    date_of(at).checked_add(span).unwrap_or(Date::MAX)
}

/// Checks every field of an event against its limits. `assault` is when the case's assault
/// happened (none for the report itself, which carries it).
pub fn check(event: &Event, assault: Option<Timestamp>) -> Result<(), Refusal> {
    timestamp("at", event.at)?;
    match &event.kind {
        EventKind::AssaultReported {
            plan,
            force,
            unit,
            occurred_at,
            place,
            how_reported,
            supervisor,
            victims,
            hate_crime,
            suspects,
            circumstances,
            summary,
            ..
        } => {
            text("plan.id", "id", &plan.id)?;
            number("plan.version", "version", u64::from(plan.version))?;
            text("force", "force", force)?;
            text("unit", "unit", unit)?;
            timestamp("occurred_at", *occurred_at)?;
            text("place", "place", place)?;
            text("how_reported", "how_reported", how_reported)?;
            person("supervisor", supervisor)?;
            list("victims", victims.len())?;
            for (i, v) in victims.iter().enumerate() {
                victim(&format!("victims[{i}]"), v)?;
            }
            list("hate_crime", hate_crime.len())?;
            list("suspects", suspects.len())?;
            for (i, s) in suspects.iter().enumerate() {
                suspect(&format!("suspects[{i}]"), s)?;
            }
            list(
                "circumstances.causal_factors",
                circumstances.causal_factors.len(),
            )?;
            list(
                "circumstances.equipment_carried",
                circumstances.equipment_carried.len(),
            )?;
            list(
                "circumstances.equipment_used",
                circumstances.equipment_used.len(),
            )?;
            if let Some(d) = circumstances.last_safety_training {
                date_between(
                    "circumstances.last_safety_training",
                    d,
                    date_of(EARLIEST),
                    date_of(*occurred_at),
                )?;
            }
            text("summary", "summary", summary)
        }
        EventKind::CrimeRecorded {
            crime_reference,
            safety_reference,
            classification,
        } => {
            text("crime_reference", "crime_reference", crime_reference)?;
            optional("classification", classification.as_deref())?;
            optional("safety_reference", safety_reference.as_deref())
        }
        EventKind::OicAssigned { officer } => person("officer", officer),
        EventKind::StatementTaken {
            giver,
            taken_by,
            tier,
            tier_reason,
            ..
        } => {
            person("giver", giver)?;
            person("taken_by", taken_by)?;
            optional("tier", tier.as_deref())?;
            optional("tier_reason", tier_reason.as_deref())
        }
        EventKind::SeniorLeadershipInformed { who, .. } => text("who", "who", who),
        EventKind::SafetyReportCompleted {
            reference,
            causal_factors,
            ..
        } => {
            text("reference", "reference", reference)?;
            list("causal_factors", causal_factors.len())
        }
        EventKind::DaysLostRecorded { victim, days } => {
            person("victim", victim)?;
            number("days", "days", u64::from(*days))
        }
        EventKind::RiddorReported { reference } => text("reference", "reference", reference),
        EventKind::SuspectIdentified { description } => {
            text("description", "description", description)
        }
        EventKind::ArrestMade { suspect } => text("suspect", "suspect", suspect),
        EventKind::NoArrestRecorded { reason }
        | EventKind::TrimReferralConsidered { reason, .. }
        | EventKind::CaseClosed { reason } => text("reason", "reason", reason),
        EventKind::KeyDecisionMade { detail, .. } => text("detail", "detail", detail),
        EventKind::VictimUpdated { how, note } => {
            text("how", "how", how)?;
            text("note", "note", note)
        }
        EventKind::VictimViewRecorded { view } => text("view", "view", view),
        EventKind::InvestigationPlanCompleted { evidence } => {
            list("evidence", evidence.len())?;
            for (i, e) in evidence.iter().enumerate() {
                text(&format!("evidence[{i}]"), "evidence", e)?;
            }
            Ok(())
        }
        EventKind::VpsRequested { note } => text("note", "note", note),
        EventKind::WelfareMeetingHeld {
            note,
            victim,
            held_by,
        } => {
            optional_person("victim", victim.as_ref())?;
            optional_person("held_by", held_by.as_ref())?;
            text("note", "note", note)
        }
        EventKind::SafetyReportContributed { victim, note, .. } => {
            optional_person("victim", victim.as_ref())?;
            text("note", "note", note)
        }
        EventKind::RepeatVictimReviewed { victim, actions } => {
            optional_person("victim", victim.as_ref())?;
            text("actions", "actions", actions)
        }
        EventKind::SentenceReviewed { action, .. } => text("action", "action", action),
        EventKind::CircumstancesRecorded {
            equipment_carried,
            equipment_used,
            body_worn_video_recording,
            single_crewed,
            last_safety_training,
        } => {
            list("equipment_carried", equipment_carried.len())?;
            list("equipment_used", equipment_used.len())?;
            if equipment_carried.is_empty()
                && equipment_used.is_empty()
                && body_worn_video_recording.is_none()
                && single_crewed.is_none()
                && last_safety_training.is_none()
            {
                return Err(Refusal::invalid(
                    "body_worn_video_recording",
                    "answer at least one question: equipment carried or used, body-worn video \
                     recording, single crewing, or the last personal safety training",
                ));
            }
            match last_safety_training {
                Some(d) => date_between(
                    "last_safety_training",
                    *d,
                    date_of(EARLIEST),
                    date_of(assault.unwrap_or(event.at)),
                ),
                None => Ok(()),
            }
        }
        EventKind::StaffAssociationNotified { victim, .. } | EventKind::LeafletGiven { victim } => {
            optional_person("victim", victim.as_ref())
        }
        EventKind::FileSubmitted { to } => text("to", "to", to),
        EventKind::Charged { offences } => list("offences", offences.len()),
        EventKind::CourtHearing { on, court } => {
            text("court", "court", court)?;
            let from = date_of(assault.unwrap_or(EARLIEST));
            date_between("on", *on, from, date_after(event.at, hearing_horizon()))
        }
        EventKind::Sentenced { sentence, .. } => text("sentence", "sentence", sentence),
        EventKind::SupportReferralMade { service } => text("service", "service", service),
        EventKind::RaisedAtTrm { meeting } => {
            let from = date_of(assault.unwrap_or(EARLIEST));
            date_between(
                "meeting",
                *meeting,
                from,
                date_after(event.at, meeting_horizon()),
            )
        }
        EventKind::LessonCaptured { reference, summary } => {
            text("reference", "reference", reference)?;
            text("summary", "summary", summary)
        }
        EventKind::ObligationWaived { obligation, reason } => {
            text("obligation", "obligation", obligation)?;
            text("reason", "reason", reason)
        }
        EventKind::ObligationEscalated { obligation, to } => {
            text("obligation", "obligation", obligation)?;
            text("to", "to", to)
        }
        EventKind::UpdateFrequencyChosen { every_days } => {
            number("every_days", "every_days", u64::from(*every_days))
        }
        EventKind::OutcomeFinalised { outcome_type } => number(
            "outcome_type",
            "outcome_type",
            u64::from(outcome_type.get()),
        ),
        EventKind::FimNotified { .. }
        | EventKind::VpsOffered { .. }
        | EventKind::ImpactStatementAdded { .. }
        | EventKind::VerdictGiven { .. }
        | EventKind::TrimAssessmentHeld { .. }
        | EventKind::SupportOptedOut
        | EventKind::DebriefHeld { .. }
        | EventKind::SurveySent {} => Ok(()),
    }
}

fn victim(path: &str, v: &Victim) -> Result<(), Refusal> {
    person(&format!("{path}.person"), &v.person)?;
    if let Some(n) = v.previous_assaults {
        number(
            &format!("{path}.previous_assaults"),
            "previous_assaults",
            u64::from(n),
        )?;
    }
    if let Some(years) = v.years_of_service {
        number(
            &format!("{path}.years_of_service"),
            "years_of_service",
            u64::from(years),
        )?;
    }
    list(&format!("{path}.body_parts"), v.body_parts.len())?;
    for (i, part) in v.body_parts.iter().enumerate() {
        text(&format!("{path}.body_parts[{i}]"), "body_parts", part)?;
    }
    list(&format!("{path}.mechanisms"), v.mechanisms.len())
}

fn suspect(path: &str, s: &Suspect) -> Result<(), Refusal> {
    text(
        &format!("{path}.description"),
        "description",
        &s.description,
    )
}

/// A person id is bounded when parsed ([`PersonId::parse`]); checked again here so that a
/// value built in code is held to the same rule.
fn person(path: &str, p: &PersonId) -> Result<(), Refusal> {
    PersonId::parse(p.as_str())
        .map(|_| ())
        .map_err(|e| Refusal::invalid(path, e))
}

fn optional_person(path: &str, p: Option<&PersonId>) -> Result<(), Refusal> {
    p.map_or(Ok(()), |p| person(path, p))
}

fn optional(name: &str, value: Option<&str>) -> Result<(), Refusal> {
    value.map_or(Ok(()), |v| text(name, name, v))
}

/// Checks the text at `path` against the limit of the field `name`.
pub fn text(path: &str, name: &str, value: &str) -> Result<(), Refusal> {
    check_text(value, text_limit(name)).map_err(|message| Refusal::invalid(path, message))
}

/// Checks a text against a limit; the message says what is wrong and where in the text.
pub fn check_text(value: &str, limit: Text) -> Result<(), String> {
    let mut chars = 0usize;
    for (i, c) in value.chars().enumerate() {
        chars += 1;
        let allowed_break = limit.multi_line() && matches!(c, '\n' | '\r' | '\t');
        if c.is_control() && !allowed_break {
            return Err(format!(
                "control character U+{:04X} at character {}; {}",
                u32::from(c),
                i + 1,
                if limit.multi_line() {
                    "only line breaks and tabs are allowed"
                } else {
                    "this field is one line of plain text"
                }
            ));
        }
    }
    if chars > limit.max_chars() {
        return Err(format!(
            "at most {} characters, got {chars}",
            limit.max_chars()
        ));
    }
    Ok(())
}

fn list(path: &str, len: usize) -> Result<(), Refusal> {
    let name = path.rsplit('.').next().unwrap_or(path);
    let max = list_limit(name);
    if len > max {
        return Err(Refusal::invalid(
            path,
            format!("at most {max} items, got {len}"),
        ));
    }
    Ok(())
}

fn number(path: &str, name: &str, value: u64) -> Result<(), Refusal> {
    match number_limit(name) {
        Some((lo, hi)) if !(lo..=hi).contains(&value) => Err(Refusal::invalid(
            path,
            format!("expected {lo} to {hi}, got {value}"),
        )),
        _ => Ok(()),
    }
}

fn timestamp(path: &str, at: Timestamp) -> Result<(), Refusal> {
    if at < EARLIEST {
        return Err(Refusal::invalid(
            path,
            format!("{at} is before 1990; Pledge records nothing that old"),
        ));
    }
    Ok(())
}

fn date_between(path: &str, d: Date, from: Date, to: Date) -> Result<(), Refusal> {
    if d < from || d > to {
        return Err(Refusal::invalid(
            path,
            format!("{d} is not plausible: expected a date from {from} to {to}"),
        ));
    }
    Ok(())
}

/// The calendar date (UTC) of an instant.
fn date_of(t: Timestamp) -> Date {
    t.to_zoned(jiff::tz::TimeZone::UTC).date()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_line_refuses_every_control_character_and_free_text_allows_line_breaks() {
        assert!(check_text("Custody suite, Northtown", Text::Line(100)).is_ok());
        for c in ['\0', '\n', '\t', '\u{1b}', '\u{7f}', '\u{85}'] {
            let s = format!("a{c}b");
            assert!(
                check_text(&s, Text::Line(100)).is_err(),
                "{c:?} on one line"
            );
        }
        assert!(check_text("one\r\ntwo\tthree", Text::Lines(100)).is_ok());
        let err = check_text("a\0b", Text::Lines(100)).unwrap_err();
        assert!(err.contains("U+0000 at character 2"), "{err}");
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(check_text(&"é".repeat(100), Text::Line(100)).is_ok());
        let err = check_text(&"é".repeat(101), Text::Line(100)).unwrap_err();
        assert_eq!(err, "at most 100 characters, got 101");
    }

    #[test]
    fn the_earliest_instant_is_the_start_of_1990() {
        assert_eq!(EARLIEST.to_string(), "1990-01-01T00:00:00Z");
    }

    #[test]
    fn every_named_limit_is_found_and_others_fall_back() {
        assert_eq!(text_limit("place"), Text::Line(500));
        assert_eq!(text_limit("no_such_field"), DEFAULT_TEXT);
        assert_eq!(list_limit("victims"), 50);
        assert_eq!(list_limit("evidence"), DEFAULT_LIST);
        assert_eq!(number_limit("every_days"), Some((1, 366)));
    }
}
