//! The account and token rules of the access policy, as a table and as properties over every
//! actor, action and target: only an administrator placed in a force acts, only on that
//! force, never on their own standing; a missing force never means "all".
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use pledge_app::policy::{
    AccountAction, AccountTarget, TokenAction, administered_force, decide_account, decide_token,
    may_administer_accounts,
};
use pledge_app::{AccountRole, Actor, TokenScope};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn person(id: &str, roles: &[AccountRole], force: Option<&str>) -> Actor {
    let mut set: BTreeSet<AccountRole> = roles.iter().copied().collect();
    set.insert(AccountRole::Staff);
    Actor::Person {
        id: id.into(),
        roles: set,
        unit: force.map(|_| "U1".into()),
        force: force.map(str::to_owned),
    }
}

fn target<'a>(person_id: &'a str, force: Option<&'a str>) -> AccountTarget<'a> {
    AccountTarget { person_id, force }
}

#[test]
fn the_table() {
    use AccountAction as A;
    use AccountRole::*;
    let admin_f = person("ADMIN", &[Administrator], Some("F"));
    let admin_none = person("ADMIN", &[Administrator], None);
    let admin_empty = person("ADMIN", &[Administrator], Some(""));
    let lead_f = person("LEAD", &[ForceLead, SeniorLeader, Inspector], Some("F"));
    let system_f = Actor::System {
        name: "hr".into(),
        scopes: [
            TokenScope::PeopleWrite,
            TokenScope::CasesWrite,
            TokenScope::CasesRead,
        ]
        .into(),
        force: Some("F".into()),
    };
    let all = AccountAction::ALL;
    let rows: Vec<(&str, &Actor, AccountTarget<'_>, Vec<AccountAction>)> = vec![
        (
            "admin, own force",
            &admin_f,
            target("PC-1", Some("F")),
            all.to_vec(),
        ),
        (
            "admin, another force",
            &admin_f,
            target("PC-1", Some("G")),
            vec![],
        ),
        (
            "admin, target in no force",
            &admin_f,
            target("PC-1", None),
            vec![],
        ),
        (
            "admin in no force, any target",
            &admin_none,
            target("PC-1", Some("F")),
            vec![],
        ),
        (
            "admin in no force, target in none",
            &admin_none,
            target("PC-1", None),
            vec![],
        ),
        (
            "admin in an empty force, target in it",
            &admin_empty,
            target("PC-1", Some("")),
            vec![],
        ),
        (
            "admin, own account",
            &admin_f,
            target("ADMIN", Some("F")),
            vec![A::View, A::Create, A::Enable, A::Unlock],
        ),
        (
            "force lead, not an administrator",
            &lead_f,
            target("PC-1", Some("F")),
            vec![],
        ),
        (
            "a system with every scope",
            &system_f,
            target("PC-1", Some("F")),
            vec![],
        ),
    ];
    for (name, actor, t, allowed) in rows {
        for action in all {
            assert_eq!(
                decide_account(actor, action, &t),
                allowed.contains(&action),
                "{name}: {action:?}"
            );
        }
    }
    for action in TokenAction::ALL {
        assert!(decide_token(&admin_f, action, "F"));
        assert!(!decide_token(&admin_f, action, "G"));
        assert!(!decide_token(&admin_f, action, ""));
        assert!(!decide_token(&admin_none, action, "F"));
        assert!(!decide_token(&admin_none, action, ""));
        assert!(!decide_token(&lead_f, action, "F"));
        assert!(!decide_token(&system_f, action, "F"));
    }
    assert_eq!(administered_force(&admin_f), Some("F"));
    assert!(may_administer_accounts(&admin_f));
    assert!(!may_administer_accounts(&admin_none));
    assert!(!may_administer_accounts(&admin_empty));
    assert!(!may_administer_accounts(&lead_f));
    assert!(!may_administer_accounts(&system_f));
}

fn any_role() -> impl Strategy<Value = AccountRole> {
    prop::sample::select(AccountRole::ALL.to_vec())
}

fn any_force() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::sample::select(vec![
        String::new(),
        "F".to_owned(),
        "G".to_owned(),
    ]))
}

fn any_actor() -> impl Strategy<Value = Actor> {
    let people = (
        prop::sample::select(vec!["ADMIN", "PC-1", "PC-2"]),
        prop::collection::btree_set(any_role(), 0..4),
        any_force(),
    )
        .prop_map(|(id, roles, force)| Actor::Person {
            id: id.into(),
            roles,
            unit: force.as_ref().map(|_| "U1".into()),
            force,
        });
    let systems = (
        prop::collection::btree_set(
            prop::sample::select(vec![
                TokenScope::CasesRead,
                TokenScope::CasesWrite,
                TokenScope::PeopleWrite,
            ]),
            0..3,
        ),
        any_force(),
    )
        .prop_map(|(scopes, force)| Actor::System {
            name: "sys".into(),
            scopes,
            force,
        });
    prop_oneof![people, systems]
}

proptest! {
    /// Whatever the actor, action and target: allowed only for an administrator whose
    /// (non-empty) force is the target's, and never for a missing force on either side.
    #[test]
    fn only_an_administrator_of_the_same_force(
        actor in any_actor(),
        action in prop::sample::select(AccountAction::ALL.to_vec()),
        person_id in prop::sample::select(vec!["ADMIN", "PC-1", "PC-2"]),
        force in any_force(),
    ) {
        let t = target(person_id, force.as_deref());
        if decide_account(&actor, action, &t) {
            prop_assert!(actor.has(AccountRole::Administrator));
            let is_person = matches!(actor, Actor::Person { .. });
            prop_assert!(is_person);
            let f = actor.force();
            prop_assert!(f.is_some_and(|f| !f.is_empty()));
            prop_assert_eq!(f, force.as_deref());
        }
        if actor.force().is_none() || force.is_none() {
            prop_assert!(!decide_account(&actor, action, &t));
        }
    }

    /// Nobody disables, resets the two-factor of or changes the roles of their own account.
    #[test]
    fn never_against_ones_own_standing(
        actor in any_actor(),
        force in any_force(),
    ) {
        if let Actor::Person { id, .. } = &actor {
            for action in [AccountAction::Disable, AccountAction::ResetTwoFactor, AccountAction::ChangeRoles] {
                prop_assert!(!decide_account(&actor, action, &target(id, force.as_deref())));
            }
        }
    }

    /// Tokens: only for the administrator's own force.
    #[test]
    fn tokens_only_for_the_administrators_force(
        actor in any_actor(),
        action in prop::sample::select(TokenAction::ALL.to_vec()),
        force in prop::sample::select(vec!["", "F", "G"]),
    ) {
        let allowed = decide_token(&actor, action, force);
        prop_assert_eq!(
            allowed,
            administered_force(&actor) == Some(force) && !force.is_empty()
        );
    }
}
