//! West Midlands Police ten point plan, points 1–10 (seed 001), which also covers hate crime
//! and allows, "in some circumstances and based on the three tier system", an assaulted
//! officer to write their own statement. The tiers are not published: the plan file's
//! tiers are Pledge's default (tier-1 allows it; tier-2 and tier-3 do not).
//!
//! Scenarios are reported on Monday 2 November 2026 at 09:00 GMT.

use crate::support::*;
use pledge_domain::State::*;
use pledge_domain::evaluate::{Pending, PointVerdict};
use pledge_domain::event::values::*;
use pledge_domain::plan::Role;

const PLAN: &str = "west-midlands";
const REF: &str = "west-midlands@1";

fn case(report: Report) -> Scenario {
    Scenario::open(PLAN, ts("2026-11-02T09:00:00Z"), report)
}

// 1 "Violence and hate crime on police officers and police staff should be investigated
// with the same care, compassion and commitment as we give to members of the public."

#[test]
fn p1_crime_recorded_arrest_or_reason() {
    let mut s = case(Report::default().suspect_identified());
    s.expect(s.after(1), "crime-recorded", NotYetDue, Some(s.after(24)));
    s.expect(s.after(1), "arrest-or-reason", NotYetDue, Some(s.after(24)));
    let v = s.refused(s.after(2), DETECTIVE, ev::no_arrest(" "));
    assert_violation(&v, REF, "no-arrest-needs-reason", "1");
    s.record(s.after(3), ev::arrest());
    s.record_by(s.after(4), SUPERVISOR, ev::crime_recorded());
    assert_eq!(s.verdict(s.after(5), "1"), PointVerdict::Kept);
}

// 2 "The injured or assaulted colleague cannot lead their own investigation. However ... a
// police officer who has been assaulted can in some circumstances and based on the three
// tier system, write their own statement."

#[test]
fn p2_victim_cannot_lead_their_own_investigation() {
    let mut s = case(Report::default());
    let v = s.refused(s.after(1), "INSP-1", ev::oic(VICTIM));
    assert_violation(&v, REF, "victim-not-oic", "2");
    let v = s.refused(s.after(1), VICTIM, ev::witness_statement("MOP-1", VICTIM));
    assert_violation(&v, REF, "victim-takes-no-statements", "2");
    s.record_by(s.after(2), "INSP-1", ev::oic(DETECTIVE));
    let o = s.expect(s.after(3), "oic-assigned", MetOnTime, Some(s.after(24)));
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
}

#[test]
fn p2_own_statement_allowed_under_a_tier_that_allows_it_with_the_reason_recorded() {
    let mut s = case(Report::default());
    s.record(s.after(1), ev::oic(DETECTIVE));
    s.record(
        s.after(2),
        ev::own_statement(
            Some("tier-1"),
            Some("minor injury, full account, avoids delay"),
        ),
    );
    s.record(s.after(30), ev::file_submitted());
    let o = s.expect(
        s.after(31),
        "victim-statement",
        MetOnTime,
        Some(s.after(30)),
    );
    assert_owner(&o, Role::OfficerInCase, Some(DETECTIVE));
    assert_eq!(o.completed_at, Some(s.after(2)));
}

