//! Signing in and out, the second factor, changing the password, setting up two-factor, and
//! the account page. The sign-in form carries a pre-session token (login CSRF, see
//! `auth::login_csrf`) and is refused from another site; every other form carries the
//! session's CSRF token.

use super::auth_steps::{self, PageSignInError};
use super::error::{PageError, is_local_path};
use super::form::{ErrorItem, FormField, summary};
use super::layout::Layout;
use super::session::{AnySession, PageUser, SessionForm, outstanding_page};
use crate::auth::client::ClientAddress;
use crate::auth::{login_csrf, session};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// A page with one form.
#[derive(Template, WebTemplate)]
#[template(path = "form_page.html")]
pub struct FormPage {
    /// Layout.
    pub layout: Layout,
    /// A notification banner ("" for none).
    pub notice: String,
    /// The error summary.
    pub errors: Vec<ErrorItem>,
    /// The heading.
    pub heading: String,
    /// Paragraphs before the form.
    pub intro: Vec<String>,
    /// Where the form posts.
    pub action: String,
    /// Hidden fields (besides the CSRF token).
    pub hidden: Vec<(String, String)>,
    /// The fields.
    pub fields: Vec<FormField>,
    /// The button's words.
    pub button: String,
    /// Links under the form.
    pub links: Vec<(String, String)>,
    /// A button-styled link before the form (sign in with the force's identity provider):
    /// its address and words.
    pub provider: Option<(String, String)>,
    /// Whether the form is shown (not when password sign-in is switched off).
    pub show_form: bool,
}

impl FormPage {
    fn new(layout: Layout, heading: &str, action: &str, button: &str) -> Self {
        Self {
            layout,
            notice: String::new(),
            errors: Vec::new(),
            heading: heading.to_owned(),
            intro: Vec::new(),
            action: action.to_owned(),
            hidden: Vec::new(),
            fields: Vec::new(),
            button: button.to_owned(),
            links: Vec::new(),
            provider: None,
            show_form: true,
        }
    }

    fn with_fields(mut self, fields: Vec<FormField>) -> Self {
        self.errors = summary(&fields);
        self.layout.has_errors = !self.errors.is_empty();
        self.fields = fields;
        self
    }

    fn respond(self) -> Response {
        let status = if self.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        (status, self).into_response()
    }
}

/// Query of the sign-in page.
#[derive(Debug, Deserialize, Default)]
pub struct SignInQuery {
    /// The session ended.
    expired: Option<String>,
    /// Signed out just now.
    signed_out: Option<String>,
    /// Where to go after signing in.
    next: Option<String>,
}

/// The sign-in page, with the browser's pre-session token (a new one is set in a cookie when
/// it has none), and a status of its own for a refusal.
fn sign_in_page(
    state: &AppState,
    headers: &HeaderMap,
    q: &SignInQuery,
    person_id: &str,
    error: Option<(&str, String)>,
    refused: Option<String>,
) -> Response {
    let err = |f: &str| {
        error
            .as_ref()
            .filter(|(field, _)| *field == f)
            .map(|(_, m)| m.clone())
    };
    let mut page = FormPage::new(
        Layout::anonymous("Sign in"),
        "Sign in to Pledge",
        "/sign-in",
        "Sign in",
    )
    .with_fields(vec![
        FormField::new("", "person_id", "Person id", "text")
            .hint("Your collar or staff number, for example PS-2231")
            .width("govuk-input--width-20")
            .autocomplete("username")
            .value(person_id)
            .error(err("person_id")),
        FormField::new("", "password", "Password", "password")
            .width("govuk-input--width-20")
            .autocomplete("current-password")
            .error(err("password")),
    ]);
    let next = q.next.as_deref().filter(|n| is_local_path(n));
    if let Some(provider) = &state.config().oidc {
        let href = match next {
            Some(n) => format!("/sign-in/oidc?next={}", super::error::percent(n)),
            None => "/sign-in/oidc".to_owned(),
        };
        let name = &provider.settings().display_name;
        page.provider = Some((href, format!("Sign in with {name}")));
        if state.config().accounts.local_accounts {
            page.intro
                .push("Or sign in with a Pledge account:".to_owned());
        }
    }
    if !state.config().accounts.local_accounts {
        page.show_form = false;
        page.fields.clear();
    }
    if q.expired.is_some() {
        page.notice = "Your session has ended. Sign in again to carry on.".to_owned();
    } else if q.signed_out.is_some() {
        page.notice = "You have signed out.".to_owned();
    }
    if let Some(next) = next {
        page.hidden.push(("next".to_owned(), next.to_owned()));
    }
    let (token, set_cookie) = login_csrf::token_or_new(state.config(), headers);
    page.hidden.push((login_csrf::FIELD.to_owned(), token));
    let mut response = match refused {
        Some(why) => {
            page.notice = why;
            (StatusCode::FORBIDDEN, page).into_response()
        }
        None => page.respond(),
    };
    if let Some(cookie) = set_cookie
        && let Ok(value) = header::HeaderValue::from_str(&cookie)
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// `GET /sign-in`.
pub async fn sign_in_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SignInQuery>,
) -> Response {
    sign_in_page(&state, &headers, &q, "", None, None)
}

