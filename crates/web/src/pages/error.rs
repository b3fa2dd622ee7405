//! Error pages: not found, not allowed, a rule of the plan refusing a step (in the plan's own
//! words), a refused form (CSRF), an ended session (back to sign-in) and Pledge's own faults.

use super::layout::Layout;
use crate::problem::{Problem, RuleProblem};
use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pledge_app::AppError;

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in (or the session ended): go to the sign-in page.
    SignIn {
        /// The session cookie was sent but has ended.
        expired: bool,
        /// Where to come back to.
        next: Option<String>,
    },
    /// Signed in but something is still to do first (second factor, new password).
    Redirect(String),
    /// Nothing here, or not the person's to see.
    NotFound,
    /// Not allowed: what they may not do.
    Forbidden(String),
    /// A form without the session's CSRF token.
    Csrf,
    /// A rule of the plan refused the step.
    Refused(Box<RuleProblem>),
    /// Anything else, shown with its status, title and detail.
    Other(Box<Problem>),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => PageError::NotFound,
            AppError::Forbidden(what) => PageError::Forbidden(format!("You may not {what}.")),
            other => Problem::from(other).into(),
        }
    }
}

impl From<Problem> for PageError {
    fn from(p: Problem) -> Self {
        if let Some(rule) = p.rule.clone() {
            return PageError::Refused(rule);
        }
        match p.status() {
            StatusCode::NOT_FOUND => PageError::NotFound,
            StatusCode::UNAUTHORIZED => PageError::SignIn {
                expired: true,
                next: None,
            },
            StatusCode::FORBIDDEN => {
                PageError::Forbidden(p.detail.clone().unwrap_or_else(|| p.title.clone()))
            }
            _ => PageError::Other(Box::new(p)),
        }
    }
}

/// The error page.
#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Layout.
    pub layout: Layout,
    /// The heading.
    pub heading: String,
    /// Paragraphs of explanation.
    pub paragraphs: Vec<String>,
    /// The refused rule, when a rule refused.
    pub rule: Option<RuleProblem>,
}

/// A sign-in URL that brings the person back to `next` (a local path only).
pub fn sign_in_url(expired: bool, next: Option<&str>) -> String {
    let mut q = Vec::new();
    if expired {
        q.push("expired=1".to_owned());
    }
    if let Some(n) = next.filter(|n| is_local_path(n)) {
        q.push(format!("next={}", percent(n)));
    }
    if q.is_empty() {
        "/sign-in".to_owned()
    } else {
        format!("/sign-in?{}", q.join("&"))
    }
}

/// Whether `p` is a path on this site (not `//host` or a scheme).
pub fn is_local_path(p: &str) -> bool {
    p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && p.len() < 512
}

/// Percent-encodes a query value (letters, digits, `-._~/` kept).
pub(crate) fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl PageError {
    /// The page for this error, with the signed-in person's layout when known.
    pub fn page(self, layout: Layout) -> Response {
        let (status, heading, paragraphs, rule) = match self {
            PageError::SignIn { expired, next } => {
                return Redirect::to(&sign_in_url(expired, next.as_deref())).into_response();
            }
            PageError::Redirect(to) => return Redirect::to(&to).into_response(),
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found".to_owned(),
                vec![
                    "There is nothing at this address, or it is not yours to see.".to_owned(),
                    "If you typed the address, check it is correct. If you followed a link to \
                     a case, ask the case's supervisor or officer in the case."
                        .to_owned(),
                ],
                None,
            ),
            PageError::Forbidden(why) => (
                StatusCode::FORBIDDEN,
                "You cannot do this".to_owned(),
                vec![
                    why,
                    "If you think you should be able to, ask your supervisor or administrator."
                        .to_owned(),
                ],
                None,
            ),
            PageError::Csrf => (
                StatusCode::FORBIDDEN,
                "This form has expired".to_owned(),
                vec![
                    "The form was not sent from this session of Pledge, so nothing was saved."
                        .to_owned(),
                    "Go back, reload the page and try again.".to_owned(),
                ],
                None,
            ),
            PageError::Refused(rule) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("The plan does not allow this (point {})", rule.point),
                vec!["Nothing was saved.".to_owned()],
                Some(*rule),
            ),
            PageError::Other(p) if p.retry_after.is_some() => {
                // Too many attempts: say how long to wait (the problem's detail does), and
                // keep Retry-After for browsers and scripts.
                let wait = p.retry_after.unwrap_or_default();
                let mut paragraphs: Vec<String> = p.detail.iter().cloned().collect();
                paragraphs.push(
                    "This protects your account from someone guessing your password. \
                     If you have forgotten it, ask your administrator to reset it."
                        .to_owned(),
                );
                let mut response = (
                    p.status(),
                    ErrorPage {
                        layout: layout.titled(&p.title),
                        heading: p.title.clone(),
                        paragraphs,
                        rule: None,
                    },
                )
                    .into_response();
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(wait),
                );
                return response;
            }
            PageError::Other(p) => {
                let mut paragraphs = Vec::new();
                if let Some(d) = &p.detail {
                    paragraphs.push(d.clone());
                }
                for e in &p.errors {
                    paragraphs.push(format!("{}: {}", e.field, e.message));
                }
                (p.status(), p.title.clone(), paragraphs, None)
            }
        };
        let mut layout = layout;
        layout.title = heading.clone();
        (
            status,
            ErrorPage {
                layout,
                heading,
                paragraphs,
                rule,
            },
        )
            .into_response()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.page(Layout::anonymous(""))
    }
}

/// Pages' result.
pub type PageResult<T> = Result<T, PageError>;
