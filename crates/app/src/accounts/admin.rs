//! Administering accounts and API tokens for the API and the pages: every operation asks the
//! policy (`policy::decide_account`, `policy::decide_token`) about the one account or token
//! it touches, lists included, and an edit of an account names the version it read.

use super::AccountError;
use super::create::{CreatedAccount, NewAccount, create_account, parse_roles};
use super::token::{CreatedToken, NewToken, create_token, revoke_token};
use crate::actor::Actor;
use crate::app::App;
use crate::policy::{
    AccountAction, AccountTarget, TokenAction, administered_force, decide_account, decide_token,
};
use jiff::Timestamp;
use pledge_store::{AccessAction, AccessEntry, Account, AccountStore, ApiToken, Store};
use std::collections::HashMap;

/// An account to create through the API or the pages: always with a one-time password.
#[derive(Debug, Clone)]
pub struct NewAccountRequest {
    /// The person (must exist, in the administrator's force).
    pub person_id: String,
    /// Role names; `staff` is added.
    pub roles: Vec<String>,
}

/// A token to create through the API or the pages.
#[derive(Debug, Clone)]
pub struct NewTokenRequest {
    /// Unique name.
    pub name: String,
    /// Scope names.
    pub scopes: Vec<String>,
    /// The force it acts for (must be the administrator's).
    pub force: String,
}

/// A change to an account, made against the version the editor read.
#[derive(Debug, Clone, Default)]
pub struct AccountEdit {
    /// The version read; the edit is refused when the account has changed since.
    pub version: u64,
    /// Disable (true) or enable (false) it.
    pub disabled: Option<bool>,
    /// Its new roles (`staff` is added).
    pub roles: Option<Vec<String>>,
}

fn no_force() -> AccountError {
    AccountError::Forbidden(
        "administer accounts or tokens. Only administrators placed in a force may, and only \
         for that force"
            .into(),
    )
}

impl<S: Store + AccountStore> App<S> {
    /// Person id → force, through each person's unit.
    async fn forces_of_people(&self) -> Result<HashMap<String, String>, AccountError> {
        let units: HashMap<String, String> = self
            .store
            .units()
            .await?
            .into_iter()
            .map(|u| (u.id, u.force))
            .collect();
        Ok(self
            .store
            .people()
            .await?
            .into_iter()
            .filter_map(|p| {
                let force = units.get(p.unit.as_deref()?)?.clone();
                Some((p.id, force))
            })
            .collect())
    }

    /// The force of one person, through their unit.
    async fn force_of_person(&self, person_id: &str) -> Result<Option<String>, AccountError> {
        let Some(unit) = self.store.person(person_id).await?.and_then(|p| p.unit) else {
            return Ok(None);
        };
        Ok(self
            .store
            .units()
            .await?
            .into_iter()
            .find(|u| u.id == unit)
            .map(|u| u.force))
    }

    /// Loads an account the actor may act on: not found when there is none or the actor may
    /// not even see it; forbidden when they may see it but not do this.
    async fn account_for(
        &self,
        actor: &Actor,
        person_id: &str,
        action: AccountAction,
    ) -> Result<Account, AccountError> {
        if administered_force(actor).is_none() {
            return Err(no_force());
        }
        let force = self.force_of_person(person_id).await?;
        let target = AccountTarget {
            person_id,
            force: force.as_deref(),
        };
        if !decide_account(actor, AccountAction::View, &target) {
            return Err(AccountError::NotFound);
        }
        let account = self
            .store
            .account(person_id)
            .await?
            .ok_or(AccountError::NotFound)?;
        if !decide_account(actor, action, &target) {
            return Err(AccountError::Forbidden(action.describe().into()));
        }
        Ok(account)
    }

