//! Operation Hampshire seven point plan, points (a)–(g) (seed 002, as quoted in UNISON's 2021
//! motion), with OSSR recommendations 21, 23(i) and 23(ii). The plan itself sets no
//! deadlines: the clocks here are Pledge's stated defaults (docs/product.md) and the
//! Victims' Code's.
//!
//! Every scenario is reported on Monday 2 November 2026 at 09:00 (GMT, so London time and
//! UTC agree); no bank holiday falls in the following weeks in England and Wales.

use crate::support::*;
use pledge_domain::State::*;
use pledge_domain::evaluate::{Pending, PointVerdict};
use pledge_domain::event::values::*;
use pledge_domain::plan::Role;

const PLAN: &str = "op-hampshire";
const REF: &str = "op-hampshire@1";

fn reported() -> jiff::Timestamp {
    ts("2026-11-02T09:00:00Z")
}

fn case(report: Report) -> Scenario {
    Scenario::open(PLAN, reported(), report)
}

// (a) "Assaults on police officers and police staff should be investigated with the same
// care, compassion and commitment as an assault on any member of the public."

#[test]
fn a_crime_recorded_within_24_hours_by_the_supervisor() {
    let mut s = case(Report::default());
    let due = s.after(24);
    let o = s.expect(s.after(1), "crime-recorded", NotYetDue, Some(due));
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    assert_eq!(o.pending, Pending::Running);
    assert_eq!(o.started_at, Some(reported()));
    assert!(
        o.deadline_is_default,
        "the plan sets no deadline: Pledge's default"
    );
    // The last quarter (6 of 24 hours) is "due soon"; after the deadline, overdue.
    s.expect(s.after(17), "crime-recorded", NotYetDue, Some(due));
    s.expect(s.after(18), "crime-recorded", DueSoon, Some(due));
    s.expect(s.after(24), "crime-recorded", DueSoon, Some(due));
    s.expect(plus_mins(due, 1), "crime-recorded", Overdue, Some(due));
    assert_eq!(s.verdict(s.after(25), "a"), PointVerdict::Overdue);
    s.record_by(s.after(23), SUPERVISOR, ev::crime_recorded());
    let o = s.expect(s.after(30), "crime-recorded", MetOnTime, Some(due));
    assert_eq!(o.completed_at, Some(s.after(23)));
    assert_eq!(s.verdict(s.after(30), "a"), PointVerdict::Kept);
}

#[test]
fn a_crime_recorded_late_is_met_late() {
    let mut s = case(Report::default());
    s.record_by(s.after(26), SUPERVISOR, ev::crime_recorded());
    let o = s.expect(s.after(30), "crime-recorded", MetLate, Some(s.after(24)));
    assert_eq!(o.completed_at, Some(s.after(26)));
    assert_eq!(s.verdict(s.after(30), "a"), PointVerdict::KeptLate);
}

#[test]
fn a_arrest_or_reason_applies_only_when_a_suspect_is_identified() {
    let s = case(Report::default());
    let o = s.expect(s.after(30), "arrest-or-reason", NotApplicable, None);
    assert_eq!(
        o.not_applicable_because.as_deref(),
        Some("applies only when suspect_identified")
    );

    // Identified in the report: the officer in the case arrests within 24 hours.
    let mut s = case(Report::default().suspect_identified());
    let due = s.after(24);
    s.expect(s.after(2), "arrest-or-reason", NotYetDue, Some(due));
    s.expect(s.after(25), "arrest-or-reason", Overdue, Some(due));
    s.record(s.after(1), ev::oic(DETECTIVE));
    s.record(s.after(3), ev::arrest());
    let o = s.expect(s.after(25), "arrest-or-reason", MetOnTime, Some(due));
    assert_owner(&o, Role::OfficerInCase, Some(DETECTIVE));

    // Identified later by an event: from then on it applies, and its 24 hours run from
    // the identification (`starts = "suspect_identified"`), not from the report.
    let mut s = case(Report::default());
    s.expect(s.after(2), "arrest-or-reason", NotApplicable, None);
    s.record(s.after(3), ev::suspect_identified());
    assert_ne!(s.ob(s.after(4), "arrest-or-reason").state, NotApplicable);
    s.record(s.after(5), ev::arrest());
    s.expect(s.after(6), "arrest-or-reason", MetOnTime, Some(s.after(27)));
}

#[test]
fn a_no_arrest_with_a_reason_completes_it_late_or_on_time() {
    let mut s = case(Report::default().suspect_identified());
    s.record(s.after(30), ev::no_arrest("suspect left the country"));
    s.expect(s.after(31), "arrest-or-reason", MetLate, Some(s.after(24)));
}

