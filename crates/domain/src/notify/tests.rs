#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::case::CaseState;
use crate::event::Event;
use crate::plan::{Plan, PlanLibrary, Role};
use jiff::{SignedDuration, Timestamp};

fn plan(id: &str) -> Plan {
    PlanLibrary::builtin().unwrap().latest(id).unwrap().clone()
}

fn event(json: serde_json::Value) -> Event {
    serde_json::from_value(json).unwrap()
}

/// An opening report on `plan`, with one victim as given.
fn report(plan: &str, injury: &str, hospitalised: bool, hate: &[&str]) -> Event {
    event(serde_json::json!({
        "type": "assault_reported", "at": "2026-11-16T19:05:00Z", "by": "PS-1",
        "plan": {"id": plan, "version": 1}, "force": "F", "unit": "U",
        "occurred_at": "2026-11-16T18:40:00Z", "location_type": "custody",
        "supervisor": "PS-1",
        "victims": [{"person": "PC-9", "workforce_role": "officer", "injury": injury,
                     "hospitalised": hospitalised}],
        "offence": "common_assault_emergency_worker", "hate_crime": hate
    }))
}

fn roles(ns: &[Notice]) -> Vec<(Recipient, NoticeKind)> {
    ns.iter().map(|n| (n.to.clone(), n.kind)).collect()
}

fn role(r: Role) -> Recipient {
    Recipient::Role(r)
}

#[test]
fn a_hospitalised_colleague_on_west_midlands_tells_the_fim_and_the_on_call_chief_officer_urgently()
{
    let p = plan("west-midlands");
    let e = report("west-midlands", "minor", true, &[]);
    let case = CaseState::from_events([&e]);
    let ns = on_event(&p, &case, &e);
    assert_eq!(
        roles(&ns),
        vec![
            (role(Role::LocalCommandTeam), NoticeKind::Hospitalised),
            (role(Role::ForceIncidentManager), NoticeKind::Hospitalised),
            (role(Role::OnCallChiefOfficer), NoticeKind::Hospitalised),
        ]
    );
    assert!(ns.iter().all(|n| n.urgent && n.mandatory));
}

#[test]
fn a_minor_assault_tells_only_the_local_command_team_and_nothing_is_urgent() {
    let p = plan("west-midlands");
    let e = report("west-midlands", "minor", false, &[]);
    let ns = on_event(&p, &CaseState::from_events([&e]), &e);
    assert_eq!(
        roles(&ns),
        vec![(role(Role::LocalCommandTeam), NoticeKind::AssaultReported)]
    );
    assert!(!ns[0].urgent);
}

#[test]
fn a_serious_injury_on_btp_goes_to_the_senior_duty_officer_and_the_chief_officer_group() {
    let p = plan("btp");
    let e = report("btp", "serious", false, &[]);
    let ns = on_event(&p, &CaseState::from_events([&e]), &e);
    let got = roles(&ns);
    assert!(got.contains(&(role(Role::SeniorDutyOfficer), NoticeKind::SeriousInjury)));
    assert!(got.contains(&(role(Role::ChiefOfficerGroup), NoticeKind::SeriousInjury)));
    // A minor injury on the same plan does not reach them.
    let e = report("btp", "minor", false, &[]);
    let ns = on_event(&p, &CaseState::from_events([&e]), &e);
    assert!(ns.iter().all(|n| n.to != role(Role::SeniorDutyOfficer)
        && n.to != role(Role::ChiefOfficerGroup)));
}

#[test]
fn a_hate_crime_goes_to_whom_the_plan_says_must_be_informed_as_a_hate_crime() {
    let p = plan("west-midlands");
    let e = report("west-midlands", "none", false, &["race"]);
    let ns = on_event(&p, &CaseState::from_events([&e]), &e);
    assert_eq!(
        roles(&ns),
        vec![(role(Role::LocalCommandTeam), NoticeKind::HateCrime)]
    );
}

