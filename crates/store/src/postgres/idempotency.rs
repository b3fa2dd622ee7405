//! Idempotency records on PostgreSQL: reading and pruning (an append writes them, see
//! `write::append`).

use super::PostgresStore;
use crate::encode::micros;
use crate::error::Result;
use crate::idempotency::{IDEMPOTENCY_COLS, IdempotencyStore, IdempotentResponse, idempotent_row};
use jiff::Timestamp;

impl IdempotencyStore for PostgresStore {
    async fn idempotent_response(
        &self,
        actor: &str,
        key: &str,
    ) -> Result<Option<IdempotentResponse>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {IDEMPOTENCY_COLS} FROM idempotency WHERE actor = $1 AND key = $2"
        )))
        .bind(actor)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| idempotent_row(&r))
        .transpose()
    }

    async fn prune_idempotent_responses(&self, before: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM idempotency WHERE created_at < $1")
            .bind(micros(before))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
