//! The access policy as a table (every action × role × relationship that matters) and as
//! properties over every combination.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use pledge_app::policy::{CaseAction, Decision, Relation, Relations, StepGroup, decide};
use pledge_app::{AccountRole, Actor, TokenScope};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn person(roles: &[AccountRole]) -> Actor {
    let mut set: BTreeSet<AccountRole> = roles.iter().copied().collect();
    set.insert(AccountRole::Staff);
    Actor::Person {
        id: "P1".into(),
        roles: set,
        unit: Some("U1".into()),
        force: Some("F".into()),
    }
}

fn system(scopes: &[TokenScope]) -> Actor {
    Actor::System {
        name: "crime".into(),
        scopes: scopes.iter().copied().collect(),
        force: Some("F".into()),
    }
}

const ACTIONS: [CaseAction; 12] = [
    CaseAction::View,
    CaseAction::ViewAsVictim,
    CaseAction::ViewAccessLog,
    CaseAction::ViewWelfareDetail,
    CaseAction::Record(StepGroup::Supervision),
    CaseAction::Record(StepGroup::Investigation),
    CaseAction::Record(StepGroup::Welfare),
    CaseAction::Record(StepGroup::VictimOwn),
    CaseAction::Record(StepGroup::VictimVoice),
    CaseAction::Record(StepGroup::Management),
    CaseAction::Record(StepGroup::System),
    CaseAction::ViewTrmBriefing,
];

/// Which actions each kind of actor is allowed; everything else must be refused.
#[test]
fn the_table() {
    use AccountRole::{Administrator, Analyst, ForceLead, Inspector, Investigator, Welfare};
    use CaseAction as A;
    use Relation::{ChainOfCommand, OfficerInCase, SameForce, Victim};
    use StepGroup as G;
    let rel = |rs: &[Relation]| Relations::new(rs.iter().copied());
    let cases: Vec<(&str, Actor, Relations, Vec<CaseAction>)> = vec![
        (
            "victim",
            person(&[]),
            rel(&[Victim, SameForce]),
            vec![
                A::ViewAsVictim,
                A::ViewAccessLog,
                A::ViewWelfareDetail,
                A::Record(G::VictimOwn),
                A::Record(G::VictimVoice),
            ],
        ),
        (
            "victim who is also a supervisor and inspector",
            person(&[AccountRole::Supervisor, Inspector]),
            rel(&[Victim, Relation::Supervisor, ChainOfCommand, SameForce]),
            vec![
                A::ViewAsVictim,
                A::ViewAccessLog,
                A::ViewWelfareDetail,
                A::Record(G::VictimOwn),
                A::Record(G::VictimVoice),
            ],
        ),
        (
            "supervisor",
            person(&[AccountRole::Supervisor]),
            rel(&[Relation::Supervisor, SameForce]),
            vec![
                A::View,
                A::ViewAccessLog,
                A::Record(G::Supervision),
                A::Record(G::Investigation),
                A::Record(G::VictimVoice),
                A::ViewTrmBriefing,
            ],
        ),
        (
            "officer in the case",
            person(&[Investigator]),
            rel(&[OfficerInCase, SameForce]),
            vec![
                A::View,
                A::Record(G::Investigation),
                A::Record(G::VictimVoice),
            ],
        ),
        (
            "inspector over the unit",
            person(&[Inspector]),
            rel(&[ChainOfCommand, SameForce]),
            vec![
                A::View,
                A::ViewAccessLog,
                A::Record(G::Supervision),
                A::Record(G::Investigation),
                A::Record(G::VictimVoice),
                A::Record(G::Management),
                A::ViewTrmBriefing,
            ],
        ),
        (
            "force lead",
            person(&[ForceLead]),
            rel(&[SameForce]),
            vec![
                A::View,
                A::ViewAccessLog,
                A::Record(G::Supervision),
                A::Record(G::Investigation),
                A::Record(G::VictimVoice),
                A::Record(G::Management),
                A::ViewTrmBriefing,
            ],
        ),
        (
            "welfare",
            person(&[Welfare]),
            rel(&[SameForce]),
            vec![
                A::ViewWelfareDetail,
                A::Record(G::Welfare),
                A::ViewTrmBriefing,
            ],
        ),
        (
            "administrator",
            person(&[Administrator]),
            rel(&[SameForce]),
            vec![A::View, A::ViewAccessLog],
        ),
        (
            "colleague, same force",
            person(&[AccountRole::Supervisor, Investigator]),
            rel(&[SameForce]),
            vec![],
        ),
        (
            "colleague, other force",
            person(&[ForceLead]),
            rel(&[]),
            vec![],
        ),
        ("analyst", person(&[Analyst]), rel(&[SameForce]), vec![]),
        (
            "token cases:read",
            system(&[TokenScope::CasesRead]),
            rel(&[SameForce]),
            vec![A::View, A::ViewAccessLog],
        ),
        (
            "token cases:write",
            system(&[TokenScope::CasesWrite]),
            rel(&[SameForce]),
            vec![
                A::Record(G::Supervision),
                A::Record(G::Investigation),
                A::Record(G::VictimVoice),
                A::Record(G::Management),
            ],
        ),
        (
            "token, other force",
            system(&[TokenScope::CasesRead, TokenScope::CasesWrite]),
            rel(&[]),
            vec![],
        ),
        (
            "token without scopes",
            system(&[]),
            rel(&[SameForce]),
            vec![],
        ),
    ];
    for (who, actor, rel, allowed) in cases {
        for action in ACTIONS {
            let d = decide(&actor, action, &rel);
            assert_eq!(
                d == Decision::Allow,
                allowed.contains(&action),
                "{who}: {action:?} gave {d:?}"
            );
        }
    }
}

