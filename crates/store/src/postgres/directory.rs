//! Imports on PostgreSQL (see [`crate::directory`]).

use super::{PostgresStore, org};
use crate::directory::*;
use crate::encode;
use crate::error::{Result, StoreError};
use crate::model::{Append, CaseId, ObligationRow};
use crate::rows::{self, Get, OBLIGATION_COLS};
use jiff::Timestamp;
use sqlx::postgres::PgRow;

fn source_record(r: &PgRow) -> Result<SourceRecord> {
    Ok(SourceRecord {
        source: r.text("source")?,
        record_id: r.text("record_id")?,
        case_id: encode::case_id(r.text("case_id")?)?,
        recorded: r.text("recorded")?,
        recorded_at: encode::timestamp(r.int("recorded_at")?, "source_record recorded_at")?,
    })
}

fn unmatched(r: &PgRow) -> Result<UnmatchedRecord> {
    Ok(UnmatchedRecord {
        source: r.text("source")?,
        record_id: r.text("record_id")?,
        force: r.text("force")?,
        crime_reference: r.text("crime_reference")?,
        pledge_reference: r.opt_text("pledge_reference")?,
        reason: r.text("reason")?,
        received_at: encode::timestamp(r.int("received_at")?, "unmatched received_at")?,
    })
}

impl DirectoryStore for PostgresStore {
    async fn import_directory(&self, import: &DirectoryImport) -> Result<DirectoryImported> {
        let mut tx = self.begin_write().await?;
        // Queue with appends and other imports: the directory is written by one at a time.
        Self::lock_log(&mut tx).await?;
        let mut done = DirectoryImported::default();
        for u in &import.units {
            org::save_unit(&mut tx, u, None).await?;
            done.units += 1;
        }
        for p in &import.people {
            org::save_person(&mut tx, p, None).await?;
            done.people += 1;
        }
        // Anyone listed is current: a returner's mark goes (few are marked, so ask which).
        let marked: std::collections::HashSet<String> =
            sqlx::query_scalar("SELECT id FROM person WHERE left_on IS NOT NULL")
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
        for p in import.people.iter().filter(|p| marked.contains(&p.id)) {
            sqlx::query("UPDATE person SET left_on = NULL, version = version + 1 WHERE id = $1")
                .bind(&p.id)
                .execute(&mut *tx)
                .await?;
        }
        for (id, day) in &import.leavers {
            let n = sqlx::query(
                "UPDATE person SET left_on = $2, version = version + 1 \
                 WHERE id = $1 AND left_on IS NULL",
            )
            .bind(id)
            .bind(date_text(*day))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            done.leavers += usize::try_from(n).unwrap_or(0);
        }
        tx.commit().await?;
        Ok(done)
    }

