//! The on-call rota on PostgreSQL (see [`crate::on_call`]).

use super::PostgresStore;
use crate::encode::micros;
use crate::error::Result;
use crate::on_call::{OnCallShift, OnCallStore, SHIFT_COLS, shift_row};
use jiff::Timestamp;

impl OnCallStore for PostgresStore {
    async fn add_shifts(&self, shifts: &[OnCallShift]) -> Result<Vec<i64>> {
        let mut tx = self.begin_write().await?;
        let mut ids = Vec::with_capacity(shifts.len());
        for s in shifts {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO on_call (force, role, person, starts_at, ends_at, recorded_by, \
                 recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(&s.force)
            .bind(&s.role)
            .bind(&s.person)
            .bind(micros(s.starts_at))
            .bind(micros(s.ends_at))
            .bind(&s.recorded_by)
            .bind(micros(s.recorded_at))
            .fetch_one(&mut *tx)
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn remove_shift(&self, force: &str, id: i64) -> Result<bool> {
        let done = sqlx::query("DELETE FROM on_call WHERE force = $1 AND id = $2")
            .bind(force)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn on_call_at(&self, force: &str, role: &str, at: Timestamp) -> Result<Vec<OnCallShift>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SHIFT_COLS} FROM on_call WHERE force = $1 AND role = $2 AND starts_at <= $3 \
             AND ends_at > $4 ORDER BY starts_at, id"
        )))
        .bind(force)
        .bind(role)
        .bind(micros(at))
        .bind(micros(at))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(shift_row)
        .collect()
    }

    async fn shifts_between(
        &self,
        force: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<OnCallShift>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SHIFT_COLS} FROM on_call WHERE force = $1 AND starts_at < $2 AND ends_at > $3 \
             ORDER BY starts_at, role, id"
        )))
        .bind(force)
        .bind(micros(to))
        .bind(micros(from))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(shift_row)
        .collect()
    }
}
