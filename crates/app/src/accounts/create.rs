//! Creating accounts (shared by the API and `pledge user add`): an account belongs to a
//! person already known to Pledge, holds account roles (everyone is at least `staff`), and
//! starts with either a one-time password (shown once; must be changed at first sign-in) or
//! a password its creator chose. Creation is insert-or-fail: of two creations for one person
//! racing, exactly one writes and the other is told the account exists.
//!
//! This is the service without the access policy (the command line runs it as whoever holds
//! the database); the API and the pages go through `App::create_account_as`, which asks the
//! policy first.

use super::{AccountError, password};
use crate::actor::AccountRole;
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
pub fn parse_roles(roles: &[String]) -> Result<BTreeSet<AccountRole>, AccountError> {
    let mut parsed: BTreeSet<AccountRole> = roles
        .iter()
        .enumerate()
        .map(|(i, r)| {
            AccountRole::parse(r).map_err(|m| AccountError::invalid(format!("roles[{i}]"), m))
        })
        .collect::<Result<_, _>>()?;
    parsed.insert(AccountRole::Staff);
    Ok(parsed)
}

fn exists(person_id: &str) -> AccountError {
    AccountError::Exists {
        field: "person_id".to_owned(),
        message: format!("{person_id} already has an account"),
    }
}

/// Creates an account for an existing person. An account that already exists is
/// [`AccountError::Exists`] naming `person_id`, and is left as it was.
pub async fn create_account<S: Store + AccountStore>(
    store: &S,
    new: NewAccount,
) -> Result<CreatedAccount, AccountError> {
    let roles = parse_roles(&new.roles)?;
    if store.person(&new.person_id).await?.is_none() {
        return Err(AccountError::invalid(
            "person_id",
            format!("there is no person {}; add the person first", new.person_id),
        ));
    }
    let (secret, one_time) = match new.password {
        Some(p) => {
            password::check_new(&p).map_err(|m| AccountError::invalid("password", m))?;
            (p, false)
        }
        None => (password::one_time(), true),
    };
    let hash = password::hash(&secret)
        .await
        .map_err(AccountError::Internal)?;
    let account = Account {
        person_id: new.person_id.clone(),
        password_hash: hash,
        roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
        totp_secret: None,
        must_change_password: one_time,
        disabled: false,
        version: 1,
        totp_last_step: None,
    };
    if !store.create_account(&account).await? {
        return Err(exists(&new.person_id));
    }
    tracing::info!(person = %account.person_id, roles = ?account.roles, by = %new.created_by,
        "account created");
    Ok(CreatedAccount {
        account,
        one_time_password: one_time.then_some(secret),
    })
}
