//! Webhooks on SQLite (see [`crate::webhooks`]): the statement an append adds to queue its
//! notifications for the force's endpoints, and [`WebhookStore`]. One writer, so a claim is
//! a plain UPDATE under the store's write lock.

use super::SqliteStore;
use crate::encode::micros;
use crate::error::Result;
use crate::model::CaseId;
use crate::webhooks::*;
use jiff::{SignedDuration, Timestamp};
use sqlx::{QueryBuilder, Sqlite};

/// Pushes (ending in `;`) the statement that queues the notifications just written for a
/// case at `at` to each active endpoint of the case's force that takes their kind. A victim's
/// own updates never go to a webhook (they are for the victim alone).
pub(super) fn push_enqueue(q: &mut QueryBuilder<Sqlite>, case_id: &CaseId, at: i64) {
    q.push(
        "INSERT INTO webhook_delivery (endpoint_id, notification_id, case_id, status, attempts, \
         next_attempt_at, created_at) \
         SELECT e.id, n.id, n.case_id, 'pending', 0, n.created_at, n.created_at \
         FROM notification n JOIN case_summary s ON s.case_id = n.case_id \
         JOIN webhook_endpoint e ON e.force = s.force AND e.active = 1 \
         WHERE n.case_id = ",
    );
    q.push_bind(case_id.as_str().to_owned());
    q.push(" AND n.kind <> 'victim_update' AND n.created_at = ");
    q.push_bind(at);
    q.push(
        " AND (e.kinds = '' OR instr(',' || e.kinds || ',', ',' || n.kind || ',') > 0) \
         ON CONFLICT DO NOTHING;\n",
    );
}

impl WebhookStore for SqliteStore {
    async fn add_webhook(&self, e: &NewWebhookEndpoint) -> Result<i64> {
        let _guard = self.write_lock.lock().await;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhook_endpoint (force, name, url, secret, kinds, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
            "SELECT {ENDPOINT_COLS} FROM webhook_endpoint WHERE force = ? AND active = 1 ORDER BY id"
        )))
        .bind(force)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(endpoint_row)
        .collect()
    }

    async fn remove_webhook(&self, force: &str, id: i64) -> Result<bool> {
        let _guard = self.write_lock.lock().await;
        let done = sqlx::query(
            "UPDATE webhook_endpoint SET active = 0 WHERE force = ? AND id = ? AND active = 1",
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
        let (_guard, mut tx) = self.begin_write().await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "UPDATE webhook_delivery SET next_attempt_at = ?1, attempts = attempts + 1 \
             WHERE id IN (SELECT d.id FROM webhook_delivery d \
               JOIN webhook_endpoint e ON e.id = d.endpoint_id AND e.active = 1 \
               WHERE d.status = 'pending' AND d.next_attempt_at <= ?2 \
               ORDER BY d.next_attempt_at, d.id LIMIT ?3) RETURNING id",
        )
        .bind(micros(until))
        .bind(micros(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        let mut jobs = Vec::with_capacity(ids.len());
        for id in ids {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {JOB_COLS} FROM webhook_delivery d \
                 JOIN webhook_endpoint e ON e.id = d.endpoint_id \
                 JOIN notification n ON n.id = d.notification_id WHERE d.id = ?"
            )))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            jobs.push(job_row(&row)?);
        }
        tx.commit().await?;
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    async fn webhook_sent(&self, id: i64, at: Timestamp, answer: &str) -> Result<()> {
        let _guard = self.write_lock.lock().await;
        sqlx::query(
            "UPDATE webhook_delivery SET status = 'sent', sent_at = ?, last_answer = ?, \
             next_attempt_at = NULL WHERE id = ?",
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
        let _guard = self.write_lock.lock().await;
        sqlx::query(
            "UPDATE webhook_delivery SET status = ?, last_answer = ?, next_attempt_at = ? \
             WHERE id = ? AND status = 'pending'",
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
             WHERE e.force = ? AND (d.status = 'dead' OR (d.status = 'pending' AND d.last_answer IS NOT NULL)) \
             ORDER BY d.id DESC LIMIT ?"
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
        let _guard = self.write_lock.lock().await;
        let done = sqlx::query(
            "UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = ? \
             WHERE id = ? AND status = 'dead' \
             AND endpoint_id IN (SELECT id FROM webhook_endpoint WHERE force = ? AND active = 1)",
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
