//! The limits on every event field (event/bounds.rs) as an outside tester met them: a NUL
//! byte, a 200,000-character place, 2,000 victims, a report dated 0001-01-02 and a court
//! date in 9999 are refused by `Case::record`, naming the field; docs/events.md lists every
//! limit.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use pledge_domain::event::bounds::{LISTS, NUMBERS, TEXTS, Text};
use pledge_domain::{Case, CaseFile, Event, PlanLibrary, Refusal};
use serde_json::{Value, json};

fn example() -> Value {
    let path = format!(
        "{}/../../examples/op-hampshire-hospitalised.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Replays the example with its report changed by `edit` (and its later events kept up to
/// `keep`), returning the refusal's field and message.
fn refusal(edit: impl FnOnce(&mut Value)) -> (String, String) {
    let mut file = example();
    edit(&mut file);
    let file: CaseFile = serde_json::from_value(file).unwrap();
    let plans = PlanLibrary::builtin().unwrap();
    let plan = plans.get("op-hampshire", 1).unwrap();
    match Case::replay(plan, file.events) {
        Err((_, Refusal::Invalid { field, message })) => (field, message),
        Err((i, other)) => panic!("event {i}: expected an invalid field, got {other}"),
        Ok(_) => panic!("the case was accepted"),
    }
}

fn report(file: &mut Value) -> &mut Value {
    &mut file["events"][0]
}

#[test]
fn the_example_is_within_every_limit() {
    let file: CaseFile = serde_json::from_value(example()).unwrap();
    let plans = PlanLibrary::builtin().unwrap();
    let plan = plans.get("op-hampshire", 1).unwrap();
    assert!(Case::replay(plan, file.events).is_ok());
}

#[test]
fn a_nul_byte_or_other_control_character_is_refused_naming_the_field() {
    let (field, message) = refusal(|f| report(f)["place"] = json!("Above Bar\u{0}Street"));
    assert_eq!(field, "place");
    assert!(message.contains("U+0000"), "{message}");
    let (field, _) =
        refusal(|f| report(f)["victims"][0]["body_parts"][1] = json!("wrist\u{1b}[31m"));
    assert_eq!(field, "victims[0].body_parts[1]");
    let (field, _) = refusal(|f| report(f)["suspects"][0]["description"] = json!("male\u{7}"));
    assert_eq!(field, "suspects[0].description");
    // A line break is refused on one line and kept in free text.
    let (field, _) = refusal(|f| report(f)["force"] = json!("Hampshire\nConstabulary"));
    assert_eq!(field, "force");
    let (field, _) = refusal(|f| {
        report(f)["summary"] = json!("first line\nsecond line\tand a tab");
        f["events"][8]["note"] = json!("told\u{0}");
    });
    assert_eq!(
        field, "note",
        "the summary's line breaks pass, the note's NUL does not"
    );
}

#[test]
fn over_long_text_and_too_many_items_are_refused() {
    let (field, message) = refusal(|f| report(f)["place"] = json!("x".repeat(200_000)));
    assert_eq!(field, "place");
    assert_eq!(message, "at most 500 characters, got 200000");
    let (field, message) = refusal(|f| {
        let victims: Vec<Value> = (0..2_000)
            .map(|i| json!({"person": format!("PC-{i}"), "workforce_role": "officer", "injury": "minor"}))
            .collect();
        report(f)["victims"] = Value::Array(victims);
    });
    assert_eq!(field, "victims");
    assert_eq!(message, "at most 50 items, got 2000");
    let (field, _) = refusal(|f| report(f)["victims"][0]["years_of_service"] = json!(500));
    assert_eq!(field, "victims[0].years_of_service");
}

#[test]
fn dates_outside_a_plausible_window_are_refused() {
    let (field, message) = refusal(|f| {
        report(f)["occurred_at"] = json!("0001-01-02T00:00:00Z");
    });
    assert_eq!(field, "occurred_at");
    assert!(message.contains("before 1990"), "{message}");
    let hearing = |on: &'static str| {
        move |f: &mut Value| {
            let events = f["events"].as_array_mut().unwrap();
            events.push(
                json!({"type": "court_hearing", "at": "2026-11-20T10:00:00Z",
                               "by": "DC-3020", "on": on, "court": "Southampton Magistrates"}),
            );
        }
    };
    let (field, message) = refusal(hearing("9999-01-01"));
    assert_eq!(field, "on");
    assert!(
        message.contains("from 2026-11-02 to 2031-11-20"),
        "{message}"
    );
    let (field, _) = refusal(hearing("2026-11-01"));
    assert_eq!(field, "on", "a hearing before the assault");
    // Within the window it is accepted.
    let mut file = example();
    hearing("2027-03-01")(&mut file);
    let file: CaseFile = serde_json::from_value(file).unwrap();
    let plans = PlanLibrary::builtin().unwrap();
    assert!(Case::replay(plans.get("op-hampshire", 1).unwrap(), file.events).is_ok());
}

#[test]
fn a_person_id_counts_characters_not_bytes() {
    let event = |by: String| -> Result<Event, serde_json::Error> {
        serde_json::from_value(
            json!({"type": "survey_sent", "at": "2026-11-20T10:00:00Z", "by": by}),
        )
    };
    assert!(event("é".repeat(64)).is_ok());
    assert!(event("é".repeat(65)).is_err());
    assert!(event("PC\u{0}1".into()).is_err());
}

#[test]
fn docs_events_md_lists_every_limit() {
    let text = std::fs::read_to_string(format!(
        "{}/../../docs/events.md",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let section = text
        .split("## Limits on every field")
        .nth(1)
        .expect("docs/events.md has a section \"Limits on every field\"");
    for (name, limit) in TEXTS {
        let lines = if matches!(limit, Text::Lines(_)) {
            "several lines"
        } else {
            "one line"
        };
        let row = format!("| `{name}` | {} | {lines} |", limit.max_chars());
        assert!(section.contains(&row), "docs/events.md lacks the row {row}");
    }
    for (name, max) in LISTS {
        assert!(
            section.contains(&format!("`{name}`: at most {max}")),
            "{name}"
        );
    }
    for (name, lo, hi) in NUMBERS {
        assert!(
            section.contains(&format!("`{name}`: {lo} to {hi}")),
            "{name}"
        );
    }
}
