//! The scrutiny panel's reviews (OSSR 23(i)): append-only records of each panel meeting and
//! the pack it considered. See migration 0016 and docs/reports.md.

use crate::Result;
use crate::error::StoreError;
use jiff::Timestamp;
use jiff::civil::Date;
use std::future::Future;

/// One recorded panel meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelReview {
    /// Its id (0 before it is stored).
    pub id: i64,
    /// The force whose plan it reviewed.
    pub force: String,
    /// The plan's review it meets (`[[review]]` id, e.g. `scrutiny-panel`).
    pub review_id: String,
    /// The plan in force when it was recorded.
    pub plan_id: String,
    /// Its version.
    pub plan_version: u32,
    /// The day the panel met.
    pub met_on: Date,
    /// The unit whose pack it considered; `None`: the whole force's.
    pub pack_unit: Option<String>,
    /// The pack's first day.
    pub pack_from: Date,
    /// The pack's last day.
    pub pack_to: Date,
    /// SHA-256 (hex) of the pack's figures as the panel saw them.
    pub pack_hash: String,
    /// Who chaired, by name.
    pub chair: String,
    /// The panel's actions: free text, never published in a pack.
    pub actions: String,
    /// Who recorded it (a person id).
    pub recorded_by: String,
    /// When.
    pub recorded_at: Timestamp,
}

/// The panel's reviews. Implemented by both backends; there is no update or delete.
pub trait PanelReviewStore: Send + Sync {
    /// Records a review; returns its id.
    fn record_panel_review(&self, review: &PanelReview)
    -> impl Future<Output = Result<i64>> + Send;
    /// A force's reviews, oldest meeting first.
    fn panel_reviews(&self, force: &str) -> impl Future<Output = Result<Vec<PanelReview>>> + Send;
}

/// The columns every read selects.
pub(crate) const PANEL_COLS: &str = "id, force, review_id, plan_id, plan_version, met_on, \
     pack_unit, pack_from, pack_to, pack_hash, chair, actions, recorded_by, recorded_at";

fn date(s: String, what: &str) -> Result<Date> {
    s.parse()
        .map_err(|e| StoreError::Corrupt(format!("{what}: \"{s}\" is not a date: {e}")))
}

/// A review back from a row of either backend.
pub(crate) fn panel_row(r: &impl crate::rows::Get) -> Result<PanelReview> {
    use crate::encode::timestamp;
    let version = r.int("plan_version")?;
    Ok(PanelReview {
        id: r.int("id")?,
        force: r.text("force")?,
        review_id: r.text("review_id")?,
        plan_id: r.text("plan_id")?,
        plan_version: u32::try_from(version).map_err(|_| {
            StoreError::Corrupt(format!(
                "panel_review.plan_version: {version} is out of range"
            ))
        })?,
        met_on: date(r.text("met_on")?, "panel_review.met_on")?,
        pack_unit: r.opt_text("pack_unit")?,
        pack_from: date(r.text("pack_from")?, "panel_review.pack_from")?,
        pack_to: date(r.text("pack_to")?, "panel_review.pack_to")?,
        pack_hash: r.text("pack_hash")?,
        chair: r.text("chair")?,
        actions: r.text("actions")?,
        recorded_by: r.text("recorded_by")?,
        recorded_at: timestamp(r.int("recorded_at")?, "panel_review.recorded_at")?,
    })
}
