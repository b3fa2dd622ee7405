//! Groups of access entries written in one SQLite transaction (see [`crate::access_group`]).

use super::write::{Conn, OwnTx};
use crate::access_group::GroupWrite;
use crate::encode;
use crate::error::Result;
use crate::model::*;
use crate::rows::Get;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, QueryBuilder, Sqlite, SqliteConnection, SqlitePool};
use std::sync::Arc;

/// The store's writer as the access log's group committer uses it: the same write lock and
/// writer connection as appends, so groups and appends take turns at SQLite's one writer.
pub(super) struct AccessWriter {
    pub(super) pool: SqlitePool,
    pub(super) lock: Arc<tokio::sync::Mutex<Option<SqliteConnection>>>,
    /// How to open the writer connection; `None` for an in-memory database (the pool's one
    /// connection is the database).
    pub(super) options: Option<Arc<SqliteConnectOptions>>,
}

impl GroupWrite for AccessWriter {
    async fn write_group(&self, entries: Vec<AccessEntry>) -> Result<i64> {
        let mut writer = self.lock.lock().await;
        match &self.options {
            Some(options) => {
                if writer.is_none() {
                    *writer = Some(SqliteConnection::connect_with(options).await?);
                }
                write_own_tx(Conn::Own(&mut writer), entries).await
            }
            None => {
                let mut conn = self.pool.acquire().await?;
                write_own_tx(Conn::Pool(&mut conn), entries).await
            }
        }
    }
}

/// The group in two calls to the connection's worker thread, as a single append: `BEGIN
/// IMMEDIATE` with the read of the access head, then every insert, the new head and `COMMIT`.
async fn write_own_tx(conn: Conn<'_>, entries: Vec<AccessEntry>) -> Result<i64> {
    let mut tx = OwnTx::new(conn);
    let c = tx.conn()?;
    let result = write_group_sql(c, entries).await;
    tx.finish(result).await
}

async fn write_group_sql(c: &mut SqliteConnection, entries: Vec<AccessEntry>) -> Result<i64> {
    let head = sqlx::query("BEGIN IMMEDIATE; SELECT seq, hash FROM access_head WHERE id = 1")
        .fetch_one(&mut *c)
        .await?;
    let head_hash = encode::hash(&head.bytes("hash")?, "access_head hash")?;
    let rows = encode::chain_accesses(entries, head.int("seq")?, &head_hash)?;
    let Some(first) = rows.first() else {
        sqlx::query("COMMIT").execute(&mut *c).await?;
        return Ok(head.int("seq")? + 1);
    };
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("");
    super::write::push_access(&mut q, &rows);
    q.push("\nCOMMIT;");
    q.build().execute(&mut *c).await?;
    Ok(first.seq)
}
