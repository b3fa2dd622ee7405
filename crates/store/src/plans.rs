//! The plan register: a force's own plan versions (the files as installed) and which plan each
//! force has in force from which date. Append-only and hash-chained like the event log, so a
//! plan version cannot be changed after cases were opened under it without `pledge verify`
//! saying so.
//!
//! Each entry stores `hash = H("pledge-plan/1\0" || prev_hash || seq || force || plan_id ||
//! version || source_hash || effective_from || recorded_at || recorded_by)`, where
//! `source_hash = H(source)` for an entry that installs a file. The source itself is not in
//! the link: its hash is, and `verify_plan_register` recomputes it from the stored text.

use jiff::Timestamp;
use sha2::{Digest, Sha256};
use std::future::Future;

use crate::Result;
use crate::chain::to_hex;
use crate::model::Hash;

/// A request to add an entry to the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlanEntry {
    /// The force putting the plan in force.
    pub force: String,
    /// The plan id.
    pub plan_id: String,
    /// The plan version.
    pub version: u32,
    /// The plan file's text, when this entry installs a force's own version (a built-in plan,
    /// or a version installed before, is put in force without it).
    pub source: Option<String>,
    /// From when new cases of the force open under this plan.
    pub effective_from: Timestamp,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// Who recorded it (a person id, or `cli:USER`).
    pub recorded_by: String,
}

/// An entry of the register, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanEntry {
    /// Position in the register, from 1.
    pub seq: i64,
    /// The force.
    pub force: String,
    /// The plan id.
    pub plan_id: String,
    /// The plan version.
    pub version: u32,
    /// The installed text (only on the entry that installed it).
    pub source: Option<String>,
    /// The installed text's SHA-256 (hex), on every entry naming an installed version.
    pub source_hash: Option<String>,
    /// From when new cases open under it.
    pub effective_from: Timestamp,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// Who recorded it.
    pub recorded_by: String,
    /// The previous entry's hash (hex; zeros for the first).
    pub prev_hash: String,
    /// This entry's hash (hex).
    pub hash: String,
}

/// The plan register. Implemented by both backends.
pub trait PlanStore: Send + Sync {
    /// Appends an entry. Refused (naming the field): a version already installed with a
    /// different text (`version`), a plan id another force installed (`id`). Installing the
    /// same text again records an entry that names the stored version without repeating it.
    fn record_plan(&self, entry: NewPlanEntry) -> impl Future<Output = Result<PlanEntry>> + Send;
    /// Every entry, oldest first, with the installed texts.
    fn plan_register(&self) -> impl Future<Output = Result<Vec<PlanEntry>>> + Send;
    /// A force's entries, oldest first, without the texts (what is or will be in force).
    fn plan_adoptions(&self, force: &str) -> impl Future<Output = Result<Vec<PlanEntry>>> + Send;
}

/// The SHA-256 of an installed plan text (hex).
pub fn source_hash(source: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"pledge-plan-source/1\0");
    h.update(source.as_bytes());
    let out: Hash = h.finalize().into();
    to_hex(&out)
}

/// The link of an entry into the register's chain (hex).
#[allow(clippy::too_many_arguments)]
pub fn plan_link(
    prev_hash: &str,
    seq: i64,
    force: &str,
    plan_id: &str,
    version: u32,
    source_hash: Option<&str>,
    effective_from: Timestamp,
    recorded_at: Timestamp,
    recorded_by: &str,
) -> String {
    let mut h = Sha256::new();
    h.update(b"pledge-plan/1\0");
    for part in [
        prev_hash,
        force,
        plan_id,
        source_hash.unwrap_or(""),
        recorded_by,
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.update(seq.to_be_bytes());
    h.update(version.to_be_bytes());
    h.update(effective_from.as_microsecond().to_be_bytes());
    h.update(recorded_at.as_microsecond().to_be_bytes());
    let out: Hash = h.finalize().into();
    to_hex(&out)
}

/// The hash before the first entry (hex).
pub fn plan_genesis() -> String {
    to_hex(&crate::chain::GENESIS)
}

/// Checks the register's chain: every link recomputed, positions contiguous from 1, each
/// installed text against its hash, one text per version. Returns the problems (log `plans`).
pub fn verify_plan_register(entries: &[PlanEntry]) -> Vec<crate::model::ChainProblem> {
    let mut problems = Vec::new();
    let mut push = |seq: i64, kind: &'static str, detail: String| {
        problems.push(crate::model::ChainProblem {
            log: "plans",
            case_id: None,
            position: seq,
            kind,
            detail,
        })
    };
    let mut prev = plan_genesis();
    let mut texts: std::collections::BTreeMap<(&str, u32), &str> = Default::default();
    for (i, e) in entries.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if e.seq != expected_seq {
            push(
                e.seq,
                "deleted",
                format!(
                    "plan register entry {}: expected position {expected_seq} (an entry is missing)",
                    e.seq
                ),
            );
        }
        if e.prev_hash != prev {
            push(
                e.seq,
                "deleted",
                format!(
                    "plan register entry {}: does not link to the entry before it",
                    e.seq
                ),
            );
        }
        if let Some(source) = &e.source
            && e.source_hash.as_deref() != Some(source_hash(source).as_str())
        {
            push(
                e.seq,
                "edited",
                format!(
                    "plan register entry {}: the text of {}@{} was changed after it was installed",
                    e.seq, e.plan_id, e.version
                ),
            );
        }
        if let Some(h) = e.source_hash.as_deref() {
            match texts.get(&(e.plan_id.as_str(), e.version)) {
                Some(first) if *first != h => push(
                    e.seq,
                    "edited",
                    format!(
                        "plan register entry {}: {}@{} names a different text from the one installed",
                        e.seq, e.plan_id, e.version
                    ),
                ),
                Some(_) => {}
                None => {
                    texts.insert((e.plan_id.as_str(), e.version), h);
                }
            }
        }
        let link = plan_link(
            &e.prev_hash,
            e.seq,
            &e.force,
            &e.plan_id,
            e.version,
            e.source_hash.as_deref(),
            e.effective_from,
            e.recorded_at,
            &e.recorded_by,
        );
        if link != e.hash {
            push(
                e.seq,
                "edited",
                format!(
                    "plan register entry {}: its hash does not match its contents ({}@{} for {})",
                    e.seq, e.plan_id, e.version, e.force
                ),
            );
        }
        prev = e.hash.clone();
    }
    problems
}

