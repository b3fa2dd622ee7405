//! API tokens for force systems: `pledge_` and 64 hex characters (256 random bits), shown
//! once when created and stored only as SHA-256; scoped, bound to a force, revocable. A
//! request presents one as `Authorization: Bearer pledge_...`.
//!
//! This is the service without the access policy (the command line runs it as whoever holds
//! the database); the API and the pages go through `App::create_token_as` and
//! `App::revoke_token_as`, which ask the policy first.

use super::{AccountError, check_name, random_hex, sha256_hex};
use crate::actor::TokenScope;
use jiff::Timestamp;
use pledge_store::{AccountStore, ApiToken, StoreError};
use std::collections::BTreeSet;

/// Every token starts with this.
pub const PREFIX: &str = "pledge_";

/// What a new token is for.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// Unique name (`crime-system`).
    pub name: String,
    /// Scope names (`cases:read`, ...).
    pub scopes: Vec<String>,
    /// The force it acts for.
    pub force: String,
    /// Who creates it (a person id, or `cli`).
    pub created_by: String,
}

/// A token just created: the secret is here and nowhere else.
#[derive(Debug, Clone)]
pub struct CreatedToken {
    /// The token to give the system (`pledge_...`).
    pub token: String,
    /// What was stored.
    pub stored: ApiToken,
}

/// Parses scope names; the error names the first wrong one by position.
pub fn parse_scopes(scopes: &[String]) -> Result<BTreeSet<TokenScope>, AccountError> {
    if scopes.is_empty() {
        return Err(AccountError::invalid(
            "scopes",
            "at least one of cases:read, cases:write, people:write",
        ));
    }
    scopes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            TokenScope::parse(s).map_err(|m| AccountError::invalid(format!("scopes[{i}]"), m))
        })
        .collect()
}

/// Creates a token: checks the request, stores the hash, returns the token once.
pub async fn create_token(
    store: &impl AccountStore,
    new: NewToken,
    now: Timestamp,
) -> Result<CreatedToken, AccountError> {
    check_name("name", &new.name)?;
    let scopes = parse_scopes(&new.scopes)?;
    let force = new.force.trim();
    if force.is_empty() || force.len() > 64 {
        return Err(AccountError::invalid("force", "1 to 64 characters"));
    }
    let token = format!("{PREFIX}{}", random_hex(32));
    let stored = ApiToken {
        name: new.name.clone(),
        hash: sha256_hex(&token),
        scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
        force: force.to_owned(),
        created_by: new.created_by.clone(),
        created_at: now,
        revoked_at: None,
    };
    match store.create_token(&stored).await {
        Ok(()) => {}
        Err(StoreError::Invalid(_)) => {
            return Err(AccountError::Exists {
                field: "name".to_owned(),
                message: format!(
                    "a token named {} already exists (revoked tokens keep their name)",
                    new.name
                ),
            });
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(token = %stored.name, force = %stored.force, by = %stored.created_by,
        scopes = ?stored.scopes, "API token created");
    Ok(CreatedToken { token, stored })
}

/// Revokes a token by name; false when there is no such unrevoked token.
pub async fn revoke_token(
    store: &impl AccountStore,
    name: &str,
    by: &str,
    now: Timestamp,
) -> Result<bool, AccountError> {
    let done = store.revoke_token(name, now).await?;
    if done {
        tracing::info!(token = %name, by = %by, "API token revoked");
    }
    Ok(done)
}

/// The live (unrevoked) token a request presents, if any.
pub async fn find(store: &impl AccountStore, token: &str) -> Result<Option<ApiToken>, StoreError> {
    let well_formed = token
        .strip_prefix(PREFIX)
        .is_some_and(|rest| rest.len() == 64 && rest.bytes().all(|b| b.is_ascii_hexdigit()));
    if !well_formed {
        return Ok(None);
    }
    Ok(store
        .token_by_hash(&sha256_hex(token))
        .await?
        .filter(|t| t.revoked_at.is_none()))
}