#[test]
fn the_oic_is_told_and_the_victim_hears_of_updates_decisions_and_outcomes_without_detail() {
    let p = plan("op-hampshire");
    let r = report("op-hampshire", "minor", false, &[]);
    let oic = event(
        serde_json::json!({"type": "oic_assigned", "at": "2026-11-17T08:00:00Z",
        "by": "INSP-1", "officer": "DC-7"}),
    );
    let upd = event(
        serde_json::json!({"type": "victim_updated", "at": "2026-11-18T08:00:00Z",
        "by": "DC-7", "note": "suspect SECRET-NAME interviewed"}),
    );
    let dec = event(serde_json::json!({"type": "key_decision_made",
        "at": "2026-11-18T09:00:00Z", "by": "DC-7", "decision": "no_further_action",
        "detail": "SECRET-DETAIL"}));
    let case = CaseState::from_events([&r, &oic, &upd, &dec]);
    let ns = on_event(&p, &case, &oic);
    assert_eq!(
        roles(&ns),
        vec![(
            Recipient::Person(crate::event::values::PersonId::parse("DC-7").unwrap()),
            NoticeKind::OicAssigned
        )]
    );
    for e in [&upd, &dec] {
        let ns = on_event(&p, &case, e);
        assert_eq!(
            roles(&ns),
            vec![(
                Recipient::Person(crate::event::values::PersonId::parse("PC-9").unwrap()),
                NoticeKind::VictimUpdate
            )]
        );
        let all = format!("{} {}", ns[0].headline, ns[0].text);
        assert!(!all.contains("SECRET"), "{all}");
        assert!(!all.contains("PC-9"), "{all}");
    }
    assert!(
        on_event(&p, &case, &dec)[0]
            .text
            .contains("no further action")
    );
}

