//! Plan fidelity, point by point against the seed texts: each obligation is met only by the
//! thing the plan names, for exactly the people the seed is talking about, and every
//! refusal that exists because of a plan rule carries the plan's words.

use crate::support::*;
use pledge_domain::EventKind;
use pledge_domain::State::*;
use pledge_domain::event::values::*;
use pledge_domain::plan::Role;

const WMP: &str = "west-midlands";
const BTP: &str = "btp";
const OPH: &str = "op-hampshire";

fn at_nine() -> jiff::Timestamp {
    ts("2026-11-02T09:00:00Z")
}

fn notify(body: StaffAssociation, consent: bool, victim: Option<&str>) -> EventKind {
    EventKind::StaffAssociationNotified {
        body,
        consent,
        victim: victim.map(person),
    }
}

// ---------------------------------------------------------------------------------------
// WMP 9 "The supervisor must notify the Police Federation or the appropriate police staff
// union, Unison or Unite": the body must be the one for the victim's workforce role.

#[test]
fn wmp9_an_officer_is_met_only_by_the_federation() {
    let mut s = Scenario::open(WMP, at_nine(), Report::default());
    s.record_by(
        s.after(1),
        SUPERVISOR,
        notify(StaffAssociation::Unison, true, None),
    );
    s.expect(
        s.after(2),
        "staff-association-notified",
        NotYetDue,
        Some(s.after(24)),
    );
    s.record_by(
        s.after(3),
        SUPERVISOR,
        notify(StaffAssociation::Other, true, None),
    );
    s.expect(
        s.after(25),
        "staff-association-notified",
        Overdue,
        Some(s.after(24)),
    );
    s.record_by(
        s.after(26),
        SUPERVISOR,
        notify(StaffAssociation::Federation, true, None),
    );
    s.expect(
        s.after(27),
        "staff-association-notified",
        MetLate,
        Some(s.after(24)),
    );
}

#[test]
fn wmp9_police_staff_and_pcsos_are_met_by_unison_or_unite_not_the_federation() {
    for (role, body) in [
        (WorkforceRole::Staff, StaffAssociation::Unison),
        (WorkforceRole::Pcso, StaffAssociation::Unite),
    ] {
        let mut s = Scenario::open(WMP, at_nine(), Report::default().role(role));
        s.record_by(
            s.after(1),
            SUPERVISOR,
            notify(StaffAssociation::Federation, true, None),
        );
        s.expect(
            s.after(2),
            "staff-association-notified",
            NotYetDue,
            Some(s.after(24)),
        );
        s.record_by(s.after(3), SUPERVISOR, notify(body, true, None));
        s.expect(
            s.after(4),
            "staff-association-notified",
            MetOnTime,
            Some(s.after(24)),
        );
    }
}

#[test]
fn wmp9_each_victim_needs_their_own_body_or_their_own_refusal() {
    // An officer and a member of police staff assaulted together: the Federation for one,
    // UNISON or Unite for the other. Met only when both are covered.
    let mut s = Scenario::open(
        WMP,
        at_nine(),
        Report::default().second_victim_as(WorkforceRole::Staff),
    );
    s.record_by(
        s.after(1),
        SUPERVISOR,
        notify(StaffAssociation::Federation, true, None),
    );
    s.expect(
        s.after(2),
        "staff-association-notified",
        NotYetDue,
        Some(s.after(24)),
    );
    // The staff member declines: recorded, and their part is done.
    s.record_by(
        s.after(5),
        SUPERVISOR,
        notify(StaffAssociation::Unison, false, Some(SECOND_VICTIM)),
    );
    let o = s.expect(
        s.after(6),
        "staff-association-notified",
        MetOnTime,
        Some(s.after(24)),
    );
    assert_eq!(o.completed_at, Some(s.after(5)));
}

