//! What a force configures for sign-in with its identity provider (`pledge serve --oidc-*`,
//! or `PLEDGE_OIDC_*`; see `docs/sign-in.md`), checked once at startup: every problem names
//! its setting.

use super::OidcError;
use crate::actor::AccountRole;
use openidconnect::core::CoreJwsSigningAlgorithm;

/// The person field the linking claim is matched against at a first sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkField {
    /// The person id (collar or staff number), exactly.
    PersonId,
    /// The person's email address, ignoring case; it must belong to exactly one person.
    Email,
}

impl LinkField {
    /// Parses `person_id` or `email`.
    pub fn parse(s: &str) -> Result<Self, OidcError> {
        match s {
            "person_id" | "id" => Ok(LinkField::PersonId),
            "email" => Ok(LinkField::Email),
            other => Err(OidcError::config(
                "--oidc-link-field",
                format!("\"{other}\" is not a person field: use person_id or email"),
            )),
        }
    }
}

/// Sign-in with the force's identity provider, as configured.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// The issuer URL, exactly as the provider states it (for Entra ID
    /// `https://login.microsoftonline.com/<tenant id>/v2.0`).
    pub issuer: String,
    /// The client (application) id registered with the provider.
    pub client_id: String,
    /// The client secret, if the client is confidential.
    pub client_secret: Option<String>,
    /// Where the provider sends the browser back: `https://<pledge>/sign-in/oidc/callback`.
    pub redirect_url: String,
    /// Where the provider sends the browser after its sign-out (by default the sign-in page
    /// next to the redirect URL).
    pub post_logout_redirect_url: String,
    /// The words on the button: "Sign in with <name>".
    pub display_name: String,
    /// The claim naming who signed in, stable for life (`sub`; `oid` for Entra ID).
    pub subject_claim: String,
    /// The claim linking a subject to a person at their first sign-in (`employeeid`).
    pub link_claim: String,
    /// The person field the linking claim is matched against.
    pub link_field: LinkField,
    /// The claim carrying the provider's roles or groups (`roles`, or `groups`).
    pub roles_claim: String,
    /// Provider role (or group) -> Pledge account role. Unmapped values are ignored; every
    /// person holds `staff`.
    pub role_map: Vec<(String, AccountRole)>,
    /// `amr` values that count as multi-factor (`mfa`, `otp`).
    pub mfa_amr: Vec<String>,
    /// `acr` values that count as multi-factor (none by default).
    pub mfa_acr: Vec<String>,
    /// Signature algorithms accepted on ID tokens.
    pub algorithms: Vec<CoreJwsSigningAlgorithm>,
    /// Whom a person not set up in Pledge should ask ("your force's Op Hampshire lead").
    pub ask: String,
}

/// The algorithms accepted when none are configured.
pub const DEFAULT_ALGORITHMS: [&str; 3] = ["RS256", "ES256", "PS256"];

/// Parses a signature algorithm's name. `none` is never accepted; the HMAC algorithms (keyed
/// with the client secret) only when named and the client has a secret.
pub fn parse_algorithm(name: &str, has_secret: bool) -> Result<CoreJwsSigningAlgorithm, OidcError> {
    use CoreJwsSigningAlgorithm as A;
    let alg = match name {
        "RS256" => A::RsaSsaPkcs1V15Sha256,
        "RS384" => A::RsaSsaPkcs1V15Sha384,
        "RS512" => A::RsaSsaPkcs1V15Sha512,
        "PS256" => A::RsaSsaPssSha256,
        "PS384" => A::RsaSsaPssSha384,
        "PS512" => A::RsaSsaPssSha512,
        "ES256" => A::EcdsaP256Sha256,
        "ES384" => A::EcdsaP384Sha384,
        "EdDSA" => A::EdDsa,
        "HS256" | "HS384" | "HS512" if !has_secret => {
            return Err(OidcError::config(
                "--oidc-algorithms",
                format!("{name} is keyed with the client secret, and there is none"),
            ));
        }
        "HS256" => A::HmacSha256,
        "HS384" => A::HmacSha384,
        "HS512" => A::HmacSha512,
        "none" => {
            return Err(OidcError::config(
                "--oidc-algorithms",
                "unsigned ID tokens (none) are never accepted",
            ));
        }
        other => {
            return Err(OidcError::config(
                "--oidc-algorithms",
                format!(
                    "\"{other}\" is not a signature algorithm Pledge accepts: use RS256, ES256, PS256 (or RS384, RS512, PS384, PS512, ES384, EdDSA)"
                ),
            ));
        }
    };
    Ok(alg)
}

