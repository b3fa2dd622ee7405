//! Read-model queries on SQLite. The obligation queries name `status = 'open' AND case_open =
//! 1` literally so the planner can use the partial indexes over open rows of open cases (see
//! migrations 0001 and 0003): a closed case's unmet obligations stay in `case_obligations`
//! but leave "my tasks" and the overdue lists.

use crate::encode;
use crate::error::Result;
use crate::model::*;
use crate::rows::{self, Get, OBLIGATION_COLS, SUMMARY_COLS};
use jiff::Timestamp;
use sqlx::{AssertSqlSafe, QueryBuilder, Sqlite, SqlitePool};

pub(super) async fn summary(pool: &SqlitePool, case_id: &CaseId) -> Result<Option<CaseSummary>> {
    sqlx::query(AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLS} FROM case_summary WHERE case_id = ?"
    )))
    .bind(case_id.as_str())
    .fetch_optional(pool)
    .await?
    .map(|r| rows::summary(&r))
    .transpose()
}

pub(super) async fn list_cases(
    pool: &SqlitePool,
    scope: &CaseScope,
    f: &CaseFilter,
) -> Result<Vec<CaseSummary>> {
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
        "SELECT {SUMMARY_COLS} FROM case_summary WHERE 1 = 1"
    ));
    crate::case_list::push_list(&mut q, scope, f, "case_open = 1");
    let rows = q.build().fetch_all(pool).await?;
    rows.iter().map(rows::summary).collect()
}

/// The soonest open due time of each of `cases` (through the obligation primary key).
pub(super) async fn next_due(
    pool: &SqlitePool,
    cases: &[CaseId],
) -> Result<Vec<(CaseId, Timestamp)>> {
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
        "SELECT case_id, MIN(due_at) AS due FROM obligation \
         WHERE status = 'open' AND case_open = 1 AND due_at IS NOT NULL AND case_id IN (",
    );
    let mut sep = q.separated(", ");
    for c in cases {
        sep.push_bind(c.as_str().to_owned());
    }
    q.push(") GROUP BY case_id");
    let rows = q.build().fetch_all(pool).await?;
    rows.iter()
        .map(|r| {
            Ok((
                encode::case_id(r.text("case_id")?)?,
                encode::timestamp(r.int("due")?, "due_at")?,
            ))
        })
        .collect()
}

pub(super) async fn case_obligations(
    pool: &SqlitePool,
    case_id: &CaseId,
) -> Result<Vec<ObligationRow>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {OBLIGATION_COLS} FROM obligation WHERE case_id = ? ORDER BY ord"
    )))
    .bind(case_id.as_str())
    .fetch_all(pool)
    .await?;
    rows.iter().map(rows::obligation).collect()
}

/// The `my_tasks` query for rows with a due time (in due order).
pub(crate) const MY_TASKS_DUE: &str = "SELECT case_id, obligation_id, instance, point, title, owner_role, owner_person, \
     force, unit, started_at, due_at, completed_at, status FROM obligation \
     WHERE owner_person = ? AND status = 'open' AND case_open = 1 AND due_at IS NOT NULL \
     ORDER BY due_at, case_id, obligation_id, instance LIMIT ?";
/// The `my_tasks` query for rows with no due time (they come last).
pub(crate) const MY_TASKS_UNDATED: &str = "SELECT case_id, obligation_id, instance, point, title, owner_role, \
     owner_person, force, unit, started_at, due_at, completed_at, status FROM obligation \
     WHERE owner_person = ? AND status = 'open' AND case_open = 1 AND due_at IS NULL \
     ORDER BY case_id, obligation_id, instance LIMIT ?";

pub(super) async fn my_tasks(
    pool: &SqlitePool,
    person: &str,
    limit: u32,
) -> Result<Vec<ObligationRow>> {
    let limit = i64::from(limit);
    // SQLite sorts NULLs first: read the dated range, then the undated one, both in index order.
    let mut rows = sqlx::query(MY_TASKS_DUE)
        .bind(person)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    let rest = limit - rows.len() as i64;
    if rest > 0 {
        rows.extend(
            sqlx::query(MY_TASKS_UNDATED)
                .bind(person)
                .bind(rest)
                .fetch_all(pool)
                .await?,
        );
    }
    rows.iter().map(rows::obligation).collect()
}

/// The `overdue` query: open obligations of open cases past due, within the reader's scope
/// (and a unit), oldest due first. Served by the partial index over live rows by force (or
/// force and unit) and due time.
pub(crate) fn overdue_query(
    head: &str,
    scope: &CaseScope,
    unit: Option<&str>,
    now: Timestamp,
    limit: u32,
) -> QueryBuilder<Sqlite> {
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(head);
    q.push(
        "SELECT case_id, obligation_id, instance, point, title, owner_role, owner_person, \
         force, unit, started_at, due_at, completed_at, status FROM obligation \
         WHERE status = 'open' AND case_open = 1 AND due_at < ",
    );
    q.push_bind(encode::micros(now));
    if let Some(unit) = unit {
        q.push(" AND unit = ").push_bind(unit.to_owned());
    }
    crate::scope::push_scope(&mut q, scope, "case_id");
    q.push(" ORDER BY due_at, case_id, obligation_id, instance LIMIT ")
        .push_bind(i64::from(limit));
    q
}

pub(super) async fn overdue(
    pool: &SqlitePool,
    scope: &CaseScope,
    unit: Option<&str>,
    now: Timestamp,
    limit: u32,
) -> Result<Vec<ObligationRow>> {
    let rows = overdue_query("", scope, unit, now, limit)
        .build()
        .fetch_all(pool)
        .await?;
    rows.iter().map(rows::obligation).collect()
}

/// Overdue obligations within the reader's scope, counted by unit and plan point.
pub(super) async fn overdue_counts(
    pool: &SqlitePool,
    scope: &CaseScope,
    now: Timestamp,
) -> Result<Vec<OverdueCount>> {
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
        "SELECT unit, point, \
         (SELECT plan_id || '@' || plan_version FROM case_summary s WHERE s.case_id = obligation.case_id) AS plan, \
         COUNT(*) AS n FROM obligation \
         WHERE status = 'open' AND case_open = 1 AND due_at < ",
    );
    q.push_bind(encode::micros(now));
    crate::scope::push_scope(&mut q, scope, "case_id");
    q.push(" GROUP BY unit, plan, point ORDER BY unit, plan, point");
    let rows = q.build().fetch_all(pool).await?;
    rows.iter()
        .map(|r| {
            let (plan_id, plan_version) = crate::encode::plan_key(&r.text("plan")?)?;
            Ok(OverdueCount {
                unit: r.text("unit")?,
                plan_id,
                plan_version,
                point: r.text("point")?,
                count: u64::try_from(r.int("n")?).unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(crate::model::sorted_counts)
}

/// Cases naming a person as a victim, newest first.
pub(super) async fn victim_cases(
    pool: &SqlitePool,
    person: &str,
    limit: u32,
) -> Result<Vec<CaseSummary>> {
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
        "SELECT {SUMMARY_COLS} FROM case_summary WHERE case_id IN \
         (SELECT case_id FROM case_person WHERE relation = 'victim' AND person = "
    ));
    q.push_bind(person.to_owned())
        .push(") ORDER BY reported_at DESC, case_id DESC LIMIT ")
        .push_bind(i64::from(limit));
    let rows = q.build().fetch_all(pool).await?;
    rows.iter().map(rows::summary).collect()
}
