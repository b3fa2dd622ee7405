//! The email decision: choices, quiet hours across midnight and the clock changes, urgency;
//! and a property test against a minute-by-minute reading of the London clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn quiet(start: &str, end: &str) -> EmailChoices {
    EmailChoices {
        off: Vec::new(),
        quiet_hours: Some(QuietHours::parse(start, end).unwrap()),
    }
}

fn decide(c: &EmailChoices, now: &str) -> EmailDecision {
    email_decision(c, NoticeKind::OicAssigned, true, false, ts(now))
}

fn held(until: &str) -> EmailDecision {
    EmailDecision::HeldUntil(ts(until))
}

#[test]
fn overnight_quiet_hours_hold_mail_until_the_morning_in_winter_and_summer() {
    let c = quiet("22:00", "07:00");
    // GMT: London time is UTC.
    assert_eq!(
        decide(&c, "2026-12-01T23:30:00Z"),
        held("2026-12-02T07:00:00Z")
    );
    assert_eq!(
        decide(&c, "2026-12-02T03:00:00Z"),
        held("2026-12-02T07:00:00Z")
    );
    assert_eq!(
        decide(&c, "2026-12-02T06:59:59Z"),
        held("2026-12-02T07:00:00Z")
    );
    assert_eq!(
        decide(&c, "2026-12-01T22:00:00Z"),
        held("2026-12-02T07:00:00Z")
    );
    assert_eq!(decide(&c, "2026-12-02T07:00:00Z"), EmailDecision::Now);
    assert_eq!(decide(&c, "2026-12-01T21:59:59Z"), EmailDecision::Now);
    assert_eq!(decide(&c, "2026-12-01T12:00:00Z"), EmailDecision::Now);
    // BST: 22:30 in London is 21:30 UTC, and 07:00 is 06:00 UTC.
    assert_eq!(
        decide(&c, "2026-07-01T21:30:00Z"),
        held("2026-07-02T06:00:00Z")
    );
    assert_eq!(decide(&c, "2026-07-01T20:59:00Z"), EmailDecision::Now);
}

#[test]
fn a_window_within_one_day_holds_only_inside_it() {
    let c = quiet("12:00", "13:30");
    assert_eq!(
        decide(&c, "2026-12-01T12:10:00Z"),
        held("2026-12-01T13:30:00Z")
    );
    assert_eq!(decide(&c, "2026-12-01T13:30:00Z"), EmailDecision::Now);
    assert_eq!(decide(&c, "2026-12-01T11:59:00Z"), EmailDecision::Now);
    assert_eq!(decide(&c, "2026-12-01T23:00:00Z"), EmailDecision::Now);
}

#[test]
fn the_night_the_clocks_go_forward() {
    // 29 March 2026: at 01:00 UTC London goes from 01:00 GMT to 02:00 BST.
    let c = quiet("22:00", "07:00");
    // 23:30 GMT on the 28th: 07:00 BST on the 29th is 06:00 UTC (a night an hour shorter).
    assert_eq!(
        decide(&c, "2026-03-28T23:30:00Z"),
        held("2026-03-29T06:00:00Z")
    );
    // An end in the missing hour: quiet until the clocks jump past it.
    let c = quiet("00:00", "01:30");
    assert_eq!(
        decide(&c, "2026-03-29T00:45:00Z"),
        held("2026-03-29T01:00:00Z")
    );
    assert_eq!(decide(&c, "2026-03-29T01:00:00Z"), EmailDecision::Now);
    // A window wholly inside the missing hour never holds that night.
    let c = quiet("01:10", "01:50");
    for m in 0..180 {
        let t = ts("2026-03-28T23:00:00Z") + SignedDuration::from_mins(m);
        assert_eq!(
            email_decision(&c, NoticeKind::Overdue, true, false, t),
            EmailDecision::Now,
            "{t}"
        );
    }
}

#[test]
fn the_night_the_clocks_go_back() {
    // 25 October 2026: at 01:00 UTC London goes from 02:00 BST back to 01:00 GMT.
    let c = quiet("22:00", "07:00");
    // 22:30 BST on the 24th: 07:00 GMT on the 25th (a night an hour longer).
    assert_eq!(
        decide(&c, "2026-10-24T21:30:00Z"),
        held("2026-10-25T07:00:00Z")
    );
    // An end in the repeated hour: the first 01:30 (BST) ends it.
    let c = quiet("00:00", "01:30");
    assert_eq!(
        decide(&c, "2026-10-24T23:10:00Z"),
        held("2026-10-25T00:30:00Z")
    );
    // The clocks going back into the window at 01:00 GMT start it again until 01:30 GMT.
    assert_eq!(
        decide(&c, "2026-10-25T01:10:00Z"),
        held("2026-10-25T01:30:00Z")
    );
    // A window the clocks jump back out of: 01:45 BST is quiet, and at 01:00 UTC the clock
    // reads 01:00 GMT, before the window.
    let c = quiet("01:30", "02:30");
    assert_eq!(
        decide(&c, "2026-10-25T00:45:00Z"),
        held("2026-10-25T01:00:00Z")
    );
}

