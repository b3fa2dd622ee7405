//! What the sign-in must remember between sending the browser to the provider and its
//! return: the `state` (checked against the callback's), the `nonce` (checked against the ID
//! token's), the PKCE verifier and where to go afterwards. It travels in a short-lived,
//! HttpOnly cookie, sealed with HMAC-SHA256 so that it cannot be forged or altered, and it
//! expires after [`LIFETIME_SECS`].

use super::OidcError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How long a sign-in at the provider may take, in seconds.
pub const LIFETIME_SECS: i64 = 600;

/// One sign-in in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginState {
    /// The `state` sent to the provider.
    pub state: String,
    /// The `nonce` sent to the provider.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// A local path to go to after signing in.
    pub next: Option<String>,
    /// When this sign-in must have come back by (Unix seconds).
    pub expires: i64,
}

/// The key sealing login states.
#[derive(Clone)]
pub struct SealKey([u8; 32]);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(..)")
    }
}

impl SealKey {
    /// A key derived from a secret every instance of Pledge shares (the client secret), so
    /// that any instance can open what another sealed; a random one when there is none.
    pub fn from_secret(secret: Option<&str>) -> Self {
        use sha2::Digest;
        match secret {
            Some(s) => {
                let mut h = Sha256::new();
                h.update(b"pledge oidc login state\0");
                h.update(s.as_bytes());
                Self(h.finalize().into())
            }
            None => {
                let mut key = [0u8; 32];
                rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
                Self(key)
            }
        }
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC pads a key shorter than the hash's block (64 bytes) with zeros: this is
        // that padding, done here so the key has the block's length.
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&self.0);
        <Hmac<Sha256> as hmac::digest::KeyInit>::new(&block.into())
    }

    /// Seals a login state: `payload.signature`, both base64url.
    pub fn seal(&self, state: &LoginState) -> String {
        let json = serde_json::to_vec(state).unwrap_or_default();
        let payload = URL_SAFE_NO_PAD.encode(json);
        let mut mac = self.mac();
        mac.update(payload.as_bytes());
        let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{payload}.{sig}")
    }

    /// Opens a sealed login state: refused when altered, not sealed by this key, or expired.
    pub fn open(&self, sealed: &str, now: Timestamp) -> Result<LoginState, OidcError> {
        let bad = |m: &str| OidcError::State(m.to_owned());
        let (payload, sig) = sealed.split_once('.').ok_or_else(|| bad("malformed"))?;
        let sig = URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|_| bad("malformed signature"))?;
        let mut mac = self.mac();
        mac.update(payload.as_bytes());
        mac.verify_slice(&sig)
            .map_err(|_| bad("not sealed by Pledge"))?;
        let json = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| bad("malformed payload"))?;
        let state: LoginState =
            serde_json::from_slice(&json).map_err(|_| bad("malformed payload"))?;
        if state.expires <= now.as_second() {
            return Err(bad("the sign-in took too long"));
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(expires: i64) -> LoginState {
        LoginState {
            state: "s".into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            next: Some("/cases".into()),
            expires,
        }
    }

    #[test]
    fn sealed_states_open_only_unaltered_unexpired_and_with_the_key()
    -> Result<(), Box<dyn std::error::Error>> {
        let now = Timestamp::from_second(1_000)?;
        let key = SealKey::from_secret(Some("secret"));
        let sealed = key.seal(&state(1_600));
        assert_eq!(key.open(&sealed, now)?, state(1_600));
        // Another instance with the same secret opens it; another secret does not.
        assert!(
            SealKey::from_secret(Some("secret"))
                .open(&sealed, now)
                .is_ok()
        );
        assert!(
            SealKey::from_secret(Some("other"))
                .open(&sealed, now)
                .is_err()
        );
        // Expired.
        assert!(key.open(&key.seal(&state(1_000)), now).is_err());
        // Altered payload (a later expiry), same signature.
        let (_, sig) = sealed.split_once('.').ok_or("no signature")?;
        let forged = format!(
            "{}.{sig}",
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&state(9_999))?)
        );
        assert!(key.open(&forged, now).is_err());
        assert!(key.open("garbage", now).is_err());
        Ok(())
    }
}
