//! Passwords: argon2id hashes (PHC strings, OWASP's minimum parameters: 19 MiB, 2 passes),
//! verification, the password rule, and one-time passwords.
//!
//! Hashing is deliberately slow and memory-hungry, so it runs on the blocking pool and at
//! most a few hashes run at once: a burst of sign-ins queues rather than exhausting memory.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 12;
/// The longest password accepted (hashing cost does not depend on it much, but parsing a
/// megabyte of "password" is pointless).
pub const MAX_LENGTH: usize = 1024;

/// Characters of one-time passwords: no 0/O, 1/l/I, so they can be read out and typed.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Length of one-time passwords (about 115 bits).
const ONE_TIME_LENGTH: usize = 20;

/// Hashes running at once.
fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        Semaphore::new(cpus.max(2))
    })
}

fn hasher() -> Result<Argon2<'static>, String> {
    let params =
        Params::new(19 * 1024, 2, 1, None).map_err(|e| format!("argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Checks a new password against the rule; the message says what is wrong.
pub fn check_new(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        return Err(format!("at least {MIN_LENGTH} characters"));
    }
    if password.len() > MAX_LENGTH {
        return Err(format!("at most {MAX_LENGTH} bytes"));
    }
    if password.trim().is_empty() {
        return Err("not only spaces".to_owned());
    }
    Ok(())
}

/// Hashes a password (argon2id, random salt) to a PHC string, blocking. Prefer [`hash`].
pub fn hash_blocking(password: &str) -> Result<String, String> {
    hasher()?
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash a password: {e}"))
}

/// Whether a password matches a PHC string, blocking. A hash that cannot be parsed never
/// matches (and is logged, without the hash).
pub fn verify_blocking(password: &str, phc: &str) -> bool {
    let Ok(argon) = hasher() else {
        return false;
    };
    match argon.verify_password(password.as_bytes(), phc) {
        Ok(()) => true,
        Err(argon2::password_hash::Error::PasswordInvalid) => false,
        Err(e) => {
            tracing::warn!(error = %e, "a stored password hash cannot be checked");
            false
        }
    }
}

/// Hashes a password on the blocking pool.
pub async fn hash(password: &str) -> Result<String, String> {
    let _permit = permits()
        .acquire()
        .await
        .map_err(|e| format!("password hashing is shut down: {e}"))?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| format!("the hashing task failed: {e}"))?
}

/// Checks a password against a stored hash on the blocking pool.
pub async fn verify(password: &str, phc: &str) -> bool {
    let Ok(_permit) = permits().acquire().await else {
        return false;
    };
    let (password, phc) = (password.to_owned(), phc.to_owned());
    tokio::task::spawn_blocking(move || verify_blocking(&password, &phc))
        .await
        .unwrap_or(false)
}

/// Spends the time of a verification for a name that has no account, so the answer takes
/// as long as a wrong password for an account that exists.
pub async fn verify_nothing(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = match DUMMY.get() {
        Some(phc) => phc.clone(),
        None => match hash(&one_time()).await {
            Ok(phc) => DUMMY.get_or_init(|| phc).clone(),
            Err(_) => return,
        },
    };
    let _ = verify(password, &phc).await;
}

/// A random one-time password, shown once to whoever creates the account.
pub fn one_time() -> String {
    let mut rng = rand::rng();
    (0..ONE_TIME_LENGTH)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() -> Result<(), String> {
        let a = hash_blocking("correct horse battery")?;
        let b = hash_blocking("correct horse battery")?;
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(verify_blocking("correct horse battery", &a));
        assert!(!verify_blocking("correct horse batterz", &a));
        assert!(!verify_blocking("anything", "not a hash"));
        Ok(())
    }

    #[test]
    fn rule_and_one_time_passwords() {
        assert!(check_new("short").is_err());
        assert!(check_new("            ").is_err());
        assert!(check_new("twelve chars").is_ok());
        let p = one_time();
        assert_eq!(p.len(), ONE_TIME_LENGTH);
        assert!(check_new(&p).is_ok());
        assert_ne!(p, one_time());
    }
}