#[test]
fn strangers_are_not_told_the_case_exists() {
    for roles in [
        &[][..],
        &[AccountRole::Supervisor],
        &[AccountRole::Investigator, AccountRole::Inspector],
    ] {
        let actor = person(roles);
        for rel in [Relations::new([]), Relations::new([Relation::SameForce])] {
            assert_eq!(
                decide(&actor, CaseAction::View, &rel),
                Decision::Hide,
                "{roles:?} {rel:?}"
            );
        }
    }
    // Someone related to the case is told they may not, rather than that it does not exist.
    let oic = person(&[AccountRole::Investigator]);
    let rel = Relations::new([Relation::OfficerInCase]);
    assert_eq!(
        decide(&oic, CaseAction::Record(StepGroup::Management), &rel),
        Decision::Deny
    );
}

fn any_role() -> impl Strategy<Value = Vec<AccountRole>> {
    proptest::sample::subsequence(AccountRole::ALL.to_vec(), 0..=AccountRole::ALL.len())
}

fn any_relations() -> impl Strategy<Value = Relations> {
    use Relation::*;
    proptest::sample::subsequence(
        vec![Victim, Supervisor, OfficerInCase, ChainOfCommand, SameForce],
        0..=5,
    )
    .prop_map(Relations::new)
}

proptest! {
    /// A victim never investigates, supervises, manages or reads the full file of their own
    /// case, whatever roles they hold.
    #[test]
    fn a_victim_never_works_their_own_case(roles in any_role(), rel in any_relations()) {
        let actor = person(&roles);
        let mut rel_v: Vec<Relation> = rel.iter().collect();
        rel_v.push(Relation::Victim);
        let rel = Relations::new(rel_v);
        for action in [
            CaseAction::View,
            CaseAction::Record(StepGroup::Supervision),
            CaseAction::Record(StepGroup::Investigation),
            CaseAction::Record(StepGroup::Management),
            CaseAction::Record(StepGroup::Welfare),
        ] {
            prop_assert_ne!(decide(&actor, action, &rel), Decision::Allow);
        }
        prop_assert_eq!(decide(&actor, CaseAction::ViewAsVictim, &rel), Decision::Allow);
    }

    /// Nobody records system events; no system acts as a victim or sees welfare detail.
    #[test]
    fn closed_doors(roles in any_role(), rel in any_relations()) {
        prop_assert_ne!(decide(&person(&roles), CaseAction::Record(StepGroup::System), &rel), Decision::Allow);
        let sys = system(&[TokenScope::CasesRead, TokenScope::CasesWrite, TokenScope::PeopleWrite]);
        for action in [CaseAction::ViewAsVictim, CaseAction::ViewWelfareDetail, CaseAction::Record(StepGroup::Welfare), CaseAction::Record(StepGroup::VictimOwn)] {
            prop_assert_ne!(decide(&sys, action, &rel), Decision::Allow);
        }
    }

    /// Without any relationship to the case, nothing is allowed and its existence is hidden.
    #[test]
    fn default_deny(roles in any_role()) {
        let actor = person(&roles);
        for action in ACTIONS {
            prop_assert_eq!(decide(&actor, action, &Relations::new([])), Decision::Hide);
        }
    }

    /// For someone who is not a victim of the case, more roles never take a permission away.
    #[test]
    fn roles_only_add(a in any_role(), b in any_role(), rel in any_relations()) {
        prop_assume!(!rel.has(Relation::Victim));
        let mut both = a.clone();
        both.extend(b);
        for action in ACTIONS {
            if decide(&person(&a), action, &rel) == Decision::Allow {
                prop_assert_eq!(decide(&person(&both), action, &rel), Decision::Allow);
            }
        }
    }
}
