//! Groups of access entries written in one PostgreSQL transaction (see
//! [`crate::access_group`]).

use crate::access_group::GroupWrite;
use crate::encode;
use crate::error::Result;
use crate::model::*;
use crate::rows::Get;
use sqlx::{PgPool, Postgres, QueryBuilder};

/// The pool the access log's group committer writes through.
pub(super) struct AccessWriter {
    pub(super) pool: PgPool,
}

impl GroupWrite for AccessWriter {
    /// Locks the access head in the transaction, as a single entry does (several servers on
    /// one database append one chain, one group at a time), then writes every entry and the
    /// new head in one statement, and commits.
    async fn write_group(&self, entries: Vec<AccessEntry>) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let head = sqlx::query("SELECT seq, hash FROM access_head WHERE id = 1 FOR UPDATE")
            .fetch_one(&mut *tx)
            .await?;
        let head_hash = encode::hash(&head.bytes("hash")?, "access_head hash")?;
        let rows = encode::chain_accesses(entries, head.int("seq")?, &head_hash)?;
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            tx.commit().await?;
            return Ok(head.int("seq")? + 1);
        };
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(
            "WITH inserted AS (INSERT INTO access_log (seq, at, actor, action, case_id, what, justification, prev_hash, hash) ",
        );
        q.push_values(&rows, |mut b, n| {
            let e = &n.entry;
            b.push_bind(n.seq)
                .push_bind(encode::micros(e.at))
                .push_bind(e.actor.as_str())
                .push_bind(e.action.as_str())
                .push_bind(e.case_id.as_ref().map(CaseId::as_str))
                .push_bind(e.what.as_str())
                .push_bind(e.justification.as_str())
                .push_bind(&n.prev_hash[..])
                .push_bind(&n.hash[..]);
        });
        q.push(") UPDATE access_head SET seq = ")
            .push_bind(last.seq)
            .push(", hash = ")
            .push_bind(&last.hash[..])
            .push(" WHERE id = 1");
        q.build().execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(first.seq)
    }
}
