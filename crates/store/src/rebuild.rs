//! Recomputing every read model from the events (`pledge rebuild`).
//!
//! The cases stream in case-id order a chunk at a time ([`Store::case_feed`]: a task of its
//! own reads the next chunk meanwhile, so memory holds a few chunks whatever the size of the
//! store). Each chunk is folded and projected on both cores and compared with the stored rows
//! read with it; only the cases whose rows differ are written, all of a chunk in one
//! transaction ([`Store::replace_projections`]), so a rebuild of a store whose read models
//! are right writes nothing, and one that must rewrite them all pays one commit per chunk,
//! not one per case.

use crate::Store;
use crate::error::{Result, StoreError};
use crate::feed::{RawCase, on_both_cores};
use crate::integrity::{StoredReadModel, unchanged};
use crate::model::{CaseId, Projection, StoredCase};

/// Cases read, projected and written together.
const CHUNK: u32 = 1_000;

/// What rebuilding one case of a chunk comes to.
enum Outcome {
    /// Nothing to rebuild: no events, disposed of, or `project` declined it.
    Skip,
    /// The stored rows are already what the events give.
    Unchanged,
    /// The rows to write.
    Write(Box<Projection>),
    /// Cannot be decided from the chunk (its events did not decode): rebuilt on its own,
    /// which reports the error as before.
    Alone(CaseId),
}

/// Recomputes the read models of every case and replaces those that differ. Cases whose
/// personal data was disposed of (no read models) and cases `project` declines (`None`:
/// unknown plan, no report) are skipped. Returns how many cases were rebuilt (their read
/// models now as the events give them).
pub async fn rebuild<S: Store>(
    store: &S,
    project: impl Fn(&StoredCase) -> Option<Projection> + Sync,
) -> Result<u64> {
    rebuild_with(store, project, &mut |_, _| {}).await
}

/// [`rebuild`], telling `progress` how many cases are done (and about how many there are)
/// after each chunk.
pub async fn rebuild_with<S: Store>(
    store: &S,
    project: impl Fn(&StoredCase) -> Option<Projection> + Sync,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<u64> {
    let mut rebuilt = 0u64;
    let mut done = 0u64;
    let mut again: Vec<CaseId> = Vec::new();
    let mut feed = store.case_feed(CHUNK).await?;
    while let Some(chunk) = feed.next().await? {
        let pairs: Vec<(&RawCase, &StoredReadModel)> =
            chunk.cases.iter().zip(&chunk.stored).collect();
        let outcomes = on_both_cores(&pairs, &|(raw, stored)| outcome(raw, stored, &project));
        let mut writes = Vec::new();
        for o in outcomes {
            match o {
                Outcome::Skip => {}
                Outcome::Unchanged => rebuilt += 1,
                Outcome::Write(p) => writes.push(*p),
                Outcome::Alone(id) => again.push(id),
            }
        }
        let stale = store.replace_projections(&writes).await?;
        rebuilt += (writes.len() - stale.len()) as u64;
        // Appended to since the chunk was read: read again on their own.
        again.extend(stale);
        done += pairs.len() as u64;
        progress(done, feed.estimate.max(done));
    }
    drop(feed);
    for id in &again {
        if rebuild_case(store, id, &project).await? {
            rebuilt += 1;
        }
    }
    Ok(rebuilt)
}

fn outcome(
    raw: &RawCase,
    stored: &StoredReadModel,
    project: &impl Fn(&StoredCase) -> Option<Projection>,
) -> Outcome {
    let case = match raw.load() {
        Ok(Some(case)) => case,
        Ok(None) => return Outcome::Skip,
        Err(_) => return Outcome::Alone(raw.case_id.clone()),
    };
    if case.disposed.is_some() {
        return Outcome::Skip;
    }
    match project(&case) {
        None => Outcome::Skip,
        Some(p) if unchanged(&p, stored) => Outcome::Unchanged,
        Some(p) => Outcome::Write(Box::new(p)),
    }
}

/// Rebuilds one case; a case appended to meanwhile (the projection is then stale, and the
/// store refuses it) is loaded again.
async fn rebuild_case<S: Store>(
    store: &S,
    id: &CaseId,
    project: &impl Fn(&StoredCase) -> Option<Projection>,
) -> Result<bool> {
    let mut attempts = 0;
    loop {
        let Some(case) = store.load_case(id).await? else {
            return Ok(false);
        };
        if case.disposed.is_some() {
            return Ok(false);
        }
        let Some(projection) = project(&case) else {
            return Ok(false);
        };
        match store.replace_projection(&projection).await {
            Ok(()) => return Ok(true),
            Err(StoreError::Conflict { .. }) if attempts < 10 => attempts += 1,
            // Disposed of meanwhile: nothing to rebuild.
            Err(StoreError::NotFound(_)) => return Ok(false),
            Err(e) => return Err(e),
        }
    }
}