/// Parses one role mapping, `PROVIDER_ROLE=pledge_role`.
pub fn parse_role_mapping(s: &str) -> Result<(String, AccountRole), OidcError> {
    let Some((from, to)) = s.split_once('=') else {
        return Err(OidcError::config(
            "--oidc-role",
            format!("\"{s}\": write PROVIDER_ROLE=pledge_role, e.g. Pledge.Supervisor=supervisor"),
        ));
    };
    let (from, to) = (from.trim(), to.trim());
    if from.is_empty() {
        return Err(OidcError::config(
            "--oidc-role",
            format!("\"{s}\": the provider's role is empty"),
        ));
    }
    let role = AccountRole::parse(to)
        .map_err(|m| OidcError::config("--oidc-role", format!("\"{s}\": {m}")))?;
    Ok((from.to_owned(), role))
}

/// Checks a URL setting: absolute, https (http only for this machine, in tests and demos).
pub fn check_url(setting: &'static str, url: &str) -> Result<(), OidcError> {
    let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"];
    let ok_scheme = url.starts_with("https://")
        || local.iter().any(|l| {
            url.strip_prefix(l)
                .is_some_and(|r| r.is_empty() || r.starts_with([':', '/']))
        });
    if !ok_scheme {
        return Err(OidcError::config(
            setting,
            format!("\"{url}\" must be an https:// URL (http:// only for 127.0.0.1 or localhost)"),
        ));
    }
    openidconnect::url::Url::parse(url)
        .map_err(|e| OidcError::config(setting, format!("\"{url}\" is not a URL: {e}")))?;
    Ok(())
}

/// The sign-in page next to a redirect URL: `https://pledge.example/sign-in?signed_out=1`.
pub fn default_post_logout(redirect_url: &str) -> String {
    match openidconnect::url::Url::parse(redirect_url) {
        Ok(mut u) => {
            u.set_path("/sign-in");
            u.set_query(Some("signed_out=1"));
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => redirect_url.to_owned(),
    }
}

impl OidcSettings {
    /// Checks the settings: every problem names its setting.
    pub fn check(&self) -> Result<(), OidcError> {
        check_url("--oidc-issuer", &self.issuer)?;
        check_url("--oidc-redirect-url", &self.redirect_url)?;
        check_url(
            "--oidc-post-logout-redirect-url",
            &self.post_logout_redirect_url,
        )?;
        let named = [
            ("--oidc-client-id", &self.client_id),
            ("--oidc-subject-claim", &self.subject_claim),
            ("--oidc-link-claim", &self.link_claim),
            ("--oidc-roles-claim", &self.roles_claim),
            ("--oidc-name", &self.display_name),
        ];
        for (setting, value) in named {
            if value.trim().is_empty() {
                return Err(OidcError::config(setting, "is empty"));
            }
        }
        if self.algorithms.is_empty() {
            return Err(OidcError::config("--oidc-algorithms", "names no algorithm"));
        }
        if self.mfa_amr.is_empty() && self.mfa_acr.is_empty() {
            return Err(OidcError::config(
                "--oidc-mfa-amr",
                "with no amr and no acr value counting as multi-factor, no administrator could sign in",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithms_none_and_hmac_without_secret_are_refused() {
        assert!(parse_algorithm("RS256", false).is_ok());
        assert!(parse_algorithm("none", true).is_err());
        assert!(parse_algorithm("HS256", false).is_err());
        assert!(parse_algorithm("HS256", true).is_ok());
        let e = parse_algorithm("RS1", false)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.starts_with("--oidc-algorithms:"), "{e}");
    }

    #[test]
    fn role_mappings_name_the_wrong_part() {
        assert_eq!(
            parse_role_mapping("Pledge.Supervisor=supervisor").ok(),
            Some(("Pledge.Supervisor".to_owned(), AccountRole::Supervisor))
        );
        assert!(parse_role_mapping("Pledge.Supervisor").is_err());
        assert!(parse_role_mapping("=supervisor").is_err());
        let e = parse_role_mapping("X=chief")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("--oidc-role") && e.contains("X=chief"), "{e}");
    }

    #[test]
    fn urls_must_be_https_except_here() {
        assert!(check_url("s", "https://login.microsoftonline.com/t/v2.0").is_ok());
        assert!(check_url("s", "http://127.0.0.1:4000").is_ok());
        assert!(check_url("s", "http://localhost/").is_ok());
        assert!(check_url("s", "http://login.example").is_err());
        assert!(check_url("s", "http://localhost.evil.example").is_err());
        assert_eq!(
            default_post_logout("https://pledge.example/sign-in/oidc/callback"),
            "https://pledge.example/sign-in?signed_out=1"
        );
    }
}
