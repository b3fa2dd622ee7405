//! The assaults' context the OSSR (seed 004) asks forces to analyse: equipment carried and
//! used, body-worn video recording, single crewing and the victims' personal safety training
//! (docs/reports.md, "Equipment, crewing and training"). Answers come from the report and
//! any later `circumstances_recorded`; a question nobody answered counts as "not known".

use super::measures::{breakdown, count, table};
use super::table::{Draft, Grid};
use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use pledge_store::CaseReport;

/// Equipment in the order the tables show it, with its words.
const EQUIPMENT: [(&str, &str); 8] = [
    ("body_worn_video", "Body-worn video"),
    ("taser", "Taser"),
    ("pava", "PAVA incapacitant spray"),
    ("spit_guard", "Spit and bite guard"),
    ("baton", "Baton"),
    ("handcuffs", "Handcuffs"),
    ("body_armour", "Body armour"),
    ("gloves", "Protective gloves"),
];

/// Training at most this long before the assault counts as current.
fn current_training() -> jiff::Span {
    12.months()
}

/// Whether a case's training was current at the assault: Some(true) within 12 months
/// before it, Some(false) older, None not known.
pub(crate) fn training_current(c: &CaseReport) -> Option<bool> {
    let trained = c.facts.last_safety_training?;
    let assault: Date = c.occurred_at.to_zoned(TimeZone::UTC).date();
    let since = assault.checked_sub(current_training()).unwrap_or(Date::MIN);
    Some(trained >= since)
}

/// A yes / no / not known breakdown of one answer, with a total.
fn answers(
    g: &mut Grid,
    cases: &[CaseReport],
    total: usize,
    answer: fn(&CaseReport) -> &str,
) -> Vec<(String, Vec<Draft>)> {
    let yes = cases.iter().filter(|c| answer(c) == "yes").count();
    let no = cases.iter().filter(|c| answer(c) == "no").count();
    breakdown(
        g,
        total,
        vec![
            ("Yes".into(), yes),
            ("No".into(), no),
            ("Not known".into(), cases.len() - yes - no),
        ],
    )
}

/// Drafts the context tables; `total` is the assaults' count cell.
pub(crate) fn draft(g: &mut Grid, cases: &[CaseReport], total: usize) {
    let rows = EQUIPMENT
        .iter()
        .map(|(e, words)| {
            let carried = cases
                .iter()
                .filter(|c| c.facts.equipment_carried.iter().any(|x| x == e))
                .count();
            let used = cases
                .iter()
                .filter(|c| c.facts.equipment_used.iter().any(|x| x == e))
                .count();
            let carried = count(g, carried);
            let used = count(g, used);
            (
                (*words).to_owned(),
                vec![Draft::Count(carried), Draft::Count(used)],
            )
        })
        .collect();
    g.table(table(
        "equipment",
        "Equipment carried and used",
        "Assaults in which the colleague carried, and used, each item (an assault may have several, so these do not add up; nothing recorded counts in no row).",
        &["Equipment", "Carried", "Used"],
        rows,
        false,
    ));

    let rows = answers(g, cases, total, |c| &c.facts.body_worn_video_recording);
    g.table(table(
        "body_worn_video",
        "Body-worn video recording",
        "Assaults by whether body-worn video was on and recording.",
        &["On and recording", "Assaults"],
        rows,
        false,
    ));

    let rows = answers(g, cases, total, |c| &c.facts.single_crewed);
    g.table(table(
        "single_crewed",
        "Single crewing",
        "Assaults by whether the colleague was single-crewed.",
        &["Single-crewed", "Assaults"],
        rows,
        false,
    ));

    let current = cases
        .iter()
        .filter(|c| training_current(c) == Some(true))
        .count();
    let older = cases
        .iter()
        .filter(|c| training_current(c) == Some(false))
        .count();
    let rows = breakdown(
        g,
        total,
        vec![
            ("Within 12 months before the assault".into(), current),
            ("More than 12 months before".into(), older),
            ("Not known".into(), cases.len() - current - older),
        ],
    );
    g.table(table(
        "safety_training",
        "Personal safety training",
        "Assaults by when the colleague last had personal safety training.",
        &["Last trained", "Assaults"],
        rows,
        false,
    ));
}
