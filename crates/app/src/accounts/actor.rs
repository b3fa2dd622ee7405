//! Building the acting party: a person from their account's roles and their person record's
//! unit (and that unit's force); a system from its API token.

use crate::actor::{AccountRole, Actor, TokenScope};
use pledge_store::{Account, ApiToken, Store, StoreError};

/// The actor for a signed-in account. Unknown role names (from a newer Pledge, or edited by
/// hand) are skipped with a warning rather than refusing the person.
pub async fn person(store: &impl Store, account: &Account) -> Result<Actor, StoreError> {
    let roles = account
        .roles
        .iter()
        .filter_map(|r| match AccountRole::parse(r) {
            Ok(role) => Some(role),
            Err(_) => {
                tracing::warn!(person = %account.person_id, role = %r, "unknown account role skipped");
                None
            }
        })
        .collect();
    let unit = store.person(&account.person_id).await?.and_then(|p| p.unit);
    let force = match &unit {
        Some(unit) => store.unit(unit).await?.map(|u| u.force),
        None => None,
    };
    Ok(Actor::Person {
        id: account.person_id.clone(),
        roles,
        unit,
        force,
    })
}

/// The actor for an API token.
pub fn system(token: &ApiToken) -> Actor {
    Actor::System {
        name: token.name.clone(),
        scopes: token
            .scopes
            .iter()
            .filter_map(|s| TokenScope::parse(s).ok())
            .collect(),
        force: Some(token.force.clone()),
    }
}