#[test]
fn a_no_arrest_without_a_reason_is_refused_naming_point_a() {
    let mut s = case(Report::default().suspect_identified());
    for reason in ["", "   "] {
        let v = s.refused(s.after(2), DETECTIVE, ev::no_arrest(reason));
        assert_violation(&v, REF, "no-arrest-needs-reason", "a");
        assert!(
            v.says
                .contains("arrest should always be the preferred outcome")
        );
    }
    s.expect(s.after(25), "arrest-or-reason", Overdue, Some(s.after(24)));
}

// (b) "The Victim Code applies to all victims and therefore to assaults on police officers
// and staff."

#[test]
fn b_key_decisions_are_told_within_5_working_days() {
    let mut s = case(Report::default());
    let o = s.ob(s.after(1), "victim-told-of-key-decisions");
    assert_eq!(o.state, NotYetDue);
    assert_eq!(
        o.pending,
        Pending::ClockNotStarted(pledge_domain::EventType::KeyDecisionMade)
    );
    assert_eq!(o.due_at, None);

    s.record(s.after(1), ev::oic(DETECTIVE));
    // Bail on Monday 14:00: due at the end of the 5th working day after, Monday 9 November.
    s.record(
        ts("2026-11-02T14:00:00Z"),
        ev::key_decision(KeyDecision::Bail),
    );
    let due = midnight("2026-11-10");
    let o = s.expect(
        ts("2026-11-05T12:00:00Z"),
        "victim-told-of-key-decisions",
        NotYetDue,
        Some(due),
    );
    assert_eq!(o.instance, 1);
    assert_owner(&o, Role::OfficerInCase, Some(DETECTIVE));
    assert!(!o.deadline_is_default, "the Victims' Code sets this clock");
    s.expect(
        ts("2026-11-09T23:59:00Z"),
        "victim-told-of-key-decisions",
        DueSoon,
        Some(due),
    );
    s.expect(
        ts("2026-11-10T00:01:00Z"),
        "victim-told-of-key-decisions",
        Overdue,
        Some(due),
    );
    // A second decision is a second instance with its own clock.
    s.record(ts("2026-11-06T10:00:00Z"), ev::victim_updated());
    s.record(
        ts("2026-11-16T10:00:00Z"),
        ev::key_decision(KeyDecision::Charge),
    );
    let all = s.all(ts("2026-11-24T12:00:00Z"), "victim-told-of-key-decisions");
    let got: Vec<_> = all
        .iter()
        .map(|o| (o.instance, o.state, o.due_at))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, MetOnTime, Some(due)),
            (2, Overdue, Some(midnight("2026-11-24")))
        ]
    );
    s.record(ts("2026-11-24T12:30:00Z"), ev::victim_updated());
    let all = s.all(ts("2026-11-25T12:00:00Z"), "victim-told-of-key-decisions");
    assert_eq!(all[1].state, MetLate);
    assert_eq!(all[1].completed_at, Some(ts("2026-11-24T12:30:00Z")));
}

// (b) "The Victim Code applies to all victims and therefore to assaults on police officers
// and staff." The Code's right 6 names arrest first among the key decisions a victim is told
// of, and the plan's own obligation reads "Tell the victim of each key decision (arrest,
// charge, ...)": so recording an arrest starts the key-decision clock, as a recorded key
// decision does.
#[test]
fn b_an_arrest_is_a_key_decision_the_victim_is_told_of() {
    let mut s = case(Report::default());
    s.record(s.after(1), ev::oic(DETECTIVE));
    // Arrested Monday 14:00: told by the end of the 5th working day after, Monday 9 November.
    s.record(ts("2026-11-02T14:00:00Z"), ev::arrest());
    let due = midnight("2026-11-10");
    let o = s.expect(
        ts("2026-11-03T12:00:00Z"),
        "victim-told-of-key-decisions",
        NotYetDue,
        Some(due),
    );
    assert_eq!(o.instance, 1);
    assert_eq!(o.started_at, Some(ts("2026-11-02T14:00:00Z")));
    // A later charge is a second decision with its own clock, after the arrest's.
    s.record(
        ts("2026-11-04T10:00:00Z"),
        ev::key_decision(KeyDecision::Charge),
    );
    s.record(ts("2026-11-04T11:00:00Z"), ev::victim_updated());
    let all = s.all(ts("2026-11-05T12:00:00Z"), "victim-told-of-key-decisions");
    let got: Vec<_> = all.iter().map(|o| (o.instance, o.state)).collect();
    assert_eq!(got, vec![(1, MetOnTime), (2, MetOnTime)]);
    assert_eq!(all[0].started_at, Some(ts("2026-11-02T14:00:00Z")));
    assert_eq!(all[1].started_at, Some(ts("2026-11-04T10:00:00Z")));
}

