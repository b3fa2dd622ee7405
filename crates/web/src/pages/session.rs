//! Sessions for pages: the auth module's `pledge_session` cookie, loaded by the same
//! `auth::session::load` as the API (a session ended, expired or of a disabled account sends
//! the browser to sign in). Pages cannot send the `X-CSRF-Token` header, so a form carries
//! the session's CSRF token in a hidden `csrf_token` field, checked here in constant time.

use super::auth_steps::csrf_matches;
use super::error::{PageError, PageResult};
use super::layout::Layout;
use crate::auth::{Outstanding, SessionUser, session, store_problem};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use pledge_app::Actor;
use pledge_store::Store;

/// A live session, whatever is still outstanding on it (for the sign-in steps' own pages).
pub struct AnySession(pub SessionUser);

/// A fully signed-in person: nothing outstanding.
pub struct PageUser {
    /// The session and account.
    pub user: SessionUser,
    /// The person as an actor.
    pub actor: Actor,
    /// Their name (from the person record; the person id when there is none).
    pub name: String,
    /// Their unread notifications (for the header).
    pub unread: u64,
}

impl PageUser {
    /// The page frame for this person.
    pub fn layout(&self, title: &str, section: &str) -> Layout {
        let mut layout = Layout::signed_in(
            title,
            &self.name,
            &self.actor,
            &self.user.session.csrf_token,
            section,
        );
        layout.unread = self.unread;
        layout
    }
}

fn next_of(parts: &Parts) -> Option<String> {
    (parts.method == axum::http::Method::GET).then(|| {
        parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned())
    })
}

async fn load(parts: &Parts, state: &AppState) -> PageResult<SessionUser> {
    match session::load(&parts.headers, state)
        .await
        .map_err(store_problem)?
    {
        session::Loaded::Live(user) => Ok(*user),
        session::Loaded::NoCookie => Err(PageError::SignIn {
            expired: false,
            next: next_of(parts),
        }),
        session::Loaded::Ended => Err(PageError::SignIn {
            expired: true,
            next: next_of(parts),
        }),
    }
}

/// Where a session with something outstanding must go first.
pub fn outstanding_page(o: Outstanding) -> &'static str {
    match o {
        Outstanding::SecondFactor => "/sign-in/code",
        Outstanding::TwoFactorSetup => "/account/two-factor",
        Outstanding::PasswordChange => "/account/password",
    }
}

async fn full(user: SessionUser, state: &AppState) -> PageResult<PageUser> {
    if let Some(o) = user.outstanding() {
        return Err(PageError::Redirect(outstanding_page(o).to_owned()));
    }
    let actor = user.actor(state.store()).await.map_err(store_problem)?;
    let name = state
        .store()
        .person(&user.account.person_id)
        .await
        .map_err(store_problem)?
        .map(|p| p.name)
        .unwrap_or_else(|| user.account.person_id.clone());
    let unread = state.app().unread_notifications(&actor).await?;
    Ok(PageUser {
        user,
        actor,
        name,
        unread,
    })
}

impl FromRequestParts<AppState> for AnySession {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> PageResult<Self> {
        load(parts, state).await.map(AnySession)
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> PageResult<Self> {
        full(load(parts, state).await?, state).await
    }
}

/// Any length, line breaks and tabs allowed: the control-character rule alone.
const ANY_LENGTH: pledge_domain::event::bounds::Text =
    pledge_domain::event::bounds::Text::Lines(usize::MAX);

/// A submitted form's fields, in order (a name may repeat: checkboxes).
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// Parses an `application/x-www-form-urlencoded` body. A control character other than
    /// a line break or tab in any field is refused naming it, as in the API (lengths are the
    /// domain's and the body limit's: a pasted CSV may be long).
    pub fn parse(body: &[u8]) -> PageResult<Self> {
        let fields = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).map_err(|_| {
            PageError::Other(Box::new(crate::problem::Problem::invalid(
                "form",
                "the form could not be read",
            )))
        })?;
        for (name, value) in &fields {
            pledge_domain::event::bounds::check_text(value, ANY_LENGTH).map_err(|m| {
                PageError::Other(Box::new(crate::problem::Problem::invalid(name.as_str(), m)))
            })?;
        }
        Ok(Fields(fields))
    }

    /// The first value of a field, trimmed ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    /// Every non-empty value of a field.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
            .collect()
    }
}

/// A form posted with a live session and the right CSRF token.
pub struct SessionForm {
    /// The session (possibly with something outstanding).
    pub user: SessionUser,
    /// The fields.
    pub fields: Fields,
}

/// A form posted by a fully signed-in person with the right CSRF token.
pub struct PageForm {
    /// The person.
    pub user: PageUser,
    /// The fields.
    pub fields: Fields,
}

async fn session_form(req: Request, state: &AppState) -> PageResult<SessionForm> {
    let (parts, body) = req.into_parts();
    let user = load(&parts, state).await?;
    let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
        .await
        .map_err(|_| {
            PageError::Other(Box::new(crate::problem::Problem::invalid(
                "form",
                "the form is too large or could not be read",
            )))
        })?;
    let fields = Fields::parse(&bytes)?;
    if !csrf_matches(&user, fields.get("csrf_token")) {
        tracing::info!(person = %user.account.person_id, "form refused: CSRF token missing or wrong");
        return Err(PageError::Csrf);
    }
    Ok(SessionForm { user, fields })
}

impl FromRequest<AppState> for SessionForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> PageResult<Self> {
        session_form(req, state).await
    }
}

impl FromRequest<AppState> for PageForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> PageResult<Self> {
        let SessionForm { user, fields } = session_form(req, state).await?;
        Ok(PageForm {
            user: full(user, state).await?,
            fields,
        })
    }
}
