//! The sign-in steps, written once: signing in with a password, giving the second factor,
//! changing the password, setting up two-factor and signing out.
//!
//! Every rule of these steps lives here — throttling per name and client address, the same
//! answer (and the same work) for an unknown name as for a wrong password, refusing disabled
//! accounts, counting wrong codes and wrong passwords as failures, a two-factor code accepted
//! once, one session per browser, ending the person's other sessions when the password or
//! two-factor changes. The JSON routes and the pages only parse their input, call these
//! functions and render what they return: a result, or a [`StepError`] each shell words its
//! own way.

use super::session::{self, NewSession, Outstanding, SessionUser};
use super::{Settings, password, throttle, totp};
use jiff::{SignedDuration, Timestamp};
use pledge_store::{Account, AccountStore, StoreError};

/// The longest person id accepted at sign-in, in characters.
pub const MAX_PERSON_ID: usize = 128;

/// What every sign-in step needs: the store, the settings, the time and the client address
/// (for throttling).
pub struct SignInContext<'a, S> {
    /// The store.
    pub store: &'a S,
    /// Session and throttling settings.
    pub settings: &'a Settings,
    /// Now.
    pub now: Timestamp,
    /// The client's address, as the shell knows it ("" when unknown).
    pub address: &'a str,
}

/// Why a sign-in step was refused or failed.
#[derive(Debug)]
pub enum StepError {
    /// The person id is empty or longer than [`MAX_PERSON_ID`] characters.
    BadPersonId,
    /// The password is empty or longer than [`password::MAX_LENGTH`] bytes.
    BadPassword,
    /// No account has that name, or the password is wrong: deliberately one answer.
    WrongCredentials,
    /// The account is disabled.
    Disabled,
    /// Password sign-in is switched off: people sign in through the force's identity
    /// provider.
    LocalAccountsOff,
    /// The second factor is still to be given in this session.
    SecondFactorPending,
    /// The account has no two-factor set up, so there is no code to give.
    TwoFactorNotSetUp,
    /// Two-factor is already set up.
    TwoFactorAlreadySetUp,
    /// No two-factor setup was started in this session.
    NoTwoFactorSetup,
    /// The two-factor code given at sign-in is wrong or has expired.
    WrongCode,
    /// The two-factor code was right but has been used already: wait for the next one.
    CodeUsed,
    /// The code confirming two-factor setup is wrong or has expired.
    WrongSetupCode,
    /// The new password breaks the password rule: what is wrong.
    WeakPassword(String),
    /// The current password given is not the account's.
    WrongCurrentPassword,
    /// The new password is the current one.
    SamePassword,
    /// Too many recent failures: try again after this long.
    Throttled(SignedDuration),
    /// The account changed while the step ran (an administrator's edit): start again.
    Changed,
    /// Storage or hashing failed (the cause, for the log).
    Internal(String),
}

impl From<StoreError> for StepError {
    fn from(e: StoreError) -> Self {
        StepError::Internal(format!("sign-in storage: {e}"))
    }
}

impl<S: AccountStore> SignInContext<'_, S> {
    async fn throttled(&self, name: &str) -> Result<(), StepError> {
        match throttle::check(self.store, self.settings, name, self.address, self.now).await? {
            Some(wait) => Err(StepError::Throttled(wait)),
            None => Ok(()),
        }
    }

    async fn record(&self, name: &str, succeeded: bool) -> Result<(), StepError> {
        Ok(throttle::record(
            self.store,
            self.settings,
            name,
            self.address,
            succeeded,
            self.now,
        )
        .await?)
    }
}

/// A password sign-in that succeeded: the account and the new session with its cookie token.
/// The session may still have something [`outstanding`](Self::outstanding) before it is
/// fully signed in.
pub struct SignedInSession {
    /// The account signed in to.
    pub account: Account,
    /// The new session and the token for its cookie.
    pub new: NewSession,
}

impl SignedInSession {
    /// What the session must still do before it is fully signed in, if anything.
    pub fn outstanding(&self) -> Option<Outstanding> {
        Outstanding::of(&self.account, &self.new.session)
    }
}

