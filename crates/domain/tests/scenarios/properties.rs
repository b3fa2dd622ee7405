//! Properties of evaluation and of the working-day calendars, over random cases and dates.

use crate::support::*;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use pledge_domain::State;
use pledge_domain::calendar::{Jurisdiction, bank_holidays};
use pledge_domain::evaluate::{ObligationView, Pending};
use pledge_domain::event::values::*;
use pledge_domain::{EventKind, EventType};
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};

const PLANS: [&str; 3] = ["op-hampshire", "btp", "west-midlands"];

/// Events that complete some obligation of a built-in plan (one per index).
fn completion(k: u8) -> EventKind {
    match k % 30 {
        0 => ev::crime_recorded(),
        1 => ev::oic(DETECTIVE),
        2 => ev::victim_statement(VICTIM, DETECTIVE),
        3 => ev::leadership(LeadershipLevel::LocalCommandTeam),
        4 => ev::leadership(LeadershipLevel::SeniorDutyOfficer),
        5 => ev::leadership(LeadershipLevel::ChiefOfficerGroup),
        6 => ev::fim(true),
        7 => ev::safety_report(SafetySystem::Other),
        8 => ev::riddor(),
        9 => ev::arrest(),
        10 => ev::no_arrest("suspect in hospital"),
        11 => ev::victim_updated(),
        12 => ev::victim_view(),
        13 => ev::investigation_plan(),
        14 => ev::vps(true),
        15 => ev::impact(ImpactStatement::Community),
        16 => ev::impact(ImpactStatement::ChiefConstable),
        17 => ev::welfare(),
        18 => ev::trim_considered((k / 30).is_multiple_of(2)),
        19 => ev::trim_assessment(TrimStage::Initial),
        20 => ev::trim_assessment(TrimStage::OneMonth),
        21 => ev::support_referral(),
        22 => EventKind::SupportOptedOut,
        23 => ev::staff_association(StaffAssociation::Federation, (k / 30).is_multiple_of(2)),
        24 => EventKind::LeafletGiven { victim: None },
        25 => ev::raised_at_trm("2026-03-05"),
        26 => ev::debrief(DebriefKind::Incident),
        27 => ev::lesson(),
        28 => ev::verdict(Verdict::Guilty),
        _ => ev::sentenced(),
    }
}

/// Other events a case accumulates: clocks starting, facts changing, the file.
fn other(k: u8) -> EventKind {
    match k % 8 {
        0 => ev::key_decision(KeyDecision::Bail),
        1 => ev::key_decision(KeyDecision::Charge),
        2 => ev::file_submitted(),
        3 => ev::charged(),
        4 => ev::days_lost(u16::from(k % 20)),
        5 => ev::frequency(u16::from(k % 40) + 1),
        6 => ev::suspect_identified(),
        _ => ev::outcome(1),
    }
}

/// The obligation ids of a plan, for waivers.
fn obligation_id(plan: &str, k: u8) -> String {
    let p = crate::support::plan(plan);
    p.obligations[usize::from(k) % p.obligations.len()]
        .id
        .clone()
}

#[derive(Debug, Clone)]
struct RandomCase {
    plan: usize,
    reported_min: i64,
    injury: u8,
    hospitalised: bool,
    hate: bool,
    suspect: bool,
    jurisdiction: usize,
    /// (is a completion, which, minutes after the report)
    events: Vec<(bool, u8, i64)>,
}

const SIXTY_DAYS: i64 = 60 * 24 * 60;

fn random_case() -> impl Strategy<Value = RandomCase> {
    (
        0usize..3,
        0i64..(2 * 365 * 24 * 60),
        0u8..4,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0usize..3,
        proptest::collection::vec((any::<bool>(), any::<u8>(), 0i64..SIXTY_DAYS), 0..30),
    )
        .prop_map(
            |(plan, reported_min, injury, hospitalised, hate, suspect, jurisdiction, events)| {
                RandomCase {
                    plan,
                    reported_min,
                    injury,
                    hospitalised,
                    hate,
                    suspect,
                    jurisdiction,
                    events,
                }
            },
        )
}

