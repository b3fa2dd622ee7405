//! Notifications on PostgreSQL: the outbox rows an append writes in its transaction, and
//! [`NotificationStore`]. Delivery workers on several servers claim mail with
//! `FOR UPDATE SKIP LOCKED`, so no two take the same row and none waits for another.

use super::PostgresStore;
use crate::encode::micros;
use crate::error::Result;
use crate::model::CaseId;
use crate::notify::*;
use jiff::{SignedDuration, Timestamp};
use sqlx::{PgConnection, Postgres, QueryBuilder};

/// Removes a decided level from the sweep's index (migration 0020), in the deciding
/// transaction.
async fn undue(tx: &mut PgConnection, case_id: &CaseId, k: &EscalationKey) -> Result<()> {
    sqlx::query(
        "DELETE FROM escalation_due WHERE case_id = $1 AND obligation_id = $2 AND instance = $3 AND level = $4",
    )
    .bind(case_id.as_str())
    .bind(&k.obligation_id)
    .bind(i64::from(k.instance))
    .bind(i64::from(k.level))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

fn push_notifications(
    q: &mut QueryBuilder<Postgres>,
    case_id: &CaseId,
    ns: &[NewNotification],
    at: i64,
) {
    // One statement (PostgreSQL runs a single statement a call); an event tells a few people,
    // well under the 65535 parameters a statement may carry.
    {
        q.push(
            "INSERT INTO notification (case_id, person, role, kind, obligation_id, instance, level, \
             mandatory, urgent, headline, body, created_at, email, email_status, next_attempt_at, attempts) ",
        );
        q.push_values(ns, |mut b, n| {
            let status = initial_status(n);
            b.push_bind(case_id.as_str().to_owned())
                .push_bind(n.person.clone())
                .push_bind(n.role.clone())
                .push_bind(n.kind.clone())
                .push_bind(n.obligation_id.clone())
                .push_bind(i64::from(n.instance))
                .push_bind(i64::from(n.level))
                .push_bind(n.mandatory)
                .push_bind(n.urgent)
                .push_bind(n.headline.clone())
                .push_bind(n.body.clone())
                .push_bind(at)
                .push_bind(n.email.clone())
                .push_bind(status)
                // A new message may be tried at once, by any worker's clock: the time it is
                // written is the store's clock, which a worker's (or the test clock) may trail.
                // Held mail (quiet hours) waits for the time the application decided.
                .push_bind(first_attempt(n, status))
                .push_bind(0i64);
        });
    }
}

impl NotificationStore for PostgresStore {
    async fn escalation_candidates(
        &self,
        until: Timestamp,
        after: Option<&SweepCursor>,
        limit: u32,
    ) -> Result<Vec<EscalationCandidate>> {
        // Keyset paging in index order: a row value comparison after the last row read.
        let page = if after.is_some() {
            "AND (d.due_at, d.case_id, d.obligation_id, d.instance, d.level) > ($3, $4, $5, $6, $7)"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {cols}, d.level AS step_level, d.due_at AS step_due_at, \
             (SELECT string_agg(x.level::text, ',') FROM obligation_escalation x \
               WHERE x.case_id = o.case_id AND x.obligation_id = o.obligation_id \
               AND x.instance = o.instance) AS decided \
             FROM escalation_due d JOIN obligation o ON o.case_id = d.case_id \
               AND o.obligation_id = d.obligation_id AND o.instance = d.instance \
             WHERE d.due_at <= $1 {page} \
             ORDER BY d.due_at, d.case_id, d.obligation_id, d.instance, d.level LIMIT $2",
            cols = obligation_cols_of_o()
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(micros(until))
            .bind(i64::from(limit));
        if let Some(c) = after {
            query = query
                .bind(micros(c.due_at))
                .bind(c.case_id.as_str().to_owned())
                .bind(c.obligation_id.clone())
                .bind(i64::from(c.instance))
                .bind(i64::from(c.level));
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(candidate).collect()
    }

    async fn decide_without_event(
        &self,
        case_id: &CaseId,
        key: &EscalationKey,
        notifications: &[NewNotification],
        at: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO obligation_escalation (case_id, obligation_id, instance, level, final_level, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(case_id.as_str())
        .bind(&key.obligation_id)
        .bind(i64::from(key.instance))
        .bind(i64::from(key.level))
        .bind(key.final_level)
        .bind(micros(at))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        undue(&mut tx, case_id, key).await?;
        if !notifications.is_empty() {
            let mut q: QueryBuilder<Postgres> = QueryBuilder::new("");
            push_notifications(&mut q, case_id, notifications, micros(at));
            q.build().execute(&mut *tx).await?;
            super::webhooks::enqueue(&mut tx, case_id, micros(at)).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn escalation_decided(
        &self,
        case_id: &CaseId,
        obligation_id: &str,
        instance: u32,
        level: u32,
    ) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1::BIGINT FROM obligation_escalation WHERE case_id = $1 AND obligation_id = $2 \
             AND instance = $3 AND level = $4",
        )
        .bind(case_id.as_str())
        .bind(obligation_id)
        .bind(i64::from(instance))
        .bind(i64::from(level))
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    async fn inbox(&self, person: &str, limit: u32) -> Result<Vec<StoredNotification>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {NOTIFICATION_COLS} FROM notification WHERE person = $1 ORDER BY id DESC LIMIT $2"
        )))
        .bind(person)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored).collect()
    }

    async fn unread_count(&self, person: &str) -> Result<u64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notification WHERE person = $1 AND read_at IS NULL",
        )
        .bind(person)
        .fetch_one(&self.pool)
        .await?;
        crate::encode::uint(n, "unread count")
    }

    async fn mark_read(&self, person: &str, id: i64, at: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE notification SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND person = $3",
        )
        .bind(micros(at))
        .bind(id)
        .bind(person)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn case_notifications(&self, case_id: &CaseId) -> Result<Vec<StoredNotification>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {NOTIFICATION_COLS} FROM notification WHERE case_id = $1 ORDER BY id"
        )))
        .bind(case_id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored).collect()
    }

    async fn notification_problems(
        &self,
        force: &str,
        limit: u32,
    ) -> Result<Vec<StoredNotification>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {NOTIFICATION_COLS} FROM notification \
             WHERE case_id IN (SELECT case_id FROM case_summary WHERE force = $1) \
             AND (person IS NULL OR email_status = 'failed') \
             ORDER BY created_at DESC, id DESC LIMIT $2"
        )))
        .bind(force)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored).collect()
    }

    async fn notification_problem_counts(&self) -> Result<(u64, u64)> {
        let (gaps, failed): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*) FILTER (WHERE person IS NULL), \
             COUNT(*) FILTER (WHERE email_status = 'failed') FROM notification",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((
            crate::encode::uint(gaps, "gaps")?,
            crate::encode::uint(failed, "failed")?,
        ))
    }

    async fn notification_gaps(&self, limit: u32) -> Result<Vec<StoredNotification>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {NOTIFICATION_COLS} FROM notification WHERE person IS NULL \
             ORDER BY created_at DESC LIMIT $1"
        )))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored).collect()
    }

    async fn claim_emails(
        &self,
        now: Timestamp,
        lease: SignedDuration,
        limit: u32,
    ) -> Result<Vec<EmailJob>> {
        let until = now.checked_add(lease).unwrap_or(now);
        let rows = sqlx::query(
            "UPDATE notification SET next_attempt_at = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM notification WHERE email_status = 'pending' \
               AND next_attempt_at <= $2 ORDER BY next_attempt_at, id LIMIT $3 \
               FOR UPDATE SKIP LOCKED) \
             RETURNING id, case_id, email, headline, body, urgent, attempts",
        )
        .bind(micros(until))
        .bind(micros(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut jobs = rows.iter().map(email_job).collect::<Result<Vec<_>>>()?;
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    async fn email_sent(&self, id: i64, at: Timestamp, answer: &str) -> Result<()> {
        sqlx::query(
            "UPDATE notification SET email_status = 'sent', sent_at = $1, last_answer = $2, \
             next_attempt_at = NULL WHERE id = $3",
        )
        .bind(micros(at))
        .bind(answer)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn email_failed(&self, id: i64, answer: &str, retry_at: Option<Timestamp>) -> Result<()> {
        sqlx::query(
            "UPDATE notification SET email_status = $1, last_answer = $2, next_attempt_at = $3 \
             WHERE id = $4 AND email_status = 'pending'",
        )
        .bind(if retry_at.is_some() {
            "pending"
        } else {
            "failed"
        })
        .bind(answer)
        .bind(retry_at.map(micros))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
