//! Who may read and maintain organisation data (people, units and their meeting calendars)
//! and open a case in a force. Every decision names the force whose data it is: an actor
//! with no force may do nothing (there is no all-forces role), and an actor of one force
//! never touches another's.

use crate::actor::{AccountRole, Actor, TokenScope};

/// What an actor wants to do with a force's organisation data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgAction {
    /// See the units and the chain of command (everyone signed in to the force).
    ReadUnits,
    /// Read the people directory (names and contact details are personal data: only those
    /// who assign work or run the force's plan).
    ReadPeople,
    /// Find a colleague by name or collar number to name in a report of an assault (the
    /// victims and their supervisor): whoever may record an assault. Only the name, collar
    /// number, unit and workforce role are given, never contact details.
    FindColleagues,
    /// Add or change people, units and the units' meeting calendars (administrators and HR
    /// systems).
    Maintain,
    /// Record a new assault in the force (any member of the workforce; a crime system's
    /// token with `cases:write`).
    RecordAssault,
    /// Install a plan version and put a plan in force from a date (administrators and the
    /// force's Op Hampshire lead; never a system token).
    PutPlanInForce,
    /// Send records of the force's crime system to be attached to its cases (the system's
    /// token with `cases:write`; administrators, the force lead and investigators). Each case
    /// is then decided again ([`crate::policy::CaseAction::ImportFromSource`]).
    ImportCrimes,
    /// Add, list and retire the force's webhook endpoints, and see and retry its failed
    /// webhook deliveries (administrators only: an endpoint receives every notification of
    /// the force, so never a system token).
    ConfigureWebhooks,
}

/// Decides an organisation action on `force`'s data. Default deny.
pub fn decide_org(actor: &Actor, action: OrgAction, force: &str) -> bool {
    if force.is_empty() || actor.force() != Some(force) {
        return false;
    }
    match (action, actor) {
        (OrgAction::ReadUnits, _) => true,
        (OrgAction::ReadPeople, Actor::Person { .. }) => [
            AccountRole::Supervisor,
            AccountRole::Investigator,
            AccountRole::Inspector,
            AccountRole::SeniorLeader,
            AccountRole::ForceLead,
            AccountRole::Administrator,
        ]
        .into_iter()
        .any(|r| actor.has(r)),
        (OrgAction::ReadPeople | OrgAction::Maintain, Actor::System { .. }) => {
            actor.scoped(TokenScope::PeopleWrite)
        }
        (OrgAction::Maintain, Actor::Person { .. }) => actor.has(AccountRole::Administrator),
        (OrgAction::RecordAssault | OrgAction::FindColleagues, Actor::Person { .. }) => {
            actor.has(AccountRole::Staff)
        }
        (OrgAction::RecordAssault | OrgAction::FindColleagues, Actor::System { .. }) => {
            actor.scoped(TokenScope::CasesWrite)
        }
        (OrgAction::PutPlanInForce, Actor::Person { .. }) => {
            actor.has(AccountRole::Administrator) || actor.has(AccountRole::ForceLead)
        }
        (OrgAction::PutPlanInForce, Actor::System { .. }) => false,
        (OrgAction::ImportCrimes, Actor::System { .. }) => actor.scoped(TokenScope::CasesWrite),
        (OrgAction::ImportCrimes, Actor::Person { .. }) => [
            AccountRole::Administrator,
            AccountRole::ForceLead,
            AccountRole::Investigator,
        ]
        .into_iter()
        .any(|r| actor.has(r)),
        (OrgAction::ConfigureWebhooks, Actor::Person { .. }) => {
            actor.has(AccountRole::Administrator)
        }
        (OrgAction::ConfigureWebhooks, Actor::System { .. }) => false,
    }
}
