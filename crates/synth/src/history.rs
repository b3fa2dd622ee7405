//! The escalation sweep over a generated case's history: the reminder and escalation levels
//! a sweep running every minute would have decided while the case was being written,
//! recorded as the sweep records them: each level from overdue on as an `obligation_escalated`
//! event by the sweep's actor ([`pledge_domain::notify::Step::event`]), and every level under
//! its key ([`EscalationKey::of_step`]). So a sweep over generated data decides none of them
//! again: one at the generation's end (`Config::until`) finds nothing due.

use jiff::Timestamp;
use pledge_domain::notify::{EscalationPolicy, ObligationClock, escalation_steps};
use pledge_domain::{Event, Plan};
use pledge_store::notify::EscalationKey;
use pledge_store::{ObligationRow, RowStatus};

/// How often the sweep of generated history ran (as `pledge serve` does by default): a level
/// due at a moment was decided at the next whole minute.
const SWEEP_EVERY_SECONDS: i64 = 60;

/// What the sweep decided over a case's history.
#[derive(Debug, Default)]
pub(crate) struct Decided {
    /// The `obligation_escalated` events, in time order.
    pub events: Vec<Event>,
    /// Every level decided (reminders included).
    pub keys: Vec<EscalationKey>,
}

/// The levels decided over the history of a case recorded at `recorded_at` whose obligation
/// rows (projected from its generated events) are `rows`, closed at `closed_at` if it was, up
/// to `until`. The sweep reads only open obligations of open cases, so a level whose sweep
/// came after the obligation was met (or the case closed) was never decided. The clocks are
/// the rows' final ones, as the sweep's index holds them.
///
/// A level can fall due before the case reached Pledge (a deadline counted from the assault,
/// reported late) or before its obligation's clock started: no sweep saw it until the case,
/// and the clock, existed, so it is decided at the first sweep after both.
pub(crate) fn decided(
    plan: &Plan,
    rows: &[ObligationRow],
    recorded_at: Timestamp,
    closed_at: Option<Timestamp>,
    until: Timestamp,
) -> Decided {
    let mut out = Decided::default();
    for r in rows {
        if r.status == RowStatus::NotApplicable
            || (r.status != RowStatus::Open && r.completed_at.is_none())
        {
            continue;
        }
        let Some(ob) = plan.obligation(&r.obligation_id) else {
            continue;
        };
        let clock = ObligationClock {
            open: true,
            started_at: r.started_at,
            due_at: r.due_at,
        };
        let all = escalation_steps(ob, &clock, &EscalationPolicy::of(plan, ob));
        for step in all.iter().filter(|s| s.at <= until) {
            let seen = r
                .started_at
                .map_or(recorded_at, |started| started.max(recorded_at));
            let swept = sweep_time(step.at.max(seen)).min(until);
            let settled = |t: Option<Timestamp>| t.is_some_and(|t| t <= swept);
            if settled(r.completed_at) || settled(closed_at) {
                continue;
            }
            out.keys
                .push(EscalationKey::of_step(ob, r.instance, step, &all));
            out.events.extend(step.event(ob, swept));
        }
    }
    out.events.sort_by_key(|e| e.at);
    out
}

/// The first whole minute at or after `at`: when a sweep every minute saw it.
fn sweep_time(at: Timestamp) -> Timestamp {
    let s = at.as_second();
    let up = if at.subsec_nanosecond() > 0 { s + 1 } else { s };
    let minute = up.div_euclid(SWEEP_EVERY_SECONDS) * SWEEP_EVERY_SECONDS;
    let next = if minute < up {
        minute + SWEEP_EVERY_SECONDS
    } else {
        minute
    };
    Timestamp::from_second(next).unwrap_or(at)
}

/// Merges the sweep's events into a case's generated events (in recorded order: an event
/// before the report is recorded with it), each after the events recorded at or before its
/// time.
pub(crate) fn merge(events: Vec<Event>, sweep: Vec<Event>) -> Vec<Event> {
    if sweep.is_empty() {
        return events;
    }
    let reported = events.first().map(|e| e.at);
    let recorded = |e: &Event| reported.map_or(e.at, |r| e.at.max(r));
    let mut out = Vec::with_capacity(events.len() + sweep.len());
    let mut sweep = sweep.into_iter().peekable();
    for e in events {
        while let Some(s) = sweep.next_if(|s| s.at < recorded(&e)) {
            out.push(s);
        }
        out.push(e);
    }
    out.extend(sweep);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_level_is_swept_at_the_next_whole_minute() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(
            sweep_time(t("2026-03-01T10:00:00Z")),
            t("2026-03-01T10:00:00Z")
        );
        assert_eq!(
            sweep_time(t("2026-03-01T10:00:01Z")),
            t("2026-03-01T10:01:00Z")
        );
        assert_eq!(
            sweep_time(t("2026-03-01T10:00:59.5Z")),
            t("2026-03-01T10:01:00Z")
        );
    }
}