#[test]
fn b_key_decisions_with_enhanced_rights_are_told_within_1_working_day() {
    // Hate crime gives enhanced rights under the Victims' Code.
    let mut s = case(Report::default().hate_crime(HateStrand::Race));
    s.record(
        ts("2026-11-02T14:00:00Z"),
        ev::key_decision(KeyDecision::Arrest),
    );
    s.expect(
        ts("2026-11-03T12:00:00Z"),
        "victim-told-of-key-decisions",
        NotYetDue,
        Some(midnight("2026-11-04")),
    );
    // So does a victim flagged with enhanced rights for another reason.
    let mut s = case(Report::default().enhanced_rights());
    s.record(
        ts("2026-11-02T14:00:00Z"),
        ev::key_decision(KeyDecision::Arrest),
    );
    s.record(ts("2026-11-04T09:00:00Z"), ev::victim_updated());
    s.expect(
        ts("2026-11-05T12:00:00Z"),
        "victim-told-of-key-decisions",
        MetLate,
        Some(midnight("2026-11-04")),
    );
}

#[test]
fn b_victim_updated_every_28_days_or_as_the_victim_chooses_until_closed() {
    let mut s = case(Report::default());
    let first_due = ts("2026-11-30T09:00:00Z");
    let o = s.expect(s.after(1), "victim-updated", NotYetDue, Some(first_due));
    assert_eq!(o.instance, 1);
    s.expect(
        ts("2026-12-01T09:00:00Z"),
        "victim-updated",
        Overdue,
        Some(first_due),
    );
    // Updated on day 20: the next update is due 28 days after that one.
    s.record(ts("2026-11-22T10:00:00Z"), ev::victim_updated());
    let got: Vec<_> = s
        .all(ts("2026-11-23T10:00:00Z"), "victim-updated")
        .iter()
        .map(|o| (o.instance, o.state, o.due_at))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, MetOnTime, Some(first_due)),
            (2, NotYetDue, Some(ts("2026-12-20T10:00:00Z")))
        ]
    );
    // The victim asks for weekly updates: from that request, the open instance is due
    // within 7 days; the update already given on time under the default stays on time.
    s.record(ts("2026-11-23T10:00:00Z"), ev::frequency(7));
    let all = s.all(ts("2026-11-23T11:00:00Z"), "victim-updated");
    assert_eq!((all[0].state, all[0].due_at), (MetOnTime, Some(first_due)));
    assert_eq!(all[1].started_at, Some(ts("2026-11-23T10:00:00Z")));
    assert_eq!(all[1].due_at, Some(ts("2026-11-30T10:00:00Z")));
    // Later instances run at the chosen frequency from the previous update.
    s.record(ts("2026-11-24T10:00:00Z"), ev::victim_updated());
    let all = s.all(ts("2026-11-24T11:00:00Z"), "victim-updated");
    assert_eq!(all[2].due_at, Some(ts("2026-12-01T10:00:00Z")));
    // Closed before the next update falls due: no further instance is owed.
    s.record(ts("2026-11-25T10:00:00Z"), ev::victim_view());
    s.record(ts("2026-11-26T10:00:00Z"), ev::outcome(1));
    s.record(ts("2026-11-27T10:00:00Z"), ev::closed());
    let all = s.all(ts("2027-03-01T10:00:00Z"), "victim-updated");
    let got: Vec<_> = all.iter().map(|o| (o.instance, o.state)).collect();
    assert_eq!(
        got,
        vec![(1, MetOnTime), (2, MetOnTime)],
        "only the instances met before the case closed"
    );
}

#[test]
fn b_outcome_waits_for_the_victims_view() {
    let mut s = case(Report::default());
    let o = s.expect(s.after(1), "victim-view-before-outcome", NotYetDue, None);
    assert_eq!(o.pending, Pending::BeforeStep);
    assert_owner(&o, Role::OfficerInCase, None);

    let v = s.refused(s.after(100), DETECTIVE, ev::outcome(1));
    assert_violation(&v, REF, "victim-view-before-outcome-rule", "b");
    assert!(v.detail.contains("victim's view has not been recorded"));

    s.record(s.after(101), ev::victim_view());
    s.record(s.after(102), ev::outcome(1));
    let o = s.expect(
        s.after(103),
        "victim-view-before-outcome",
        MetOnTime,
        Some(s.after(102)),
    );
    assert_eq!(o.completed_at, Some(s.after(101)));
}

#[test]
fn b_an_outcome_dated_before_the_victims_view_is_refused() {
    // Events may be recorded after the fact, but the rule is about time: an outcome
    // finalised on Tuesday was finalised before a view first recorded as given on Friday.
    let mut s = case(Report::default());
    s.record(ts("2026-11-20T10:00:00Z"), ev::victim_view());
    let v = s.refused(ts("2026-11-17T10:00:00Z"), DETECTIVE, ev::outcome(1));
    assert_violation(&v, REF, "victim-view-before-outcome-rule", "b");
    // At or after the view it is accepted.
    s.record(ts("2026-11-20T10:00:00Z"), ev::outcome(1));
    s.expect(
        ts("2026-11-21T10:00:00Z"),
        "victim-view-before-outcome",
        MetOnTime,
        Some(ts("2026-11-20T10:00:00Z")),
    );
}

