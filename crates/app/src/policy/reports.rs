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
    /// Record a scrutiny panel meeting (OSSR 23(i)): the Op Hampshire lead, who runs the
    /// panel, or an administrator.
    RecordPanelReview,
    /// See when the panel met, on which pack, and what is due: the pack's readers.
    PanelReviewStanding,
    /// Read the panel's actions (never in a pack): the force's leaders who act on them.
    PanelActions,
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
        (ReportAction::RecordPanelReview, Actor::Person { .. }) => {
            actor.has(AccountRole::ForceLead) || actor.has(AccountRole::Administrator)
        }
        (ReportAction::PanelReviewStanding, Actor::Person { .. }) => {
            decide_report(actor, ReportAction::PanelPack, force)
        }
        (ReportAction::PanelActions, Actor::Person { .. }) => [
            AccountRole::SeniorLeader,
            AccountRole::ForceLead,
            AccountRole::Administrator,
        ]
        .into_iter()
        .any(|r| actor.has(r)),
        (
            ReportAction::PanelPack
            | ReportAction::NamedPack
            | ReportAction::RecordPanelReview
            | ReportAction::PanelReviewStanding
            | ReportAction::PanelActions,
            Actor::System { .. },
        ) => false,
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

    #[test]
    fn who_records_and_reads_the_panel_reviews() {
        use AccountRole::*;
        let f = "Wessex";
        // (roles, record, standing, actions)
        let cases = [
            (vec![Staff], false, false, false),
            (vec![Staff, Supervisor, Inspector], false, false, false),
            (vec![Staff, Analyst], false, true, false),
            (vec![Staff, SeniorLeader], false, true, true),
            (vec![Staff, ForceLead], true, true, true),
            (vec![Staff, Administrator], true, true, true),
        ];
        for (roles, record, standing, actions) in cases {
            let a = person(&roles, Some(f));
            assert_eq!(
                decide_report(&a, ReportAction::RecordPanelReview, f),
                record,
                "{roles:?}"
            );
            assert_eq!(
                decide_report(&a, ReportAction::PanelReviewStanding, f),
                standing,
                "{roles:?}"
            );
            assert_eq!(
                decide_report(&a, ReportAction::PanelActions, f),
                actions,
                "{roles:?}"
            );
            assert!(!decide_report(&a, ReportAction::RecordPanelReview, "Other"));
            assert!(!decide_report(&a, ReportAction::PanelActions, "Other"));
        }
        let token = Actor::System {
            name: "hr".into(),
            scopes: BTreeSet::from([TokenScope::PeopleWrite, TokenScope::CasesRead]),
            force: Some(f.into()),
        };
        assert!(!decide_report(&token, ReportAction::RecordPanelReview, f));
        assert!(!decide_report(&token, ReportAction::PanelReviewStanding, f));
    }
}
