//! Writes inside a SQLite write transaction (`BEGIN IMMEDIATE`, see the module docs).

use crate::encode::{self, TOMBSTONE};
use crate::error::{Result, StoreError};
use crate::model::*;
use crate::rows::Get;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

/// Appends one case's events, its read models and its access entry.
pub(super) async fn append(
    tx: &mut SqliteConnection,
    a: &Append,
    recorded_at: jiff::Timestamp,
) -> Result<Appended> {
    let head = sqlx::query("SELECT seq, hash FROM log_head WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let (head_seq, head_hash) = (
        head.int("seq")?,
        encode::hash(&head.bytes("hash")?, "log_head hash")?,
    );
    let last = sqlx::query("SELECT case_version, case_hash FROM event WHERE case_id = ? ORDER BY case_version DESC LIMIT 1")
        .bind(a.case_id.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    let (actual, prev_case) = match last {
        Some(r) => (
            encode::uint::<u64>(r.int("case_version")?, "case version")?,
            encode::hash(&r.bytes("case_hash")?, "case hash")?,
        ),
        None => (0, crate::chain::GENESIS),
    };
    if actual != a.expected_version {
        return Err(StoreError::Conflict {
            case_id: a.case_id.to_string(),
            expected: a.expected_version,
            actual,
        });
    }
    // Only a case with events can have been disposed of: a new case skips the lookup.
    let disposed: Option<i64> = if actual == 0 {
        None
    } else {
        sqlx::query_scalar("SELECT 1 FROM disposal WHERE case_id = ?")
            .bind(a.case_id.as_str())
            .fetch_optional(&mut *tx)
            .await?
    };
    if disposed.is_some() {
        return Err(StoreError::NotFound(format!(
            "{} (its personal data was disposed of)",
            a.case_id
        )));
    }
    let rows = encode::chain_events(
        &a.case_id, actual, prev_case, head_seq, head_hash, &a.events,
    )?;
    let recorded_at = encode::micros(recorded_at);
    // One multi-row INSERT per chunk rather than one statement per event: an import of many
    // events per case spends most of its time handing statements to SQLite's worker thread.
    // 13 parameters a row; SQLite allows 32766 a statement.
    for chunk in rows.chunks(EVENT_ROWS_PER_INSERT) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO event (seq, case_id, case_version, event_type, at, by_person, body, recorded_at, \
             content_hash, prev_case_hash, case_hash, prev_log_hash, log_hash, disposed) ",
        );
        q.push_values(chunk, |mut b, r| {
            b.push_bind(r.seq)
                .push_bind(a.case_id.as_str())
                .push_bind(r.version)
                .push_bind(r.event_type)
                .push_bind(r.at)
                .push_bind(r.by.as_str())
                .push_bind(r.body.as_str())
                .push_bind(recorded_at)
                .push_bind(&r.content_hash[..])
                .push_bind(&r.prev_case_hash[..])
                .push_bind(&r.case_hash[..])
                .push_bind(&r.prev_log_hash[..])
                .push_bind(&r.log_hash[..])
                .push_bind(0i64);
        });
        q.build().execute(&mut *tx).await?;
    }
    let Some(last) = rows.last() else {
        return Err(StoreError::Invalid(format!(
            "an append to case {} has no events",
            a.case_id
        )));
    };
    sqlx::query("UPDATE log_head SET seq = ?, hash = ? WHERE id = 1")
        .bind(last.seq)
        .bind(&last.log_hash[..])
        .execute(&mut *tx)
        .await?;
    // A new case has no read models yet: nothing to delete first.
    insert_projection(tx, &a.projection, actual > 0).await?;
    access(tx, a.access.clone()).await?;
    Ok(Appended {
        version: actual + a.events.len() as u64,
        last_seq: last.seq,
        head: last.log_hash,
    })
}

/// Event rows per INSERT statement.
const EVENT_ROWS_PER_INSERT: usize = 1000;