#[test]
fn b_support_referral_within_2_working_days_unless_the_victim_opts_out() {
    let due = midnight("2026-11-05");
    let mut s = case(Report::default());
    let o = s.expect(s.after(1), "support-referral", NotYetDue, Some(due));
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    s.expect(
        ts("2026-11-05T00:01:00Z"),
        "support-referral",
        Overdue,
        Some(due),
    );
    s.record_by(
        ts("2026-11-04T16:00:00Z"),
        SUPERVISOR,
        ev::support_referral(),
    );
    s.expect(
        ts("2026-11-06T00:00:00Z"),
        "support-referral",
        MetOnTime,
        Some(due),
    );

    let mut s = case(Report::default());
    s.record_by(
        ts("2026-11-05T09:00:00Z"),
        SUPERVISOR,
        pledge_domain::EventKind::SupportOptedOut,
    );
    s.expect(
        ts("2026-11-06T00:00:00Z"),
        "support-referral",
        MetLate,
        Some(due),
    );
}

#[test]
fn b_feedback_survey_within_5_working_days_of_closure() {
    let mut s = case(Report::default());
    let o = s.ob(s.after(1), "feedback-survey");
    assert_eq!(
        (o.state, o.pending),
        (
            NotYetDue,
            Pending::ClockNotStarted(pledge_domain::EventType::CaseClosed)
        )
    );
    assert_owner(&o, Role::OpHampshireLead, None);
    s.record(ts("2026-11-25T10:00:00Z"), ev::victim_view());
    s.record(ts("2026-11-26T10:00:00Z"), ev::outcome(16));
    // Closed Friday 27 November: five working days run to the end of Friday 4 December.
    s.record(ts("2026-11-27T10:00:00Z"), ev::closed());
    let due = midnight("2026-12-05");
    s.expect(
        ts("2026-11-30T10:00:00Z"),
        "feedback-survey",
        NotYetDue,
        Some(due),
    );
    s.expect(
        ts("2026-12-07T10:00:00Z"),
        "feedback-survey",
        Overdue,
        Some(due),
    );
    // Only surveys, waivers and escalations are accepted after closure.
    let (field, _) = s.invalid(ts("2026-11-28T10:00:00Z"), DETECTIVE, ev::victim_updated());
    assert_eq!(field, "type");
    s.record(
        ts("2026-12-01T10:00:00Z"),
        pledge_domain::EventKind::SurveySent {},
    );
    s.expect(
        ts("2026-12-07T10:00:00Z"),
        "feedback-survey",
        MetOnTime,
        Some(due),
    );
}

// (c) "The assaulted officer must never have to investigate their own assault or write
// their own statement."

#[test]
fn c_officer_in_case_assigned_within_24_hours_and_never_a_victim() {
    let mut s = case(Report::default().second_victim());
    let due = s.after(24);
    let o = s.expect(s.after(1), "oic-assigned", NotYetDue, Some(due));
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    for victim in [VICTIM, SECOND_VICTIM] {
        let v = s.refused(s.after(2), "INSP-0912", ev::oic(victim));
        assert_violation(&v, REF, "victim-not-oic", "c");
        assert!(v.detail.contains(victim));
        assert_eq!(s.case.state().officer_in_case(), None);
    }
    s.expect(s.after(3), "oic-assigned", NotYetDue, Some(due));
    s.record_by(s.after(8), "INSP-0912", ev::oic(DETECTIVE));
    let o = s.expect(s.after(30), "oic-assigned", MetOnTime, Some(due));
    assert_eq!(o.completed_at, Some(s.after(8)));
    assert_eq!(
        s.case.state().officer_in_case().map(|p| p.as_str()),
        Some(DETECTIVE)
    );
}

#[test]
fn c_officer_in_case_assigned_late_or_not_at_all() {
    let mut s = case(Report::default());
    s.expect(s.after(25), "oic-assigned", Overdue, Some(s.after(24)));
    s.record_by(s.after(40), "INSP-0912", ev::oic(DETECTIVE));
    s.expect(s.after(41), "oic-assigned", MetLate, Some(s.after(24)));
}

#[test]
fn c_victim_never_writes_their_own_statement() {
    let mut s = case(Report::default().second_victim());
    let v = s.refused(s.after(5), VICTIM, ev::own_statement(None, None));
    assert_violation(&v, REF, "victim-no-own-statement", "c");
    // Another victim taking it is still a victim investigating their own assault.
    let v = s.refused(
        s.after(5),
        SECOND_VICTIM,
        ev::victim_statement(VICTIM, SECOND_VICTIM),
    );
    assert_violation(&v, REF, "victim-no-own-statement", "c");
    // The plan has no tier system: naming a tier does not open a way round the rule, and
    // the refusal still quotes point (c) (it names the field at fault too).
    let v = s.refused(
        s.after(5),
        VICTIM,
        ev::own_statement(Some("tier-1"), Some("minor injury")),
    );
    assert_violation(&v, REF, "victim-no-own-statement", "c");
    assert_eq!(v.field.as_deref(), Some("tier"));
    assert!(!s.case.state().has(pledge_domain::EventType::StatementTaken));
}

