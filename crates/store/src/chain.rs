//! The hash chains. Pure functions shared by both backends so a log written by one verifies
//! the same in the other (and after backup and restore).
//!
//! Each event row stores:
//! - `content_hash = H("pledge-event/1\0" || body)`, the canonical JSON body as stored;
//! - `case_hash = H(prev_case_hash || content_hash || case_id || "\0" || version)`, chaining
//!   the case's events;
//! - `log_hash = H(prev_log_hash || case_hash || seq)`, chaining the whole log.
//!
//! Disposal replaces a body with a tombstone but keeps `content_hash`: the links are computed
//! over the content hash, never the body, so the chain still verifies after personal data is
//! gone, and the disposal itself is a row in the access log chain.

use crate::model::Hash;
use sha2::{Digest, Sha256};

/// The hash before the first link.
pub const GENESIS: Hash = [0; 32];

/// The hash of an event body.
pub fn content_hash(body: &str) -> Hash {
    let mut h = Sha256::new();
    h.update(b"pledge-event/1\0");
    h.update(body.as_bytes());
    h.finalize().into()
}

/// The link of an event into its case's chain.
pub fn case_link(prev: &Hash, content: &Hash, case_id: &str, version: u64) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(content);
    h.update(case_id.as_bytes());
    h.update([0]);
    h.update(version.to_be_bytes());
    h.finalize().into()
}

/// The link of an event into the whole log.
pub fn log_link(prev: &Hash, case_hash: &Hash, seq: i64) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(case_hash);
    h.update(seq.to_be_bytes());
    h.finalize().into()
}

/// The hash of an access-log entry's canonical text, linked to the previous entry.
pub fn access_link(prev: &Hash, entry_text: &str, seq: i64) -> Hash {
    let mut h = Sha256::new();
    h.update(b"pledge-access/1\0");
    h.update(prev);
    h.update(entry_text.as_bytes());
    h.update(seq.to_be_bytes());
    h.finalize().into()
}

/// A hash as lowercase hex.
pub fn to_hex(h: &Hash) -> String {
    hex::encode(h)
}

/// Reads a stored hash (32 bytes).
pub fn from_bytes(b: &[u8]) -> Option<Hash> {
    b.try_into().ok()
}