/// What a backend stores for a new entry: the text's hash, and whether the text is stored
/// (only the first entry installing a version keeps it).
pub(crate) struct RowToStore {
    pub source_hash: Option<String>,
    pub keep_source: bool,
}

/// What a backend checks before appending, given the entries naming the same plan id with a
/// text: the refusal (field, message), or what to store.
pub(crate) fn check_new_entry(
    entry: &NewPlanEntry,
    installed: &[(String, u32, String)],
) -> std::result::Result<RowToStore, (String, String)> {
    // `installed`: (force, version, source_hash) of every entry installing `entry.plan_id`.
    // Another force's name is not said: forces stay apart.
    if installed.iter().any(|(f, _, _)| *f != entry.force) && entry.source.is_some() {
        return Err((
            "id".into(),
            format!(
                "the plan id \"{}\" belongs to another force; give your plan its own id",
                entry.plan_id
            ),
        ));
    }
    let same_version = installed.iter().find(|(_, v, _)| *v == entry.version);
    match (&entry.source, same_version) {
        (Some(source), Some((_, _, stored))) => {
            let h = source_hash(source);
            if &h != stored {
                return Err((
                    "version".into(),
                    format!(
                        "{}@{} is installed already with a different text; raise `version` in the file",
                        entry.plan_id, entry.version
                    ),
                ));
            }
            Ok(RowToStore {
                source_hash: Some(h),
                keep_source: false,
            })
        }
        (Some(source), None) => Ok(RowToStore {
            source_hash: Some(source_hash(source)),
            keep_source: true,
        }),
        (None, Some((owner, _, stored))) => {
            if *owner != entry.force {
                return Err((
                    "id".into(),
                    format!("the plan \"{}\" is another force's own plan", entry.plan_id),
                ));
            }
            Ok(RowToStore {
                source_hash: Some(stored.clone()),
                keep_source: false,
            })
        }
        (None, None) => Ok(RowToStore {
            source_hash: None,
            keep_source: false,
        }),
    }
}

/// The columns every read selects (the text only where asked for).
pub(crate) const PLAN_COLS: &str = "seq, force, plan_id, version, source_hash, effective_from, \
     recorded_at, recorded_by, prev_hash, hash";

/// An entry back from a row of either backend; `source` is read when the row has it.
pub(crate) fn plan_row(r: &impl crate::rows::Get, with_source: bool) -> Result<PlanEntry> {
    use crate::encode::{timestamp, uint};
    Ok(PlanEntry {
        seq: r.int("seq")?,
        force: r.text("force")?,
        plan_id: r.text("plan_id")?,
        version: uint(r.int("version")?, "plan_register.version")?,
        source: if with_source {
            r.opt_text("source")?
        } else {
            None
        },
        source_hash: r.opt_text("source_hash")?,
        effective_from: timestamp(r.int("effective_from")?, "plan_register.effective_from")?,
        recorded_at: timestamp(r.int("recorded_at")?, "plan_register.recorded_at")?,
        recorded_by: r.text("recorded_by")?,
        prev_hash: r.text("prev_hash")?,
        hash: r.text("hash")?,
    })
}

/// The entry to store after `last` (the newest entry's seq and hash, if any).
pub(crate) fn next_entry(
    entry: NewPlanEntry,
    row: RowToStore,
    last: Option<(i64, String)>,
) -> PlanEntry {
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, plan_genesis()),
    };
    let effective_from = crate::encode::truncate(entry.effective_from);
    let recorded_at = crate::encode::truncate(entry.recorded_at);
    let hash = plan_link(
        &prev_hash,
        seq,
        &entry.force,
        &entry.plan_id,
        entry.version,
        row.source_hash.as_deref(),
        effective_from,
        recorded_at,
        &entry.recorded_by,
    );
    PlanEntry {
        seq,
        force: entry.force,
        plan_id: entry.plan_id,
        version: entry.version,
        source: if row.keep_source { entry.source } else { None },
        source_hash: row.source_hash,
        effective_from,
        recorded_at,
        recorded_by: entry.recorded_by,
        prev_hash,
        hash,
    }
}