    async fn log_account(
        &self,
        actor: &Actor,
        what: String,
        now: Timestamp,
    ) -> Result<(), AccountError> {
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.log_id(),
                action: AccessAction::Alter,
                case_id: None,
                what,
                justification: "administering accounts".into(),
            })
            .await?;
        Ok(())
    }

    /// Accounts the actor may see, by person id.
    pub async fn accounts_visible(&self, actor: &Actor) -> Result<Vec<Account>, AccountError> {
        if administered_force(actor).is_none() {
            return Err(no_force());
        }
        let forces = self.forces_of_people().await?;
        Ok(self
            .store
            .accounts()
            .await?
            .into_iter()
            .filter(|a| {
                let target = AccountTarget {
                    person_id: &a.person_id,
                    force: forces.get(&a.person_id).map(String::as_str),
                };
                decide_account(actor, AccountAction::View, &target)
            })
            .collect())
    }

    /// One account the actor may see.
    pub async fn account_as(
        &self,
        actor: &Actor,
        person_id: &str,
    ) -> Result<Account, AccountError> {
        self.account_for(actor, person_id, AccountAction::View)
            .await
    }

    /// Creates an account, with a one-time password, for a person of the actor's force. A
    /// person of another force (or none) is reported as unknown, naming `person_id`.
    pub async fn create_account_as(
        &self,
        actor: &Actor,
        new: NewAccountRequest,
        now: Timestamp,
    ) -> Result<CreatedAccount, AccountError> {
        if administered_force(actor).is_none() {
            return Err(no_force());
        }
        parse_roles(&new.roles)?;
        let force = self.force_of_person(&new.person_id).await?;
        let target = AccountTarget {
            person_id: &new.person_id,
            force: force.as_deref(),
        };
        if !decide_account(actor, AccountAction::Create, &target) {
            return Err(AccountError::invalid(
                "person_id",
                if new.person_id.is_empty() {
                    "enter the person's id".to_owned()
                } else {
                    format!(
                        "there is no person {} in your force; add the person first",
                        new.person_id
                    )
                },
            ));
        }
        let created = create_account(
            &self.store,
            NewAccount {
                person_id: new.person_id,
                roles: new.roles,
                password: None,
                created_by: actor.log_id(),
            },
        )
        .await?;
        self.log_account(
            actor,
            format!("account {} created", created.account.person_id),
            now,
        )
        .await?;
        Ok(created)
    }

    /// Changes an account (disables or enables it, changes its roles) against the version the
    /// actor read. Disabling ends the account's sessions at once.
    pub async fn edit_account(
        &self,
        actor: &Actor,
        person_id: &str,
        edit: AccountEdit,
        now: Timestamp,
    ) -> Result<Account, AccountError> {
        let mut actions = Vec::new();
        match edit.disabled {
            Some(true) => actions.push(AccountAction::Disable),
            Some(false) => actions.push(AccountAction::Enable),
            None => {}
        }
        if edit.roles.is_some() {
            actions.push(AccountAction::ChangeRoles);
        }
        let Some(first) = actions.first().copied() else {
            return Err(AccountError::invalid(
                "disabled",
                "say what to change: disabled, roles or both",
            ));
        };
        let mut account = self.account_for(actor, person_id, first).await?;
        for action in &actions[1..] {
            self.account_for(actor, person_id, *action).await?;
        }
        if let Some(roles) = &edit.roles {
            account.roles = parse_roles(roles)?
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect();
        }
        if let Some(disabled) = edit.disabled {
            account.disabled = disabled;
        }
        let account = self.save_edit(account, edit.version).await?;
        if account.disabled {
            let ended = self.store.delete_sessions_of(person_id, None).await?;
            tracing::info!(person = %person_id, by = %actor.log_id(), sessions_ended = ended,
                "account disabled");
        }
        self.log_account(
            actor,
            format!(
                "account {person_id} edited: {}",
                actions
                    .iter()
                    .map(|a| a.describe())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            now,
        )
        .await?;
        Ok(account)
    }

    /// Removes an account's two-factor set-up (a lost authenticator), against the version the
    /// actor read. The account's sessions end; at the next sign-in an administrator must set
    /// two-factor up again.
    pub async fn reset_two_factor(
        &self,
        actor: &Actor,
        person_id: &str,
        version: u64,
        now: Timestamp,
    ) -> Result<Account, AccountError> {
        let mut account = self
            .account_for(actor, person_id, AccountAction::ResetTwoFactor)
            .await?;
        account.totp_secret = None;
        account.totp_last_step = None;
        let account = self.save_edit(account, version).await?;
        self.store.delete_sessions_of(person_id, None).await?;
        tracing::info!(person = %person_id, by = %actor.log_id(), "two-factor reset");
        self.log_account(actor, format!("account {person_id}: two-factor reset"), now)
            .await?;
        Ok(account)
    }

    /// Forgets an account's failed sign-ins (from every address), so it may be tried again at
    /// once; returns how many were forgotten.
    pub async fn unlock_account(
        &self,
        actor: &Actor,
        person_id: &str,
        now: Timestamp,
    ) -> Result<u64, AccountError> {
        self.account_for(actor, person_id, AccountAction::Unlock)
            .await?;
        let n = self.store.clear_login_failures(person_id).await?;
        tracing::info!(person = %person_id, by = %actor.log_id(), failures = n, "account unlocked");
        self.log_account(actor, format!("account {person_id} unlocked"), now)
            .await?;
        Ok(n)
    }

    /// Writes an edited account if it is still at `version`; stale otherwise.
    async fn save_edit(&self, mut account: Account, version: u64) -> Result<Account, AccountError> {
        if account.version != version {
            return Err(AccountError::Stale {
                expected: version,
                actual: account.version,
            });
        }
        if !self.store.update_account(&account).await? {
            let actual = self
                .store
                .account(&account.person_id)
                .await?
                .map_or(0, |a| a.version);
            return Err(AccountError::Stale {
                expected: version,
                actual,
            });
        }
        account.version += 1;
        Ok(account)
    }

    /// API tokens the actor may see (never the tokens themselves), by name.
    pub async fn tokens_visible(&self, actor: &Actor) -> Result<Vec<ApiToken>, AccountError> {
        if administered_force(actor).is_none() {
            return Err(no_force());
        }
        Ok(self
            .store
            .tokens()
            .await?
            .into_iter()
            .filter(|t| decide_token(actor, TokenAction::View, &t.force))
            .collect())
    }

    /// Creates an API token for the actor's force; the token is in the answer and nowhere
    /// else.
    pub async fn create_token_as(
        &self,
        actor: &Actor,
        new: NewTokenRequest,
        now: Timestamp,
    ) -> Result<CreatedToken, AccountError> {
        let Some(own) = administered_force(actor) else {
            return Err(no_force());
        };
        let force = new.force.trim();
        if !decide_token(actor, TokenAction::Create, force) {
            return Err(AccountError::Forbidden(format!(
                "create tokens for a force other than your own ({own})"
            )));
        }
        let created = create_token(
            &self.store,
            NewToken {
                name: new.name,
                scopes: new.scopes,
                force: force.to_owned(),
                created_by: actor.log_id(),
            },
            now,
        )
        .await?;
        self.log_account(
            actor,
            format!("API token {} created", created.stored.name),
            now,
        )
        .await?;
        Ok(created)
    }

    /// Revokes a live token of the actor's force; not found for any other.
    pub async fn revoke_token_as(
        &self,
        actor: &Actor,
        name: &str,
        now: Timestamp,
    ) -> Result<(), AccountError> {
        if administered_force(actor).is_none() {
            return Err(no_force());
        }
        let ours = self
            .store
            .tokens()
            .await?
            .into_iter()
            .any(|t| t.name == name && decide_token(actor, TokenAction::Revoke, &t.force));
        if !ours || !revoke_token(&self.store, name, &actor.log_id(), now).await? {
            return Err(AccountError::NotFound);
        }
        self.log_account(actor, format!("API token {name} revoked"), now)
            .await?;
        Ok(())
    }
}