/// Signs in with a person id and password.
///
/// Refuses every password sign-in when local accounts are off. Refuses (with the same
/// answer and the same work) an unknown name and a wrong password;
/// refuses a disabled account; refuses a name with too many recent failures, whether or not
/// it has an account. Every refusal after the input checks counts as a failure. With
/// two-factor set up the password alone does not reset the count of failures (the code
/// does). `old_token` is the session cookie the browser still holds, if any: that session is
/// ended and replaced, not kept alongside.
pub async fn sign_in<S: AccountStore>(
    cx: &SignInContext<'_, S>,
    old_token: Option<&str>,
    person_id: &str,
    secret: &str,
) -> Result<SignedInSession, StepError> {
    if !cx.settings.local_accounts {
        tracing::info!(address = %cx.address, "password sign-in refused: local accounts are off");
        return Err(StepError::LocalAccountsOff);
    }
    if person_id.is_empty() || person_id.chars().count() > MAX_PERSON_ID {
        return Err(StepError::BadPersonId);
    }
    if secret.is_empty() || secret.len() > password::MAX_LENGTH {
        return Err(StepError::BadPassword);
    }
    cx.throttled(person_id).await?;
    let store = cx.store;
    let Some(account) = store.account(person_id).await? else {
        // The same work and the same answer as a wrong password.
        password::verify_nothing(secret).await;
        cx.record(person_id, false).await?;
        return Err(StepError::WrongCredentials);
    };
    if !password::verify(secret, &account.password_hash).await {
        cx.record(person_id, false).await?;
        tracing::info!(person = %account.person_id, address = %cx.address,
            "sign-in refused: wrong password");
        return Err(StepError::WrongCredentials);
    }
    if account.disabled {
        cx.record(person_id, false).await?;
        tracing::info!(person = %account.person_id, "sign-in refused: account disabled");
        return Err(StepError::Disabled);
    }
    // With two-factor set up, the password alone does not reset the count of failures:
    // otherwise signing in again would give a fresh run of guesses at the code.
    if account.totp_secret.is_none() {
        cx.record(person_id, true).await?;
    }
    if let Some(old) = old_token
        && let Some(old) = session::find(store, old, cx.now).await?
    {
        store.delete_session(&old.id_hash).await?;
    }
    let new = session::start(
        store,
        cx.settings,
        &account.person_id,
        account.totp_secret.is_none(),
        cx.now,
    )
    .await?;
    tracing::info!(person = %account.person_id, "signed in");
    Ok(SignedInSession { account, new })
}

/// Gives the two-factor code for a session that signed in with a password, and returns the
/// session as it now stands.
///
/// Refuses when the account has no two-factor set up. A session that has already given the
/// code is returned as it is. A wrong code counts as a failed sign-in and throttling applies;
/// a right one starts the count again. A code already used (at sign-in or at setup) is
/// refused and counts as a failure: whoever replays it has seen it.
pub async fn second_factor<S: AccountStore>(
    cx: &SignInContext<'_, S>,
    user: &SessionUser,
    code: &str,
) -> Result<SessionUser, StepError> {
    let Some(secret) = user.account.totp_secret.as_deref() else {
        return Err(StepError::TwoFactorNotSetUp);
    };
    let mut user = user.clone();
    if user.session.second_factor_done {
        return Ok(user);
    }
    let person = user.account.person_id.clone();
    cx.throttled(&person).await?;
    let Some(step) = totp::matching_step(secret, code, cx.now) else {
        cx.record(&person, false).await?;
        tracing::info!(person = %person, "second factor refused");
        return Err(StepError::WrongCode);
    };
    if !cx.store.use_totp_step(&person, step).await? {
        cx.record(&person, false).await?;
        tracing::warn!(person = %person, address = %cx.address,
            "second factor refused: the code was used already");
        return Err(StepError::CodeUsed);
    }
    cx.record(&person, true).await?;
    cx.store
        .complete_second_factor(&user.session.id_hash)
        .await?;
    user.session.second_factor_done = true;
    tracing::info!(person = %person, "second factor given");
    Ok(user)
}

