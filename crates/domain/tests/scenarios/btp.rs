//! British Transport Police Officer Assault Pledge, points 1–7 (seed 000). The pledge sets no
//! deadlines: the clocks are Pledge's stated defaults and the Victims' Code's. BTP works in
//! England and Wales and in Scotland, so a case's jurisdiction picks the bank holidays.
//!
//! Scenarios are reported on Monday 2 November 2026 at 09:00 GMT unless they say otherwise.

use crate::support::*;
use pledge_domain::State::*;
use pledge_domain::calendar::Jurisdiction;
use pledge_domain::evaluate::{Pending, PointVerdict};
use pledge_domain::event::values::*;
use pledge_domain::plan::Role;

const PLAN: &str = "btp";
const REF: &str = "btp@1";

fn case(report: Report) -> Scenario {
    Scenario::open(
        PLAN,
        ts("2026-11-02T09:00:00Z"),
        report.location(LocationType::Railway),
    )
}

// 1 "Total Victim Care & Victims Code of Practice apply in all circumstances": investigated
// with the same care; keeping the victim updated, discussing outcome options and taking
// account of the victim's point of view before imposing an outcome.

#[test]
fn p1_crime_recorded_and_arrest_or_reason_within_24_hours() {
    let mut s = case(Report::default().suspect_identified());
    let o = s.expect(s.after(1), "crime-recorded", NotYetDue, Some(s.after(24)));
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    s.expect(s.after(1), "arrest-or-reason", NotYetDue, Some(s.after(24)));
    s.record(s.after(2), ev::oic(DETECTIVE));
    s.record(
        s.after(20),
        ev::no_arrest("suspect detained under the Mental Health Act"),
    );
    let o = s.expect(
        s.after(30),
        "arrest-or-reason",
        MetOnTime,
        Some(s.after(24)),
    );
    assert_owner(&o, Role::OfficerInCase, Some(DETECTIVE));
    s.expect(s.after(30), "crime-recorded", Overdue, Some(s.after(24)));
    assert_eq!(s.verdict(s.after(30), "1"), PointVerdict::Overdue);
}

#[test]
fn p1_no_arrest_without_reason_is_refused_naming_point_1() {
    let mut s = case(Report::default().suspect_identified());
    let v = s.refused(s.after(2), DETECTIVE, ev::no_arrest(""));
    assert_violation(&v, REF, "no-arrest-needs-reason", "1");
}

#[test]
fn p1_victim_view_before_imposing_an_outcome() {
    let mut s = case(Report::default());
    let v = s.refused(s.after(200), DETECTIVE, ev::outcome(8));
    assert_violation(&v, REF, "victim-view-before-outcome-rule", "1");
    assert!(v.says.contains("point of view before imposing an outcome"));
    s.record(s.after(201), ev::victim_view());
    s.record(s.after(202), ev::outcome(8));
    s.expect(
        s.after(203),
        "victim-view-before-outcome",
        MetOnTime,
        Some(s.after(202)),
    );
}

#[test]
fn p1_key_decisions_updates_and_support_referral() {
    let mut s = case(Report::default());
    // Release under investigation on Wednesday: five working days to the end of Wednesday.
    s.record(
        ts("2026-11-04T16:00:00Z"),
        ev::key_decision(KeyDecision::ReleasedUnderInvestigation),
    );
    s.expect(
        ts("2026-11-05T09:00:00Z"),
        "victim-told-of-key-decisions",
        NotYetDue,
        Some(midnight("2026-11-12")),
    );
    s.expect(
        ts("2026-11-05T09:00:00Z"),
        "support-referral",
        Overdue,
        Some(midnight("2026-11-05")),
    );
    s.expect(
        ts("2026-11-05T09:00:00Z"),
        "victim-updated",
        NotYetDue,
        Some(ts("2026-11-30T09:00:00Z")),
    );
    s.record(ts("2026-11-11T09:00:00Z"), ev::victim_updated());
    s.expect(
        ts("2026-11-12T09:00:00Z"),
        "victim-told-of-key-decisions",
        MetOnTime,
        Some(midnight("2026-11-12")),
    );
}

