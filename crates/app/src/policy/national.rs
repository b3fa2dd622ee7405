//! Who may merge force exports into the national picture. The exports hold only suppressed
//! aggregate figures, but the national picture is a chief officer's and an administrator's
//! tool (it names no one, yet it is not every colleague's business to compare forces):
//! senior leaders (chief officers) and administrators of a force. Default deny: everyone
//! else, anyone of no force, and every force system's token.

use crate::actor::{AccountRole, Actor};

/// Whether the actor may merge exports into the national picture.
pub fn decide_national(actor: &Actor) -> bool {
    match actor {
        Actor::Person { .. } => {
            actor.force().is_some_and(|f| !f.is_empty())
                && (actor.has(AccountRole::SeniorLeader) || actor.has(AccountRole::Administrator))
        }
        Actor::System { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(roles: &[AccountRole], force: Option<&str>) -> Actor {
        Actor::Person {
            id: "p".into(),
            roles: roles.iter().copied().collect(),
            unit: None,
            force: force.map(Into::into),
        }
    }

    #[test]
    fn chief_officers_and_administrators_only() {
        use AccountRole::*;
        for (roles, allowed) in [
            (vec![Staff], false),
            (vec![Staff, Supervisor, Inspector], false),
            (vec![Staff, Analyst], false),
            (vec![Staff, ForceLead], false),
            (vec![Staff, SeniorLeader], true),
            (vec![Staff, Administrator], true),
        ] {
            assert_eq!(
                decide_national(&person(&roles, Some("Wessex"))),
                allowed,
                "{roles:?}"
            );
        }
        assert!(!decide_national(&person(&[SeniorLeader], None)));
    }
}