#[test]
fn p2_own_statement_refused_without_a_tier_that_allows_it_or_without_a_reason() {
    let mut s = case(Report::default());
    // No tier: refused, naming the tiers the plan has.
    let v = s.refused(s.after(2), VICTIM, ev::own_statement(None, None));
    assert_violation(&v, REF, "victim-own-statement-by-tier", "2");
    assert!(v.detail.contains("tier-1, tier-2, tier-3"), "{}", v.detail);
    // Tiers 2 and 3 do not allow it.
    for tier in ["tier-2", "tier-3"] {
        let v = s.refused(
            s.after(2),
            VICTIM,
            ev::own_statement(Some(tier), Some("injured")),
        );
        assert_violation(&v, REF, "victim-own-statement-by-tier", "2");
        assert!(v.detail.contains(tier));
    }
    // Tier 1 without the reason recorded, or an unknown tier: refused by the same rule,
    // quoting point 2 and naming the field at fault.
    for reason in [None, Some(""), Some("  ")] {
        let v = s.refused(
            s.after(2),
            VICTIM,
            ev::own_statement(Some("tier-1"), reason),
        );
        assert_violation(&v, REF, "victim-own-statement-by-tier", "2");
        assert_eq!(v.field.as_deref(), Some("tier_reason"));
    }
    let v = s.refused(
        s.after(2),
        VICTIM,
        ev::own_statement(Some("tier-9"), Some("x")),
    );
    assert_violation(&v, REF, "victim-own-statement-by-tier", "2");
    assert_eq!(v.field.as_deref(), Some("tier"));
    // A tier never lets one victim take another's statement.
    let mut s = case(Report::default().second_victim());
    let v = s.refused(
        s.after(2),
        SECOND_VICTIM,
        ev::victim_statement(VICTIM, SECOND_VICTIM),
    );
    assert_violation(&v, REF, "victim-own-statement-by-tier", "2");
    assert!(!s.case.state().has(pledge_domain::EventType::StatementTaken));
    s.expect(s.after(3), "victim-statement", NotYetDue, None);
}

// 3 "The Victim Code applies to all victims ... keeping the victim updated, discussing
// outcome options, and taking into account the victim's view before reaching an outcome."

#[test]
fn p3_hate_crime_key_decisions_within_1_working_day() {
    let mut s = case(Report::default().hate_crime(HateStrand::Religion));
    s.record(s.after(1), ev::oic(DETECTIVE));
    // Charge on Friday 6 November at 17:00: due at the end of Monday 9 November.
    s.record(
        ts("2026-11-06T17:00:00Z"),
        ev::key_decision(KeyDecision::Charge),
    );
    let due = midnight("2026-11-10");
    let o = s.expect(
        ts("2026-11-07T10:00:00Z"),
        "victim-told-of-key-decisions",
        NotYetDue,
        Some(due),
    );
    assert_owner(&o, Role::OfficerInCase, Some(DETECTIVE));
    s.expect(
        ts("2026-11-10T08:00:00Z"),
        "victim-told-of-key-decisions",
        Overdue,
        Some(due),
    );
    s.record(ts("2026-11-09T18:00:00Z"), ev::victim_updated());
    s.expect(
        ts("2026-11-10T08:00:00Z"),
        "victim-told-of-key-decisions",
        MetOnTime,
        Some(due),
    );
}

#[test]
fn p3_updates_view_before_outcome_and_support() {
    let mut s = case(Report::default());
    s.expect(
        s.after(1),
        "victim-updated",
        NotYetDue,
        Some(ts("2026-11-30T09:00:00Z")),
    );
    s.expect(
        s.after(1),
        "support-referral",
        NotYetDue,
        Some(midnight("2026-11-05")),
    );
    let v = s.refused(s.after(100), DETECTIVE, ev::outcome(16));
    assert_violation(&v, REF, "victim-view-before-outcome-rule", "3");
    s.record(s.after(100), ev::victim_view());
    s.record(s.after(100), ev::outcome(16));
    s.expect(
        s.after(101),
        "victim-view-before-outcome",
        MetOnTime,
        Some(s.after(100)),
    );
}

// 4 "You should use a Victim Personal Statement and the chief constable will provide a
// personal impact statement for each case."

#[test]
fn p4_vps_and_chief_constables_impact_statement_before_the_file() {
    let mut s = case(Report::default());
    s.expect(
        s.after(1),
        "chief-constable-impact-statement",
        NotYetDue,
        None,
    );
    s.record(s.after(40), ev::vps(true));
    s.record(s.after(41), ev::impact(ImpactStatement::Victim));
    s.record(s.after(48), ev::file_submitted());
    s.expect(s.after(49), "vps-offered", MetOnTime, Some(s.after(48)));
    let o = s.expect(
        s.after(49),
        "chief-constable-impact-statement",
        Overdue,
        Some(s.after(48)),
    );
    assert_owner(&o, Role::OfficerInCase, None);
    assert_eq!(s.verdict(s.after(49), "4"), PointVerdict::Overdue);
    s.record(s.after(60), ev::impact(ImpactStatement::ChiefConstable));
    s.expect(
        s.after(61),
        "chief-constable-impact-statement",
        MetLate,
        Some(s.after(48)),
    );
    s.expect(
        s.after(61),
        "investigation-plan",
        NotYetDue,
        Some(ts("2026-11-09T09:00:00Z")),
    );
    s.expect(s.after(61), "court-result-recorded", NotApplicable, None);
}