// 2 "Senior leadership to be informed of any assault ... For a minor injury this should be
// at divisional level; for more serious injuries this should be escalated through the
// Senior Duty Officer to the Chief Officer Group."

#[test]
fn p2_minor_injury_division_informed_within_24_hours_only() {
    let mut s = case(Report::default());
    let o = s.expect(
        s.after(1),
        "division-informed",
        NotYetDue,
        Some(s.after(24)),
    );
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    s.expect(
        s.after(1),
        "senior-duty-officer-informed",
        NotApplicable,
        None,
    );
    s.expect(
        s.after(1),
        "chief-officer-group-informed",
        NotApplicable,
        None,
    );
    s.record_by(
        s.after(5),
        SUPERVISOR,
        ev::leadership(LeadershipLevel::LocalCommandTeam),
    );
    s.expect(
        s.after(25),
        "division-informed",
        MetOnTime,
        Some(s.after(24)),
    );
    assert_eq!(s.verdict(s.after(25), "2"), PointVerdict::Kept);
}

#[test]
fn p2_serious_injury_escalated_through_the_senior_duty_officer_to_the_chief_officer_group() {
    for report in [
        Report::default().injury(InjurySeverity::Serious),
        Report::default().hospitalised(),
    ] {
        let mut s = case(report);
        let o = s.expect(
            s.after(0),
            "senior-duty-officer-informed",
            NotYetDue,
            Some(s.after(2)),
        );
        assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
        let o = s.expect(
            s.after(0),
            "chief-officer-group-informed",
            NotYetDue,
            Some(s.after(24)),
        );
        assert_owner(&o, Role::SeniorDutyOfficer, None);
        s.record_by(
            s.after(1),
            SUPERVISOR,
            ev::leadership(LeadershipLevel::SeniorDutyOfficer),
        );
        // The Senior Duty Officer also satisfies the divisional level, not the COG.
        s.expect(
            s.after(3),
            "division-informed",
            MetOnTime,
            Some(s.after(24)),
        );
        s.expect(
            s.after(3),
            "senior-duty-officer-informed",
            MetOnTime,
            Some(s.after(2)),
        );
        s.expect(
            s.after(25),
            "chief-officer-group-informed",
            Overdue,
            Some(s.after(24)),
        );
        s.record_by(
            s.after(26),
            "SDO-1",
            ev::leadership(LeadershipLevel::ChiefOfficerGroup),
        );
        s.expect(
            s.after(27),
            "chief-officer-group-informed",
            MetLate,
            Some(s.after(24)),
        );
        assert_eq!(s.verdict(s.after(27), "2"), PointVerdict::KeptLate);
    }
}

// 3 "Accident Management System must be completed."

#[test]
fn p3_accident_management_system_within_72_hours_and_riddor() {
    let mut s = case(Report::default().specified_injury());
    let o = s.expect(
        s.after(1),
        "accident-management-system",
        NotYetDue,
        Some(s.after(72)),
    );
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    s.record_by(
        s.after(80),
        SUPERVISOR,
        ev::safety_report(SafetySystem::AccidentManagementSystem),
    );
    s.expect(
        s.after(81),
        "accident-management-system",
        MetLate,
        Some(s.after(72)),
    );
    s.expect(
        s.after(81),
        "riddor-specified-injury",
        NotYetDue,
        Some(ts("2026-11-12T09:00:00Z")),
    );
    s.expect(s.after(81), "riddor-over-seven-days", NotApplicable, None);
    s.record_by(s.after(240), SUPERVISOR, ev::days_lost(12));
    s.expect(
        ts("2026-11-18T09:00:00Z"),
        "riddor-over-seven-days",
        Overdue,
        Some(ts("2026-11-17T09:00:00Z")),
    );
}