#[test]
fn wmp9_a_declined_consent_for_one_victim_does_not_cover_another() {
    let mut s = Scenario::open(WMP, at_nine(), Report::default().second_victim());
    s.record_by(
        s.after(1),
        SUPERVISOR,
        notify(StaffAssociation::Federation, false, Some(VICTIM)),
    );
    s.expect(
        s.after(2),
        "staff-association-notified",
        NotYetDue,
        Some(s.after(24)),
    );
    s.record_by(
        s.after(3),
        SUPERVISOR,
        notify(StaffAssociation::Federation, true, Some(SECOND_VICTIM)),
    );
    s.expect(
        s.after(4),
        "staff-association-notified",
        MetOnTime,
        Some(s.after(24)),
    );
}

#[test]
fn wmp9_does_not_extend_to_volunteers_the_plan_names_no_body_for() {
    let s = Scenario::open(
        WMP,
        at_nine(),
        Report::default().role(WorkforceRole::Volunteer),
    );
    let o = s.expect(
        s.after(30),
        "staff-association-notified",
        NotApplicable,
        None,
    );
    assert_eq!(
        o.not_applicable_because.as_deref(),
        Some("applies only to a victim who is officer or special_constable or pcso or staff")
    );
}

#[test]
fn a_named_victim_must_be_a_victim_of_the_case() {
    let mut s = Scenario::open(WMP, at_nine(), Report::default());
    let (field, message) = s.invalid(
        s.after(1),
        SUPERVISOR,
        notify(StaffAssociation::Federation, true, Some("PC-9999")),
    );
    assert_eq!(field, "victim");
    assert!(message.contains("PC-9999"), "{message}");
}

// ---------------------------------------------------------------------------------------
// The safety report the plan names: BTP 3 "Accident Management System must be completed";
// WMP 5 "An e-safety report must be completed"; Op Hampshire (f) "an injury on duty report".

#[test]
fn each_plan_is_met_only_by_the_safety_report_it_names() {
    for (plan, id, right) in [
        (
            BTP,
            "accident-management-system",
            SafetySystem::AccidentManagementSystem,
        ),
        (WMP, "e-safety-report", SafetySystem::ESafety),
        (OPH, "injury-on-duty-report", SafetySystem::InjuryOnDuty),
    ] {
        let mut s = Scenario::open(plan, at_nine(), Report::default());
        for wrong in SafetySystem::ALL.iter().filter(|w| **w != right) {
            s.record_by(s.after(1), SUPERVISOR, ev::safety_report(*wrong));
        }
        let o = s.ob(s.after(2), id);
        assert_eq!(
            o.state, NotYetDue,
            "{plan} {id}: another system does not meet it"
        );
        s.record_by(s.after(3), SUPERVISOR, ev::safety_report(right));
        assert_eq!(s.ob(s.after(4), id).state, MetOnTime, "{plan} {id}");
    }
}

// Op Hampshire (f) "The assaulted officer and the supervisor must complete an injury on duty
// report": a joint task; the assaulted officer's part is theirs, done when they contribute
// or decline.

fn contributed(victim: Option<&str>, declined: bool) -> EventKind {
    EventKind::SafetyReportContributed {
        system: SafetySystem::InjuryOnDuty,
        victim: victim.map(person),
        declined,
        note: String::new(),
    }
}

fn report_without_victim() -> EventKind {
    EventKind::SafetyReportCompleted {
        system: SafetySystem::InjuryOnDuty,
        reference: "IOD-1".into(),
        causal_factors: vec![],
        victim_contributed: false,
    }
}