/// `POST /sign-in`.
pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let fields = match super::session::Fields::parse(&body) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let person_id = fields.get("person_id").to_owned();
    let next = fields.get("next").to_owned();
    let q = SignInQuery {
        next: Some(next.clone()),
        ..SignInQuery::default()
    };
    // Login CSRF: from another site, or without this browser's pre-session token, nothing
    // is tried (and nothing counts against the name).
    if !login_csrf::same_site(&headers)
        || !login_csrf::form_matches(&headers, fields.get(login_csrf::FIELD))
    {
        tracing::warn!(address = %address, "sign-in form refused: cross-site or without its token");
        return sign_in_page(
            &state,
            &headers,
            &q,
            &person_id,
            None,
            Some("This sign-in form was not sent from this browser's sign-in page, so you are not signed in. Sign in again here.".to_owned()),
        );
    }
    match auth_steps::password_sign_in(
        &state,
        &address,
        &headers,
        &person_id,
        fields.get("password"),
    )
    .await
    {
        Ok((account, new)) => {
            let to = if account.totp_secret.is_some() {
                "/sign-in/code".to_owned()
            } else if is_local_path(&next) {
                next
            } else {
                "/".to_owned()
            };
            (
                [(
                    header::SET_COOKIE,
                    session::cookie(state.config(), &new.token),
                )],
                Redirect::to(&to),
            )
                .into_response()
        }
        Err(PageSignInError::Field(f, m)) => {
            sign_in_page(&state, &headers, &q, &person_id, Some((f, m)), None)
        }
        Err(PageSignInError::Problem(p)) => PageError::from(*p).into_response(),
    }
}

fn code_page(user: &crate::auth::SessionUser, error: Option<String>) -> Response {
    let layout = Layout {
        csrf: user.session.csrf_token.clone(),
        ..Layout::anonymous("Enter your sign-in code")
    };
    let mut page = FormPage::new(
        layout,
        "Enter your sign-in code",
        "/sign-in/code",
        "Continue",
    )
    .with_fields(vec![
        FormField::new("", "code", "Code from your authenticator app", "text")
            .hint("The 6-digit code, for example 123456")
            .width("govuk-input--width-5")
            .autocomplete("one-time-code")
            .error(error),
    ]);
    page.intro
        .push("Your account uses two-factor sign-in.".to_owned());
    page.links
        .push(("/sign-in".to_owned(), "Sign in as someone else".to_owned()));
    page.respond()
}

/// `GET /sign-in/code`.
pub async fn code_form(AnySession(user): AnySession) -> Response {
    if !user.second_factor_pending() {
        return Redirect::to("/").into_response();
    }
    code_page(&user, None)
}

/// `POST /sign-in/code`.
pub async fn code(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    form: SessionForm,
) -> Response {
    match auth_steps::second_factor(&state, &address, &form.user, form.fields.get("code")).await {
        Ok(()) => Redirect::to("/").into_response(),
        Err(PageSignInError::Field(_, m)) => code_page(&form.user, Some(m)),
        Err(PageSignInError::Problem(p)) => PageError::from(*p).into_response(),
    }
}

/// `POST /sign-out`: ends the Pledge session; a session signed in through the force's
/// identity provider then goes on to the provider's sign-out, when it has one, which sends
/// the browser back to the sign-in page.
pub async fn sign_out(State(state): State<AppState>, form: SessionForm) -> Response {
    if let Err(p) = auth_steps::sign_out(&state, &form.user).await {
        return PageError::from(p).into_response();
    }
    let to = match (&form.user.session.id_token, &state.config().oidc) {
        (Some(id_token), Some(provider)) => provider.end_session_url(id_token),
        _ => None,
    }
    .unwrap_or_else(|| "/sign-in?signed_out=1".to_owned());
    (
        [(header::SET_COOKIE, session::clear_cookie(state.config()))],
        Redirect::to(&to),
    )
        .into_response()
}