/// Changes the signed-in person's password (which also clears a one-time password). The
/// person's other sessions end; this one stays signed in.
///
/// Needs the second factor first. A wrong current password counts as a failure and
/// throttling applies.
pub async fn change_password<S: AccountStore>(
    cx: &SignInContext<'_, S>,
    user: &SessionUser,
    current: &str,
    new: &str,
) -> Result<(), StepError> {
    if user.second_factor_pending() {
        return Err(StepError::SecondFactorPending);
    }
    password::check_new(new).map_err(StepError::WeakPassword)?;
    if current.len() > password::MAX_LENGTH {
        return Err(StepError::WrongCurrentPassword);
    }
    let mut account = user.account.clone();
    cx.throttled(&account.person_id).await?;
    if !password::verify(current, &account.password_hash).await {
        cx.record(&account.person_id, false).await?;
        return Err(StepError::WrongCurrentPassword);
    }
    if new == current {
        return Err(StepError::SamePassword);
    }
    account.password_hash = password::hash(new).await.map_err(StepError::Internal)?;
    account.must_change_password = false;
    let store = cx.store;
    // The account as read with the session: an administrator's edit in between (disabling
    // it, resetting two-factor) wins, and this change is refused.
    if !store.update_account(&account).await? {
        return Err(StepError::Changed);
    }
    let ended = store
        .delete_sessions_of(&account.person_id, Some(&user.session.id_hash))
        .await?;
    tracing::info!(person = %account.person_id, other_sessions_ended = ended, "password changed");
    Ok(())
}

/// Starts setting up two-factor: a new secret (base32), kept with the session until a code
/// from it is confirmed with [`confirm_totp`].
///
/// Needs the second factor first; refuses when two-factor is already set up.
pub async fn start_totp<S: AccountStore>(
    cx: &SignInContext<'_, S>,
    user: &SessionUser,
) -> Result<String, StepError> {
    if user.second_factor_pending() {
        return Err(StepError::SecondFactorPending);
    }
    if user.account.totp_secret.is_some() {
        return Err(StepError::TwoFactorAlreadySetUp);
    }
    let secret = totp::new_secret();
    cx.store
        .set_totp_pending(&user.session.id_hash, Some(&secret))
        .await?;
    Ok(secret)
}

/// Confirms two-factor setup with the first code from the authenticator app. From then on
/// every sign-in needs a code; this session counts as having given it, and the person's
/// other sessions end.
///
/// Needs the second factor first and a setup started in this session. A wrong code counts
/// as a failure and throttling applies. The confirming code is spent: it cannot then be used
/// to sign in.
pub async fn confirm_totp<S: AccountStore>(
    cx: &SignInContext<'_, S>,
    user: &SessionUser,
    code: &str,
) -> Result<(), StepError> {
    if user.second_factor_pending() {
        return Err(StepError::SecondFactorPending);
    }
    let Some(pending) = user.session.totp_pending.clone() else {
        return Err(StepError::NoTwoFactorSetup);
    };
    let mut account = user.account.clone();
    cx.throttled(&account.person_id).await?;
    let Some(step) = totp::matching_step(&pending, code, cx.now) else {
        cx.record(&account.person_id, false).await?;
        return Err(StepError::WrongSetupCode);
    };
    let store = cx.store;
    account.totp_secret = Some(pending);
    account.totp_last_step = Some(step);
    if !store.update_account(&account).await? {
        return Err(StepError::Changed);
    }
    store.set_totp_pending(&user.session.id_hash, None).await?;
    store.complete_second_factor(&user.session.id_hash).await?;
    store
        .delete_sessions_of(&account.person_id, Some(&user.session.id_hash))
        .await?;
    tracing::info!(person = %account.person_id, "two-factor set up");
    Ok(())
}

/// Signs out: ends the session.
pub async fn sign_out(store: &impl AccountStore, user: &SessionUser) -> Result<(), StepError> {
    store.delete_session(&user.session.id_hash).await?;
    tracing::info!(person = %user.account.person_id, "signed out");
    Ok(())
}