impl RandomCase {
    /// Builds the case; events a rule or check refuses are left out, as they would be.
    fn build(&self) -> Scenario {
        let reported = ts("2026-01-05T08:00:00Z") + SignedDuration::from_mins(self.reported_min);
        let mut report = Report::default()
            .injury(InjurySeverity::ALL[usize::from(self.injury) % 4])
            .jurisdiction(Jurisdiction::ALL[self.jurisdiction]);
        if self.hospitalised {
            report = report.hospitalised();
        }
        if self.hate {
            report = report.hate_crime(HateStrand::Race);
        }
        if self.suspect {
            report = report.suspect_identified();
        }
        let mut s = Scenario::open(PLANS[self.plan], reported, report);
        s.meeting("trm", plus_hours(reported, 24 * 9));
        for (done, k, mins) in &self.events {
            let kind = if *done { completion(*k) } else { other(*k) };
            let _ = s.try_record_by(plus_mins(reported, *mins), DETECTIVE, kind);
        }
        s
    }
}

type Key = (String, u32);

fn by_key(views: Vec<ObligationView>) -> HashMap<Key, ObligationView> {
    views
        .into_iter()
        .map(|o| ((o.id.clone(), o.instance), o))
        .collect()
}

fn all(s: &Scenario, now: Timestamp) -> Vec<ObligationView> {
    s.view(now)
        .points
        .into_iter()
        .flat_map(|p| p.obligations)
        .collect()
}