#[test]
fn c_victim_takes_no_witness_statements_in_their_own_case() {
    let mut s = case(Report::default());
    let v = s.refused(s.after(5), VICTIM, ev::witness_statement("MOP-1", VICTIM));
    assert_violation(&v, REF, "victim-takes-no-statements", "c");
    s.record(s.after(6), ev::witness_statement("MOP-1", DETECTIVE));
}

#[test]
fn c_victim_statement_taken_by_another_officer_before_the_file() {
    let mut s = case(Report::default());
    s.record(s.after(1), ev::oic(DETECTIVE));
    let o = s.expect(s.after(2), "victim-statement", NotYetDue, None);
    assert_eq!(o.pending, Pending::BeforeStep);
    assert_owner(&o, Role::OfficerInCase, Some(DETECTIVE));
    // A witness statement does not complete it.
    s.record(s.after(3), ev::witness_statement("MOP-1", DETECTIVE));
    s.expect(s.after(4), "victim-statement", NotYetDue, None);
    // The file goes first: the statement is overdue from then.
    s.record(s.after(48), ev::file_submitted());
    s.expect(s.after(49), "victim-statement", Overdue, Some(s.after(48)));
    assert_eq!(s.verdict(s.after(49), "c"), PointVerdict::Overdue);
    s.record(s.after(50), ev::victim_statement(VICTIM, DETECTIVE));
    s.expect(s.after(51), "victim-statement", MetLate, Some(s.after(48)));

    let mut s = case(Report::default());
    s.record(s.after(5), ev::victim_statement(VICTIM, DETECTIVE));
    s.record(s.after(48), ev::file_submitted());
    s.expect(
        s.after(49),
        "victim-statement",
        MetOnTime,
        Some(s.after(48)),
    );
}

// (d) "Victims recover better and more quickly if they receive the right welfare and
// supervision."

#[test]
fn d_supervisor_meets_the_victim_as_soon_as_practicable_24_hours() {
    let mut s = case(Report::default());
    let o = s.expect(s.after(1), "welfare-meeting", NotYetDue, Some(s.after(24)));
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    assert_eq!(o.deadline, "as soon as practicable, 24 hours");
    s.expect(s.after(25), "welfare-meeting", Overdue, Some(s.after(24)));
    s.record_by(s.after(4), SUPERVISOR, ev::welfare());
    s.expect(s.after(25), "welfare-meeting", MetOnTime, Some(s.after(24)));
}

#[test]
fn d_trim_considered_within_72_hours_and_assessments_only_when_referred() {
    let mut s = case(Report::default());
    let o = s.expect(s.after(1), "trim-considered", NotYetDue, Some(s.after(72)));
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    s.expect(s.after(1), "trim-initial-assessment", NotApplicable, None);
    s.expect(s.after(1), "trim-one-month-assessment", NotApplicable, None);

    // Considered and not referred: the assessments never apply.
    let mut declined = case(Report::default());
    declined.record_by(declined.after(30), SUPERVISOR, ev::trim_considered(false));
    declined.expect(
        declined.after(31),
        "trim-considered",
        MetOnTime,
        Some(declined.after(72)),
    );
    declined.expect(
        declined.after(900),
        "trim-initial-assessment",
        NotApplicable,
        None,
    );

    // Referred: assessments around 72 hours (4 days) and one month (35 days) after.
    s.record_by(s.after(80), SUPERVISOR, ev::trim_considered(true));
    s.expect(s.after(81), "trim-considered", MetLate, Some(s.after(72)));
    let o = s.expect(
        s.after(81),
        "trim-initial-assessment",
        DueSoon,
        Some(ts("2026-11-06T09:00:00Z")),
    );
    assert_owner(&o, Role::Welfare, None);
    s.expect(
        s.after(81),
        "trim-one-month-assessment",
        NotYetDue,
        Some(ts("2026-12-07T09:00:00Z")),
    );
    s.record(
        ts("2026-11-06T08:00:00Z"),
        ev::trim_assessment(TrimStage::Initial),
    );
    s.expect(
        ts("2026-12-08T09:00:00Z"),
        "trim-initial-assessment",
        MetOnTime,
        Some(ts("2026-11-06T09:00:00Z")),
    );
    // The initial assessment does not count as the one-month one.
    s.expect(
        ts("2026-12-08T09:00:00Z"),
        "trim-one-month-assessment",
        Overdue,
        Some(ts("2026-12-07T09:00:00Z")),
    );
}

