//! Two-factor codes (TOTP, RFC 6238): SHA-1, 6 digits, 30-second steps — what every
//! authenticator app reads from an `otpauth://` URL — accepting the step before and after
//! the current one for clock drift.

use jiff::Timestamp;
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "Pledge";

/// A new random secret (160 bits), base32 without padding.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

fn totp(secret: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .build()
        .ok()
}

/// Whether a code is right at `now` (or one step either side). A secret that cannot be read
/// never matches.
pub fn verify(secret: &str, code: &str, now: Timestamp) -> bool {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Ok(time) = u64::try_from(now.as_second()) else {
        return false;
    };
    totp(secret).is_some_and(|t| t.check(code, time).is_some())
}

/// The code at a moment (for tests and tools).
pub fn code_at(secret: &str, now: Timestamp) -> Option<String> {
    let time = u64::try_from(now.as_second()).ok()?;
    totp(secret).map(|t| t.generate(time).to_string())
}

/// The `otpauth://` URL an authenticator app reads (usually as a QR code).
pub fn otpauth_url(secret: &str, person_id: &str) -> String {
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period=30",
        issuer = encode(ISSUER),
        account = encode(person_id),
    )
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_within_a_step() -> Result<(), jiff::Error> {
        let secret = new_secret();
        let now: Timestamp = "2025-03-01T08:00:15Z".parse()?;
        let code = code_at(&secret, now).unwrap_or_default();
        assert_eq!(code.len(), 6);
        assert!(verify(&secret, &code, now));
        assert!(verify(
            &secret,
            &code,
            now + jiff::SignedDuration::from_secs(30)
        ));
        assert!(verify(
            &secret,
            &code,
            now - jiff::SignedDuration::from_secs(30)
        ));
        assert!(!verify(
            &secret,
            &code,
            now + jiff::SignedDuration::from_secs(90)
        ));
        assert!(!verify(&secret, "12345", now));
        assert!(!verify("not base32!", &code, now));
        Ok(())
    }

    #[test]
    fn url_names_issuer_and_account() {
        let url = otpauth_url("JBSWY3DPEHPK3PXP", "PC 1/a");
        assert_eq!(
            url,
            "otpauth://totp/Pledge:PC%201%2Fa?secret=JBSWY3DPEHPK3PXP&issuer=Pledge&algorithm=SHA1&digits=6&period=30"
        );
    }
}
