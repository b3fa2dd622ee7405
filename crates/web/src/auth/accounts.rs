//! Creating accounts (shared by the API and `pledge user add`): an account belongs to a
//! person already known to Pledge, holds account roles (everyone is at least `staff`), and
//! starts with either a one-time password (shown once; must be changed at first sign-in) or
//! a password its creator chose.

use super::{AuthError, password};
use pledge_app::AccountRole;
use pledge_store::{Account, AccountStore, Store};
use std::collections::BTreeSet;

/// A new account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// The person (must exist).
    pub person_id: String,
    /// Role names (`supervisor`, ...); `staff` is added.
    pub roles: Vec<String>,
    /// A chosen password, checked against the rule; `None` for a one-time password.
    pub password: Option<String>,
    /// Who creates it (a person id, or `cli`), for the log.
    pub created_by: String,
}

/// An account just created.
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    /// The stored account.
    pub account: Account,
    /// The one-time password, when Pledge made one: shown once, never stored.
    pub one_time_password: Option<String>,
}

/// Parses role names; the error names the first wrong one by position. `staff` is added.
pub fn parse_roles(roles: &[String]) -> Result<BTreeSet<AccountRole>, AuthError> {
    let mut parsed: BTreeSet<AccountRole> = roles
        .iter()
        .enumerate()
        .map(|(i, r)| {
            AccountRole::parse(r).map_err(|m| AuthError::invalid(format!("roles[{i}]"), m))
        })
        .collect::<Result<_, _>>()?;
    parsed.insert(AccountRole::Staff);
    Ok(parsed)
}

/// Creates an account for an existing person. An account that already exists is a conflict.
pub async fn create_account<S: Store + AccountStore>(
    store: &S,
    new: NewAccount,
) -> Result<CreatedAccount, AuthError> {
    let roles = parse_roles(&new.roles)?;
    if store.person(&new.person_id).await?.is_none() {
        return Err(AuthError::invalid(
            "person_id",
            format!("there is no person {}; add the person first", new.person_id),
        ));
    }
    if store.account(&new.person_id).await?.is_some() {
        return Err(AuthError::Conflict(format!(
            "{} already has an account",
            new.person_id
        )));
    }
    let (secret, one_time) = match new.password {
        Some(p) => {
            password::check_new(&p).map_err(|m| AuthError::invalid("password", m))?;
            (p, false)
        }
        None => (password::one_time(), true),
    };
    let hash = password::hash(&secret).await.map_err(AuthError::Internal)?;
    let account = Account {
        person_id: new.person_id.clone(),
        password_hash: hash,
        roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
        totp_secret: None,
        must_change_password: one_time,
        disabled: false,
    };
    store.upsert_account(&account).await?;
    tracing::info!(person = %account.person_id, roles = ?account.roles, by = %new.created_by,
        "account created");
    Ok(CreatedAccount {
        account,
        one_time_password: one_time.then_some(secret),
    })
}