// (e) "The supervisor must ensure that the local senior command team is informed to provide
// continuity of welfare support."

#[test]
fn e_senior_command_informed_within_24_hours_2_if_serious_1_if_hospitalised() {
    for (report, hours) in [
        (Report::default(), 24),
        (Report::default().injury(InjurySeverity::None), 24),
        (Report::default().injury(InjurySeverity::Serious), 2),
        (Report::default().injury(InjurySeverity::Critical), 2),
        (Report::default().hospitalised(), 1),
        (
            Report::default()
                .injury(InjurySeverity::Serious)
                .hospitalised(),
            1,
        ),
    ] {
        let s = case(report);
        let o = s.expect(
            s.after(0),
            "senior-command-informed",
            NotYetDue,
            Some(s.after(hours)),
        );
        assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
        s.expect(
            plus_mins(s.after(hours), 1),
            "senior-command-informed",
            Overdue,
            Some(s.after(hours)),
        );
    }
}

#[test]
fn e_only_the_local_senior_command_team_meets_it() {
    // (e) "The supervisor must ensure that the local senior command team is informed to
    // provide continuity of welfare support": telling someone higher does not tell the
    // local team who give that support.
    let mut s = case(Report::default().hospitalised());
    s.record_by(
        plus_mins(s.after(0), 40),
        SUPERVISOR,
        ev::leadership(LeadershipLevel::SeniorDutyOfficer),
    );
    s.expect(
        s.after(2),
        "senior-command-informed",
        Overdue,
        Some(s.after(1)),
    );
    s.record_by(
        plus_mins(s.after(0), 50),
        SUPERVISOR,
        ev::leadership(LeadershipLevel::LocalCommandTeam),
    );
    s.expect(
        s.after(2),
        "senior-command-informed",
        MetOnTime,
        Some(s.after(1)),
    );

    let mut s = case(Report::default().hospitalised());
    s.record_by(
        plus_mins(s.after(0), 75),
        SUPERVISOR,
        ev::leadership(LeadershipLevel::LocalCommandTeam),
    );
    s.expect(
        s.after(2),
        "senior-command-informed",
        MetLate,
        Some(s.after(1)),
    );
    assert_eq!(s.verdict(s.after(2), "e"), PointVerdict::KeptLate);
}

// (f) "The assaulted officer and the supervisor must complete an injury on duty report."

#[test]
fn f_injury_on_duty_report_within_72_hours() {
    let mut s = case(Report::default());
    let o = s.expect(
        s.after(1),
        "injury-on-duty-report",
        NotYetDue,
        Some(s.after(72)),
    );
    assert_owner(&o, Role::Supervisor, Some(SUPERVISOR));
    s.expect(
        s.after(73),
        "injury-on-duty-report",
        Overdue,
        Some(s.after(72)),
    );
    s.record_by(
        s.after(70),
        SUPERVISOR,
        ev::safety_report(SafetySystem::InjuryOnDuty),
    );
    s.expect(
        s.after(73),
        "injury-on-duty-report",
        MetOnTime,
        Some(s.after(72)),
    );
}

#[test]
fn f_riddor_when_off_more_than_7_days_or_a_specified_injury() {
    let mut s = case(Report::default());
    s.expect(s.after(1), "riddor-over-seven-days", NotApplicable, None);
    s.expect(s.after(1), "riddor-specified-injury", NotApplicable, None);
    s.record_by(ts("2026-11-09T09:00:00Z"), SUPERVISOR, ev::days_lost(7));
    s.expect(s.after(200), "riddor-over-seven-days", NotApplicable, None);
    s.record_by(ts("2026-11-10T09:00:00Z"), SUPERVISOR, ev::days_lost(8));
    // 15 days from the report.
    let o = s.expect(
        ts("2026-11-10T10:00:00Z"),
        "riddor-over-seven-days",
        NotYetDue,
        Some(ts("2026-11-17T09:00:00Z")),
    );
    assert_owner(&o, Role::HealthAndSafety, None);
    assert!(!o.deadline_is_default, "RIDDOR sets this clock");

    let mut s = case(Report::default().specified_injury());
    s.expect(
        s.after(1),
        "riddor-specified-injury",
        NotYetDue,
        Some(ts("2026-11-12T09:00:00Z")),
    );
    s.record_by(ts("2026-11-11T09:00:00Z"), "HS-1", ev::riddor());
    s.expect(
        ts("2026-11-13T09:00:00Z"),
        "riddor-specified-injury",
        MetOnTime,
        Some(ts("2026-11-12T09:00:00Z")),
    );
}

// (g) "To achieve a successful prosecution, the best evidence must be presented."