    async fn leavers(&self) -> Result<Vec<Leaver>> {
        let rows = sqlx::query("SELECT * FROM person WHERE left_on IS NOT NULL ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Leaver {
                    person: rows::person(r)?,
                    left_on: date_of(&r.text("left_on")?)?,
                })
            })
            .collect()
    }

    async fn leavers_open_obligations(
        &self,
        force: &str,
        limit: u32,
    ) -> Result<Vec<ObligationRow>> {
        let sql = format!(
            "SELECT {OBLIGATION_COLS} FROM obligation WHERE force = $1 AND status = 'open' \
             AND case_open AND owner_person IN \
             (SELECT id FROM person WHERE left_on IS NOT NULL) \
             ORDER BY due_at ASC NULLS LAST, case_id, ord LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(force)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::obligation).collect()
    }

    async fn cases_with_crime_reference(&self, reference: &str) -> Result<Vec<CaseId>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT case_id FROM event WHERE event_type = 'crime_recorded' \
             AND NOT disposed AND (body::jsonb ->> 'crime_reference') = $1 ORDER BY case_id",
        )
        .bind(reference)
        .fetch_all(&self.pool)
        .await?;
        ids.into_iter().map(encode::case_id).collect()
    }

    async fn append_from_source(
        &self,
        append: Append,
        record: SourceRecord,
    ) -> Result<SourceAppend> {
        encode::check_append(&append)?;
        check_record(&record)?;
        let result = async {
            let mut tx = self.begin_write().await?;
            // The append takes the log lock; take it first so the claim is checked after
            // every earlier append of the same record committed.
            Self::lock_log(&mut tx).await?;
            let claimed =
                sqlx::query("SELECT * FROM source_record WHERE source = $1 AND record_id = $2")
                    .bind(&record.source)
                    .bind(&record.record_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(r) = claimed {
                return Ok(SourceAppend::AlreadyRecorded(source_record(&r)?));
            }
            let done = Box::pin(super::append::append_batch(
                &mut tx,
                std::slice::from_ref(&append),
                Timestamp::now(),
            ))
            .await?
            .ok_or_else(|| StoreError::Invalid("an append was not answered".into()))?;
            sqlx::query(
                "INSERT INTO source_record (source, record_id, case_id, recorded, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&record.source)
            .bind(&record.record_id)
            .bind(record.case_id.as_str())
            .bind(&record.recorded)
            .bind(encode::micros(record.recorded_at))
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM unmatched_record WHERE source = $1 AND record_id = $2")
                .bind(&record.source)
                .bind(&record.record_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(SourceAppend::Appended(done))
        }
        .await;
        match result {
            Err(e) => Err(self
                .conflict_or(e, &[(&append.case_id, append.expected_version)])
                .await),
            ok => ok,
        }
    }

    async fn source_record(&self, source: &str, record_id: &str) -> Result<Option<SourceRecord>> {
        sqlx::query("SELECT * FROM source_record WHERE source = $1 AND record_id = $2")
            .bind(source)
            .bind(record_id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(source_record)
            .transpose()
    }

    async fn keep_unmatched(&self, r: &UnmatchedRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO unmatched_record (source, record_id, force, crime_reference, \
             pledge_reference, reason, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (source, record_id) DO UPDATE SET crime_reference = excluded.crime_reference, \
             pledge_reference = excluded.pledge_reference, reason = excluded.reason, \
             received_at = excluded.received_at WHERE unmatched_record.force = excluded.force",
        )
        .bind(&r.source)
        .bind(&r.record_id)
        .bind(&r.force)
        .bind(&r.crime_reference)
        .bind(&r.pledge_reference)
        .bind(&r.reason)
        .bind(encode::micros(r.received_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn unmatched(&self, force: &str, limit: u32) -> Result<Vec<UnmatchedRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM unmatched_record WHERE force = $1 \
             ORDER BY received_at DESC, source, record_id LIMIT $2",
        )
        .bind(force)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(unmatched).collect()
    }

    async fn keep_upload(&self, u: &ImportUpload) -> Result<()> {
        sqlx::query(
            "INSERT INTO import_upload (id, actor, kind, options, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&u.id)
        .bind(&u.actor)
        .bind(&u.kind)
        .bind(&u.options)
        .bind(&u.body)
        .bind(encode::micros(u.created_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn upload(&self, id: &str, actor: &str) -> Result<Option<ImportUpload>> {
        let row = sqlx::query("SELECT * FROM import_upload WHERE id = $1 AND actor = $2")
            .bind(id)
            .bind(actor)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(ImportUpload {
                id: r.text("id")?,
                actor: r.text("actor")?,
                kind: r.text("kind")?,
                options: r.text("options")?,
                body: r.bytes("body")?,
                created_at: encode::timestamp(r.int("created_at")?, "upload created_at")?,
            })
        })
        .transpose()
    }

    async fn remove_uploads(&self, id: &str, before: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM import_upload WHERE id = $1 OR created_at < $2")
            .bind(id)
            .bind(encode::micros(before))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