// 5 "An e-safety report must be completed by the colleague's supervisor and if possible,
// the injured party, at the earliest opportunity."

#[test]
fn p5_e_safety_report_as_soon_as_practicable_72_hours() {
    let mut s = case(Report::default());
    let o = s.expect(s.after(1), "e-safety-report", NotYetDue, Some(s.after(72)));
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    assert_eq!(o.deadline, "as soon as practicable, 72 hours");
    s.expect(s.after(55), "e-safety-report", DueSoon, Some(s.after(72)));
    s.record_by(
        s.after(56),
        SUPERVISOR,
        ev::safety_report(SafetySystem::ESafety),
    );
    s.expect(s.after(80), "e-safety-report", MetOnTime, Some(s.after(72)));
    s.expect(s.after(80), "riddor-over-seven-days", NotApplicable, None);
}

// 6 "The victim must be seen by their supervisor as soon as possible ... offer the
// appropriate well-being support."

#[test]
fn p6_seen_by_the_supervisor_and_wellbeing_support() {
    let mut s = case(Report::default());
    let o = s.expect(s.after(1), "welfare-meeting", NotYetDue, Some(s.after(24)));
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    s.expect(s.after(1), "trim-considered", NotYetDue, Some(s.after(72)));
    s.record_by(s.after(26), SUPERVISOR, ev::welfare());
    s.expect(s.after(27), "welfare-meeting", MetLate, Some(s.after(24)));
    s.record_by(
        s.after(27),
        "INSP-1",
        ev::waive("trim-considered", "victim declined any referral"),
    );
    s.expect(s.after(100), "trim-considered", Waived, None);
    s.expect(s.after(100), "trim-initial-assessment", NotApplicable, None);
    assert_eq!(s.verdict(s.after(100), "6"), PointVerdict::KeptLate);
}

// 7 "The victim's supervisor must ensure that the local senior leadership team is informed
// of the assault or hate crime. If the colleague is hospitalised the on call chief officer
// must be notified through the FIM."

#[test]
fn p7_senior_leadership_informed_and_the_on_call_chief_officer_through_the_fim() {
    let s = case(Report::default());
    s.expect(
        s.after(1),
        "senior-leadership-informed",
        NotYetDue,
        Some(s.after(24)),
    );
    s.expect(
        s.after(1),
        "on-call-chief-officer-notified",
        NotApplicable,
        None,
    );
    let s = case(Report::default().injury(InjurySeverity::Serious));
    s.expect(
        s.after(0),
        "senior-leadership-informed",
        NotYetDue,
        Some(s.after(2)),
    );
    s.expect(
        s.after(0),
        "on-call-chief-officer-notified",
        NotApplicable,
        None,
    );

    let mut s = case(Report::default().hospitalised());
    s.expect(
        s.after(0),
        "senior-leadership-informed",
        NotYetDue,
        Some(s.after(2)),
    );
    let o = s.expect(
        s.after(0),
        "on-call-chief-officer-notified",
        NotYetDue,
        Some(s.after(1)),
    );
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    // The FIM told, but not yet the on-call chief officer: not done.
    s.record_by(plus_mins(s.after(0), 20), SUPERVISOR, ev::fim(false));
    s.expect(
        s.after(1),
        "on-call-chief-officer-notified",
        DueSoon,
        Some(s.after(1)),
    );
    s.expect(
        plus_mins(s.after(1), 1),
        "on-call-chief-officer-notified",
        Overdue,
        Some(s.after(1)),
    );
    s.record_by(plus_mins(s.after(0), 70), SUPERVISOR, ev::fim(true));
    s.expect(
        s.after(2),
        "on-call-chief-officer-notified",
        MetLate,
        Some(s.after(1)),
    );
}

