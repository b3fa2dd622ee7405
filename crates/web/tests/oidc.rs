//! Sign-in with a force's identity provider, against a real OpenID Connect provider: the
//! certified `oidc-provider` package (crates/web/tests/oidc/provider.mjs), run with Node and
//! started and stopped by these tests.
//!
//! - `journey`: the browser journey in headless Chromium, on both backends (sign in, role
//!   mapping, an unknown person refused, an administrator without multi-factor refused,
//!   sign-out through the provider), with the accessibility audit of the pages on the way.
//! - `flow`: the same service over HTTP without a browser: linking by the configured claim,
//!   roles replaced from the token, local accounts switched off, state checks.
//! - `tokens`: ID token validation against the provider's real keys: expired, tampered,
//!   unsigned, HMAC-signed, wrong audience, issuer or nonce, an unknown key, key rotation.
//!
//! Skips with a message when Node or the provider's packages are missing, unless
//! `PLEDGE_REQUIRE_OIDC` is set (CI), when that fails the run. Install the packages with
//! `npm ci` in crates/web/tests/oidc (.ci/run does).

#[path = "browser/driver.rs"]
mod driver;
#[path = "oidc/flow.rs"]
mod flow;
#[path = "api/harness.rs"]
mod harness;
#[path = "oidc/journey.rs"]
mod journey;
#[path = "oidc/provider.rs"]
mod provider;
#[path = "api/seeded.rs"]
mod seeded;
#[path = "oidc/tokens.rs"]
mod tokens;
