//! The reads `verify` needs beyond the chains, on SQLite: the head records, one page of cases'
//! stored read models, and read-model rows that belong to no live case.

use crate::error::Result;
use crate::integrity::{Heads, StoredReadModel};
use crate::model::CaseId;
use crate::rows::{self, Get, OBLIGATION_COLS, SUMMARY_COLS};
use sqlx::{AssertSqlSafe, Connection, QueryBuilder, Sqlite, SqlitePool};

/// Both head records.
pub(super) async fn heads(pool: &SqlitePool) -> Result<Heads> {
    let r = sqlx::query(
        "SELECT l.seq, l.hash, a.seq AS access_seq, a.hash AS access_hash \
         FROM log_head l JOIN access_head a ON a.id = 1 WHERE l.id = 1",
    )
    .fetch_one(pool)
    .await?;
    crate::integrity::heads_from(
        r.int("seq")?,
        &r.bytes("hash")?,
        r.int("access_seq")?,
        &r.bytes("access_hash")?,
    )
}

fn in_list(q: &mut QueryBuilder<Sqlite>, ids: &[CaseId]) {
    q.push(" WHERE case_id IN (");
    let mut sep = q.separated(", ");
    for id in ids {
        sep.push_bind(id.as_str().to_owned());
    }
    q.push(")");
}

/// The stored read-model rows of these cases (one read snapshot).
pub(super) async fn read_models(pool: &SqlitePool, ids: &[CaseId]) -> Result<Vec<StoredReadModel>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let out = read_models_on(&mut tx, ids).await?;
    tx.commit().await?;
    Ok(out)
}

/// The stored read-model rows of these cases, read on `tx` (inside the caller's transaction).
pub(super) async fn read_models_on(
    tx: &mut sqlx::SqliteConnection,
    ids: &[CaseId],
) -> Result<Vec<StoredReadModel>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::new(format!("SELECT {SUMMARY_COLS} FROM case_summary"));
    in_list(&mut q, ids);
    let summaries = q.build().fetch_all(&mut *tx).await?;
    let mut q = QueryBuilder::new(format!(
        "SELECT {OBLIGATION_COLS}, case_open FROM obligation"
    ));
    in_list(&mut q, ids);
    q.push(" ORDER BY case_id, ord");
    let obligations = q.build().fetch_all(&mut *tx).await?;
    let mut q = QueryBuilder::new("SELECT case_id, person, relation FROM case_person");
    in_list(&mut q, ids);
    let people = q.build().fetch_all(&mut *tx).await?;
    let mut q = QueryBuilder::new(format!("SELECT {} FROM case_report", rows::REPORT_COLS));
    in_list(&mut q, ids);
    let reports = q.build().fetch_all(&mut *tx).await?;
    let mut q = QueryBuilder::new(
        "SELECT case_id, obligation_id, instance, level, due_at FROM escalation_due",
    );
    in_list(&mut q, ids);
    let due = q.build().fetch_all(&mut *tx).await?;
    let mut q = QueryBuilder::new(
        "SELECT case_id, obligation_id, instance, level FROM obligation_escalation",
    );
    in_list(&mut q, ids);
    let decided = q.build().fetch_all(&mut *tx).await?;
    crate::integrity::assemble(
        ids,
        summaries.iter().map(rows::summary).collect::<Result<_>>()?,
        obligations
            .iter()
            .map(|r| Ok((rows::obligation(r)?, r.flag("case_open")?)))
            .collect::<Result<_>>()?,
        people
            .iter()
            .map(|r| Ok((r.text("case_id")?, r.text("person")?, r.text("relation")?)))
            .collect::<Result<_>>()?,
        reports
            .iter()
            .map(rows::case_report)
            .collect::<Result<_>>()?,
        due.iter()
            .map(|r| {
                Ok((
                    r.text("case_id")?,
                    crate::model::EscalationDue {
                        obligation_id: r.text("obligation_id")?,
                        instance: crate::encode::uint(r.int("instance")?, "instance")?,
                        level: crate::encode::uint(r.int("level")?, "level")?,
                        due_at: crate::encode::timestamp(r.int("due_at")?, "due_at")?,
                    },
                ))
            })
            .collect::<Result<_>>()?,
        decided
            .iter()
            .map(|r| {
                Ok((
                    r.text("case_id")?,
                    r.text("obligation_id")?,
                    crate::encode::uint(r.int("instance")?, "instance")?,
                    crate::encode::uint(r.int("level")?, "level")?,
                ))
            })
            .collect::<Result<_>>()?,
    )
}

/// Cases with read-model rows but no events, or disposed of (at most `limit`).
pub(super) async fn orphans(pool: &SqlitePool, limit: u32) -> Result<Vec<CaseId>> {
    let ids: Vec<String> = sqlx::query_scalar(AssertSqlSafe(ORPHANS.to_owned()))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?;
    ids.into_iter().map(crate::encode::case_id).collect()
}

const ORPHANS: &str = "SELECT case_id FROM (SELECT case_id FROM case_summary \
     UNION SELECT case_id FROM obligation UNION SELECT case_id FROM case_person UNION SELECT case_id FROM case_report \
     UNION SELECT case_id FROM escalation_due) r \
     WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.case_id = r.case_id) \
     OR EXISTS (SELECT 1 FROM disposal d WHERE d.case_id = r.case_id) \
     ORDER BY case_id LIMIT ?";
