//! Webhooks on PostgreSQL (see [`crate::webhooks`]): the statement an append runs in its
//! transaction to queue its notifications for the force's endpoints, and [`WebhookStore`].
//! Workers on several servers claim deliveries with `FOR UPDATE SKIP LOCKED`.

use super::PostgresStore;
use crate::encode::micros;
use crate::error::Result;
use crate::model::CaseId;
use crate::webhooks::*;
use jiff::{SignedDuration, Timestamp};
use sqlx::PgConnection;

/// Queues the notifications just written for a case at `at` to each active endpoint of the
/// case's force that takes their kind, inside the append's transaction. A victim's own
/// updates never go to a webhook (they are for the victim alone).
pub(super) async fn enqueue(tx: &mut PgConnection, case_id: &CaseId, at: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO webhook_delivery (endpoint_id, notification_id, case_id, status, attempts, \
         next_attempt_at, created_at) \
         SELECT e.id, n.id, n.case_id, 'pending', 0, n.created_at, n.created_at \
         FROM notification n JOIN case_summary s ON s.case_id = n.case_id \
         JOIN webhook_endpoint e ON e.force = s.force AND e.active \
         WHERE n.case_id = $1 AND n.created_at = $2 AND n.kind <> 'victim_update' \
         AND (e.kinds = '' OR strpos(',' || e.kinds || ',', ',' || n.kind || ',') > 0) \
         ON CONFLICT DO NOTHING",
    )
    .bind(case_id.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

impl WebhookStore for PostgresStore {
    async fn add_webhook(&self, e: &NewWebhookEndpoint) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhook_endpoint (force, name, url, secret, kinds, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&e.force)
        .bind(&e.name)
        .bind(&e.url)
        .bind(&e.secret)
        .bind(join_kinds(&e.kinds))
        .bind(&e.created_by)
        .bind(micros(e.created_at))
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    async fn webhooks(&self, force: &str) -> Result<Vec<WebhookEndpoint>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ENDPOINT_COLS} FROM webhook_endpoint WHERE force = $1 AND active ORDER BY id"
        )))
        .bind(force)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(endpoint_row)
        .collect()
    }

    async fn remove_webhook(&self, force: &str, id: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE webhook_endpoint SET active = FALSE WHERE force = $1 AND id = $2 AND active",
        )
        .bind(force)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn claim_webhooks(
        &self,
        now: Timestamp,
        lease: SignedDuration,
        limit: u32,
    ) -> Result<Vec<WebhookJob>> {
        let until = now.checked_add(lease).unwrap_or(now);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "WITH claimed AS (UPDATE webhook_delivery SET next_attempt_at = $1, \
               attempts = attempts + 1 \
             WHERE id IN (SELECT d.id FROM webhook_delivery d \
               JOIN webhook_endpoint e ON e.id = d.endpoint_id AND e.active \
               WHERE d.status = 'pending' AND d.next_attempt_at <= $2 \
               ORDER BY d.next_attempt_at, d.id LIMIT $3 FOR UPDATE OF d SKIP LOCKED) \
             RETURNING id, endpoint_id, notification_id, attempts) \
             SELECT {JOB_COLS} FROM claimed d \
             JOIN webhook_endpoint e ON e.id = d.endpoint_id \
             JOIN notification n ON n.id = d.notification_id"
        )))
        .bind(micros(until))
        .bind(micros(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut jobs = rows.iter().map(job_row).collect::<Result<Vec<_>>>()?;
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    async fn webhook_sent(&self, id: i64, at: Timestamp, answer: &str) -> Result<()> {
        sqlx::query(
            "UPDATE webhook_delivery SET status = 'sent', sent_at = $1, last_answer = $2, \
             next_attempt_at = NULL WHERE id = $3",
        )
        .bind(micros(at))
        .bind(answer)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn webhook_failed(
        &self,
        id: i64,
        answer: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE webhook_delivery SET status = $1, last_answer = $2, next_attempt_at = $3 \
             WHERE id = $4 AND status = 'pending'",
        )
        .bind(if retry_at.is_some() {
            "pending"
        } else {
            "dead"
        })
        .bind(answer)
        .bind(retry_at.map(micros))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn webhook_problems(&self, force: &str, limit: u32) -> Result<Vec<WebhookDelivery>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLS} FROM webhook_delivery d \
             JOIN webhook_endpoint e ON e.id = d.endpoint_id \
             JOIN notification n ON n.id = d.notification_id \
             WHERE e.force = $1 AND (d.status = 'dead' OR (d.status = 'pending' AND d.last_answer IS NOT NULL)) \
             ORDER BY d.id DESC LIMIT $2"
        )))
        .bind(force)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(delivery_row)
        .collect()
    }

    async fn retry_dead_letter(&self, force: &str, id: i64, now: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = $1 \
             WHERE id = $2 AND status = 'dead' \
             AND endpoint_id IN (SELECT id FROM webhook_endpoint WHERE force = $3 AND active)",
        )
        .bind(micros(now))
        .bind(id)
        .bind(force)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn webhook_problem_counts(&self) -> Result<(u64, u64)> {
        let (failing, dead): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*) FILTER (WHERE status = 'pending' AND last_answer IS NOT NULL), \
             COUNT(*) FILTER (WHERE status = 'dead') FROM webhook_delivery",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((
            crate::encode::uint(failing, "failing webhooks")?,
            crate::encode::uint(dead, "dead letters")?,
        ))
    }
}