// 4 "An assaulted officer must not be the Officer in the Case ... even taking statements
// from witnesses may be inappropriate."

#[test]
fn p4_victim_is_never_the_officer_in_the_case() {
    let mut s = case(Report::default());
    let v = s.refused(s.after(1), "INSP-1", ev::oic(VICTIM));
    assert_violation(&v, REF, "victim-not-oic", "4");
    assert!(v.says.contains("must never be the Officer in the Case"));
    s.record_by(s.after(30), "INSP-1", ev::oic(DETECTIVE));
    let o = s.expect(s.after(31), "oic-assigned", MetLate, Some(s.after(24)));
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
}

#[test]
fn p4_victim_takes_no_witness_statements() {
    let mut s = case(Report::default());
    let v = s.refused(s.after(1), VICTIM, ev::witness_statement("GUARD-7", VICTIM));
    assert_violation(&v, REF, "victim-takes-no-statements", "4");
    assert!(v.says.contains("taking statements from witnesses"));
}

// 5 "The injured person should not write their own statement."

#[test]
fn p5_injured_person_does_not_write_their_own_statement() {
    let mut s = case(Report::default());
    let v = s.refused(s.after(1), VICTIM, ev::own_statement(None, None));
    assert_violation(&v, REF, "victim-no-own-statement", "5");
    s.record(s.after(1), ev::oic(DETECTIVE));
    let o = s.expect(s.after(2), "victim-statement", NotYetDue, None);
    assert_eq!(o.pending, Pending::BeforeStep);
    assert_owner(&o, Role::OfficerInCase, Some(DETECTIVE));
    s.record(s.after(3), ev::victim_statement(VICTIM, DETECTIVE));
    s.record(s.after(50), ev::file_submitted());
    s.expect(
        s.after(51),
        "victim-statement",
        MetOnTime,
        Some(s.after(50)),
    );
}

// 6 "Best evidence must be presented ... Victim impact and community impact statements
// should be considered."

#[test]
fn p6_best_evidence_and_impact_statements_before_the_file() {
    let mut s = case(Report::default());
    s.expect(
        s.after(1),
        "investigation-plan",
        NotYetDue,
        Some(ts("2026-11-09T09:00:00Z")),
    );
    s.record(ts("2026-11-10T09:00:00Z"), ev::investigation_plan());
    s.record(ts("2026-11-10T10:00:00Z"), ev::vps(true));
    // A victim impact statement is not the community impact statement.
    s.record(
        ts("2026-11-10T11:00:00Z"),
        ev::impact(ImpactStatement::Victim),
    );
    s.record(ts("2026-11-12T10:00:00Z"), ev::file_submitted());
    let at = ts("2026-11-12T11:00:00Z");
    let filed = Some(ts("2026-11-12T10:00:00Z"));
    s.expect(
        at,
        "investigation-plan",
        MetLate,
        Some(ts("2026-11-09T09:00:00Z")),
    );
    s.expect(at, "vps-offered", MetOnTime, filed);
    s.expect(at, "community-impact-considered", Overdue, filed);
    s.record(
        ts("2026-11-13T10:00:00Z"),
        ev::impact(ImpactStatement::Community),
    );
    s.expect(
        ts("2026-11-13T11:00:00Z"),
        "community-impact-considered",
        MetLate,
        filed,
    );
    s.expect(
        ts("2026-11-13T11:00:00Z"),
        "court-result-recorded",
        NotApplicable,
        None,
    );
    s.record(ts("2026-11-20T10:00:00Z"), ev::charged());
    s.record(ts("2027-02-01T10:00:00Z"), ev::sentenced());
    s.expect(
        ts("2027-02-02T10:00:00Z"),
        "court-result-recorded",
        MetOnTime,
        None,
    );
}

