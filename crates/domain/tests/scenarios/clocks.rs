//! Clocks: the Victims' Code's key-decision clocks (5 working days; 1 working day with
//! enhanced rights, hate crime among them), working-day deadlines across bank holidays and
//! weekends, the three jurisdictions' calendars, and the clock changes.
//!
//! A working-day deadline ends at local midnight after the last working day (docs/plans.md);
//! hour deadlines are elapsed time; day deadlines keep the London wall-clock time.

use crate::support::*;
use jiff::civil::{Date, date};
use pledge_domain::State::*;
use pledge_domain::calendar::{Jurisdiction, bank_holidays};
use pledge_domain::event::values::*;

const PLAN: &str = "op-hampshire";

/// A case reported an hour before `decision_at`, with a key decision then; the notice's due
/// time.
fn key_decision_due(report: Report, decision_at: jiff::Timestamp) -> Option<jiff::Timestamp> {
    let mut s = Scenario::open(PLAN, plus_hours(decision_at, -1), report);
    s.record(decision_at, ev::key_decision(KeyDecision::Charge));
    s.ob(decision_at, "victim-told-of-key-decisions").due_at
}

fn dates(j: Jurisdiction, year: i16) -> Vec<Date> {
    bank_holidays(j, year).into_iter().map(|h| h.date).collect()
}