// 8 "The assault or hate crime is to be raised at the next available TRM and discussed
// outside of this meeting to maintain confidentiality of the victim."

#[test]
fn p8_raised_at_the_next_available_trm() {
    let mut s = case(Report::default());
    let o = s.expect(s.after(1), "raised-at-trm", NotYetDue, None);
    assert_eq!(o.pending, Pending::NoMeetingScheduled);
    // A meeting before the report does not count; the next one after it does.
    s.meeting("trm", ts("2026-10-29T10:00:00Z"));
    s.meeting("trm", ts("2026-11-05T10:00:00Z"));
    s.meeting("trm", ts("2026-11-19T10:00:00Z"));
    let due = Some(ts("2026-11-05T10:00:00Z"));
    let o = s.expect(s.after(1), "raised-at-trm", NotYetDue, due);
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    s.expect(ts("2026-11-06T10:00:00Z"), "raised-at-trm", Overdue, due);
    s.record_by(
        ts("2026-11-05T10:30:00Z"),
        SUPERVISOR,
        ev::raised_at_trm("2026-11-05"),
    );
    s.expect(ts("2026-11-06T10:00:00Z"), "raised-at-trm", MetLate, due);
}

// 9 "The supervisor must notify the Police Federation or the appropriate police staff
// union, Unison or Unite."

#[test]
fn p9_federation_or_union_notified_within_24_hours_with_consent_recorded() {
    let mut s = case(Report::default());
    let o = s.expect(
        s.after(1),
        "staff-association-notified",
        NotYetDue,
        Some(s.after(24)),
    );
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    s.record_by(
        s.after(3),
        SUPERVISOR,
        ev::staff_association(StaffAssociation::Federation, true),
    );
    s.expect(
        s.after(25),
        "staff-association-notified",
        MetOnTime,
        Some(s.after(24)),
    );
    // The victim declining consent is recorded and also settles it.
    let mut s = case(Report::default());
    s.record_by(
        s.after(3),
        SUPERVISOR,
        ev::staff_association(StaffAssociation::Unison, false),
    );
    s.expect(
        s.after(25),
        "staff-association-notified",
        MetOnTime,
        Some(s.after(24)),
    );
}

// 10 "A leaflet explaining what happens next and what support is available should be given
// to the victim."

#[test]
fn p10_leaflet_given_within_24_hours() {
    let mut s = case(Report::default());
    let o = s.expect(s.after(1), "leaflet-given", NotYetDue, Some(s.after(24)));
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    s.expect(s.after(25), "leaflet-given", Overdue, Some(s.after(24)));
    s.record_by(
        s.after(26),
        SUPERVISOR,
        pledge_domain::EventKind::LeafletGiven { victim: None },
    );
    s.expect(s.after(27), "leaflet-given", MetLate, Some(s.after(24)));
    assert_eq!(s.verdict(s.after(27), "10"), PointVerdict::KeptLate);
}

// 8 "... discussed outside of this meeting to maintain confidentiality of the victim": the
// TRM's view of a case names nobody.
#[test]
fn p8_the_trm_briefing_names_nobody() {
    let mut s = case(
        Report::default()
            .second_victim()
            .hate_crime(HateStrand::Race),
    );
    s.record_by(s.after(1), "INSP-0912", ev::oic(DETECTIVE));
    s.record(s.after(2), ev::arrest());
    let b = pledge_domain::case::TrmBriefing::of("WM-1", s.case.state(), calendar()).unwrap();
    assert_eq!((b.victims, b.arrested, b.hate_crime.len()), (2, true, 1));
    let json = serde_json::to_string(&b).unwrap();
    for who in [
        VICTIM,
        SECOND_VICTIM,
        SUPERVISOR,
        DETECTIVE,
        "INSP-0912",
        "High Street",
        "scenario",
    ] {
        assert!(!json.contains(who), "{who} in the TRM briefing: {json}");
    }
}
