//! Sign-in with the force's identity provider: OpenID Connect, authorization code flow with
//! PKCE (S256), against any standards-compliant provider (Microsoft Entra ID in most forces).
//! See `docs/sign-in.md`.
//!
//! - [`settings`]: what a force configures (issuer, client, claims, role mapping, MFA).
//! - [`provider`]: discovery at startup, the authorization URL, the code exchange, ID token
//!   validation (signature against the provider's keys, fetched again on an unknown key id;
//!   issuer, audience, expiry, nonce; signature algorithms allow-listed) and the provider's
//!   sign-out URL.
//! - [`login_state`]: state, nonce and PKCE verifier between the redirect and the callback,
//!   sealed (HMAC-SHA256) for a short-lived cookie.
//! - [`identity`]: who the ID token says signed in: the subject, the linking value, the
//!   provider's roles and whether a second factor was used.
//! - [`sign_in`]: the sign-in step: the person bound to the subject (linked at the first
//!   sign-in), roles mapped from the token, administrators refused without MFA, and a Pledge
//!   session exactly like a password sign-in's.

mod http;
pub mod identity;
pub mod login_state;
pub mod provider;
pub mod settings;
pub mod sign_in;

pub use identity::Identity;
pub use login_state::LoginState;
pub use provider::Provider;
pub use settings::{LinkField, OidcSettings};
pub use sign_in::Refusal;

/// Why talking to the provider, or validating what it sent, failed.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The configuration is wrong: the setting and what is wrong.
    #[error("{setting}: {message}")]
    Config {
        /// The setting (its command-line flag).
        setting: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The provider could not be reached or answered wrongly (discovery, keys, token).
    #[error("the identity provider: {0}")]
    Provider(String),
    /// The ID token is not valid: why.
    #[error("the ID token was refused: {0}")]
    InvalidToken(String),
    /// The sign-in came back without its state, or with another browser's, or too late.
    #[error("the sign-in state is missing, wrong or expired: {0}")]
    State(String),
}

impl OidcError {
    pub(crate) fn config(setting: &'static str, message: impl Into<String>) -> Self {
        OidcError::Config {
            setting,
            message: message.into(),
        }
    }
}