#[test]
fn f_the_assaulted_officer_is_an_owner_of_the_injury_on_duty_report() {
    let mut s = Scenario::open(OPH, at_nine(), Report::default());
    let o = s.expect(
        s.after(1),
        "injury-on-duty-report-victim",
        NotYetDue,
        Some(s.after(72)),
    );
    assert_owner(&o, Role::Victim, Some(VICTIM));
    // The supervisor's part alone does not do the victim's.
    s.record_by(s.after(2), SUPERVISOR, report_without_victim());
    s.expect(
        s.after(3),
        "injury-on-duty-report",
        MetOnTime,
        Some(s.after(72)),
    );
    s.expect(
        s.after(3),
        "injury-on-duty-report-victim",
        NotYetDue,
        Some(s.after(72)),
    );
    // A contribution to another system's report is not theirs to this one.
    s.record_by(
        s.after(4),
        VICTIM,
        EventKind::SafetyReportContributed {
            system: SafetySystem::ESafety,
            victim: Some(person(VICTIM)),
            declined: false,
            note: String::new(),
        },
    );
    s.expect(
        s.after(5),
        "injury-on-duty-report-victim",
        NotYetDue,
        Some(s.after(72)),
    );
    // A victim gives their own part only: not "every victim's".
    let (field, _) = s.invalid(s.after(5), VICTIM, contributed(None, false));
    assert_eq!(field, "victim");
    s.record_by(s.after(6), VICTIM, contributed(Some(VICTIM), false));
    s.expect(
        s.after(7),
        "injury-on-duty-report-victim",
        MetOnTime,
        Some(s.after(72)),
    );
}

#[test]
fn f_each_assaulted_officer_contributes_or_declines() {
    let mut s = Scenario::open(OPH, at_nine(), Report::default().second_victim());
    // Nor another victim's.
    let (field, _) = s.invalid(s.after(1), VICTIM, contributed(Some(SECOND_VICTIM), false));
    assert_eq!(field, "victim");
    s.record_by(s.after(2), VICTIM, contributed(Some(VICTIM), false));
    s.expect(
        s.after(3),
        "injury-on-duty-report-victim",
        NotYetDue,
        Some(s.after(72)),
    );
    s.record_by(
        s.after(80),
        SECOND_VICTIM,
        contributed(Some(SECOND_VICTIM), true),
    );
    s.expect(
        s.after(81),
        "injury-on-duty-report-victim",
        MetLate,
        Some(s.after(72)),
    );
}

#[test]
fn f_is_about_the_assaulted_officer_not_police_staff() {
    // The plan's (f) names "the assaulted officer"; for police staff it is silent, and
    // Pledge does not silently extend it (a force adds its own obligation if it wants one).
    let s = Scenario::open(OPH, at_nine(), Report::default().role(WorkforceRole::Staff));
    for id in ["injury-on-duty-report", "injury-on-duty-report-victim"] {
        let o = s.expect(s.after(1), id, NotApplicable, None);
        assert_eq!(
            o.not_applicable_because.as_deref(),
            Some("applies only to a victim who is officer or special_constable")
        );
    }
    // A special constable is a warranted police officer: covered.
    let s = Scenario::open(
        OPH,
        at_nine(),
        Report::default().role(WorkforceRole::SpecialConstable),
    );
    assert_eq!(
        s.ob(s.after(1), "injury-on-duty-report-victim").state,
        NotYetDue
    );
}

// ---------------------------------------------------------------------------------------
// Whom each rule is about.

#[test]
fn wmp2_the_tier_exception_is_for_a_police_officer_not_police_staff() {
    // WMP 2: "a police officer who has been assaulted can in some circumstances and based
    // on the three tier system, write their own statement". Police staff cannot.
    let tier1 = || ev::own_statement(Some("tier-1"), Some("minor injury, full account"));
    let mut s = Scenario::open(WMP, at_nine(), Report::default());
    s.record_by(s.after(1), VICTIM, tier1());

    for role in [
        WorkforceRole::Staff,
        WorkforceRole::Pcso,
        WorkforceRole::Volunteer,
    ] {
        let mut s = Scenario::open(WMP, at_nine(), Report::default().role(role));
        let v = s.refused(s.after(1), VICTIM, tier1());
        assert_violation(&v, "west-midlands@1", "victim-own-statement-by-tier", "2");
        assert_eq!(v.field.as_deref(), Some("tier"));
        assert!(
            v.detail
                .contains("only for a victim who is officer or special_constable"),
            "{}",
            v.detail
        );
    }
}

