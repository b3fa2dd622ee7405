//! Conversions shared by both backends, so they store (and hash) exactly the same things:
//! times as unix microseconds, lists as JSON text, events chained with [`crate::chain`], and
//! the canonical text of an access-log entry.

use crate::chain;
use crate::error::{Result, StoreError};
use crate::model::{AccessEntry, Append, CaseFilter, CaseId, CaseSummary, Hash, Projection};
use jiff::Timestamp;
use pledge_domain::Event;

/// The body a disposed event keeps in place of its personal data. Its `content_hash` (over
/// the original body) is kept, so the chains still verify.
pub(crate) const TOMBSTONE: &str = r#"{"disposed":true}"#;

/// How many rows a page of `verify` or `rebuild` reads at once.
pub(crate) const PAGE: i64 = 2_000;

/// A time as stored: unix microseconds (UTC). Sub-microsecond precision is dropped.
pub(crate) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

/// A stored time back; `what` names the column for the error.
pub(crate) fn timestamp(us: i64, what: &str) -> Result<Timestamp> {
    Timestamp::from_microsecond(us)
        .map_err(|e| StoreError::Corrupt(format!("{what}: {us} is not a time: {e}")))
}

/// An optional stored time back.
pub(crate) fn opt_timestamp(us: Option<i64>, what: &str) -> Result<Option<Timestamp>> {
    us.map(|us| timestamp(us, what)).transpose()
}

/// A time truncated to what the store keeps (microseconds).
pub(crate) fn truncate(t: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(t.as_microsecond()).unwrap_or(t)
}

/// An unsigned count as a database integer.
pub(crate) fn int(n: u64, what: &str) -> Result<i64> {
    i64::try_from(n).map_err(|_| StoreError::Invalid(format!("{what} {n} is too large")))
}

/// A stored non-negative integer back.
pub(crate) fn uint<T: TryFrom<i64>>(n: i64, what: &str) -> Result<T> {
    T::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what}: {n} is out of range")))
}

/// A stored case id back.
pub(crate) fn case_id(s: String) -> Result<CaseId> {
    CaseId::parse(&s).map_err(|e| StoreError::Corrupt(format!("stored case id: {e}")))
}

/// A list of strings as JSON text.
pub(crate) fn list(v: &[String]) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Invalid(format!("cannot encode a list: {e}")))
}

/// A stored JSON list back.
pub(crate) fn parse_list(s: &str, what: &str) -> Result<Vec<String>> {
    serde_json::from_str(s)
        .map_err(|e| StoreError::Corrupt(format!("{what}: not a JSON list of strings: {e}")))
}

/// A stored hash back.
pub(crate) fn hash(b: &[u8], what: &str) -> Result<Hash> {
    chain::from_bytes(b).ok_or_else(|| {
        StoreError::Corrupt(format!("{what}: a hash is 32 bytes, found {}", b.len()))
    })
}

/// An access entry as the store keeps it (its time truncated to microseconds), so the text
/// hashed when writing is the text rebuilt from the columns when verifying.
pub(crate) fn normalise_access(mut e: AccessEntry) -> AccessEntry {
    e.at = truncate(e.at);
    e
}

/// The canonical text of an access entry, hashed into the access chain: its JSON.
pub(crate) fn access_text(e: &AccessEntry) -> Result<String> {
    serde_json::to_string(e)
        .map_err(|err| StoreError::Invalid(format!("cannot encode an access entry: {err}")))
}

/// An access entry ready to insert: its sequence number, hashes and normalised entry.
pub(crate) struct NewAccess {
    pub seq: i64,
    pub entry: AccessEntry,
    pub prev_hash: Hash,
    pub hash: Hash,
}

/// Chains an access entry after `(head_seq, head_hash)`.
pub(crate) fn chain_access(
    entry: AccessEntry,
    head_seq: i64,
    head_hash: &Hash,
) -> Result<NewAccess> {
    let entry = normalise_access(entry);
    check_text("access actor", &entry.actor)?;
    let seq = head_seq + 1;
    let text = access_text(&entry)?;
    let hash = chain::access_link(head_hash, &text, seq);
    Ok(NewAccess {
        seq,
        entry,
        prev_hash: *head_hash,
        hash,
    })
}

/// Chains access entries, in order, after `(head_seq, head_hash)`.
pub(crate) fn chain_accesses(
    entries: Vec<AccessEntry>,
    head_seq: i64,
    head_hash: &Hash,
) -> Result<Vec<NewAccess>> {
    let (mut seq, mut hash) = (head_seq, *head_hash);
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let n = chain_access(e, seq, &hash)?;
        (seq, hash) = (n.seq, n.hash);
        out.push(n);
    }
    Ok(out)
}

/// Checks an access entry before it joins a group (see [`crate::access_group`]), so a bad
/// entry fails alone: an actor is named, and no text holds a NUL character (PostgreSQL
/// cannot store one; SQLite is held to the same).
pub(crate) fn check_access(e: &AccessEntry) -> Result<()> {
    check_text("access actor", &e.actor)?;
    let case = e.case_id.as_ref().map(|c| c.as_str()).unwrap_or_default();
    for (field, text) in [
        ("access actor", e.actor.as_str()),
        ("access case_id", case),
        ("access what", e.what.as_str()),
        ("access justification", e.justification.as_str()),
    ] {
        if text.contains('\0') {
            return Err(StoreError::Invalid(format!(
                "{field} must not contain a NUL character"
            )));
        }
    }
    Ok(())
}