/// Worst first: overdue, due soon, not yet due, then met late, then the settled-well states.
fn rank(s: State) -> u8 {
    match s {
        State::Overdue => 0,
        State::DueSoon => 1,
        State::NotYetDue => 2,
        State::MetLate => 3,
        State::MetOnTime | State::Waived | State::NotApplicable => 4,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Recording what completes an obligation (or waives one) never makes any obligation's
    /// state worse. Obligations it brings into being are new, not worse: those that did not
    /// apply before (a TRiM referral makes the assessments apply) or whose clock had not
    /// started (a debrief starts the lessons clock).
    #[test]
    fn recording_a_completion_never_makes_an_obligation_worse(
        case in random_case(),
        k in any::<u8>(),
        waive in any::<bool>(),
        when in 0i64..SIXTY_DAYS,
        now_after in 0i64..(90 * 24 * 60),
    ) {
        let mut s = case.build();
        let plan = PLANS[case.plan];
        let latest = s.case.events().iter().map(|e| e.at).max().unwrap();
        let now = plus_mins(latest, now_after);
        let at = plus_mins(s.reported_at, when).min(now);
        let before = by_key(all(&s, now));
        // Obligations that did not apply or whose clock had not started: new, not worse.
        let skipped = |b: &ObligationView| {
            b.state == State::NotApplicable
                || matches!(b.pending, Pending::ClockNotStarted(_)) && b.due_at.is_none()
        };
        let kind = if waive {
            ev::waive(&obligation_id(plan, k), "not needed in this case")
        } else {
            completion(k)
        };
        prop_assume!(s.try_record_by(at, DETECTIVE, kind).is_ok());
        let after = by_key(all(&s, now));
        for (key, b) in &before {
            if skipped(b) {
                continue;
            }
            // A waiver covers every instance of a recurring or per-event obligation at once.
            let a = after.get(key).or_else(|| {
                after
                    .get(&(key.0.clone(), 0))
                    .filter(|a| a.state == State::Waived)
            });
            prop_assert!(a.is_some(), "{key:?} disappeared");
            let a = a.unwrap();
            // A backdated update of a recurring obligation renumbers the instances after it
            // (instance 2 is then a different promise, with a different due time); those are
            // compared by how many of the obligation's instances went wrong, below.
            if a.due_at != b.due_at && a.state != State::Waived {
                continue;
            }
            prop_assert!(
                rank(a.state) >= rank(b.state),
                "{key:?} got worse: {:?} (due {:?}) -> {:?} (due {:?})",
                b.state, b.due_at, a.state, a.due_at
            );
        }
        // Per obligation, over the instances that existed before: never more of them overdue,
        // due soon or met late.
        let gone_wrong = |views: &HashMap<Key, ObligationView>, id: &str| {
            before
                .iter()
                .filter(|((i, _), b)| i == id && !skipped(b))
                .filter_map(|(k, _)| views.get(k))
                .filter(|v| rank(v.state) <= 1 || v.state == State::MetLate)
                .count()
        };
        // An event that both completes something and starts a clock (a debrief starts the
        // lessons clock), recorded earlier than the one that started it, moves the clock's
        // start: the first instance's due time changes, and the obligation is judged anew.
        let start_moved = |id: &str| {
            before
                .iter()
                .filter(|((i, _), b)| i == id && !skipped(b))
                .min_by_key(|((_, n), _)| *n)
                .is_some_and(|(k, b)| after.get(k).is_some_and(|a| a.due_at != b.due_at))
        };
        let ids: HashSet<&str> = before.keys().map(|(id, _)| id.as_str()).collect();
        for id in ids.into_iter().filter(|id| !start_moved(id)) {
            prop_assert!(
                gone_wrong(&after, id) <= gone_wrong(&before, id),
                "{id}: more instances went wrong ({} -> {})",
                gone_wrong(&before, id),
                gone_wrong(&after, id)
            );
        }
    }

    /// With the case unchanged, moving `now` forward only moves open obligations towards
    /// overdue: an unmet overdue obligation never turns back to not yet due, and settled
    /// ones stay as they are.
    #[test]
    fn moving_now_forward_never_undoes_overdue(
        case in random_case(),
        first in 0i64..(120 * 24 * 60),
        step in 0i64..(120 * 24 * 60),
    ) {
        let s = case.build();
        let t1 = plus_mins(s.reported_at, first);
        let t2 = plus_mins(t1, step);
        // Evaluate only what was known at t1 (events later than t1 are in the case, which
        // is the stricter check: their completions are fixed while now moves).
        let a = all(&s, t1);
        let b = all(&s, t2);
        prop_assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            prop_assert_eq!((&x.id, x.instance), (&y.id, y.instance));
            prop_assert_eq!(x.due_at, y.due_at);
            if x.state == State::Overdue {
                prop_assert_eq!(y.state, State::Overdue, "{} #{}", x.id, x.instance);
            }
            if x.state.is_settled() {
                prop_assert_eq!(x.state, y.state);
            } else {
                let open = |s: State| match s {
                    State::NotYetDue => 0,
                    State::DueSoon => 1,
                    State::Overdue => 2,
                    _ => 3,
                };
                prop_assert!(
                    open(y.state) >= open(x.state) && open(y.state) < 3,
                    "{} #{}: {:?} -> {:?}", x.id, x.instance, x.state, y.state
                );
            }
        }
    }

    /// Working-day arithmetic (precomputed tables) agrees with a naive day-by-day count over
    /// the published holiday rules, for random dates 2015-2035 in all three jurisdictions.
    #[test]
    fn working_days_agree_with_a_naive_count(
        day in 0i64..(21 * 366),
        span in 0i64..60,
        n in 0u32..25,
        j in 0usize..3,
        secs in 0i64..86_400,
    ) {
        let j = Jurisdiction::ALL[j];
        let cal = calendar();
        let start = Date::constant(2015, 1, 1)
            .checked_add(jiff::Span::new().days(day))
            .unwrap()
            .min(Date::constant(2035, 12, 31));
        let later = start.checked_add(jiff::Span::new().days(span)).unwrap();
        let holidays: HashSet<Date> = (2014..=2037)
            .flat_map(|y| bank_holidays(j, y))
            .map(|h| h.date)
            .collect();
        let working = |d: Date| {
            !matches!(d.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday)
                && !holidays.contains(&d)
        };
        prop_assert_eq!(cal.is_working_day(j, start), working(start));

        // The n-th working day after `start`, counted one day at a time.
        let mut nth = start;
        let mut left = n;
        while left > 0 {
            nth = nth.tomorrow().unwrap();
            if working(nth) {
                left -= 1;
            }
        }
        prop_assert_eq!(cal.add_working_days(j, start, n), nth);

        let mut count = 0i64;
        let mut d = start;
        while d < later {
            d = d.tomorrow().unwrap();
            if working(d) {
                count += 1;
            }
        }
        prop_assert_eq!(cal.working_days_between(j, start, later), count);
        prop_assert_eq!(cal.working_days_between(j, later, start), -count);

        // The deadline: local midnight (by jiff's tz database) after the n-th working day,
        // from any time of the start day.
        let tz = jiff::tz::TimeZone::get("Europe/London").unwrap();
        let t = start
            .to_zoned(tz.clone())
            .unwrap()
            .checked_add(SignedDuration::from_secs(secs))
            .unwrap();
        prop_assume!(t.date() == start);
        let want = nth.tomorrow().unwrap().to_zoned(tz).unwrap().timestamp();
        prop_assert_eq!(cal.working_days_deadline(j, t.timestamp(), n), want);
    }
}

#[test]
fn random_cases_exercise_every_event_they_name() {
    // The generators above name real events of every plan: each completion event completes
    // an obligation of at least one built-in plan.
    let completed: HashSet<EventType> = PLANS
        .iter()
        .flat_map(|p| crate::support::plan(p).obligations.iter())
        .flat_map(|o| o.completed_by.iter().map(|c| c.event))
        .collect();
    for k in 0..30 {
        let t = completion(k).event_type();
        assert!(completed.contains(&t), "{} completes nothing", t.as_str());
    }
}
