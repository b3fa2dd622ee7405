//! The scrutiny panel's reviews on this backend (see [`crate::panel`]).

use super::SqliteStore;
use crate::encode::micros;
use crate::error::Result;
use crate::panel::{PANEL_COLS, PanelReview, PanelReviewStore, panel_row};

impl PanelReviewStore for SqliteStore {
    async fn record_panel_review(&self, r: &PanelReview) -> Result<i64> {
        let (_guard, mut tx) = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO panel_review (force, review_id, plan_id, plan_version, met_on, \
             pack_unit, pack_from, pack_to, pack_hash, chair, actions, recorded_by, recorded_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&r.force)
        .bind(&r.review_id)
        .bind(&r.plan_id)
        .bind(i64::from(r.plan_version))
        .bind(r.met_on.to_string())
        .bind(&r.pack_unit)
        .bind(r.pack_from.to_string())
        .bind(r.pack_to.to_string())
        .bind(&r.pack_hash)
        .bind(&r.chair)
        .bind(&r.actions)
        .bind(&r.recorded_by)
        .bind(micros(r.recorded_at))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn panel_reviews(&self, force: &str) -> Result<Vec<PanelReview>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PANEL_COLS} FROM panel_review WHERE force = ? ORDER BY met_on, id"
        )))
        .bind(force)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(panel_row)
        .collect()
    }
}
