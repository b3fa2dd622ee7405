//! The sign-in steps, written once: signing in with a password, giving the second factor,
//! changing the password, setting up two-factor and signing out.
//!
//! Every rule of these steps lives here — throttling, the same answer (and the same work) for
//! an unknown name as for a wrong password, refusing disabled accounts, counting wrong codes
//! and wrong passwords as failures, one session per browser, ending the person's other
//! sessions when the password or two-factor changes. The JSON routes (`sign_in.rs`, `me.rs`)
//! and the pages (`pages::auth_steps`) only parse their input, call these functions and
//! render what they return: a result, or a [`StepError`] each shell words its own way.

use super::extract::{Outstanding, SessionUser};
use super::session::{self, NewSession};
use super::{password, store_problem, throttle, totp};
use crate::problem::Problem;
use crate::state::AppState;
use axum::http::StatusCode;
use pledge_store::{Account, AccountStore};

/// The longest person id accepted at sign-in, in characters.
pub const MAX_PERSON_ID: usize = 128;

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
    /// The code confirming two-factor setup is wrong or has expired.
    WrongSetupCode,
    /// The new password breaks the password rule: what is wrong.
    WeakPassword(String),
    /// The current password given is not the account's.
    WrongCurrentPassword,
    /// The new password is the current one.
    SamePassword,
    /// Refused or failed with this answer, whoever asks: too many attempts (429 with
    /// `Retry-After`), or a storage or hashing failure (500).
    Problem(Box<Problem>),
}

impl From<Problem> for StepError {
    fn from(p: Problem) -> Self {
        StepError::Problem(Box::new(p))
    }
}

impl From<pledge_store::StoreError> for StepError {
    fn from(e: pledge_store::StoreError) -> Self {
        store_problem(e).into()
    }
}

