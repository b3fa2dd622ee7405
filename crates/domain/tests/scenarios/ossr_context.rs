//! OSSR (seed 004, the Officer and Staff Safety Review, 20 February 2020): "Every chief
//! constable will review whether their frontline officers and staff have the equipment they
//! need ... Taser, body armour, spit and bite guards, protective gloves" and "The College of
//! Policing has agreed to overhaul current safety training". To analyse that, the record
//! holds the context as structured answers — equipment carried and used, body-worn video on
//! and recording, single crewing, the victim's last personal safety training — asked when
//! relevant and never blocking the report.

use crate::support::*;
use pledge_domain::EventKind;
use pledge_domain::event::values::*;

fn at_nine() -> jiff::Timestamp {
    ts("2026-11-02T09:00:00Z")
}

/// A `circumstances_recorded` with the answers given (an empty list or None: not asked).
#[derive(Default)]
struct Answers {
    used: Vec<Equipment>,
    bwv: Option<Answer>,
    single: Option<Answer>,
    trained: Option<&'static str>,
}

impl Answers {
    fn event(self) -> EventKind {
        EventKind::CircumstancesRecorded {
            equipment_carried: vec![],
            equipment_used: self.used,
            body_worn_video_recording: self.bwv,
            single_crewed: self.single,
            last_safety_training: self.trained.map(|d| d.parse().unwrap()),
        }
    }
}

fn answers() -> EventKind {
    Answers::default().event()
}

#[test]
fn a_report_without_any_context_is_accepted_and_every_answer_is_not_known() {
    // "asked when relevant, never blocking the report": nothing about the context is needed.
    let s = Scenario::open("op-hampshire", at_nine(), Report::default());
    let c = s.case.state().context();
    assert_eq!(c.body_worn_video_recording, Answer::NotKnown);
    assert_eq!(c.single_crewed, Answer::NotKnown);
    assert_eq!(c.last_safety_training, None);
    assert!(c.equipment_carried.is_empty() && c.equipment_used.is_empty());
}

#[test]
fn the_report_says_yes_and_a_later_answer_replaces_it() {
    let report = Report::default().circumstances(Circumstances {
        equipment_carried: vec![Equipment::BodyWornVideo, Equipment::Taser],
        body_worn_video_recording: true,
        single_crewed: false,
        last_safety_training: Some("2026-03-10".parse().unwrap()),
        ..Circumstances::default()
    });
    let mut s = Scenario::open("op-hampshire", at_nine(), report);
    let c = s.case.state().context().clone();
    // The report's `true` is a yes; its `false` cannot tell "no" from "never asked".
    assert_eq!(c.body_worn_video_recording, Answer::Yes);
    assert_eq!(c.single_crewed, Answer::NotKnown);

    // The supervisor finds the camera was on standby, and the officer was single-crewed.
    s.record_by(
        s.after(3),
        SUPERVISOR,
        Answers {
            bwv: Some(Answer::No),
            single: Some(Answer::Yes),
            used: vec![Equipment::SpitGuard, Equipment::Handcuffs],
            ..Answers::default()
        }
        .event(),
    );
    let c = s.case.state().context().clone();
    assert_eq!(c.body_worn_video_recording, Answer::No);
    assert_eq!(c.single_crewed, Answer::Yes);
    // Questions left out keep what was known.
    assert_eq!(
        c.equipment_carried,
        vec![Equipment::BodyWornVideo, Equipment::Taser]
    );
    assert_eq!(
        c.equipment_used,
        vec![Equipment::SpitGuard, Equipment::Handcuffs]
    );
    assert_eq!(c.last_safety_training, Some("2026-03-10".parse().unwrap()));

    // A later answer can also say the earlier one is not known after all.
    s.record(
        s.after(30),
        Answers {
            bwv: Some(Answer::NotKnown),
            trained: Some("2025-09-01"),
            ..Answers::default()
        }
        .event(),
    );
    let c = s.case.state().context();
    assert_eq!(c.body_worn_video_recording, Answer::NotKnown);
    assert_eq!(c.single_crewed, Answer::Yes);
    assert_eq!(c.last_safety_training, Some("2025-09-01".parse().unwrap()));
}

#[test]
fn recording_the_context_meets_and_blocks_no_obligation() {
    // Context is for analysis: recording it changes no obligation of any built-in plan.
    for id in ["op-hampshire", "btp", "west-midlands", "essex"] {
        let mut s = Scenario::open(id, at_nine(), Report::default());
        let states = |s: &Scenario| -> Vec<(String, pledge_domain::State)> {
            s.view(s.after(2))
                .points
                .into_iter()
                .flat_map(|p| p.obligations)
                .map(|o| (o.id, o.state))
                .collect()
        };
        let before = states(&s);
        s.record(
            s.after(1),
            Answers {
                single: Some(Answer::No),
                ..Answers::default()
            }
            .event(),
        );
        assert_eq!(before, states(&s), "{id}");
        assert!(!before.is_empty(), "{id}");
    }
}

#[test]
fn an_answer_that_says_nothing_or_a_training_date_after_the_assault_is_refused() {
    let mut s = Scenario::open("op-hampshire", at_nine(), Report::default());
    let (field, message) = s.invalid(s.after(1), DETECTIVE, answers());
    assert_eq!(field, "body_worn_video_recording");
    assert!(
        message.contains("answer at least one question"),
        "{message}"
    );
    let (field, _) = s.invalid(
        s.after(1),
        DETECTIVE,
        Answers {
            trained: Some("2026-12-01"),
            ..Answers::default()
        }
        .event(),
    );
    assert_eq!(field, "last_safety_training");
    assert_eq!(s.case.events().len(), 1, "nothing refused is recorded");
}
