//! Who may have a force's scrutiny pack. The panel version holds only suppressed aggregate
//! figures; the named version names colleagues and cases, so it goes only to those who may
//! see every case of the force. Headcounts are set by administrators (and HR systems).

use crate::actor::{AccountRole, Actor, TokenScope};

/// What an actor wants of a force's reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportAction {
    /// The panel's (anonymised, suppressed) pack.
    PanelPack,
    /// The named pack (no suppression; names, case references and reasons).
    NamedPack,
    /// Set the force's headcounts.
    SetHeadcounts,
}

/// Decides a report action on `force`. Default deny; an actor of no force, or of another
/// force, may do nothing (a missing force never means "all").
pub fn decide_report(actor: &Actor, action: ReportAction, force: &str) -> bool {
    if force.is_empty() || actor.force() != Some(force) {
        return false;
    }
    match (action, actor) {
        (ReportAction::PanelPack, Actor::Person { .. }) => [
            AccountRole::SeniorLeader,
            AccountRole::ForceLead,
            AccountRole::Analyst,
            AccountRole::Administrator,
        ]
        .into_iter()
        .any(|r| actor.has(r)),
        // The same readers who may list every case of the force.
        (ReportAction::NamedPack, Actor::Person { .. }) => {
            actor.has(AccountRole::ForceLead) || actor.has(AccountRole::Administrator)
        }
        (ReportAction::SetHeadcounts, Actor::Person { .. }) => {
            actor.has(AccountRole::Administrator)
        }
        (ReportAction::SetHeadcounts, Actor::System { .. }) => {
            actor.scoped(TokenScope::PeopleWrite)
        }
        (ReportAction::PanelPack | ReportAction::NamedPack, Actor::System { .. }) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn person(roles: &[AccountRole], force: Option<&str>) -> Actor {
        Actor::Person {
            id: "p".into(),
            roles: roles.iter().copied().collect(),
            unit: None,
            force: force.map(Into::into),
        }
    }

    #[test]
    fn who_has_which_pack() {
        use AccountRole::*;
        let f = "Wessex";
        let cases = [
            (vec![Staff], false, false),
            (vec![Staff, Supervisor, Inspector], false, false),
            (vec![Staff, Analyst], true, false),
            (vec![Staff, SeniorLeader], true, false),
            (vec![Staff, ForceLead], true, true),
            (vec![Staff, Administrator], true, true),
        ];
        for (roles, panel, named) in cases {
            let a = person(&roles, Some(f));
            assert_eq!(
                decide_report(&a, ReportAction::PanelPack, f),
                panel,
                "{roles:?}"
            );
            assert_eq!(
                decide_report(&a, ReportAction::NamedPack, f),
                named,
                "{roles:?}"
            );
            // Another force, or none, or an empty force name: nothing.
            assert!(!decide_report(&a, ReportAction::PanelPack, "Other"));
            assert!(!decide_report(&a, ReportAction::PanelPack, ""));
            let none = person(&roles, None);
            assert!(!decide_report(&none, ReportAction::PanelPack, f));
        }
        let token = Actor::System {
            name: "hr".into(),
            scopes: BTreeSet::from([TokenScope::PeopleWrite, TokenScope::CasesRead]),
            force: Some(f.into()),
        };
        assert!(!decide_report(&token, ReportAction::PanelPack, f));
        assert!(decide_report(&token, ReportAction::SetHeadcounts, f));
        assert!(decide_report(
            &person(&[Administrator], Some(f)),
            ReportAction::SetHeadcounts,
            f
        ));
        assert!(!decide_report(
            &person(&[ForceLead], Some(f)),
            ReportAction::SetHeadcounts,
            f
        ));
    }
}