#[test]
fn wmp2_the_injured_or_assaulted_colleague_of_any_role_cannot_lead_the_investigation() {
    // "The injured or assaulted colleague cannot lead their own investigation": colleague,
    // so police staff too.
    let mut s = Scenario::open(WMP, at_nine(), Report::default().role(WorkforceRole::Staff));
    let v = s.refused(s.after(1), SUPERVISOR, ev::oic(VICTIM));
    assert_violation(&v, "west-midlands@1", "victim-not-oic", "2");
    assert_eq!(v.field.as_deref(), Some("officer"));
}

#[test]
fn oph_c_and_btp4_bind_the_assaulted_officer_as_worded() {
    // Op Hampshire (c) "The assaulted officer must never have to investigate their own
    // assault"; BTP 4 "An assaulted officer must not be the Officer in the Case".
    for (plan, point) in [(OPH, "c"), (BTP, "4")] {
        for role in [WorkforceRole::Officer, WorkforceRole::SpecialConstable] {
            let mut s = Scenario::open(plan, at_nine(), Report::default().role(role));
            let v = s.refused(s.after(1), SUPERVISOR, ev::oic(VICTIM));
            assert_eq!(v.point, point);
        }
        // The words are about officers; the plan is silent for police staff, and the rule
        // is not silently extended to them.
        let mut s = Scenario::open(
            plan,
            at_nine(),
            Report::default().role(WorkforceRole::Staff),
        );
        s.record_by(s.after(1), SUPERVISOR, ev::oic(VICTIM));
    }
}

#[test]
fn btp5_the_injured_person_of_any_role_does_not_write_their_own_statement() {
    // BTP 5 "The injured person should not write their own statement": person, so staff too.
    let mut s = Scenario::open(BTP, at_nine(), Report::default().role(WorkforceRole::Staff));
    let v = s.refused(s.after(1), VICTIM, ev::own_statement(None, None));
    assert_violation(&v, "btp@1", "victim-no-own-statement", "5");
}

#[test]
fn a_victim_statement_must_be_given_by_a_victim() {
    for plan in [OPH, BTP, WMP] {
        let mut s = Scenario::open(plan, at_nine(), Report::default());
        let (field, message) = s.invalid(
            s.after(1),
            DETECTIVE,
            ev::victim_statement("MOP-1", DETECTIVE),
        );
        assert_eq!(field, "giver", "{plan}");
        assert!(message.contains("MOP-1 is not a victim"), "{message}");
    }
}

#[test]
fn the_victim_statement_is_taken_from_each_victim() {
    let mut s = Scenario::open(OPH, at_nine(), Report::default().second_victim());
    s.record(s.after(1), ev::victim_statement(VICTIM, DETECTIVE));
    s.record(s.after(2), ev::file_submitted());
    // The second victim's statement was not taken before the file went: not met yet, and
    // overdue (its step has happened).
    assert_eq!(s.ob(s.after(3), "victim-statement").state, Overdue);
    s.record(s.after(4), ev::victim_statement(SECOND_VICTIM, DETECTIVE));
    assert_eq!(s.ob(s.after(5), "victim-statement").state, MetLate);
}

// WMP 6 "The victim must be seen by their supervisor"; BTP 7 "The assaulted person's
// supervisor should meet with them".

fn welfare(victim: Option<&str>, held_by: Option<&str>) -> EventKind {
    EventKind::WelfareMeetingHeld {
        note: String::new(),
        victim: victim.map(person),
        held_by: held_by.map(person),
    }
}

