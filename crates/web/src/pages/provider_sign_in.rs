//! Signing in with the force's identity provider: `GET /sign-in/oidc` sends the browser to
//! the provider (the sign-in's state sealed in the `pledge_oidc` cookie: HttpOnly,
//! SameSite=Lax so that it comes back with the provider's redirect, Path=/sign-in/oidc, ten
//! minutes), and `GET /sign-in/oidc/callback` finishes it: the state checked, the code
//! exchanged, the ID token validated, the person found and a Pledge session started
//! (`pledge_app::accounts::oidc`). A refusal is a page that says what to do, and is logged.

use super::error::{PageError, is_local_path};
use super::layout::Layout;
use crate::auth::client::ClientAddress;
use crate::auth::{context, session};
use crate::problem::Problem;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use pledge_app::accounts::oidc::login_state::LIFETIME_SECS;
use pledge_app::accounts::oidc::{OidcError, Refusal, sign_in};
use serde::Deserialize;

/// The cookie carrying a sign-in in progress.
pub const COOKIE: &str = "pledge_oidc";

/// A refused sign-in.
#[derive(Template, WebTemplate)]
#[template(path = "sign_in_refused.html")]
pub struct RefusedPage {
    /// Layout.
    pub layout: Layout,
    /// The heading.
    pub heading: String,
    /// What happened and what to do.
    pub paragraphs: Vec<String>,
}

/// A refusal page; the sign-in in progress is forgotten (its cookie cleared).
fn refused(tls: bool, status: StatusCode, heading: &str, paragraphs: Vec<String>) -> Response {
    let page = RefusedPage {
        layout: Layout::anonymous(heading),
        heading: heading.to_owned(),
        paragraphs,
    };
    let mut response = (status, page).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_cookie(tls));
    response
}

fn cookie(secure: bool, value: &str, max_age: i64) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; HttpOnly; SameSite=Lax; Path=/sign-in/oidc; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("pledge_oidc=; Path=/sign-in/oidc; Max-Age=0"))
}

fn clear_cookie(secure: bool) -> HeaderValue {
    cookie(secure, "", 0)
}

/// Query of `GET /sign-in/oidc`.
#[derive(Debug, Deserialize, Default)]
struct StartQuery {
    next: Option<String>,
}

/// `GET /sign-in/oidc`: to the provider.
pub async fn start(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let Some(provider) = state.config().oidc.clone() else {
        return PageError::NotFound.into_response();
    };
    let q: StartQuery =
        serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
    let next = q.next.filter(|n| is_local_path(n));
    match provider.start(next, state.now()) {
        Ok(started) => {
            let mut response = Redirect::to(&started.url).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                cookie(state.config().tls, &started.sealed, LIFETIME_SECS),
            );
            response
        }
        Err(e) => {
            PageError::from(Problem::internal(&format!("starting a sign-in: {e}"))).into_response()
        }
    }
}

/// Query of the provider's redirect back.
#[derive(Debug, Deserialize, Default)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

fn start_again(tls: bool, name: &str) -> Response {
    refused(
        tls,
        StatusCode::BAD_REQUEST,
        "Your sign-in did not finish",
        vec![
            "The sign-in took too long, or it was started in another browser or tab, so you are not signed in."
                .to_owned(),
            format!("Go back to the sign-in page and choose \u{201c}Sign in with {name}\u{201d} again."),
        ],
    )
}

/// `GET /sign-in/oidc/callback`: back from the provider.
pub async fn callback(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(provider) = state.config().oidc.clone() else {
        return PageError::NotFound.into_response();
    };
    let settings = provider.settings();
    let name = settings.display_name.clone();
    let tls = state.config().tls;
    let q: CallbackQuery =
        serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
    if let Some(error) = q.error.as_deref() {
        tracing::info!(address = %address, error = %error,
            description = q.error_description.as_deref().unwrap_or(""),
            "sign-in at the identity provider did not succeed");
        return refused(
            tls,
            StatusCode::FORBIDDEN,
            "You are not signed in",
            vec![format!(
                "{name} did not sign you in, so you are not signed in to Pledge. Try again, or ask your IT service desk if it keeps happening."
            )],
        );
    }
    let sealed = CookieJar::from_headers(&headers)
        .get(COOKIE)
        .map(|c| c.value().to_owned());
    let (Some(sealed), Some(returned_state), Some(code)) = (sealed, q.state, q.code) else {
        tracing::info!(address = %address, "sign-in callback without its state, code or cookie");
        return start_again(tls, &name);
    };
    let returned = match provider
        .finish(&sealed, &returned_state, &code, state.now())
        .await
    {
        Ok(r) => r,
        Err(OidcError::State(why)) => {
            tracing::warn!(address = %address, why = %why, "sign-in callback refused");
            return start_again(tls, &name);
        }
        Err(OidcError::InvalidToken(why)) => {
            tracing::warn!(address = %address, why = %why, "sign-in refused: the ID token is not valid");
            return refused(
                tls,
                StatusCode::FORBIDDEN,
                "Pledge could not check your sign-in",
                vec![format!(
                    "{name} signed you in, but what it sent could not be checked, so you are not signed in. Try again; if it keeps happening, tell your IT service desk."
                )],
            );
        }
        Err(e) => {
            tracing::error!(address = %address, error = %e, "sign-in through the identity provider failed");
            return refused(
                tls,
                StatusCode::BAD_GATEWAY,
                "Sign-in is not working at the moment",
                vec![format!(
                    "Pledge could not finish your sign-in with {name}. Try again in a few minutes."
                )],
            );
        }
    };
    let old = session::token_from(&headers);
    let cx = context(&state, &address);
    match sign_in::sign_in(
        &cx,
        settings,
        &returned.identity,
        &returned.id_token,
        old.as_deref(),
    )
    .await
    {
        Ok(signed_in) => {
            let to = returned
                .next
                .filter(|n| is_local_path(n))
                .unwrap_or_else(|| "/".to_owned());
            let mut response = Redirect::to(&to).into_response();
            let h = response.headers_mut();
            if let Ok(v) =
                HeaderValue::from_str(&session::cookie(state.config(), &signed_in.new.token))
            {
                h.append(header::SET_COOKIE, v);
            }
            h.append(header::SET_COOKIE, clear_cookie(state.config().tls));
            response
        }
        Err(Refusal::NotSetUp) => refused(
            tls,
            StatusCode::FORBIDDEN,
            "Your account is not set up in Pledge",
            vec![
                format!(
                    "{name} signed you in, but Pledge does not know who you are yet, so you are not signed in."
                ),
                format!(
                    "Ask {} to add you to Pledge with your collar or staff number.",
                    settings.ask
                ),
            ],
        ),
        Err(Refusal::NeedsMultiFactor) => refused(
            tls,
            StatusCode::FORBIDDEN,
            "Administrators must sign in with multi-factor authentication",
            vec![
                format!(
                    "You signed in to {name} without a second factor (such as the Authenticator app or a text message code), so you are not signed in to Pledge."
                ),
                "Sign out of your force account, then sign in again using your second factor."
                    .to_owned(),
            ],
        ),
        Err(Refusal::Disabled) => refused(
            tls,
            StatusCode::FORBIDDEN,
            "Your Pledge account is disabled",
            vec![format!("Ask {} if you should have access.", settings.ask)],
        ),
        Err(Refusal::Internal(cause)) => PageError::from(Problem::internal(&cause)).into_response(),
    }
}