#[test]
fn urgent_goes_at_once_and_a_mandatory_kind_cannot_be_turned_off() {
    let mut c = quiet("22:00", "07:00");
    let night = ts("2026-12-01T23:30:00Z");
    assert_eq!(
        email_decision(&c, NoticeKind::Hospitalised, true, true, night),
        EmailDecision::Now
    );
    c.off = vec![NoticeKind::DueSoon, NoticeKind::OicAssigned];
    let day = ts("2026-12-01T12:00:00Z");
    assert_eq!(
        email_decision(&c, NoticeKind::DueSoon, false, false, day),
        EmailDecision::Off
    );
    // Off, even at night: nothing is held that will not be sent.
    assert_eq!(
        email_decision(&c, NoticeKind::DueSoon, false, false, night),
        EmailDecision::Off
    );
    // oic_assigned is mandatory: listing it changes nothing.
    assert_eq!(
        email_decision(&c, NoticeKind::OicAssigned, true, false, day),
        EmailDecision::Now
    );
    // A row the domain marked mandatory is mandatory, whatever its kind.
    assert_eq!(
        email_decision(&c, NoticeKind::DueSoon, true, false, day),
        EmailDecision::Now
    );
    // The default: everything by email, at any hour.
    assert_eq!(
        email_decision(
            &EmailChoices::default(),
            NoticeKind::VictimUpdate,
            false,
            false,
            night
        ),
        EmailDecision::Now
    );
}

#[test]
fn times_are_read_strictly_and_an_empty_window_is_refused() {
    assert_eq!(QuietHours::parse("7:00", "22:30").unwrap().start(), "07:00");
    for (start, end, field) in [
        ("22:00", "22:00", "end"),
        ("", "07:00", "start"),
        ("22:00", "", "end"),
        ("22:00", "7", "end"),
        ("22:00", "24:00", "end"),
        ("22:00", "07:60", "end"),
        ("10pm", "07:00", "start"),
        ("22:00", "07:00:00", "end"),
        ("22:00", "-7:00", "end"),
    ] {
        let e = QuietHours::parse(start, end).unwrap_err();
        assert_eq!(e.field, field, "{start}-{end}: {e}");
    }
    assert_eq!(
        QuietHours::parse("22:00", "x").unwrap_err().message,
        "The end of quiet hours must be a time like 07:00"
    );
    assert!(QuietHours::from_minutes(600, 600).is_err());
    assert!(QuietHours::from_minutes(0, 1440).is_err());
    let q = QuietHours::from_minutes(1320, 420).unwrap();
    assert_eq!((q.start(), q.end()), ("22:00".into(), "07:00".into()));
    assert_eq!((q.start_minutes(), q.end_minutes()), (1320, 420));
}

/// The oracle: read the London clock minute by minute from `now` until it is outside the
/// window (London's offsets are whole hours, so the clock changes reading on UTC minutes).
fn first_minute_outside(q: &QuietHours, now: Timestamp) -> Timestamp {
    let mut t = Timestamp::from_second(now.as_second().div_euclid(60) * 60).unwrap();
    loop {
        if t > now && !q.is_quiet_at(t) {
            return t;
        }
        t += SignedDuration::from_mins(1);
        assert!(
            t < now + SignedDuration::from_hours(49),
            "no end for {q:?} at {now}"
        );
    }
}

/// Instants near the clock changes of 2026 and 2027, or anywhere in those years.
fn instants() -> impl Strategy<Value = Timestamp> {
    let changes = [
        "2026-03-29T01:00:00Z",
        "2026-10-25T01:00:00Z",
        "2027-03-28T01:00:00Z",
        "2027-10-31T01:00:00Z",
    ];
    prop_oneof![
        (0usize..4, -30 * 3600i64..30 * 3600)
            .prop_map(move |(i, s)| ts(changes[i]) + SignedDuration::from_secs(s)),
        (0i64..2 * 365 * 86_400)
            .prop_map(|s| ts("2026-01-01T00:00:00Z") + SignedDuration::from_secs(s)),
    ]
}

/// Windows of any length, with ends often in the small hours (where the clocks change).
fn windows() -> impl Strategy<Value = QuietHours> {
    let minute = prop_oneof![0u16..1440, 0u16..180, 60u16..150];
    (minute.clone(), minute)
        .prop_filter("an empty window is refused", |(s, e)| s != e)
        .prop_map(|(s, e)| QuietHours::from_minutes(s, e).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn held_mail_waits_exactly_until_the_first_moment_outside_quiet_hours(
        q in windows(), now in instants(), urgent in any::<bool>()
    ) {
        let c = EmailChoices { off: Vec::new(), quiet_hours: Some(q) };
        let d = email_decision(&c, NoticeKind::Escalated, true, urgent, now);
        if urgent || !q.is_quiet_at(now) {
            prop_assert_eq!(d, EmailDecision::Now);
        } else {
            let until = first_minute_outside(&q, now);
            prop_assert_eq!(d, EmailDecision::HeldUntil(until));
            // Later than now; at most a day later (a day and an hour over a clock change, or
            // the next day's end when the clocks going forward skip today's); and at that
            // moment it is sent: held mail is never held again.
            let london = jiff::tz::TimeZone::get("Europe/London").unwrap();
            let change = london.following(now).next().map(|t| t.timestamp());
            let limit = match change {
                Some(c) if c < now + SignedDuration::from_hours(48) => 48,
                _ => 24,
            };
            prop_assert!(until > now && until <= now + SignedDuration::from_hours(limit));
            prop_assert_eq!(
                email_decision(&c, NoticeKind::Escalated, true, false, until),
                EmailDecision::Now
            );
        }
    }
}
