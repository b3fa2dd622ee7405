//! Sign-in steps for the HTML pages, with the same checks as the JSON routes of
//! `sign_in.rs` and `me.rs` (throttling, the same answer for an unknown name as for a wrong
//! password, disabled accounts, one session per browser) but returning plain results the
//! pages turn into forms and redirects.
//!
//! They use only what `crate::auth` makes public. They mirror `auth::sign_in::sign_in`,
//! `auth::sign_in::second_factor` and `auth::me::change_password`; the JSON handlers could
//! call these so the checks exist once.

use crate::auth::{
    SessionUser, constant_time_eq, password, session, store_problem, throttle, totp,
};
use crate::problem::Problem;
use crate::state::AppState;
use axum::http::HeaderMap;
use pledge_store::{Account, AccountStore};

/// Why a page sign-in step failed.
#[derive(Debug)]
pub enum PageSignInError {
    /// A field is wrong: the field and what to tell the person.
    Field(&'static str, String),
    /// Refused for another reason (throttled, disabled, storage): the problem to show.
    Problem(Box<Problem>),
}

impl From<Problem> for PageSignInError {
    fn from(p: Problem) -> Self {
        PageSignInError::Problem(Box::new(p))
    }
}

/// Signs in with a person id and password. On success the old session the browser held (if
/// any) is ended and the new session and its cookie token are returned.
pub async fn password_sign_in(
    state: &AppState,
    headers: &HeaderMap,
    person_id: &str,
    secret: &str,
) -> Result<(Account, session::NewSession), PageSignInError> {
    let wrong =
        || PageSignInError::Field("password", "The person id or password is wrong".to_owned());
    if person_id.is_empty() || person_id.chars().count() > 128 {
        return Err(PageSignInError::Field(
            "person_id",
            "Enter your person id".to_owned(),
        ));
    }
    if secret.is_empty() || secret.len() > password::MAX_LENGTH {
        return Err(PageSignInError::Field(
            "password",
            "Enter your password".to_owned(),
        ));
    }
    throttle::check(state, person_id).await?;
    let store = state.store();
    let account = store.account(person_id).await.map_err(store_problem)?;
    let Some(account) = account else {
        password::verify_nothing(secret).await;
        throttle::record(state, person_id, false).await?;
        return Err(wrong());
    };
    if !password::verify(secret, &account.password_hash).await {
        throttle::record(state, person_id, false).await?;
        tracing::info!(person = %account.person_id, "page sign-in refused: wrong password");
        return Err(wrong());
    }
    if account.disabled {
        throttle::record(state, person_id, false).await?;
        return Err(Problem::forbidden("This account is disabled. Ask your administrator.").into());
    }
    if account.totp_secret.is_none() {
        throttle::record(state, person_id, true).await?;
    }
    if let Some(old) = session::token_from(headers)
        && let Some(old) = session::find(store, &old, state.now())
            .await
            .map_err(store_problem)?
    {
        store
            .delete_session(&old.id_hash)
            .await
            .map_err(store_problem)?;
    }
    let new = session::start(
        store,
        state.config(),
        &account.person_id,
        account.totp_secret.is_none(),
        state.now(),
    )
    .await
    .map_err(store_problem)?;
    tracing::info!(person = %account.person_id, "signed in (pages)");
    Ok((account, new))
}

/// Gives the second factor for a session that signed in with a password.
pub async fn second_factor(
    state: &AppState,
    user: &SessionUser,
    code: &str,
) -> Result<(), PageSignInError> {
    let Some(secret) = user.account.totp_secret.as_deref() else {
        return Ok(());
    };
    if user.session.second_factor_done {
        return Ok(());
    }
    let person = &user.account.person_id;
    throttle::check(state, person).await?;
    if !totp::verify(secret, code, state.now()) {
        throttle::record(state, person, false).await?;
        return Err(PageSignInError::Field(
            "code",
            "The code is wrong or has expired".to_owned(),
        ));
    }
    throttle::record(state, person, true).await?;
    state
        .store()
        .complete_second_factor(&user.session.id_hash)
        .await
        .map_err(store_problem)?;
    tracing::info!(person = %person, "second factor given (pages)");
    Ok(())
}

/// Changes the signed-in person's password; their other sessions end.
pub async fn change_password(
    state: &AppState,
    user: &SessionUser,
    current: &str,
    new: &str,
) -> Result<(), PageSignInError> {
    if user.second_factor_pending() {
        return Err(crate::auth::Outstanding::SecondFactor.problem().into());
    }
    let mut account = user.account.clone();
    password::check_new(new).map_err(|m| PageSignInError::Field("new", m))?;
    let wrong = || PageSignInError::Field("current", "This is not your current password".into());
    if current.len() > password::MAX_LENGTH {
        return Err(wrong());
    }
    throttle::check(state, &account.person_id).await?;
    if !password::verify(current, &account.password_hash).await {
        throttle::record(state, &account.person_id, false).await?;
        return Err(wrong());
    }
    if new == current {
        return Err(PageSignInError::Field(
            "new",
            "The new password must differ from the current one".into(),
        ));
    }
    account.password_hash = password::hash(new)
        .await
        .map_err(|cause| Problem::internal(&cause))?;
    account.must_change_password = false;
    let store = state.store();
    store
        .upsert_account(&account)
        .await
        .map_err(store_problem)?;
    store
        .delete_sessions_of(&account.person_id, Some(&user.session.id_hash))
        .await
        .map_err(store_problem)?;
    tracing::info!(person = %account.person_id, "password changed (pages)");
    Ok(())
}

/// Whether a form's CSRF token matches the session's (in constant time).
pub fn csrf_matches(user: &SessionUser, sent: &str) -> bool {
    constant_time_eq(sent, &user.session.csrf_token)
}

/// Ends a session.
pub async fn sign_out(state: &AppState, user: &SessionUser) -> Result<(), Problem> {
    state
        .store()
        .delete_session(&user.session.id_hash)
        .await
        .map_err(store_problem)?;
    tracing::info!(person = %user.account.person_id, "signed out (pages)");
    Ok(())
}

/// Starts two-factor setup: a new key, kept with the session until confirmed.
pub async fn start_two_factor(state: &AppState, user: &SessionUser) -> Result<String, Problem> {
    let secret = totp::new_secret();
    state
        .store()
        .set_totp_pending(&user.session.id_hash, Some(&secret))
        .await
        .map_err(store_problem)?;
    Ok(secret)
}

/// Confirms two-factor setup with the first code; the person's other sessions end.
pub async fn confirm_two_factor(
    state: &AppState,
    user: &SessionUser,
    code: &str,
) -> Result<(), PageSignInError> {
    let Some(pending) = user.session.totp_pending.clone() else {
        return Err(PageSignInError::Field(
            "code",
            "Start again: reload this page for a new key".into(),
        ));
    };
    let mut account = user.account.clone();
    throttle::check(state, &account.person_id).await?;
    if !totp::verify(&pending, code, state.now()) {
        throttle::record(state, &account.person_id, false).await?;
        return Err(PageSignInError::Field(
            "code",
            "The code is wrong or has expired".into(),
        ));
    }
    let store = state.store();
    account.totp_secret = Some(pending);
    store
        .upsert_account(&account)
        .await
        .map_err(store_problem)?;
    store
        .set_totp_pending(&user.session.id_hash, None)
        .await
        .map_err(store_problem)?;
    store
        .complete_second_factor(&user.session.id_hash)
        .await
        .map_err(store_problem)?;
    store
        .delete_sessions_of(&account.person_id, Some(&user.session.id_hash))
        .await
        .map_err(store_problem)?;
    tracing::info!(person = %account.person_id, "two-factor set up (pages)");
    Ok(())
}