#[test]
fn wmp6_and_btp7_each_victim_is_seen_by_their_own_supervisor() {
    for plan in [WMP, BTP] {
        let mut s = Scenario::open(plan, at_nine(), Report::default().second_victim());
        // A welfare officer seeing the victims is welfare, but not the supervisor's meeting.
        s.record_by(s.after(1), "WELFARE-1", welfare(None, None));
        assert_eq!(
            s.ob(s.after(2), "welfare-meeting").state,
            NotYetDue,
            "{plan}"
        );
        s.record_by(s.after(3), SUPERVISOR, welfare(Some(VICTIM), None));
        assert_eq!(
            s.ob(s.after(4), "welfare-meeting").state,
            NotYetDue,
            "{plan}"
        );
        // Recorded by someone else, held by the supervisor: counts.
        s.record_by(
            s.after(5),
            "PC-CLERK",
            welfare(Some(SECOND_VICTIM), Some(SUPERVISOR)),
        );
        let o = s.ob(s.after(6), "welfare-meeting");
        assert_eq!(
            (o.state, o.completed_at),
            (MetOnTime, Some(s.after(5))),
            "{plan}"
        );
    }
}

#[test]
fn wmp10_the_leaflet_is_given_to_each_victim() {
    let mut s = Scenario::open(WMP, at_nine(), Report::default().second_victim());
    s.record_by(
        s.after(1),
        SUPERVISOR,
        EventKind::LeafletGiven {
            victim: Some(person(VICTIM)),
        },
    );
    assert_eq!(s.ob(s.after(2), "leaflet-given").state, NotYetDue);
    s.record_by(
        s.after(3),
        SUPERVISOR,
        EventKind::LeafletGiven {
            victim: Some(person(SECOND_VICTIM)),
        },
    );
    assert_eq!(s.ob(s.after(4), "leaflet-given").state, MetOnTime);
}

#[test]
fn btp7_the_incident_debrief_is_not_met_by_a_use_of_force_debrief() {
    let mut s = Scenario::open(BTP, at_nine(), Report::default());
    s.record_by(s.after(1), SUPERVISOR, ev::debrief(DebriefKind::UseOfForce));
    assert_eq!(s.ob(s.after(2), "debrief").state, NotYetDue);
    s.record_by(s.after(3), SUPERVISOR, ev::debrief(DebriefKind::Incident));
    assert_eq!(s.ob(s.after(4), "debrief").state, MetOnTime);
}

#[test]
fn btp2_senior_leadership_made_aware_at_the_level_the_injury_needs() {
    // "For a minor injury this should be at divisional level; for more serious injuries
    // this should be escalated through the Senior Duty Officer to the Chief Officer Group."
    let mut s = Scenario::open(
        BTP,
        at_nine(),
        Report::default().injury(InjurySeverity::Serious),
    );
    s.record_by(
        s.after(1),
        SUPERVISOR,
        ev::leadership(LeadershipLevel::ChiefOfficerGroup),
    );
    // Telling the COG is not escalating "through the Senior Duty Officer".
    assert_eq!(
        s.ob(s.after(1), "senior-duty-officer-informed").state,
        NotYetDue
    );
    assert_eq!(
        s.ob(s.after(1), "chief-officer-group-informed").state,
        MetOnTime
    );
    // Senior leadership is aware: the divisional obligation is met by any level.
    assert_eq!(s.ob(s.after(1), "division-informed").state, MetOnTime);
}

// ---------------------------------------------------------------------------------------
// OSSR 23(ii) "If legal, arrest should always be the preferred outcome": the 24 hours to
// arrest or record why not run from when the suspect is identified.

#[test]
fn arrest_or_reason_runs_from_identification_in_every_plan() {
    for plan in [OPH, BTP, WMP] {
        let mut s = Scenario::open(plan, at_nine(), Report::default());
        s.record(s.after(72), ev::suspect_identified());
        let o = s.expect(
            s.after(73),
            "arrest-or-reason",
            NotYetDue,
            Some(s.after(96)),
        );
        assert_eq!(o.started_at, Some(s.after(72)), "{plan}");
        // A suspect named in the report: from the report.
        let s = Scenario::open(plan, at_nine(), Report::default().suspect_identified());
        s.expect(s.after(1), "arrest-or-reason", NotYetDue, Some(s.after(24)));
    }
}