#[test]
fn g_investigation_plan_within_7_days_and_vps_before_the_file() {
    let mut s = case(Report::default());
    s.record(s.after(1), ev::oic(DETECTIVE));
    let o = s.expect(
        s.after(2),
        "investigation-plan",
        NotYetDue,
        Some(ts("2026-11-09T09:00:00Z")),
    );
    assert_owner(&o, Role::OfficerInCase, Some(DETECTIVE));
    s.expect(
        ts("2026-11-09T09:01:00Z"),
        "investigation-plan",
        Overdue,
        Some(ts("2026-11-09T09:00:00Z")),
    );
    s.record(ts("2026-11-08T17:00:00Z"), ev::investigation_plan());
    s.expect(
        ts("2026-11-09T09:01:00Z"),
        "investigation-plan",
        MetOnTime,
        Some(ts("2026-11-09T09:00:00Z")),
    );

    s.expect(s.after(3), "vps-offered", NotYetDue, None);
    s.record(ts("2026-11-10T10:00:00Z"), ev::vps(false));
    s.record(ts("2026-11-12T10:00:00Z"), ev::file_submitted());
    s.expect(
        ts("2026-11-12T11:00:00Z"),
        "vps-offered",
        MetOnTime,
        Some(ts("2026-11-12T10:00:00Z")),
    );
}

#[test]
fn g_court_results_recorded_when_charged() {
    let mut s = case(Report::default().suspect_identified());
    s.expect(s.after(1), "court-result-recorded", NotApplicable, None);
    s.record(s.after(1), ev::arrest());
    s.record(s.after(20), ev::charged());
    let o = s.expect(s.after(21), "court-result-recorded", NotYetDue, None);
    assert_eq!(o.pending, Pending::NoDeadline);
    assert_owner(&o, Role::CriminalJusticeLiaison, None);
    // A guilty verdict is not the end: the sentence (and whether the emergency-worker
    // aggravation was applied) is what the record follows through to.
    s.record(ts("2027-01-15T12:00:00Z"), ev::verdict(Verdict::Guilty));
    s.expect(
        ts("2027-01-16T12:00:00Z"),
        "court-result-recorded",
        NotYetDue,
        None,
    );
    s.record(ts("2027-02-15T12:00:00Z"), ev::sentenced());
    s.expect(
        ts("2027-02-16T12:00:00Z"),
        "court-result-recorded",
        MetOnTime,
        None,
    );
    // A verdict of not guilty ends it.
    let mut s = case(Report::default().suspect_identified());
    s.record(s.after(1), ev::arrest());
    s.record(s.after(20), ev::charged());
    s.record(ts("2027-01-15T12:00:00Z"), ev::verdict(Verdict::NotGuilty));
    s.expect(
        ts("2027-01-16T12:00:00Z"),
        "court-result-recorded",
        MetOnTime,
        None,
    );
}

// Any obligation may be waived, with who, when and why recorded.

#[test]
fn waived_obligations_say_by_whom_and_why() {
    let mut s = case(Report::default());
    s.record_by(
        s.after(2),
        "INSP-0912",
        ev::waive("trim-considered", "victim on leave abroad"),
    );
    let o = s.expect(s.after(100), "trim-considered", Waived, None);
    let w = o.waiver.expect("the waiver");
    assert_eq!(
        (w.by.as_str(), w.reason.as_str()),
        ("INSP-0912", "victim on leave abroad")
    );
    assert_eq!(w.at, s.after(2));
    // A waiver needs a reason and a real obligation.
    let (field, _) = s.invalid(s.after(3), "INSP-0912", ev::waive("welfare-meeting", " "));
    assert_eq!(field, "reason");
    let (field, _) = s.invalid(s.after(3), "INSP-0912", ev::waive("no-such-thing", "x"));
    assert_eq!(field, "obligation");
    // An empty view is no view: it cannot meet "the victim's view before an outcome".
    // The check exists because of point (b)'s rule, so the refusal quotes it.
    let blank = pledge_domain::EventKind::VictimViewRecorded { view: "  ".into() };
    let v = s.refused(s.after(3), DETECTIVE, blank);
    assert_violation(&v, REF, "victim-view-before-outcome-rule", "b");
    assert_eq!(v.field.as_deref(), Some("view"));
}

