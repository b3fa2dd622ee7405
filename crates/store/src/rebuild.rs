//! Recomputing every read model from the events (`pledge rebuild`).

use crate::Store;
use crate::error::{Result, StoreError};
use crate::model::{CaseId, Projection, StoredCase};

/// Cases loaded per page.
const PAGE: u32 = 500;

/// Recomputes the read models of every case: pages through [`Store::case_ids`], loads each
/// case and replaces its read models with `project`'s. Cases whose personal data was disposed
/// of (no read models) and cases `project` declines (`None`: unknown plan, no report) are
/// skipped. Returns how many cases were rebuilt.
pub async fn rebuild<S: Store>(
    store: &S,
    project: impl Fn(&StoredCase) -> Option<Projection>,
) -> Result<u64> {
    let mut after: Option<CaseId> = None;
    let mut rebuilt = 0u64;
    loop {
        let ids = store.case_ids(after.as_ref(), PAGE).await?;
        for id in &ids {
            if rebuild_case(store, id, &project).await? {
                rebuilt += 1;
            }
        }
        match ids.last() {
            Some(last) if ids.len() == PAGE as usize => after = Some(last.clone()),
            _ => return Ok(rebuilt),
        }
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
