//! The sign-in step for an identity the provider vouched for: who it is in Pledge, with what
//! roles, and a Pledge session exactly like a password sign-in's.
//!
//! - The person is found by the stable subject (issuer + subject claim), never by email
//!   alone. At the first sign-in the subject is linked to the one person whose configured
//!   field (person id, or email) equals the configured linking claim; the link is kept and
//!   used from then on. No link and no single match: refused ([`Refusal::NotSetUp`]).
//! - Roles come from the token at every sign-in, mapped by the configuration (everyone holds
//!   `staff`), and replace the account's roles: a change at the provider takes effect at the
//!   next sign-in.
//! - An administrator must have used a second factor at the provider (`amr`/`acr`), or is
//!   refused ([`Refusal::NeedsMultiFactor`]).
//! - A disabled account is refused. A person with no account gets one (no password: it
//!   cannot be used to sign in with a password).

use super::{Identity, LinkField, OidcSettings};
use crate::accounts::flow::{SignInContext, SignedInSession, StepError};
use crate::accounts::session;
use crate::actor::AccountRole;
use pledge_store::{Account, AccountStore, Store};
use std::collections::BTreeSet;

/// The password hash of an account made by a sign-in through the provider: not a hash, so
/// no password matches it.
pub const NO_PASSWORD: &str = "!signed-in-through-the-identity-provider";

/// Why a sign-in through the provider was refused.
#[derive(Debug)]
pub enum Refusal {
    /// The subject is not linked and cannot be linked to exactly one person.
    NotSetUp,
    /// An administrator signed in without a second factor.
    NeedsMultiFactor,
    /// The account is disabled.
    Disabled,
    /// Something failed (the cause, for the log).
    Internal(String),
}

impl From<pledge_store::StoreError> for Refusal {
    fn from(e: pledge_store::StoreError) -> Self {
        Refusal::Internal(format!("sign-in storage: {e}"))
    }
}

impl From<StepError> for Refusal {
    fn from(e: StepError) -> Self {
        Refusal::Internal(format!("{e:?}"))
    }
}

/// Maps the provider's roles to Pledge's: every mapped value, plus `staff`.
pub fn map_roles(settings: &OidcSettings, provider_roles: &[String]) -> BTreeSet<AccountRole> {
    let mut roles: BTreeSet<AccountRole> = settings
        .role_map
        .iter()
        .filter(|(from, _)| provider_roles.contains(from))
        .map(|(_, to)| *to)
        .collect();
    roles.insert(AccountRole::Staff);
    roles
}

/// The person a subject is linked to, linking it first when the linking claim matches
/// exactly one person.
async fn person_of<S: Store + AccountStore>(
    store: &S,
    settings: &OidcSettings,
    identity: &Identity,
    now: jiff::Timestamp,
) -> Result<Option<String>, Refusal> {
    let (issuer, subject) = (&identity.issuer, &identity.subject);
    if let Some(person) = store.oidc_person(issuer, subject).await? {
        return Ok(Some(person));
    }
    let Some(value) = identity.link.as_deref() else {
        tracing::warn!(issuer = %issuer, subject = %subject, claim = %settings.link_claim,
            "sign-in refused: not linked, and the token has no linking claim");
        return Ok(None);
    };
    let candidates: Vec<String> = match settings.link_field {
        LinkField::PersonId => store
            .person(value)
            .await?
            .map(|p| p.id)
            .into_iter()
            .collect(),
        LinkField::Email => store
            .people()
            .await?
            .into_iter()
            .filter(|p| {
                p.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(value))
            })
            .map(|p| p.id)
            .collect(),
    };
    let [person] = candidates.as_slice() else {
        tracing::warn!(issuer = %issuer, subject = %subject, claim = %settings.link_claim,
            value = %value, matches = candidates.len(),
            "sign-in refused: the linking claim matches no person, or more than one");
        return Ok(None);
    };
    if store.link_oidc(issuer, subject, person, now).await? {
        tracing::info!(issuer = %issuer, subject = %subject, person = %person,
            "identity provider's subject linked to a person");
        return Ok(Some(person.clone()));
    }
    // Linked meanwhile (two first sign-ins racing), or the person is linked to another
    // subject (another account at the provider claims their number): the stored link wins.
    match store.oidc_person(issuer, subject).await? {
        Some(p) => Ok(Some(p)),
        None => {
            tracing::warn!(issuer = %issuer, subject = %subject, person = %person,
                "sign-in refused: the person is linked to another subject of this provider");
            Ok(None)
        }
    }
}

/// Signs in the person the provider vouched for, and starts a Pledge session (replacing the
/// session `old_token` names, if any). The session keeps the ID token for the provider's
/// sign-out.
pub async fn sign_in<S: Store + AccountStore>(
    cx: &SignInContext<'_, S>,
    settings: &OidcSettings,
    identity: &Identity,
    id_token: &str,
    old_token: Option<&str>,
) -> Result<SignedInSession, Refusal> {
    let store = cx.store;
    let Some(person) = person_of(store, settings, identity, cx.now).await? else {
        return Err(Refusal::NotSetUp);
    };
    let roles = map_roles(settings, &identity.roles);
    if roles.contains(&AccountRole::Administrator) && !identity.multi_factor {
        tracing::warn!(person = %person, amr = ?identity.amr, address = %cx.address,
            "sign-in refused: an administrator without multi-factor at the provider");
        return Err(Refusal::NeedsMultiFactor);
    }
    let roles: Vec<String> = roles.iter().map(|r| r.as_str().to_owned()).collect();
    let account = account_with_roles(store, &person, roles).await?;
    if account.disabled {
        tracing::info!(person = %person, "sign-in refused: account disabled");
        return Err(Refusal::Disabled);
    }
    if let Some(old) = old_token
        && let Some(old) = session::find(store, old, cx.now).await?
    {
        store.delete_session(&old.id_hash).await?;
    }
    let mut new = session::new(cx.settings, &person, true, cx.now);
    new.session.id_token = Some(id_token.to_owned());
    store.create_session(&new.session).await?;
    store
        .record_login_attempt(&person, cx.address, true, cx.now)
        .await?;
    tracing::info!(person = %person, roles = ?account.roles, "signed in through the identity provider");
    Ok(SignedInSession { account, new })
}

/// The person's account with the roles the token gives: made when missing, its roles
/// replaced when they differ (versioned: an edit meanwhile is read again).
async fn account_with_roles<S: Store + AccountStore>(
    store: &S,
    person: &str,
    roles: Vec<String>,
) -> Result<Account, Refusal> {
    for _ in 0..3 {
        match store.account(person).await? {
            None => {
                let account = Account {
                    person_id: person.to_owned(),
                    password_hash: NO_PASSWORD.to_owned(),
                    roles: roles.clone(),
                    totp_secret: None,
                    must_change_password: false,
                    disabled: false,
                    version: 1,
                    totp_last_step: None,
                };
                if store.create_account(&account).await? {
                    tracing::info!(person = %person, roles = ?roles,
                        "account created at the first sign-in through the identity provider");
                    return Ok(account);
                }
            }
            Some(account) if account.roles == roles || account.disabled => return Ok(account),
            Some(mut account) => {
                let before = std::mem::replace(&mut account.roles, roles.clone());
                if store.update_account(&account).await? {
                    tracing::info!(person = %person, from = ?before, to = ?roles,
                        "account roles changed by the identity provider");
                    account.version += 1;
                    return Ok(account);
                }
            }
        }
    }
    Err(Refusal::Internal(format!(
        "the account of {person} kept changing during sign-in"
    )))
}
