//! Who a validated ID token says signed in, read with the configured claim names: the
//! subject, the linking value, the provider's roles or groups, and whether a second factor
//! was used (`amr`, `acr`).

use super::OidcSettings;
use openidconnect::{AdditionalClaims, GenderClaim, IdTokenClaims};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The claims openidconnect does not type, by name (Entra's `oid`, `roles`, `employeeid`...).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OtherClaims {
    /// Every claim not typed by openidconnect, by name.
    #[serde(flatten)]
    pub claims: BTreeMap<String, serde_json::Value>,
}

impl AdditionalClaims for OtherClaims {}

/// Who signed in, as the provider says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The issuer.
    pub issuer: String,
    /// The stable subject (the configured subject claim's value).
    pub subject: String,
    /// The linking claim's value, if the token has it.
    pub link: Option<String>,
    /// The provider's roles or groups (the configured claim's values).
    pub roles: Vec<String>,
    /// A second factor was used (an `amr` or `acr` value configured as multi-factor).
    pub multi_factor: bool,
    /// The `amr` values, for the log.
    pub amr: Vec<String>,
}

fn text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A claim's value as text, by name: the standard ones openidconnect reads itself, the rest
/// from [`OtherClaims`].
pub fn claim<GC: GenderClaim>(
    claims: &IdTokenClaims<OtherClaims, GC>,
    name: &str,
) -> Option<String> {
    match name {
        "sub" => Some(claims.subject().as_str().to_owned()),
        "email" => claims.email().map(|e| e.as_str().to_owned()),
        "preferred_username" => claims.preferred_username().map(|u| u.as_str().to_owned()),
        other => claims.additional_claims().claims.get(other).and_then(text),
    }
    .filter(|v| !v.trim().is_empty())
}

impl Identity {
    /// Reads a validated token's claims with the configured names. `None` when the subject
    /// claim is missing.
    pub fn read<GC: GenderClaim>(
        settings: &OidcSettings,
        claims: &IdTokenClaims<OtherClaims, GC>,
    ) -> Option<Self> {
        let subject = claim(claims, &settings.subject_claim)?;
        let roles = match claims.additional_claims().claims.get(&settings.roles_claim) {
            Some(serde_json::Value::Array(values)) => values.iter().filter_map(text).collect(),
            Some(value) => text(value).into_iter().collect(),
            None => Vec::new(),
        };
        let amr: Vec<String> = claims
            .auth_method_refs()
            .map(|a| a.iter().map(|m| m.as_str().to_owned()).collect())
            .unwrap_or_default();
        let acr = claims.auth_context_ref().map(|a| a.as_str().to_owned());
        let multi_factor = amr.iter().any(|m| settings.mfa_amr.contains(m))
            || acr.is_some_and(|a| settings.mfa_acr.contains(&a));
        Some(Identity {
            issuer: claims.issuer().as_str().to_owned(),
            subject,
            link: claim(claims, &settings.link_claim),
            roles,
            multi_factor,
            amr,
        })
    }
}