/// An event row ready to insert.
pub(crate) struct NewEvent {
    pub seq: i64,
    pub version: i64,
    pub event_type: &'static str,
    pub at: i64,
    pub by: String,
    pub body: String,
    pub content_hash: Hash,
    pub prev_case_hash: Hash,
    pub case_hash: Hash,
    pub prev_log_hash: Hash,
    pub log_hash: Hash,
}

/// Chains `events` onto a case at `version` (its current event count, whose last case hash
/// is `prev_case`) and onto the log at `(head_seq, head_hash)`.
pub(crate) fn chain_events(
    case_id: &CaseId,
    version: u64,
    prev_case: Hash,
    head_seq: i64,
    head_hash: Hash,
    events: &[Event],
) -> Result<Vec<NewEvent>> {
    let mut out = Vec::with_capacity(events.len());
    let (mut prev_case, mut prev_log, mut seq, mut v) = (prev_case, head_hash, head_seq, version);
    for e in events {
        seq += 1;
        v += 1;
        let body = serde_json::to_string(e).map_err(|err| {
            StoreError::Invalid(format!("case {case_id}: cannot encode event {v}: {err}"))
        })?;
        let content_hash = chain::content_hash(&body);
        let case_hash = chain::case_link(&prev_case, &content_hash, case_id.as_str(), v);
        let log_hash = chain::log_link(&prev_log, &case_hash, seq);
        out.push(NewEvent {
            seq,
            version: int(v, "case version")?,
            event_type: e.event_type().as_str(),
            at: micros(e.at),
            by: e.by.to_string(),
            body,
            content_hash,
            prev_case_hash: prev_case,
            case_hash,
            prev_log_hash: prev_log,
            log_hash,
        });
        prev_case = case_hash;
        prev_log = log_hash;
    }
    Ok(out)
}

/// Checks an append makes sense before touching the database.
pub(crate) fn check_append(a: &Append) -> Result<()> {
    if a.events.is_empty() {
        return Err(StoreError::Invalid(format!(
            "an append to case {} has no events",
            a.case_id
        )));
    }
    check_projection(&a.projection)?;
    if a.projection.summary.case_id != a.case_id {
        return Err(StoreError::Invalid(format!(
            "an append to case {} carries the read models of case {}",
            a.case_id, a.projection.summary.case_id
        )));
    }
    let version = a.expected_version + a.events.len() as u64;
    if a.projection.summary.version != version {
        return Err(StoreError::Invalid(format!(
            "an append taking case {} to version {version} carries read models of version {}",
            a.case_id, a.projection.summary.version
        )));
    }
    if let Some(r) = &a.idempotency {
        crate::idempotency::check_reservation(r)?;
    }
    if a.access.case_id.as_ref().is_some_and(|c| *c != a.case_id) {
        return Err(StoreError::Invalid(format!(
            "an append to case {} logs access to another case",
            a.case_id
        )));
    }
    Ok(())
}

/// Checks every obligation row of a projection belongs to its case.
pub(crate) fn check_projection(p: &Projection) -> Result<()> {
    if let Some(o) = p
        .obligations
        .iter()
        .find(|o| o.case_id != p.summary.case_id)
    {
        return Err(StoreError::Invalid(format!(
            "the read models of case {} include an obligation row of case {}",
            p.summary.case_id, o.case_id
        )));
    }
    Ok(())
}

fn check_text(what: &str, s: &str) -> Result<()> {
    if s.is_empty() {
        return Err(StoreError::Invalid(format!("{what} must not be empty")));
    }
    Ok(())
}

/// The people a case names, for the `case_person` index: `(person, relation)`, distinct.
pub(crate) fn case_people(s: &CaseSummary) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    let mut add = |p: &str, rel: &'static str| {
        if !p.is_empty() && !out.iter().any(|(q, r)| q == p && *r == rel) {
            out.push((p.to_owned(), rel));
        }
    };
    for v in &s.victims {
        add(v, "victim");
    }
    if let Some(o) = &s.oic {
        add(o, "oic");
    }
    add(&s.supervisor, "supervisor");
    out
}

/// A filter's page: `(limit, offset)`, limit defaulting to 50 and capped at 500.
pub(crate) fn page(f: &CaseFilter) -> (i64, i64) {
    (
        i64::from(f.limit.unwrap_or(50).clamp(1, 500)),
        i64::from(f.offset.unwrap_or(0)),
    )
}

/// The Erase entry a disposal writes to the access log.
pub(crate) fn disposal_access(d: &crate::model::Disposal) -> AccessEntry {
    AccessEntry {
        at: d.at,
        actor: d.by.clone(),
        action: crate::model::AccessAction::Erase,
        case_id: Some(d.case_id.clone()),
        what: "personal data of the case (event bodies and read models)".to_owned(),
        justification: d.reason.clone(),
    }
}

/// The `case_open` column of a case's obligation rows: whether the case is open. Rows of a
/// closed case stay (an obligation never met in a closed case was missed, and reports count
/// it) but leave "my tasks" and the overdue lists, whose partial indexes cover only open rows
/// of open cases (migration 0003).
pub(crate) fn case_open(s: &CaseSummary) -> bool {
    s.status == "open"
}

/// A plan key `id@version` (as the overdue counts read it) split into its id and version.
pub(crate) fn plan_key(key: &str) -> Result<(String, u32)> {
    key.rsplit_once('@')
        .and_then(|(id, v)| Some((id.to_owned(), v.parse().ok()?)))
        .ok_or_else(|| StoreError::Invalid(format!("plan key {key:?} is not id@version")))
}