#[test]
fn a_whole_case_kept_on_time_point_by_point() {
    let mut s = case(Report::default().suspect_identified());
    s.record_by(
        s.after(0),
        SUPERVISOR,
        ev::leadership(LeadershipLevel::LocalCommandTeam),
    );
    s.record(s.after(1), ev::arrest());
    s.record_by(s.after(2), "INSP-0912", ev::oic(DETECTIVE));
    s.record(s.after(3), ev::crime_recorded());
    s.record_by(s.after(4), SUPERVISOR, ev::welfare());
    s.record_by(s.after(5), SUPERVISOR, ev::support_referral());
    s.record_by(s.after(6), SUPERVISOR, ev::trim_considered(false));
    s.record_by(
        s.after(7),
        SUPERVISOR,
        ev::safety_report(SafetySystem::InjuryOnDuty),
    );
    s.record(s.after(8), ev::victim_statement(VICTIM, DETECTIVE));
    s.record(s.after(9), ev::key_decision(KeyDecision::Charge));
    s.record(s.after(10), ev::victim_updated());
    s.record(s.after(11), ev::investigation_plan());
    s.record(s.after(12), ev::vps(true));
    s.record(s.after(13), ev::file_submitted());
    s.record(s.after(14), ev::charged());
    s.record(s.after(15), ev::victim_view());
    s.record(s.after(16), ev::verdict(Verdict::Guilty));
    s.record(s.after(16), ev::sentenced());
    s.record(s.after(17), ev::outcome(1));
    s.record(s.after(18), ev::closed());
    s.record_by(
        s.after(19),
        "OPH-LEAD",
        pledge_domain::EventKind::SurveySent {},
    );
    let view = s.view(s.after(500));
    let verdicts: Vec<_> = view
        .points
        .iter()
        .map(|p| (p.number.as_str(), p.verdict))
        .collect();
    use PointVerdict::Kept;
    assert_eq!(
        verdicts,
        vec![
            ("a", Kept),
            ("b", Kept),
            ("c", Kept),
            ("d", Kept),
            ("e", Kept),
            ("f", Kept),
            ("g", Kept)
        ]
    );
    for p in &view.points {
        for o in &p.obligations {
            assert!(
                matches!(o.state, MetOnTime | NotApplicable),
                "{} is {:?}",
                o.id,
                o.state
            );
        }
    }
    assert_eq!(s.point_of("vps-offered"), "g");
}

// OSSR recommendation 23(i) (seed 002): "Chief constables should implement, as a minimum
// standard, the seven point plan developed by Hampshire Constabulary ... The plan should be
// subject to frequent performance review using a scrutiny panel arrangement."

mod scrutiny_panel {
    use super::PLAN;
    use crate::support::plan;
    use jiff::civil::date;
    use pledge_domain::evaluate::{PanelMeeting, ReviewState, review_periods, review_standing};
    use pledge_domain::plan::{ReviewEvery, Role};

    fn force_pack(
        met_on: jiff::civil::Date,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    ) -> PanelMeeting {
        PanelMeeting {
            met_on,
            pack_from: from,
            pack_to: to,
            force_wide: true,
        }
    }

    #[test]
    fn the_plan_is_reviewed_by_a_scrutiny_panel_every_quarter_owned_by_the_op_hampshire_lead() {
        let p = plan(PLAN);
        let r = p
            .review("scrutiny-panel")
            .expect("23(i) is a force-level review");
        assert_eq!(r.every, ReviewEvery::Quarter);
        assert_eq!(r.owner, Role::OpHampshireLead);
        // "frequent" is all the seed says: quarterly is Pledge's default, and says so.
        assert!(r.is_default);
        assert!(
            r.cites
                .contains("frequent performance review using a scrutiny panel arrangement")
        );
    }

    #[test]
    fn a_quarter_not_reviewed_within_six_weeks_of_its_end_is_overdue() {
        let r = plan(PLAN).review("scrutiny-panel").unwrap();
        let periods = review_periods(r, date(2026, 1, 1), date(2026, 5, 13), &[]);
        assert_eq!(periods[0].due, date(2026, 5, 12));
        assert_eq!(periods[0].state, ReviewState::Overdue);
        assert_eq!(periods[1].state, ReviewState::Open);
        let on_the_due_day = review_periods(r, date(2026, 1, 1), date(2026, 5, 12), &[]);
        assert_eq!(on_the_due_day[0].state, ReviewState::Open);
    }

    #[test]
    fn the_panel_meeting_with_the_force_pack_for_the_quarter_meets_it() {
        let r = plan(PLAN).review("scrutiny-panel").unwrap();
        let q1 = force_pack(date(2026, 4, 28), date(2026, 1, 1), date(2026, 3, 31));
        let s = review_standing(r, date(2026, 1, 1), date(2026, 6, 1), &[q1]);
        assert!(s.overdue.is_empty());
        assert_eq!(s.last_meeting, Some(0));
        let next = s.next_due.expect("the running quarter is next");
        assert_eq!((next.from, next.due), (date(2026, 4, 1), date(2026, 8, 11)));
    }

    #[test]
    fn a_unit_pack_is_a_narrower_look_and_does_not_meet_the_force_review() {
        let r = plan(PLAN).review("scrutiny-panel").unwrap();
        let mut unit = force_pack(date(2026, 4, 28), date(2026, 1, 1), date(2026, 3, 31));
        unit.force_wide = false;
        let s = review_standing(r, date(2026, 1, 1), date(2026, 6, 1), &[unit]);
        assert_eq!(s.overdue.len(), 1);
    }
}