// 7 "The incident should be debriefed ... supervisor should meet with them as soon as it is
// practical ... referrals such as TRiM ... Organisational learning ... fed into the Lessons
// Exploitation Centre (LXC)."

#[test]
fn p7_welfare_trim_debrief_and_lessons() {
    let mut s = case(Report::default());
    s.expect(s.after(1), "welfare-meeting", NotYetDue, Some(s.after(24)));
    s.expect(s.after(1), "trim-considered", NotYetDue, Some(s.after(72)));
    let o = s.expect(
        s.after(1),
        "debrief",
        NotYetDue,
        Some(ts("2026-11-16T09:00:00Z")),
    );
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    let o = s.ob(s.after(1), "lesson-to-lxc");
    assert_eq!(
        (o.state, o.pending),
        (
            NotYetDue,
            Pending::ClockNotStarted(pledge_domain::EventType::DebriefHeld)
        )
    );
    assert_owner(&o, Role::LessonsOfficer, None);

    s.record_by(s.after(3), SUPERVISOR, ev::welfare());
    s.record_by(s.after(4), SUPERVISOR, ev::trim_considered(true));
    s.expect(
        s.after(5),
        "trim-initial-assessment",
        NotYetDue,
        Some(ts("2026-11-06T09:00:00Z")),
    );
    s.record_by(
        ts("2026-11-10T15:00:00Z"),
        SUPERVISOR,
        ev::debrief(DebriefKind::Incident),
    );
    // The lessons clock runs 28 days from the debrief.
    let due = ts("2026-12-08T15:00:00Z");
    s.expect(
        ts("2026-11-11T09:00:00Z"),
        "debrief",
        MetOnTime,
        Some(ts("2026-11-16T09:00:00Z")),
    );
    let o = s.expect(
        ts("2026-11-11T09:00:00Z"),
        "lesson-to-lxc",
        NotYetDue,
        Some(due),
    );
    assert_eq!(o.started_at, Some(ts("2026-11-10T15:00:00Z")));
    s.expect(
        ts("2026-12-09T09:00:00Z"),
        "lesson-to-lxc",
        Overdue,
        Some(due),
    );
    s.record_by(ts("2026-12-01T09:00:00Z"), "LXC-OFFICER", ev::lesson());
    s.expect(
        ts("2026-12-09T09:00:00Z"),
        "lesson-to-lxc",
        MetOnTime,
        Some(due),
    );
}

// BTP works in Scotland: the same plan counts working days in Scotland's calendar.

#[test]
fn scotland_support_referral_skips_st_andrews_day() {
    // Friday 27 November 2026; St Andrew's Day is Monday 30 November.
    let at = ts("2026-11-27T10:00:00Z");
    let england = Scenario::open(PLAN, at, Report::default());
    england.expect(
        at,
        "support-referral",
        NotYetDue,
        Some(midnight("2026-12-02")),
    );
    let scotland = Scenario::open(
        PLAN,
        at,
        Report::default().jurisdiction(Jurisdiction::Scotland),
    );
    scotland.expect(
        at,
        "support-referral",
        NotYetDue,
        Some(midnight("2026-12-03")),
    );
}

#[test]
fn scotland_has_no_easter_monday() {
    // A key decision on Thursday 2 April 2026, before Good Friday (3 April) and Easter Monday
    // (6 April, a bank holiday in England and Wales but not in Scotland).
    let at = ts("2026-04-02T09:00:00Z");
    for (j, due) in [
        (Jurisdiction::EnglandAndWales, "2026-04-14"),
        (Jurisdiction::Scotland, "2026-04-11"),
    ] {
        let mut s = Scenario::open(PLAN, plus_hours(at, -1), Report::default().jurisdiction(j));
        s.record(at, ev::key_decision(KeyDecision::Bail));
        s.expect(
            at,
            "victim-told-of-key-decisions",
            NotYetDue,
            Some(midnight(due)),
        );
    }
}