#[test]
fn a_trim_referral_goes_to_the_welfare_team_only_and_a_declined_one_to_nobody() {
    let p = plan("op-hampshire");
    let r = report("op-hampshire", "minor", false, &[]);
    let yes = event(serde_json::json!({"type": "trim_referral_considered",
        "at": "2026-11-17T08:00:00Z", "by": "PS-1", "referred": true}));
    let no = event(serde_json::json!({"type": "trim_referral_considered",
        "at": "2026-11-17T08:00:00Z", "by": "PS-1", "referred": false, "reason": "x"}));
    let case = CaseState::from_events([&r, &yes]);
    assert_eq!(
        roles(&on_event(&p, &case, &yes)),
        vec![(role(Role::Welfare), NoticeKind::WelfareReferral)]
    );
    assert!(on_event(&p, &case, &no).is_empty());
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// An obligation with an escalation chain of two roles.
fn chained(p: &Plan) -> &crate::plan::Obligation {
    p.obligations
        .iter()
        .find(|o| o.escalates_to.len() == 2 && o.owner != Role::Victim)
        .unwrap()
}

#[test]
fn an_overdue_obligation_goes_to_the_owner_then_each_escalation_level_at_0_24_and_72_hours() {
    let p = plan("west-midlands");
    let ob = chained(&p);
    let clock = ObligationClock {
        open: true,
        started_at: Some(ts("2026-11-16T00:00:00Z")),
        due_at: Some(ts("2026-11-20T00:00:00Z")),
    };
    let policy = EscalationPolicy::default();
    let steps = escalation_steps(ob, &clock, &policy);
    let got: Vec<(u32, Timestamp, Role, NoticeKind)> = steps
        .iter()
        .map(|s| (s.level, s.at, s.to, s.kind))
        .collect();
    assert_eq!(
        got,
        vec![
            (0, ts("2026-11-19T00:00:00Z"), ob.owner, NoticeKind::DueSoon),
            (1, ts("2026-11-20T00:00:00Z"), ob.owner, NoticeKind::Overdue),
            (
                2,
                ts("2026-11-21T00:00:00Z"),
                ob.escalates_to[0],
                NoticeKind::Escalated
            ),
            (
                3,
                ts("2026-11-23T00:00:00Z"),
                ob.escalates_to[1],
                NoticeKind::Escalated
            ),
        ]
    );
    // Just before due: only the reminder; a day and a bit after: the owner and the first
    // level, unless already recorded.
    let due = |now: &str, done: &[u32]| -> Vec<u32> {
        steps_due(ob, &clock, &policy, ts(now), |l| done.contains(&l))
            .iter()
            .map(|s| s.level)
            .collect()
    };
    assert_eq!(due("2026-11-19T23:59:59Z", &[]), vec![0]);
    assert_eq!(due("2026-11-21T01:00:00Z", &[0]), vec![1, 2]);
    assert_eq!(due("2026-11-21T01:00:00Z", &[0, 1, 2]), Vec::<u32>::new());
    assert_eq!(due("2026-12-30T00:00:00Z", &[0, 1, 2]), vec![3]);
}

#[test]
fn met_or_waived_stops_escalation_and_nothing_fires_before_the_due_time() {
    let p = plan("west-midlands");
    let ob = chained(&p);
    let settled = ObligationClock {
        open: false,
        started_at: Some(ts("2026-11-16T00:00:00Z")),
        due_at: Some(ts("2026-11-20T00:00:00Z")),
    };
    assert!(escalation_steps(ob, &settled, &EscalationPolicy::default()).is_empty());
    // A policy that would fire early is held to the due time.
    let early = EscalationPolicy {
        after_due: vec![
            SignedDuration::from_hours(-5),
            SignedDuration::from_hours(-1),
        ],
        ..EscalationPolicy::default()
    };
    let open = ObligationClock {
        open: true,
        ..settled
    };
    for s in escalation_steps(ob, &open, &early)
        .iter()
        .filter(|s| s.level >= 1)
    {
        assert!(s.at >= open.due_at.unwrap(), "{s:?}");
    }
    // No due time: nothing to chase.
    let none = ObligationClock {
        due_at: None,
        ..open
    };
    assert!(escalation_steps(ob, &none, &EscalationPolicy::default()).is_empty());
}

#[test]
fn levels_beyond_the_policy_keep_its_last_gap() {
    let policy = EscalationPolicy {
        after_due: vec![SignedDuration::ZERO, SignedDuration::from_hours(24)],
        ..EscalationPolicy::default()
    };
    assert_eq!(policy.offset(2), SignedDuration::from_hours(48));
    assert_eq!(policy.offset(3), SignedDuration::from_hours(72));
    let one = EscalationPolicy {
        after_due: vec![SignedDuration::from_hours(1)],
        ..EscalationPolicy::default()
    };
    assert_eq!(one.offset(2), SignedDuration::from_hours(49));
}

#[test]
fn a_long_deadline_is_reminded_at_most_seven_days_ahead() {
    let p = plan("west-midlands");
    let ob = chained(&p);
    let clock = ObligationClock {
        open: true,
        started_at: Some(ts("2026-01-01T00:00:00Z")),
        due_at: Some(ts("2026-05-01T00:00:00Z")),
    };
    let steps = escalation_steps(ob, &clock, &EscalationPolicy::default());
    assert_eq!(
        (steps[0].level, steps[0].at),
        (0, ts("2026-04-24T00:00:00Z"))
    );
}

#[test]
fn a_step_notice_names_the_obligation_and_level_but_never_a_person() {
    let p = plan("west-midlands");
    let ob = chained(&p);
    let clock = ObligationClock {
        open: true,
        started_at: None,
        due_at: Some(ts("2026-11-20T00:00:00Z")),
    };
    let steps = escalation_steps(ob, &clock, &EscalationPolicy::default());
    assert_eq!(steps[0].level, 1, "no reminder without a clock start");
    let n = steps[1].notice(ob, 3);
    assert_eq!(n.obligation.as_deref(), Some(ob.id.as_str()));
    assert_eq!((n.instance, n.level, n.kind), (3, 2, NoticeKind::Escalated));
    assert!(n.mandatory && !n.urgent);
    assert_eq!(n.to, Recipient::Role(ob.escalates_to[0]));
}

/// A plan sets its own escalation intervals (`[escalation]`), an obligation may set its own
/// (`escalate_after`), and bad intervals are refused with line and column.
#[test]
fn a_plan_and_an_obligation_set_their_own_escalation_intervals() {
    let text = include_str!("../../../../plans/west-midlands.toml");
    let base = plan("west-midlands");
    let ob_id = chained(&base).id.clone();
    // The plan says: owner at 0 h, then 4 h, then 12 h; remind 2 hours before.
    let with_plan = format!(
        "{text}\n[escalation]\nafter_due = [\"0 hours\", \"4 hours\", \"12 hours\"]\nremind_before = \"2 hours\"\n"
    );
    let p = crate::plan::load_plan("wmp.toml", &with_plan).unwrap();
    let ob = p.obligation(&ob_id).unwrap();
    let clock = ObligationClock {
        open: true,
        started_at: Some(ts("2026-11-16T00:00:00Z")),
        due_at: Some(ts("2026-11-20T00:00:00Z")),
    };
    let at: Vec<(u32, Timestamp)> = escalation_steps(ob, &clock, &EscalationPolicy::of(&p, ob))
        .iter()
        .map(|s| (s.level, s.at))
        .collect();
    assert_eq!(
        at,
        vec![
            (0, ts("2026-11-19T22:00:00Z")),
            (1, ts("2026-11-20T00:00:00Z")),
            (2, ts("2026-11-20T04:00:00Z")),
            (3, ts("2026-11-20T12:00:00Z")),
        ]
    );
    // Without `[escalation]` the defaults apply, as before.
    assert_eq!(
        EscalationPolicy::of(&base, chained(&base)),
        EscalationPolicy::default()
    );
    // The diff says so, in words.
    let changes = crate::plan::compare(&base, &p);
    assert!(
        changes
            .iter()
            .any(|c| c.what.contains("escalation after the due time")),
        "{changes:?}"
    );

    // An obligation's own intervals win over the plan's.
    let own = with_plan.replacen(
        &format!("id = \"{ob_id}\""),
        &format!("id = \"{ob_id}\"\nescalate_after = [\"0 hours\", \"1 days\"]"),
        1,
    );
    let p = crate::plan::load_plan("wmp.toml", &own).unwrap();
    let ob = p.obligation(&ob_id).unwrap();
    let policy = EscalationPolicy::of(&p, ob);
    assert_eq!(
        policy.after_due,
        vec![SignedDuration::ZERO, SignedDuration::from_hours(24)]
    );

    // Refused: not a duration, going backwards, more intervals than levels.
    for (bad, says) in [
        ("after_due = [\"next trm\"]", "not an escalation interval"),
        (
            "after_due = [\"24 hours\", \"4 hours\"]",
            "at least the one before",
        ),
        ("after_due = []", "at least one interval"),
    ] {
        let text = format!("{text}\n[escalation]\n{bad}\n");
        let e = crate::plan::load_plan("wmp.toml", &text).unwrap_err();
        assert!(
            e.problems
                .iter()
                .any(|p| p.message.contains(says) && p.line > 1),
            "{bad}: {e}"
        );
    }
    let too_many = text.replacen(
        &format!("id = \"{ob_id}\""),
        &format!("id = \"{ob_id}\"\nescalate_after = [\"0 hours\", \"1 hours\", \"2 hours\", \"3 hours\"]"),
        1,
    );
    let e = crate::plan::load_plan("wmp.toml", &too_many).unwrap_err();
    assert!(e.to_string().contains("levels"), "{e}");
}

/// The sweep and generated history record a level with the same event: by the sweep's actor
/// (an id that parses), to the step's role; the reminder records none.
#[test]
fn a_level_from_overdue_on_is_recorded_by_the_sweep_as_an_event_naming_the_role() {
    let p = plan("west-midlands");
    let ob = chained(&p);
    let clock = ObligationClock {
        open: true,
        started_at: Some(ts("2026-11-10T00:00:00Z")),
        due_at: Some(ts("2026-11-20T00:00:00Z")),
    };
    let steps = escalation_steps(ob, &clock, &EscalationPolicy::default());
    let at = ts("2026-11-21T00:01:00Z");
    assert_eq!(steps[0].level, 0);
    assert!(
        steps[0].event(ob, at).is_none(),
        "a reminder records no event"
    );
    let e = steps[2].event(ob, at).unwrap();
    assert_eq!(e.at, at);
    assert_eq!(
        e.by,
        crate::event::values::PersonId::parse(SWEEP_ACTOR).unwrap()
    );
    assert_eq!(
        e.kind,
        crate::EventKind::ObligationEscalated {
            obligation: ob.id.clone(),
            to: ob.escalates_to[0].as_str().to_owned(),
        }
    );
}