#[test]
fn bank_holidays_match_the_published_lists() {
    use Jurisdiction::*;
    // gov.uk/bank-holidays, 2025 and 2026.
    type Published = (Jurisdiction, i16, &'static [(i8, i8)]);
    let cases: &[Published] = &[
        (
            EnglandAndWales,
            2025,
            &[
                (1, 1),
                (4, 18),
                (4, 21),
                (5, 5),
                (5, 26),
                (8, 25),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            Scotland,
            2025,
            &[
                (1, 1),
                (1, 2),
                (4, 18),
                (5, 5),
                (5, 26),
                (8, 4),
                (12, 1),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            NorthernIreland,
            2025,
            &[
                (1, 1),
                (3, 17),
                (4, 18),
                (4, 21),
                (5, 5),
                (5, 26),
                (7, 14),
                (8, 25),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            EnglandAndWales,
            2026,
            &[
                (1, 1),
                (4, 3),
                (4, 6),
                (5, 4),
                (5, 25),
                (8, 31),
                (12, 25),
                (12, 28),
            ],
        ),
        (
            Scotland,
            2026,
            &[
                (1, 1),
                (1, 2),
                (4, 3),
                (5, 4),
                (5, 25),
                // Proclaimed for Scotland's place at the 2026 FIFA World Cup.
                (6, 15),
                (8, 3),
                (11, 30),
                (12, 25),
                (12, 28),
            ],
        ),
        (
            NorthernIreland,
            2026,
            &[
                (1, 1),
                (3, 17),
                (4, 3),
                (4, 6),
                (5, 4),
                (5, 25),
                (7, 13),
                (8, 31),
                (12, 25),
                (12, 28),
            ],
        ),
        // The coronation (8 May) and New Year's Day on a Sunday (substitute 2 January).
        (
            EnglandAndWales,
            2023,
            &[
                (1, 2),
                (4, 7),
                (4, 10),
                (5, 1),
                (5, 8),
                (5, 29),
                (8, 28),
                (12, 25),
                (12, 26),
            ],
        ),
        // Scotland: 1 January on a Sunday, so 2 and 3 January.
        (
            Scotland,
            2023,
            &[
                (1, 2),
                (1, 3),
                (4, 7),
                (5, 1),
                (5, 8),
                (5, 29),
                (8, 7),
                (11, 30),
                (12, 25),
                (12, 26),
            ],
        ),
        // Platinum Jubilee (spring holiday moved to 2 June, 3 June added) and the State Funeral.
        (
            EnglandAndWales,
            2022,
            &[
                (1, 3),
                (4, 15),
                (4, 18),
                (5, 2),
                (6, 2),
                (6, 3),
                (8, 29),
                (9, 19),
                (12, 26),
                (12, 27),
            ],
        ),
    ];
    for (j, year, want) in cases {
        let want: Vec<Date> = want.iter().map(|(m, d)| date(*year, *m, *d)).collect();
        assert_eq!(dates(*j, *year), want, "{j} {year}");
    }
}

#[test]
fn key_decision_told_within_5_working_days_across_christmas_and_new_year() {
    // Charge on Christmas Eve, Thursday 24 December 2026. England and Wales: Christmas
    // (Friday), the weekend, Boxing Day's substitute (Monday 28th), New Year's Day (Friday):
    // working days 29, 30, 31 December, 4 and 5 January.
    let at = ts("2026-12-24T10:00:00Z");
    let ew = Report::default();
    assert_eq!(
        key_decision_due(ew.clone(), at),
        Some(midnight("2027-01-06"))
    );
    // Northern Ireland has the same holidays here.
    let ni = Report::default().jurisdiction(Jurisdiction::NorthernIreland);
    assert_eq!(key_decision_due(ni, at), Some(midnight("2027-01-06")));
    // Scotland also keeps 2 January (a Saturday in 2027, so Monday 4 January).
    let scot = Report::default().jurisdiction(Jurisdiction::Scotland);
    assert_eq!(key_decision_due(scot, at), Some(midnight("2027-01-07")));
    // With enhanced rights (hate crime): one working day, Tuesday 29 December.
    let hate = Report::default().hate_crime(HateStrand::Disability);
    assert_eq!(key_decision_due(hate, at), Some(midnight("2026-12-30")));
}

#[test]
fn enhanced_rights_one_working_day_across_a_weekend_and_a_bank_holiday() {
    let hate = || Report::default().hate_crime(HateStrand::SexualOrientation);
    // Friday 1 May 2026, before the Early May bank holiday (Monday 4 May): due at the end of
    // Tuesday 5 May, which is midnight BST (23:00 UTC).
    let due = key_decision_due(hate(), london("2026-05-01T16:00"));
    assert_eq!(due, Some(midnight("2026-05-06")));
    assert_eq!(due, Some(ts("2026-05-05T23:00:00Z")));
    // Friday without a holiday: the end of Monday.
    let due = key_decision_due(hate(), ts("2026-11-06T16:00:00Z"));
    assert_eq!(due, Some(midnight("2026-11-10")));
    // A decision at the weekend counts from the weekend day: the end of Monday.
    let due = key_decision_due(hate(), ts("2026-11-07T11:00:00Z"));
    assert_eq!(due, Some(midnight("2026-11-10")));
    // Without enhanced rights the same Saturday decision is due on the fifth working day.
    let due = key_decision_due(Report::default(), ts("2026-11-07T11:00:00Z"));
    assert_eq!(due, Some(midnight("2026-11-14")));
}

#[test]
fn scotland_st_andrews_day_substitute_monday() {
    // St Andrew's Day 2025 is a Sunday: Scotland's holiday is Monday 1 December.
    assert!(dates(Jurisdiction::Scotland, 2025).contains(&date(2025, 12, 1)));
    assert!(!dates(Jurisdiction::Scotland, 2025).contains(&date(2025, 11, 30)));
    assert!(!dates(Jurisdiction::EnglandAndWales, 2025).contains(&date(2025, 12, 1)));
    // Reported Friday 28 November 2025: two working days for the support referral.
    let at = ts("2025-11-28T10:00:00Z");
    for (j, due) in [
        (Jurisdiction::EnglandAndWales, "2025-12-03"),
        (Jurisdiction::NorthernIreland, "2025-12-03"),
        (Jurisdiction::Scotland, "2025-12-04"),
    ] {
        let s = Scenario::open(PLAN, at, Report::default().jurisdiction(j));
        s.expect(at, "support-referral", NotYetDue, Some(midnight(due)));
    }
}

#[test]
fn northern_ireland_st_patricks_day() {
    // Tuesday 17 March 2026 is a holiday in Northern Ireland only.
    let at = ts("2026-03-16T10:00:00Z");
    for (j, due) in [
        (Jurisdiction::EnglandAndWales, "2026-03-19"),
        (Jurisdiction::Scotland, "2026-03-19"),
        (Jurisdiction::NorthernIreland, "2026-03-20"),
    ] {
        let s = Scenario::open(PLAN, at, Report::default().jurisdiction(j));
        s.expect(at, "support-referral", NotYetDue, Some(midnight(due)));
    }
    // On a Sunday (2024) it moves to Monday 18 March.
    let ni = dates(Jurisdiction::NorthernIreland, 2024);
    assert!(ni.contains(&date(2024, 3, 18)) && !ni.contains(&date(2024, 3, 17)));
    // A key decision on Friday 15 March 2024 with enhanced rights: Monday is St Patrick's
    // substitute, so the end of Tuesday 19 March in Northern Ireland.
    let report = || Report::default().enhanced_rights();
    let at = ts("2024-03-15T12:00:00Z");
    assert_eq!(
        key_decision_due(report().jurisdiction(Jurisdiction::NorthernIreland), at),
        Some(midnight("2024-03-20"))
    );
    assert_eq!(key_decision_due(report(), at), Some(midnight("2024-03-19")));
}

#[test]
fn clocks_go_back_bst_to_gmt() {
    // The clocks go back at 02:00 BST on Sunday 25 October 2026.
    let hate = || Report::default().hate_crime(HateStrand::Race);
    // Friday 23 October 15:00 BST, one working day: the end of Monday 26 October, which is
    // midnight GMT.
    let due = key_decision_due(hate(), london("2026-10-23T15:00"));
    assert_eq!(due, Some(ts("2026-10-27T00:00:00Z")));
    // Five working days from Thursday 22 October: the end of Thursday 29 October (GMT).
    let due = key_decision_due(Report::default(), london("2026-10-22T10:00"));
    assert_eq!(due, Some(ts("2026-10-30T00:00:00Z")));
    // Ending before the change: from Monday 12 October, the end of Monday 19 October (BST).
    let due = key_decision_due(Report::default(), london("2026-10-12T10:00"));
    assert_eq!(due, Some(ts("2026-10-19T23:00:00Z")));

    // Hours are elapsed time: 24 hours from 12:00 BST on Saturday is 11:00 GMT on Sunday.
    let at = london("2026-10-24T12:00");
    let s = Scenario::open(PLAN, at, Report::default());
    s.expect(
        at,
        "crime-recorded",
        NotYetDue,
        Some(ts("2026-10-25T11:00:00Z")),
    );
    // Days keep the wall-clock time: 7 days from 10:00 BST Thursday is 10:00 GMT Thursday,
    // 7 days and an hour later.
    let at = london("2026-10-22T10:00");
    let s = Scenario::open(PLAN, at, Report::default());
    let o = s.expect(
        at,
        "investigation-plan",
        NotYetDue,
        Some(london("2026-10-29T10:00")),
    );
    assert_eq!(o.due_at, Some(ts("2026-10-29T10:00:00Z")));
    assert_eq!(
        o.due_at.unwrap().duration_since(at),
        jiff::SignedDuration::from_hours(7 * 24 + 1)
    );
}

#[test]
fn clocks_go_forward_gmt_to_bst() {
    // The clocks go forward at 01:00 GMT on Sunday 29 March 2026.
    let hate = Report::default().hate_crime(HateStrand::TransgenderIdentity);
    let due = key_decision_due(hate, ts("2026-03-27T10:00:00Z"));
    assert_eq!(
        due,
        Some(ts("2026-03-30T23:00:00Z")),
        "midnight BST ending Monday"
    );
    let at = ts("2026-03-27T10:00:00Z");
    let s = Scenario::open(PLAN, at, Report::default());
    let o = s.expect(
        at,
        "investigation-plan",
        NotYetDue,
        Some(ts("2026-04-03T09:00:00Z")),
    );
    assert_eq!(o.due_at, Some(london("2026-04-03T10:00")));
}

#[test]
fn working_day_states_at_the_boundary() {
    // Support referral from Monday 2 November 2026: due at the end of Wednesday 4 November.
    let at = ts("2026-11-02T09:00:00Z");
    let mut s = Scenario::open(PLAN, at, Report::default());
    let due = Some(midnight("2026-11-05"));
    // The window is 2 days 15 hours; the last quarter starts 15h45m before the end.
    s.expect(
        ts("2026-11-04T08:00:00Z"),
        "support-referral",
        NotYetDue,
        due,
    );
    s.expect(ts("2026-11-04T08:30:00Z"), "support-referral", DueSoon, due);
    s.expect(ts("2026-11-04T23:59:59Z"), "support-referral", DueSoon, due);
    s.expect(ts("2026-11-05T00:00:01Z"), "support-referral", Overdue, due);
    // Done at 23:59 on the last working day: on time.
    s.record_by(
        ts("2026-11-04T23:59:00Z"),
        SUPERVISOR,
        ev::support_referral(),
    );
    s.expect(
        ts("2026-11-06T00:00:00Z"),
        "support-referral",
        MetOnTime,
        due,
    );
}