#[test]
fn arrest_or_reason_backdated_identification_starts_the_clock_when_it_happened() {
    let mut s = Scenario::open(OPH, at_nine(), Report::default());
    // Recorded later, identified at hour 10: the earliest time is the start.
    s.record(s.after(30), ev::suspect_identified());
    s.record(s.after(10), ev::suspect_identified());
    s.expect(s.after(35), "arrest-or-reason", Overdue, Some(s.after(34)));
}

// ---------------------------------------------------------------------------------------
// Small truths.

#[test]
fn a_closed_case_without_a_key_decision_does_not_keep_a_per_event_obligation_open() {
    let mut s = Scenario::open(OPH, at_nine(), Report::default());
    assert_eq!(
        s.ob(s.after(1), "victim-told-of-key-decisions").state,
        NotYetDue
    );
    s.record(s.after(2), ev::victim_view());
    s.record(s.after(3), ev::outcome(14));
    s.record(s.after(4), ev::closed());
    let o = s.expect(
        s.after(5),
        "victim-told-of-key-decisions",
        NotApplicable,
        None,
    );
    assert_eq!(
        o.not_applicable_because.as_deref(),
        Some("the case closed without key_decision_made happening")
    );
}

#[test]
fn the_deadline_shown_is_the_one_applied_and_says_why() {
    // Enhanced rights: one working day instead of five (Victims' Code right 6).
    let mut s = Scenario::open(OPH, at_nine(), Report::default().enhanced_rights());
    s.record(s.after(1), ev::key_decision(KeyDecision::Bail));
    let o = s.all(s.after(2), "victim-told-of-key-decisions").remove(0);
    assert_eq!(o.deadline, "1 working day");
    assert_eq!(
        o.deadline_because.as_deref(),
        Some("the plan's stricter deadline when enhanced_rights (otherwise 5 working days)")
    );
    // WMP 7 hospitalised: two hours instead of 24.
    let s = Scenario::open(WMP, at_nine(), Report::default().hospitalised());
    let o = s.ob(s.after(1), "senior-leadership-informed");
    assert_eq!(o.deadline, "2 hours");
    assert!(o.deadline_because.is_some());
    // The victim's chosen frequency.
    let mut s = Scenario::open(OPH, at_nine(), Report::default());
    s.record_by(s.after(1), VICTIM, ev::frequency(7));
    let o = s.all(s.after(2), "victim-updated").remove(0);
    assert_eq!(o.deadline, "7 days");
    assert_eq!(
        o.deadline_because.as_deref(),
        Some("the victim chose to be updated every 7 days (the plan's default is 28 days)")
    );
    // The plan's own: no reason given.
    let s = Scenario::open(OPH, at_nine(), Report::default());
    let o = s.ob(s.after(1), "crime-recorded");
    assert_eq!(
        (o.deadline.as_str(), o.deadline_because),
        ("24 hours", None)
    );
}

// ---------------------------------------------------------------------------------------
// `[[review]]` sections are checked like the rest of a plan file: every problem with its
// line and column.

#[test]
fn a_review_section_with_problems_names_each_with_line_and_column() {
    let text = r#"id = "x"
version = 1
title = "X"
source = "test"

[[review]]
id = "panel"
title = "Panel"
owner = "nobody"
every = "fortnight"
grace = "2 working days"
cites = "test"
"#;
    let err = pledge_domain::load_plan("x.toml", text).unwrap_err();
    let at: Vec<(usize, usize)> = err.problems.iter().map(|p| (p.line, p.column)).collect();
    // (1, 6): the plan has no points, a problem of its own.
    assert_eq!(at, vec![(1, 6), (9, 9), (10, 9), (11, 9)], "{err}");
    assert!(err.problems[1].message.contains("unknown role `nobody`"));
    assert!(
        err.problems[2]
            .message
            .contains("\"month\", \"quarter\" or \"year\"")
    );
    assert!(err.problems[3].message.contains("grace period"));
}