fn password_page(
    state: &AppState,
    user: &crate::auth::SessionUser,
    error: Option<(&str, String)>,
    notice: &str,
) -> Response {
    let err = |f: &str| {
        error
            .as_ref()
            .filter(|(field, _)| *field == f)
            .map(|(_, m)| m.clone())
    };
    let _ = state;
    let layout = Layout {
        csrf: user.session.csrf_token.clone(),
        ..Layout::anonymous("Change your password")
    };
    let mut page = FormPage::new(layout, "Change your password", "/account/password", "Change password")
        .with_fields(vec![
            FormField::new("", "current", "Current password", "password")
                .width("govuk-input--width-20")
                .autocomplete("current-password")
                .error(err("current")),
            FormField::new("", "new", "New password", "password")
                .hint("At least 12 characters. A few unrelated words are easy to remember and hard to guess.")
                .width("govuk-input--width-20")
                .autocomplete("new-password")
                .error(err("new")),
        ]);
    if user.account.must_change_password {
        page.intro.push(
            "You signed in with a one-time password. Choose your own before you carry on."
                .to_owned(),
        );
    }
    page.notice = notice.to_owned();
    page.links
        .push(("/".to_owned(), "Back to your tasks".to_owned()));
    page.respond()
}

/// `GET /account/password`.
pub async fn password_form(
    State(state): State<AppState>,
    AnySession(user): AnySession,
) -> Response {
    if user.second_factor_pending() {
        return Redirect::to("/sign-in/code").into_response();
    }
    password_page(&state, &user, None, "")
}

/// `POST /account/password`.
pub async fn password(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    form: SessionForm,
) -> Response {
    let f = &form.fields;
    match auth_steps::change_password(&state, &address, &form.user, f.get("current"), f.get("new"))
        .await
    {
        Ok(()) => {
            let mut user = form.user;
            user.account.must_change_password = false;
            match user.outstanding() {
                Some(o) => Redirect::to(outstanding_page(o)).into_response(),
                None => password_page(&state, &user, None, "Your password has been changed."),
            }
        }
        Err(PageSignInError::Field(field, m)) => {
            password_page(&state, &form.user, Some((field, m)), "")
        }
        Err(PageSignInError::Problem(p)) => PageError::from(*p).into_response(),
    }
}

/// The account page.
#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
pub struct AccountPage {
    /// Layout.
    pub layout: Layout,
    /// Person id.
    pub person_id: String,
    /// Roles in words.
    pub roles: Vec<String>,
    /// Two-factor is set up.
    pub two_factor: bool,
    /// When the session ends.
    pub session_ends: String,
}

/// `GET /account`.
pub async fn account(user: PageUser) -> Response {
    AccountPage {
        layout: user.layout("Your account", "/account"),
        person_id: user.user.account.person_id.clone(),
        roles: user
            .user
            .account
            .roles
            .iter()
            .map(|r| super::words::words(r))
            .collect(),
        two_factor: user.user.account.totp_secret.is_some(),
        session_ends: super::words::when(user.user.session.expires_at),
    }
    .into_response()
}

fn two_factor_page(
    user: &crate::auth::SessionUser,
    secret: &str,
    error: Option<String>,
) -> Response {
    let layout = Layout {
        csrf: user.session.csrf_token.clone(),
        ..Layout::anonymous("Set up two-factor sign-in")
    };
    let mut page = FormPage::new(
        layout,
        "Set up two-factor sign-in",
        "/account/two-factor",
        "Confirm",
    )
    .with_fields(vec![
        FormField::new("", "code", "Code from your authenticator app", "text")
            .hint("The 6-digit code it shows after you add the key")
            .width("govuk-input--width-5")
            .autocomplete("one-time-code")
            .error(error),
    ]);
    page.intro.push(
        "Administrators must use two-factor sign-in. Add this key to your authenticator app \
         (choose 'enter a setup key', time-based):"
            .to_owned(),
    );
    page.intro.push(secret.to_owned());
    page.respond()
}

/// `GET /account/two-factor`: starts setup with a new key.
pub async fn two_factor_form(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    AnySession(user): AnySession,
) -> Response {
    if user.second_factor_pending() {
        return Redirect::to("/sign-in/code").into_response();
    }
    if user.account.totp_secret.is_some() {
        return Redirect::to("/account").into_response();
    }
    match auth_steps::start_two_factor(&state, &address, &user).await {
        Ok(secret) => two_factor_page(&user, &secret, None),
        Err(p) => PageError::from(p).into_response(),
    }
}

/// `POST /account/two-factor`: confirms setup with the first code.
pub async fn two_factor(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    form: SessionForm,
) -> Response {
    match auth_steps::confirm_two_factor(&state, &address, &form.user, form.fields.get("code"))
        .await
    {
        Ok(()) => {
            let mut user = form.user;
            user.account.totp_secret = Some(String::new());
            match user.outstanding() {
                Some(o) => Redirect::to(outstanding_page(o)).into_response(),
                None => Redirect::to("/account").into_response(),
            }
        }
        Err(PageSignInError::Field(_, m)) => {
            let secret = form.user.session.totp_pending.clone().unwrap_or_default();
            two_factor_page(&form.user, &secret, Some(m))
        }
        Err(PageSignInError::Problem(p)) => PageError::from(*p).into_response(),
    }
}
