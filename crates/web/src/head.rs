//! Publishing the chains' heads outside the database, so that deleting the newest events and
//! rewinding the head record can be caught (`pledge verify --expect-head SEQ:HASH`; see
//! docs/operations.md, "Anchoring the log head").
//!
//! Three channels, all cheap (reading the two head rows): the structured log (target
//! `pledge::head`, when a head moved, at start and at shutdown, checked every
//! [`Publish::every`]), an optional file rewritten atomically with the same, and `/metrics`
//! (read at scrape time, so always current).

use crate::state::AppState;
use pledge_store::{Heads, Store};
use std::path::PathBuf;
use std::time::Duration;

/// How the server publishes the heads.
#[derive(Debug, Clone)]
pub struct Publish {
    /// How often the heads are read and, when they moved, published.
    pub every: Duration,
    /// A file rewritten with the heads (JSON) each time they are published.
    pub file: Option<PathBuf>,
}

impl Default for Publish {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(60),
            file: None,
        }
    }
}

/// Publishes the heads now and then whenever they move, until the task is dropped.
pub(crate) async fn run(state: AppState, publish: Publish) {
    let mut tick = tokio::time::interval(publish.every.max(Duration::from_secs(1)));
    let mut last: Option<Heads> = None;
    loop {
        tick.tick().await;
        match state.store().heads().await {
            Ok(heads) if last.as_ref() != Some(&heads) => {
                emit(&heads, &publish, "published");
                last = Some(heads);
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(target: "pledge::head", error = %e, "cannot read the log heads")
            }
        }
    }
}

/// Publishes the heads once more (at shutdown).
pub(crate) async fn final_publish(state: &AppState, publish: &Publish) {
    match state.store().heads().await {
        Ok(heads) => emit(&heads, publish, "at shutdown"),
        Err(e) => tracing::warn!(target: "pledge::head", error = %e, "cannot read the log heads"),
    }
}

fn emit(heads: &Heads, publish: &Publish, when: &'static str) {
    tracing::info!(
        target: "pledge::head",
        events_head = %heads.events_label(),
        access_head = %heads.access_label(),
        when,
        "log heads (keep outside Pledge; check with pledge verify --expect-head)"
    );
    if let Some(path) = &publish.file
        && let Err(e) = write_file(path, heads)
    {
        tracing::warn!(target: "pledge::head", error = %e, file = %path.display(), "cannot write the head file");
    }
}

/// Writes the head file: a temporary file beside it, then a rename, so readers never see half.
fn write_file(path: &std::path::Path, heads: &Heads) -> std::io::Result<()> {
    let body = serde_json::json!({
        "events_head": heads.events_label(),
        "access_head": heads.access_label(),
        "at": jiff::Timestamp::now().to_string(),
    });
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, format!("{body}\n"))?;
    std::fs::rename(&tmp, path)
}

/// The heads as Prometheus lines, appended to `/metrics`: a gauge with each chain's sequence
/// number and an info metric carrying the hash in a label (value 1).
pub(crate) async fn prometheus(state: &AppState) -> String {
    let heads = match state.store().heads().await {
        Ok(h) => h,
        Err(e) => {
            tracing::warn!(target: "pledge::head", error = %e, "cannot read the log heads");
            return String::new();
        }
    };
    let mut out = String::from(
        "# HELP pledge_log_head_seq Sequence number at the head of each hash chain.\n\
         # TYPE pledge_log_head_seq gauge\n",
    );
    for (log, (seq, _)) in [("events", &heads.events), ("access", &heads.access)] {
        out.push_str(&format!("pledge_log_head_seq{{log=\"{log}\"}} {seq}\n"));
    }
    out.push_str(
        "# HELP pledge_log_head_info The head of each hash chain (value 1): publish seq and hash outside Pledge.\n\
         # TYPE pledge_log_head_info gauge\n",
    );
    for (log, (seq, hash)) in [("events", &heads.events), ("access", &heads.access)] {
        out.push_str(&format!(
            "pledge_log_head_info{{log=\"{log}\",seq=\"{seq}\",hash=\"{}\"}} 1\n",
            hex::encode(hash)
        ));
    }
    out
}
