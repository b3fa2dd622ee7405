//! The plan register on SQLite (see [`crate::plans`]).

use super::SqliteStore;
use crate::encode::micros;
use crate::error::{Result, StoreError};
use crate::plans::{
    NewPlanEntry, PLAN_COLS, PlanEntry, PlanStore, check_new_entry, next_entry, plan_row,
};
use crate::rows::Get;

impl PlanStore for SqliteStore {
    async fn record_plan(&self, entry: NewPlanEntry) -> Result<PlanEntry> {
        // Entries queue on the same write lock as appends, so the chain has one writer.
        let (_guard, mut tx) = self.begin_write().await?;
        let installed = sqlx::query(
            "SELECT force, version, source_hash FROM plan_register \
             WHERE plan_id = ? AND source IS NOT NULL",
        )
        .bind(&entry.plan_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.text("force")?,
                crate::encode::uint(r.int("version")?, "plan_register.version")?,
                r.text("source_hash")?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
        let row = check_new_entry(&entry, &installed)
            .map_err(|(field, message)| StoreError::Refused { field, message })?;
        let last = sqlx::query("SELECT seq, hash FROM plan_register ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| Ok::<_, StoreError>((r.int("seq")?, r.text("hash")?)))
            .transpose()?;
        let stored = next_entry(entry, row, last);
        sqlx::query(
            "INSERT INTO plan_register (seq, force, plan_id, version, source, source_hash, \
             effective_from, recorded_at, recorded_by, prev_hash, hash) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(stored.seq)
        .bind(&stored.force)
        .bind(&stored.plan_id)
        .bind(i64::from(stored.version))
        .bind(&stored.source)
        .bind(&stored.source_hash)
        .bind(micros(stored.effective_from))
        .bind(micros(stored.recorded_at))
        .bind(&stored.recorded_by)
        .bind(&stored.prev_hash)
        .bind(&stored.hash)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn plan_register(&self) -> Result<Vec<PlanEntry>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PLAN_COLS}, source FROM plan_register ORDER BY seq"
        )))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| plan_row(r, true))
        .collect()
    }

    async fn plan_adoptions(&self, force: &str) -> Result<Vec<PlanEntry>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PLAN_COLS} FROM plan_register WHERE force = ? ORDER BY seq"
        )))
        .bind(force)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| plan_row(r, false))
        .collect()
    }
}
