//! Exporting the case list: every case of a filtered list the actor may see (the same
//! `CaseScope` as the list and the single-case route), read page by page, written to the
//! access log as a disclosure (the rows leave Pledge in a file).

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::policy::CaseList;
use jiff::Timestamp;
use pledge_store::{AccessAction, AccessEntry, CaseFilter, CaseSummary, Store};

/// The most rows one export holds; a wider list is refused, asking for a narrower filter.
pub const MAX_EXPORT: usize = 20_000;

/// Rows read from the store at a time.
const PAGE: u32 = 500;

impl<S: Store> App<S> {
    /// Every case matching `filter` (its `limit` and `offset` ignored) that the actor may see,
    /// newest first; `what` describes the filter for the access log.
    pub async fn export_cases(
        &self,
        actor: &Actor,
        filter: CaseFilter,
        what: &str,
        now: Timestamp,
    ) -> AppResult<Vec<CaseSummary>> {
        let scope = self.list_scope(actor, CaseList::Cases).await?;
        let mut out = Vec::new();
        let mut offset = 0u32;
        loop {
            let page = self
                .store
                .list_cases(
                    &scope,
                    &CaseFilter {
                        limit: Some(PAGE),
                        offset: Some(offset),
                        ..filter.clone()
                    },
                )
                .await?;
            let n = page.len();
            out.extend(page);
            if out.len() > MAX_EXPORT {
                return Err(AppError::invalid(
                    "filter",
                    format!(
                        "more than {MAX_EXPORT} cases match; narrow the list (a unit or dates) \
                         and export again"
                    ),
                ));
            }
            if n < PAGE as usize {
                break;
            }
            offset += PAGE;
        }
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.log_id(),
                action: AccessAction::Disclose,
                case_id: None,
                what: format!("case list exported as CSV ({} cases; {what})", out.len()),
                justification: "exporting the case list".into(),
            })
            .await?;
        Ok(out)
    }
}
