//! Essex (seed 003, Essex Police Federation, 30 November 2020): Op Hampshire adopted, with
//! a debrief after the use of force, repeat victims supported, and criminal justice liaison
//! following the case to a sentence that reflects the offence.

use crate::support::*;
use pledge_domain::EventKind;
use pledge_domain::State::*;
use pledge_domain::event::values::*;
use pledge_domain::plan::Role;

fn at_nine() -> jiff::Timestamp {
    ts("2026-11-02T09:00:00Z")
}

#[test]
fn essex_keeps_every_op_hampshire_obligation() {
    let oph = plan("op-hampshire");
    let essex = plan("essex");
    for o in &oph.obligations {
        let e = essex
            .obligation(&o.id)
            .unwrap_or_else(|| panic!("essex lacks {}", o.id));
        assert_eq!(
            (&e.completed_by, e.owner, &e.deadline),
            (&o.completed_by, o.owner, &o.deadline),
            "{}",
            o.id
        );
    }
    assert_eq!(essex.rules.len(), oph.rules.len());
}

#[test]
fn e1_officers_who_used_force_are_debriefed() {
    // "a debriefing process so that officers that are involved in the use of force ... to
    // see what could be done differently"
    let s = Scenario::open("essex", at_nine(), Report::default());
    s.expect(s.after(1), "use-of-force-debrief", NotApplicable, None);

    let mut s = Scenario::open("essex", at_nine(), Report::default().force_used());
    let due = plus_hours(s.reported_at, 14 * 24);
    let o = s.expect(s.after(1), "use-of-force-debrief", NotYetDue, Some(due));
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    // An incident debrief is not the use-of-force debrief.
    s.record_by(s.after(48), SUPERVISOR, ev::debrief(DebriefKind::Incident));
    assert_eq!(s.ob(s.after(49), "use-of-force-debrief").state, NotYetDue);
    s.record_by(
        s.after(50),
        SUPERVISOR,
        ev::debrief(DebriefKind::UseOfForce),
    );
    s.expect(s.after(51), "use-of-force-debrief", MetOnTime, Some(due));
}

#[test]
fn e2_a_repeat_victim_is_flagged_and_their_safety_reviewed_with_them() {
    // "to try to enhance the learning for officers to potentially stop them becoming repeat
    // victims"
    let s = Scenario::open("essex", at_nine(), Report::default());
    s.expect(s.after(1), "repeat-victim-reviewed", NotApplicable, None);

    let mut s = Scenario::open("essex", at_nine(), Report::default().previous_assaults(2));
    assert_eq!(s.ob(s.after(1), "repeat-victim-reviewed").state, NotYetDue);
    s.record_by(
        s.after(72),
        SUPERVISOR,
        EventKind::RepeatVictimReviewed {
            victim: Some(person(VICTIM)),
            actions: "refresher in conflict management; double crewed on nights".into(),
        },
    );
    assert_eq!(s.ob(s.after(73), "repeat-victim-reviewed").state, MetOnTime);
}

#[test]
fn e3_criminal_justice_liaison_checks_the_sentence_reflects_the_aggravation() {
    // "Criminal Justice liaison to make sure that it goes through the court system
    // appropriately and sentences properly reflect the offences"
    let mut s = Scenario::open("essex", at_nine(), Report::default().suspect_identified());
    s.record(s.after(1), ev::arrest());
    s.record(s.after(20), ev::charged());
    let o = s.ob(s.after(21), "sentence-reviewed");
    assert_eq!(o.state, NotYetDue);
    assert_owner(&o, Role::CriminalJusticeLiaison, None);
    let sentenced = ts("2027-02-15T12:00:00Z");
    s.record(
        sentenced,
        EventKind::Sentenced {
            sentence: "community order".into(),
            emergency_worker_aggravation: false,
        },
    );
    let due = plus_hours(sentenced, 14 * 24);
    s.expect(
        plus_hours(sentenced, 24),
        "sentence-reviewed",
        NotYetDue,
        Some(due),
    );
    s.record_by(
        plus_hours(sentenced, 48),
        "CJ-LIAISON",
        EventKind::SentenceReviewed {
            reflected_aggravation: false,
            action: "referred to the CPS under the unduly lenient sentence scheme".into(),
        },
    );
    s.expect(
        plus_hours(sentenced, 49),
        "sentence-reviewed",
        MetOnTime,
        Some(due),
    );
}
