//! The case reader of [`crate::feed`] on SQLite, and the batch write of rebuilt read models.

use super::write;
use crate::error::Result;
use crate::feed::{self, CaseChunk, CaseFeed};
use crate::model::{CaseId, Projection};
use crate::rows::{self, Get};
use sqlx::{Connection, QueryBuilder, Sqlite, SqliteConnection, SqlitePool};
use std::collections::{HashMap, HashSet};
use tokio::sync::mpsc::Sender;

/// Starts reading every case, `chunk` cases at a time, on a connection of the reader's own
/// (one connection, so one page cache, however long the read).
pub(super) async fn case_feed(pool: &SqlitePool, chunk: u32) -> Result<CaseFeed> {
    let estimate: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM case_summary) + (SELECT COUNT(*) FROM disposal)",
    )
    .fetch_one(pool)
    .await?;
    let conn = pool.acquire().await?;
    Ok(CaseFeed::spawn(
        u64::try_from(estimate).unwrap_or(0),
        move |tx| read(conn, chunk, tx),
    ))
}

async fn read(
    mut conn: sqlx::pool::PoolConnection<Sqlite>,
    chunk: u32,
    tx: Sender<Result<CaseChunk>>,
) {
    let mut after = String::new();
    loop {
        match read_chunk(&mut conn, &after, chunk).await {
            Ok(Some((c, last))) => {
                after = last;
                if !feed::send(&tx, Ok(c)).await {
                    return;
                }
            }
            Ok(None) => return,
            Err(e) => {
                feed::send(&tx, Err(e)).await;
                return;
            }
        }
    }
}

/// The next `limit` cases after `after`, in one read transaction; and the last case id.
async fn read_chunk(
    conn: &mut SqliteConnection,
    after: &str,
    limit: u32,
) -> Result<Option<(CaseChunk, String)>> {
    let mut tx = conn.begin().await?;
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT case_id FROM event WHERE case_id > ? ORDER BY case_id LIMIT ?",
    )
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(&mut *tx)
    .await?;
    let Some(last) = ids.last().cloned() else {
        tx.commit().await?;
        return Ok(None);
    };
    let rows = sqlx::query(
        "SELECT case_id, case_version, body, disposed FROM event \
         WHERE case_id > ? AND case_id <= ? ORDER BY case_id, case_version",
    )
    .bind(after)
    .bind(&last)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.text("case_id")?,
            r.int("case_version")?,
            r.text("body")?,
            r.flag("disposed")?,
        ))
    })
    .collect::<Result<Vec<_>>>()?;
    let disposals = sqlx::query(
        "SELECT case_id, by_person, at, reason FROM disposal WHERE case_id > ? AND case_id <= ?",
    )
    .bind(after)
    .bind(&last)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| {
        let d = rows::disposal(r)?;
        Ok((d.case_id.to_string(), d))
    })
    .collect::<Result<HashMap<_, _>>>()?;
    let cases = feed::group(rows, disposals)?;
    let ids: Vec<CaseId> = cases.iter().map(|c| c.case_id.clone()).collect();
    let stored = super::integrity::read_models_on(&mut tx, &ids).await?;
    tx.commit().await?;
    Ok(Some((CaseChunk { cases, stored }, last)))
}

/// Writes the projections of cases still at their projected version and not disposed of,
/// in the caller's write transaction; returns the ids of stale ones (not written).
pub(super) async fn replace_projections(
    tx: &mut SqliteConnection,
    projections: &[Projection],
) -> Result<Vec<CaseId>> {
    let mut versions: HashMap<String, i64> = HashMap::new();
    let mut disposed: HashSet<String> = HashSet::new();
    for chunk in projections.chunks(500) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT case_id, MAX(case_version) AS version FROM event WHERE case_id IN (",
        );
        let mut list = q.separated(", ");
        for p in chunk {
            list.push_bind(p.summary.case_id.as_str());
        }
        q.push(") GROUP BY case_id");
        for r in q.build().fetch_all(&mut *tx).await? {
            versions.insert(r.text("case_id")?, r.int("version")?);
        }
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT case_id FROM disposal WHERE case_id IN (");
        let mut list = q.separated(", ");
        for p in chunk {
            list.push_bind(p.summary.case_id.as_str());
        }
        q.push(")");
        for r in q.build().fetch_all(&mut *tx).await? {
            disposed.insert(r.text("case_id")?);
        }
    }
    let mut stale = Vec::new();
    for p in projections {
        let id = &p.summary.case_id;
        // No events, or disposed of meanwhile: nothing to rebuild.
        let Some(&version) = versions.get(id.as_str()) else {
            continue;
        };
        if disposed.contains(id.as_str()) {
            continue;
        }
        if u64::try_from(version).ok() != Some(p.summary.version) {
            stale.push(id.clone());
            continue;
        }
        write::projection(&mut *tx, p).await?;
    }
    Ok(stale)
}