/// Replaces a case's read models.
pub(super) async fn projection(tx: &mut SqliteConnection, p: &Projection) -> Result<()> {
    insert_projection(tx, p, true).await
}

/// Writes a case's read models, deleting the old ones first when `replace`.
async fn insert_projection(tx: &mut SqliteConnection, p: &Projection, replace: bool) -> Result<()> {
    let s = &p.summary;
    let id = s.case_id.as_str();
    if replace {
        delete_read_models(tx, id).await?;
    }
    sqlx::query(
        "INSERT INTO case_summary (case_id, plan_id, plan_version, force, unit, occurred_at, reported_at, injury, \
         hospitalised, hate_crime, status, oic, supervisor, victims, arrested, no_arrest_reason, outcome_type, version) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(&s.plan_id)
    .bind(i64::from(s.plan_version))
    .bind(&s.force)
    .bind(&s.unit)
    .bind(encode::micros(s.occurred_at))
    .bind(encode::micros(s.reported_at))
    .bind(&s.injury)
    .bind(s.hospitalised)
    .bind(encode::list(&s.hate_crime)?)
    .bind(&s.status)
    .bind(&s.oic)
    .bind(&s.supervisor)
    .bind(encode::list(&s.victims)?)
    .bind(s.arrested)
    .bind(s.no_arrest_reason)
    .bind(s.outcome_type.map(i64::from))
    .bind(encode::int(s.version, "summary version")?)
    .execute(&mut *tx)
    .await?;
    let people = encode::case_people(s);
    if !people.is_empty() {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO case_person (case_id, person, relation) ");
        q.push_values(&people, |mut b, (person, rel)| {
            b.push_bind(id).push_bind(person.as_str()).push_bind(*rel);
        });
        q.build().execute(&mut *tx).await?;
    }
    // 14 parameters a row; SQLite allows 32766 a statement.
    for (chunk_no, chunk) in p.obligations.chunks(1000).enumerate() {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO obligation (case_id, obligation_id, instance, ord, point, title, owner_role, owner_person, \
             force, unit, started_at, due_at, completed_at, status) ",
        );
        q.push_values(chunk.iter().enumerate(), |mut b, (i, o)| {
            b.push_bind(id)
                .push_bind(o.obligation_id.as_str())
                .push_bind(i64::from(o.instance))
                .push_bind((chunk_no * 1000 + i) as i64)
                .push_bind(o.point.as_str())
                .push_bind(o.title.as_str())
                .push_bind(o.owner_role.as_str())
                .push_bind(o.owner_person.as_deref())
                .push_bind(o.force.as_str())
                .push_bind(o.unit.as_str())
                .push_bind(o.started_at.map(encode::micros))
                .push_bind(o.due_at.map(encode::micros))
                .push_bind(o.completed_at.map(encode::micros))
                .push_bind(o.status.as_str());
        });
        q.build().execute(&mut *tx).await?;
    }
    Ok(())
}

