//! Two-factor codes (TOTP, RFC 6238): SHA-1, 6 digits, 30-second steps — what every
//! authenticator app reads from an `otpauth://` URL — accepting the step before and after
//! the current one for clock drift. A code is accepted once: the caller keeps the step it
//! matched ([`matching_step`]) and refuses that step, or an earlier one, again.

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

/// The length of a time step, in seconds.
pub const STEP_SECONDS: u64 = 30;

/// The time step (30-second window number) whose code matches at `now`, looking one step
/// either side; None when the code is wrong. A secret that cannot be read never matches.
pub fn matching_step(secret: &str, code: &str, now: Timestamp) -> Option<u64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = u64::try_from(now.as_second()).ok()? / STEP_SECONDS;
    let totp = totp(secret)?;
    // Every candidate is compared, in constant time, whichever matches.
    let mut found = None;
    for step in [
        current.checked_sub(1),
        Some(current),
        current.checked_add(1),
    ]
    .into_iter()
    .flatten()
    {
        let expected = totp.generate(step.saturating_mul(STEP_SECONDS));
        if super::constant_time_eq(&expected.to_string(), code) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// Whether a code is right at `now` (or one step either side), whether or not it was used.
pub fn verify(secret: &str, code: &str, now: Timestamp) -> bool {
    matching_step(secret, code, now).is_some()
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
        let step = matching_step(&secret, &code, now);
        assert_eq!(step, Some(1_740_816_015 / STEP_SECONDS));
        assert_eq!(
            matching_step(&secret, &code, now + jiff::SignedDuration::from_secs(30)),
            step,
            "the same code is the same step a window later"
        );
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