/// The API's answer to each refusal. The pages word the refusals a person corrects in the
/// form themselves (see `pages::auth_steps`) and show this for the rest.
impl From<StepError> for Problem {
    fn from(e: StepError) -> Self {
        match e {
            StepError::BadPersonId => {
                Problem::invalid("person_id", format!("1 to {MAX_PERSON_ID} characters"))
            }
            StepError::BadPassword => {
                Problem::invalid("password", format!("1 to {} bytes", password::MAX_LENGTH))
            }
            StepError::WrongCredentials => {
                Problem::unauthenticated("The person id or password is wrong.")
            }
            StepError::Disabled => {
                Problem::forbidden("This account is disabled. Ask your administrator.")
            }
            StepError::SecondFactorPending => Outstanding::SecondFactor.problem(),
            StepError::TwoFactorNotSetUp => Problem::new(
                StatusCode::CONFLICT,
                "two-factor-not-set-up",
                "Two-factor is not set up",
            )
            .detail("This account has no two-factor set up; there is no code to give."),
            StepError::TwoFactorAlreadySetUp => Problem::new(
                StatusCode::CONFLICT,
                "two-factor-set-up",
                "Two-factor is already set up",
            )
            .detail("Ask an administrator to reset it if the authenticator is lost."),
            StepError::NoTwoFactorSetup => Problem::new(
                StatusCode::CONFLICT,
                "no-two-factor-setup",
                "No two-factor setup in progress",
            )
            .detail("Start with POST /api/v1/me/totp/setup."),
            StepError::WrongCode => Problem::unauthenticated("The code is wrong or has expired."),
            StepError::WrongSetupCode => Problem::invalid("code", "is wrong or has expired"),
            StepError::WeakPassword(m) => Problem::invalid("new", m),
            StepError::WrongCurrentPassword => {
                Problem::invalid("current", "is not your current password")
            }
            StepError::SamePassword => {
                Problem::invalid("new", "must differ from the current password")
            }
            StepError::Problem(p) => *p,
        }
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
/// Refuses (with the same answer and the same work) an unknown name and a wrong password;
/// refuses a disabled account; refuses a name with too many recent failures, whether or not
/// it has an account. Every refusal after the input checks counts as a failure. With
/// two-factor set up the password alone does not reset the count of failures (the code
/// does). `old_token` is the session cookie the browser still holds, if any: that session is
/// ended and replaced, not kept alongside.
pub async fn sign_in(
    state: &AppState,
    old_token: Option<&str>,
    person_id: &str,
    secret: &str,
) -> Result<SignedInSession, StepError> {
    if person_id.is_empty() || person_id.chars().count() > MAX_PERSON_ID {
        return Err(StepError::BadPersonId);
    }
    if secret.is_empty() || secret.len() > password::MAX_LENGTH {
        return Err(StepError::BadPassword);
    }
    throttle::check(state, person_id).await?;
    let store = state.store();
    let Some(account) = store.account(person_id).await? else {
        // The same work and the same answer as a wrong password.
        password::verify_nothing(secret).await;
        throttle::record(state, person_id, false).await?;
        return Err(StepError::WrongCredentials);
    };
    if !password::verify(secret, &account.password_hash).await {
        throttle::record(state, person_id, false).await?;
        tracing::info!(person = %account.person_id, "sign-in refused: wrong password");
        return Err(StepError::WrongCredentials);
    }
    if account.disabled {
        throttle::record(state, person_id, false).await?;
        tracing::info!(person = %account.person_id, "sign-in refused: account disabled");
        return Err(StepError::Disabled);
    }
    // With two-factor set up, the password alone does not reset the count of failures:
    // otherwise signing in again would give a fresh run of guesses at the code.
    if account.totp_secret.is_none() {
        throttle::record(state, person_id, true).await?;
    }
    if let Some(old) = old_token
        && let Some(old) = session::find(store, old, state.now()).await?
    {
        store.delete_session(&old.id_hash).await?;
    }
    let new = session::start(
        store,
        state.config(),
        &account.person_id,
        account.totp_secret.is_none(),
        state.now(),
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
/// a right one starts the count again.
pub async fn second_factor(
    state: &AppState,
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
    throttle::check(state, &person).await?;
    if !totp::verify(secret, code, state.now()) {
        throttle::record(state, &person, false).await?;
        tracing::info!(person = %person, "second factor refused");
        return Err(StepError::WrongCode);
    }
    throttle::record(state, &person, true).await?;
    state
        .store()
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
pub async fn change_password(
    state: &AppState,
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
    throttle::check(state, &account.person_id).await?;
    if !password::verify(current, &account.password_hash).await {
        throttle::record(state, &account.person_id, false).await?;
        return Err(StepError::WrongCurrentPassword);
    }
    if new == current {
        return Err(StepError::SamePassword);
    }
    account.password_hash = password::hash(new)
        .await
        .map_err(|cause| Problem::internal(&cause))?;
    account.must_change_password = false;
    let store = state.store();
    store.upsert_account(&account).await?;
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
pub async fn start_totp(state: &AppState, user: &SessionUser) -> Result<String, StepError> {
    if user.second_factor_pending() {
        return Err(StepError::SecondFactorPending);
    }
    if user.account.totp_secret.is_some() {
        return Err(StepError::TwoFactorAlreadySetUp);
    }
    let secret = totp::new_secret();
    state
        .store()
        .set_totp_pending(&user.session.id_hash, Some(&secret))
        .await?;
    Ok(secret)
}

/// Confirms two-factor setup with the first code from the authenticator app. From then on
/// every sign-in needs a code; this session counts as having given it, and the person's
/// other sessions end.
///
/// Needs the second factor first and a setup started in this session. A wrong code counts
/// as a failure and throttling applies.
pub async fn confirm_totp(
    state: &AppState,
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
    throttle::check(state, &account.person_id).await?;
    if !totp::verify(&pending, code, state.now()) {
        throttle::record(state, &account.person_id, false).await?;
        return Err(StepError::WrongSetupCode);
    }
    let store = state.store();
    account.totp_secret = Some(pending);
    store.upsert_account(&account).await?;
    store.set_totp_pending(&user.session.id_hash, None).await?;
    store.complete_second_factor(&user.session.id_hash).await?;
    store
        .delete_sessions_of(&account.person_id, Some(&user.session.id_hash))
        .await?;
    tracing::info!(person = %account.person_id, "two-factor set up");
    Ok(())
}

/// Signs out: ends the session.
pub async fn sign_out(state: &AppState, user: &SessionUser) -> Result<(), StepError> {
    state.store().delete_session(&user.session.id_hash).await?;
    tracing::info!(person = %user.account.person_id, "signed out");
    Ok(())
}