async fn delete_read_models(tx: &mut SqliteConnection, id: &str) -> Result<()> {
    for sql in [
        "DELETE FROM obligation WHERE case_id = ?",
        "DELETE FROM case_person WHERE case_id = ?",
        "DELETE FROM case_summary WHERE case_id = ?",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    Ok(())
}

/// Appends an access entry to its chain; returns its seq.
pub(super) async fn access(tx: &mut SqliteConnection, entry: AccessEntry) -> Result<i64> {
    let head = sqlx::query("SELECT seq, hash FROM access_head WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let head_hash = encode::hash(&head.bytes("hash")?, "access_head hash")?;
    let n = encode::chain_access(entry, head.int("seq")?, &head_hash)?;
    let e = &n.entry;
    sqlx::query(
        "INSERT INTO access_log (seq, at, actor, action, case_id, what, justification, prev_hash, hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(n.seq)
    .bind(encode::micros(e.at))
    .bind(&e.actor)
    .bind(e.action.as_str())
    .bind(e.case_id.as_ref().map(CaseId::as_str))
    .bind(&e.what)
    .bind(&e.justification)
    .bind(&n.prev_hash[..])
    .bind(&n.hash[..])
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE access_head SET seq = ?, hash = ? WHERE id = 1")
        .bind(n.seq)
        .bind(&n.hash[..])
        .execute(&mut *tx)
        .await?;
    Ok(n.seq)
}

/// Checks a disposal request before touching the database.
pub(crate) fn check_disposal(d: &Disposal) -> Result<()> {
    if d.by.trim().is_empty() {
        return Err(StoreError::Invalid(
            "a disposal must say who authorised it".into(),
        ));
    }
    if d.reason.trim().is_empty() {
        return Err(StoreError::Invalid("a disposal needs a reason".into()));
    }
    Ok(())
}

/// Disposes of a case's personal data (see the module docs).
pub(super) async fn dispose(tx: &mut SqliteConnection, d: &Disposal) -> Result<()> {
    let id = d.case_id.as_str();
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM event WHERE case_id = ? LIMIT 1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(StoreError::NotFound(id.to_owned()));
    }
    let done: Option<i64> = sqlx::query_scalar("SELECT 1 FROM disposal WHERE case_id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    if done.is_some() {
        return Err(StoreError::Invalid(format!(
            "case {id} has already been disposed of"
        )));
    }
    sqlx::query("UPDATE event SET body = ?, by_person = '', disposed = 1 WHERE case_id = ?")
        .bind(TOMBSTONE)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    delete_read_models(tx, id).await?;
    sqlx::query("INSERT INTO disposal (case_id, by_person, at, reason) VALUES (?, ?, ?, ?)")
        .bind(id)
        .bind(&d.by)
        .bind(encode::micros(d.at))
        .bind(&d.reason)
        .execute(&mut *tx)
        .await?;
    access(tx, encode::disposal_access(d)).await?;
    Ok(())
}

/// Rows per multi-row INSERT in [`append_many`] (at most 18 parameters a row; SQLite allows
/// 32766 a statement).
const BULK_ROWS: usize = 1000;

/// Appends to many cases in one transaction (bulk import), with the same checks and rows as
/// [`append`] one by one but in a few dozen statements per batch rather than a dozen per
/// case: the log head and access head are read and written once, the cases' current versions
/// are read a chunk of ids at a time, and events, read models and access entries go in as
/// multi-row INSERTs. A batch naming a case twice takes the one-by-one path.
pub(super) async fn append_many(
    tx: &mut SqliteConnection,
    batch: &[Append],
    recorded_at: jiff::Timestamp,
) -> Result<Option<Appended>> {
    let mut seen = std::collections::HashSet::new();
    if !batch.iter().all(|a| seen.insert(a.case_id.as_str())) {
        let mut last = None;
        for a in batch {
            last = Some(append(tx, a, recorded_at).await?);
        }
        return Ok(last);
    }
    // Which of the cases already have events.
    let mut existing = std::collections::HashSet::new();
    for chunk in batch.chunks(BULK_ROWS) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT DISTINCT case_id FROM event WHERE case_id IN (");
        let mut list = q.separated(", ");
        for a in chunk {
            list.push_bind(a.case_id.as_str());
        }
        q.push(")");
        for r in q.build().fetch_all(&mut *tx).await? {
            existing.insert(r.text("case_id")?);
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM log_head WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let (mut head_seq, mut head_hash) = (
        head.int("seq")?,
        encode::hash(&head.bytes("hash")?, "log_head hash")?,
    );
    let mut rows = Vec::new();
    let mut last = None;
    for (i, a) in batch.iter().enumerate() {
        let (actual, prev_case) = if existing.contains(a.case_id.as_str()) {
            let r = sqlx::query("SELECT case_version, case_hash FROM event WHERE case_id = ? ORDER BY case_version DESC LIMIT 1")
                .bind(a.case_id.as_str())
                .fetch_one(&mut *tx)
                .await?;
            let disposed: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM disposal WHERE case_id = ?")
                    .bind(a.case_id.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            if disposed.is_some() {
                return Err(StoreError::NotFound(format!(
                    "{} (its personal data was disposed of)",
                    a.case_id
                )));
            }
            (
                encode::uint::<u64>(r.int("case_version")?, "case version")?,
                encode::hash(&r.bytes("case_hash")?, "case hash")?,
            )
        } else {
            (0, crate::chain::GENESIS)
        };
        if actual != a.expected_version {
            return Err(StoreError::Conflict {
                case_id: a.case_id.to_string(),
                expected: a.expected_version,
                actual,
            });
        }
        let chained = encode::chain_events(
            &a.case_id, actual, prev_case, head_seq, head_hash, &a.events,
        )?;
        let Some(end) = chained.last() else {
            return Err(StoreError::Invalid(format!(
                "an append to case {} has no events",
                a.case_id
            )));
        };
        (head_seq, head_hash) = (end.seq, end.log_hash);
        last = Some(Appended {
            version: actual + a.events.len() as u64,
            last_seq: end.seq,
            head: end.log_hash,
        });
        rows.extend(chained.into_iter().map(|r| (i, r)));
    }
    let recorded_at = encode::micros(recorded_at);
    for chunk in rows.chunks(BULK_ROWS) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO event (seq, case_id, case_version, event_type, at, by_person, body, recorded_at, \
             content_hash, prev_case_hash, case_hash, prev_log_hash, log_hash, disposed) ",
        );
        q.push_values(chunk, |mut b, (i, r)| {
            b.push_bind(r.seq)
                .push_bind(batch[*i].case_id.as_str())
                .push_bind(r.version)
                .push_bind(r.event_type)
                .push_bind(r.at)
                .push_bind(r.by.as_str())
                .push_bind(r.body.as_str())
                .push_bind(recorded_at)
                .push_bind(&r.content_hash[..])
                .push_bind(&r.prev_case_hash[..])
                .push_bind(&r.case_hash[..])
                .push_bind(&r.prev_log_hash[..])
                .push_bind(&r.log_hash[..])
                .push_bind(0i64);
        });
        q.build().execute(&mut *tx).await?;
    }
    if last.is_some() {
        sqlx::query("UPDATE log_head SET seq = ?, hash = ? WHERE id = 1")
            .bind(head_seq)
            .bind(&head_hash[..])
            .execute(&mut *tx)
            .await?;
    }
    bulk_read_models(tx, batch, &existing).await?;
    bulk_access(tx, batch).await?;
    Ok(last)
}

/// The read models of a batch of appends (each case once), as multi-row INSERTs.
async fn bulk_read_models(
    tx: &mut SqliteConnection,
    batch: &[Append],
    existing: &std::collections::HashSet<String>,
) -> Result<()> {
    for a in batch {
        if existing.contains(a.case_id.as_str()) {
            delete_read_models(tx, a.case_id.as_str()).await?;
        }
    }
    struct Summary<'a> {
        s: &'a CaseSummary,
        hate: String,
        victims: String,
        version: i64,
    }
    let summaries = batch
        .iter()
        .map(|a| {
            let s = &a.projection.summary;
            Ok(Summary {
                s,
                hate: encode::list(&s.hate_crime)?,
                victims: encode::list(&s.victims)?,
                version: encode::int(s.version, "summary version")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    for chunk in summaries.chunks(BULK_ROWS) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO case_summary (case_id, plan_id, plan_version, force, unit, occurred_at, reported_at, injury, \
             hospitalised, hate_crime, status, oic, supervisor, victims, arrested, no_arrest_reason, outcome_type, version) ",
        );
        q.push_values(chunk, |mut b, x| {
            let s = x.s;
            b.push_bind(s.case_id.as_str())
                .push_bind(s.plan_id.as_str())
                .push_bind(i64::from(s.plan_version))
                .push_bind(s.force.as_str())
                .push_bind(s.unit.as_str())
                .push_bind(encode::micros(s.occurred_at))
                .push_bind(encode::micros(s.reported_at))
                .push_bind(s.injury.as_str())
                .push_bind(s.hospitalised)
                .push_bind(x.hate.as_str())
                .push_bind(s.status.as_str())
                .push_bind(s.oic.as_deref())
                .push_bind(s.supervisor.as_str())
                .push_bind(x.victims.as_str())
                .push_bind(s.arrested)
                .push_bind(s.no_arrest_reason)
                .push_bind(s.outcome_type.map(i64::from))
                .push_bind(x.version);
        });
        q.build().execute(&mut *tx).await?;
    }
    let people: Vec<(&str, String, &str)> = batch
        .iter()
        .flat_map(|a| {
            let id = a.case_id.as_str();
            encode::case_people(&a.projection.summary)
                .into_iter()
                .map(move |(p, rel)| (id, p, rel))
        })
        .collect();
    for chunk in people.chunks(BULK_ROWS * 3) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO case_person (case_id, person, relation) ");
        q.push_values(chunk, |mut b, (id, person, rel)| {
            b.push_bind(*id).push_bind(person.as_str()).push_bind(*rel);
        });
        q.build().execute(&mut *tx).await?;
    }
    let obligations: Vec<(&str, i64, &ObligationRow)> = batch
        .iter()
        .flat_map(|a| {
            let id = a.case_id.as_str();
            a.projection
                .obligations
                .iter()
                .enumerate()
                .map(move |(ord, o)| (id, ord as i64, o))
        })
        .collect();
    for chunk in obligations.chunks(BULK_ROWS * 2) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO obligation (case_id, obligation_id, instance, ord, point, title, owner_role, owner_person, \
             force, unit, started_at, due_at, completed_at, status) ",
        );
        q.push_values(chunk, |mut b, (id, ord, o)| {
            b.push_bind(*id)
                .push_bind(o.obligation_id.as_str())
                .push_bind(i64::from(o.instance))
                .push_bind(*ord)
                .push_bind(o.point.as_str())
                .push_bind(o.title.as_str())
                .push_bind(o.owner_role.as_str())
                .push_bind(o.owner_person.as_deref())
                .push_bind(o.force.as_str())
                .push_bind(o.unit.as_str())
                .push_bind(o.started_at.map(encode::micros))
                .push_bind(o.due_at.map(encode::micros))
                .push_bind(o.completed_at.map(encode::micros))
                .push_bind(o.status.as_str());
        });
        q.build().execute(&mut *tx).await?;
    }
    Ok(())
}

/// The access entries of a batch of appends, chained in order, as multi-row INSERTs.
async fn bulk_access(tx: &mut SqliteConnection, batch: &[Append]) -> Result<()> {
    let head = sqlx::query("SELECT seq, hash FROM access_head WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let (mut seq, mut hash) = (
        head.int("seq")?,
        encode::hash(&head.bytes("hash")?, "access_head hash")?,
    );
    let mut entries = Vec::with_capacity(batch.len());
    for a in batch {
        let n = encode::chain_access(a.access.clone(), seq, &hash)?;
        (seq, hash) = (n.seq, n.hash);
        entries.push(n);
    }
    for chunk in entries.chunks(BULK_ROWS) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO access_log (seq, at, actor, action, case_id, what, justification, prev_hash, hash) ",
        );
        q.push_values(chunk, |mut b, n| {
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
        q.build().execute(&mut *tx).await?;
    }
    if !entries.is_empty() {
        sqlx::query("UPDATE access_head SET seq = ?, hash = ? WHERE id = 1")
            .bind(seq)
            .bind(&hash[..])
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}
