//! Writes inside a PostgreSQL transaction that holds the head row lock (see the module docs).

use crate::encode::{self, TOMBSTONE};
use crate::error::{Result, StoreError};
use crate::model::*;
use crate::rows::Get;
use sqlx::{PgConnection, Postgres, QueryBuilder};

/// Replaces a case's read models.
pub(super) async fn projection(tx: &mut PgConnection, p: &Projection) -> Result<()> {
    let s = &p.summary;
    let id = s.case_id.as_str();
    delete_read_models(tx, id).await?;
    sqlx::query(
        "INSERT INTO case_summary (case_id, plan_id, plan_version, force, unit, occurred_at, reported_at, injury, \
         hospitalised, hate_crime, status, oic, supervisor, victims, arrested, no_arrest_reason, outcome_type, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
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
    let r = &p.report;
    sqlx::query(
        "INSERT INTO case_report (case_id, force, unit, occurred_at, facts) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(&r.force)
    .bind(&r.unit)
    .bind(encode::micros(r.occurred_at))
    .bind(crate::report::facts_json(r)?)
    .execute(&mut *tx)
    .await?;
    let people = encode::case_people(s);
    if !people.is_empty() {
        let mut q: QueryBuilder<Postgres> =
            QueryBuilder::new("INSERT INTO case_person (case_id, person, relation) ");
        q.push_values(&people, |mut b, (person, rel)| {
            b.push_bind(id).push_bind(person.as_str()).push_bind(*rel);
        });
        q.build().execute(&mut *tx).await?;
    }
    // Rows of a closed case stay but leave "my tasks" and the overdue lists (migration 0003).
    let open = encode::case_open(s);
    // 15 parameters a row; PostgreSQL allows 65535 a statement.
    for (chunk_no, chunk) in p.obligations.chunks(1000).enumerate() {
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(
            "INSERT INTO obligation (case_id, obligation_id, instance, ord, point, title, owner_role, owner_person, \
             force, unit, started_at, due_at, completed_at, status, case_open) ",
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
                .push_bind(o.status.as_str())
                .push_bind(open);
        });
        q.build().execute(&mut *tx).await?;
    }
    escalation_due(tx, id, &p.escalation_due).await
}

/// Writes the sweep's index rows of a case (its old rows are gone already), less the levels
/// decided already.
async fn escalation_due(tx: &mut PgConnection, id: &str, due: &[EscalationDue]) -> Result<()> {
    if due.is_empty() {
        return Ok(());
    }
    // 5 parameters a row.
    for chunk in due.chunks(5000) {
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(
            "INSERT INTO escalation_due (case_id, obligation_id, instance, level, due_at) ",
        );
        q.push_values(chunk, |mut b, e| {
            b.push_bind(id)
                .push_bind(e.obligation_id.as_str())
                .push_bind(i64::from(e.instance))
                .push_bind(i64::from(e.level))
                .push_bind(encode::micros(e.due_at));
        });
        q.build().execute(&mut *tx).await?;
    }
    sqlx::query(
        "DELETE FROM escalation_due d USING obligation_escalation x WHERE d.case_id = $1 \
         AND x.case_id = d.case_id AND x.obligation_id = d.obligation_id \
         AND x.instance = d.instance AND x.level = d.level",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn delete_read_models(tx: &mut PgConnection, id: &str) -> Result<()> {
    for sql in [
        "DELETE FROM escalation_due WHERE case_id = $1",
        "DELETE FROM obligation WHERE case_id = $1",
        "DELETE FROM case_person WHERE case_id = $1",
        "DELETE FROM case_report WHERE case_id = $1",
        "DELETE FROM case_summary WHERE case_id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    Ok(())
}

/// Appends an access entry to its chain; returns its seq.
pub(super) async fn access(tx: &mut PgConnection, entry: AccessEntry) -> Result<i64> {
    let head = sqlx::query("SELECT seq, hash FROM access_head WHERE id = 1 FOR UPDATE")
        .fetch_one(&mut *tx)
        .await?;
    let head_hash = encode::hash(&head.bytes("hash")?, "access_head hash")?;
    let n = encode::chain_access(entry, head.int("seq")?, &head_hash)?;
    let e = &n.entry;
    sqlx::query(
        "INSERT INTO access_log (seq, at, actor, action, case_id, what, justification, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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
    sqlx::query("UPDATE access_head SET seq = $1, hash = $2 WHERE id = 1")
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
pub(super) async fn dispose(tx: &mut PgConnection, d: &Disposal) -> Result<()> {
    let id = d.case_id.as_str();
    let exists: Option<bool> =
        sqlx::query_scalar("SELECT TRUE FROM event WHERE case_id = $1 LIMIT 1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    if exists.is_none() {
        return Err(StoreError::NotFound(id.to_owned()));
    }
    let done: Option<bool> = sqlx::query_scalar("SELECT TRUE FROM disposal WHERE case_id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    if done.is_some() {
        return Err(StoreError::Invalid(format!(
            "case {id} has already been disposed of"
        )));
    }
    sqlx::query("UPDATE event SET body = $1, by_person = '', disposed = TRUE WHERE case_id = $2")
        .bind(TOMBSTONE)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    delete_read_models(tx, id).await?;
    // Notifications name the person told: they go with the case's other personal data, and
    // their webhook deliveries with them.
    for sql in [
        "DELETE FROM webhook_delivery WHERE case_id = $1",
        "DELETE FROM notification WHERE case_id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    sqlx::query("INSERT INTO disposal (case_id, by_person, at, reason) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(&d.by)
        .bind(encode::micros(d.at))
        .bind(&d.reason)
        .execute(&mut *tx)
        .await?;
    access(tx, encode::disposal_access(d)).await?;
    Ok(())
}
