//! Properties of whom a plan's points cover: obligations met once per victim are met when
//! the last victim they concern is covered, a notice counts only for the victims its body
//! represents, and a rule binds exactly the workforce roles its plan names.

use crate::support::*;
use pledge_domain::EventKind;
use pledge_domain::State::*;
use pledge_domain::event::values::*;
use proptest::prelude::*;

const ROLES: [WorkforceRole; 5] = [
    WorkforceRole::Officer,
    WorkforceRole::SpecialConstable,
    WorkforceRole::Pcso,
    WorkforceRole::Volunteer,
    WorkforceRole::Staff,
];

const BODIES: [StaffAssociation; 4] = [
    StaffAssociation::Federation,
    StaffAssociation::Unison,
    StaffAssociation::Unite,
    StaffAssociation::Other,
];

fn who(i: u8, two: bool) -> Option<String> {
    match (i % 3, two) {
        (0, _) => None,
        (1, _) | (2, false) => Some(VICTIM.to_owned()),
        _ => Some(SECOND_VICTIM.to_owned()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// WMP 10: the leaflet obligation is met exactly when every victim has had one (an event
    /// naming no victim covers all): at the latest of each victim's first.
    #[test]
    fn an_each_victim_obligation_is_met_when_the_last_victim_is_covered(
        two in any::<bool>(),
        events in proptest::collection::vec((0u8..3, 1i64..60), 0..6),
    ) {
        let report = if two { Report::default().second_victim() } else { Report::default() };
        let mut s = Scenario::open("west-midlands", ts("2026-11-02T09:00:00Z"), report);
        let victims: Vec<&str> = if two { vec![VICTIM, SECOND_VICTIM] } else { vec![VICTIM] };
        let mut first: Vec<Option<i64>> = vec![None; victims.len()];
        for (i, h) in &events {
            let named = who(*i, two);
            s.record_by(s.after(*h), SUPERVISOR, EventKind::LeafletGiven {
                victim: named.as_deref().map(person),
            });
            for (k, v) in victims.iter().enumerate() {
                if named.as_deref().is_none_or(|n| n == *v) {
                    first[k] = Some(first[k].map_or(*h, |f| f.min(*h)));
                }
            }
        }
        let expected = first
            .iter()
            .copied()
            .collect::<Option<Vec<i64>>>()
            .map(|hs| s.after(hs.into_iter().max().unwrap_or(0)));
        prop_assert_eq!(s.ob(s.after(100), "leaflet-given").completed_at, expected);
    }

    /// WMP 9: a notice counts for a victim only when the body represents their role or it
    /// records their refusal; volunteers are not concerned.
    #[test]
    fn a_staff_association_notice_counts_only_for_the_victims_it_represents(
        roles in (0usize..5, 0usize..5),
        notices in proptest::collection::vec((0usize..4, any::<bool>(), 0u8..3, 1i64..40), 0..5),
    ) {
        let (r1, r2) = (ROLES[roles.0], ROLES[roles.1]);
        let mut s = Scenario::open(
            "west-midlands",
            ts("2026-11-02T09:00:00Z"),
            Report::default().role(r1).second_victim_as(r2),
        );
        let victims = [(VICTIM, r1), (SECOND_VICTIM, r2)];
        let mut first: [Option<i64>; 2] = [None, None];
        for (b, consent, i, h) in &notices {
            let body = BODIES[*b];
            let named = who(*i, true);
            s.record_by(s.after(*h), SUPERVISOR, EventKind::StaffAssociationNotified {
                body,
                consent: *consent,
                victim: named.as_deref().map(person),
            });
            for (k, (v, role)) in victims.iter().enumerate() {
                let for_them = named.as_deref().is_none_or(|n| n == *v);
                if for_them && (!*consent || body.represents(*role)) {
                    first[k] = Some(first[k].map_or(*h, |f| f.min(*h)));
                }
            }
        }
        let concerned: Vec<usize> = (0..2)
            .filter(|k| victims[*k].1 != WorkforceRole::Volunteer)
            .collect();
        let o = s.ob(s.after(100), "staff-association-notified");
        if concerned.is_empty() {
            prop_assert_eq!(o.state, NotApplicable);
        } else {
            let expected = concerned
                .iter()
                .map(|k| first[*k])
                .collect::<Option<Vec<i64>>>()
                .map(|hs| s.after(hs.into_iter().max().unwrap_or(0)));
            prop_assert_eq!(o.completed_at, expected);
        }
    }

    /// A rule binds exactly the roles its plan names: "the assaulted officer" (Op Hampshire
    /// (c), BTP 4) and "the injured or assaulted colleague" (WMP 2, everyone).
    #[test]
    fn a_victim_is_refused_as_officer_in_the_case_exactly_where_the_plan_words_cover_them(
        role in 0usize..5,
        plan in 0usize..3,
    ) {
        let role = ROLES[role];
        let (plan, covers) = [
            ("op-hampshire", role.is_police_officer()),
            ("btp", role.is_police_officer()),
            ("west-midlands", true),
        ][plan];
        let mut s = Scenario::open(plan, ts("2026-11-02T09:00:00Z"), Report::default().role(role));
        let refused = s.try_record_by(s.after(1), SUPERVISOR, ev::oic(VICTIM)).is_err();
        prop_assert_eq!(refused, covers, "{} {}", plan, role);
    }
}
