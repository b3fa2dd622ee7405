//! People and units on PostgreSQL: one statement per save, so the two checks that keep forces
//! apart (a unit never changes force; a person never moves to another force's unit) and the
//! optimistic version check happen atomically with the write.

use crate::error::{Result, StoreError};
use crate::model::{Person, Unit};
use sqlx::{PgConnection, PgPool};

/// Why a conditional write changed nothing: the row belongs to another force, or it changed.
fn refusal(
    what: &str,
    existing: Option<(Option<String>, i64)>,
    force: Option<&str>,
    expected: Option<u64>,
) -> StoreError {
    match existing {
        Some((f, _)) if f.as_deref() != force => StoreError::Refused {
            field: "id".into(),
            message: format!("{what} belongs to another force; choose another id"),
        },
        Some((_, v)) => StoreError::Stale {
            what: what.to_owned(),
            expected: expected.unwrap_or(0),
            actual: u64::try_from(v).unwrap_or(0),
        },
        None => StoreError::Stale {
            what: what.to_owned(),
            expected: expected.unwrap_or(0),
            actual: 0,
        },
    }
}

fn version(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(super) async fn save_unit(
    pool: &mut PgConnection,
    u: &Unit,
    expected: Option<u64>,
) -> Result<u64> {
    let expected_i = expected.map(|v| i64::try_from(v).unwrap_or(i64::MAX));
    let saved: Option<i64> = match expected_i {
        None => {
            sqlx::query_scalar(
                "INSERT INTO unit (id, name, force, parent) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, parent = excluded.parent, \
             version = unit.version + 1 WHERE unit.force = excluded.force RETURNING version",
            )
            .bind(&u.id)
            .bind(&u.name)
            .bind(&u.force)
            .bind(&u.parent)
            .fetch_optional(&mut *pool)
            .await?
        }
        Some(v) => {
            sqlx::query_scalar(
                "UPDATE unit SET name = $2, parent = $4, version = version + 1 \
             WHERE id = $1 AND force = $3 AND version = $5 RETURNING version",
            )
            .bind(&u.id)
            .bind(&u.name)
            .bind(&u.force)
            .bind(&u.parent)
            .bind(v)
            .fetch_optional(&mut *pool)
            .await?
        }
    };
    if let Some(v) = saved {
        return Ok(version(v));
    }
    let existing: Option<(String, i64)> =
        sqlx::query_as("SELECT force, version FROM unit WHERE id = $1")
            .bind(&u.id)
            .fetch_optional(&mut *pool)
            .await?;
    Err(refusal(
        &format!("unit {}", u.id),
        existing.map(|(f, v)| (Some(f), v)),
        Some(&u.force),
        expected,
    ))
}

pub(super) async fn save_person(
    pool: &mut PgConnection,
    p: &Person,
    expected: Option<u64>,
) -> Result<u64> {
    let expected_i = expected.map(|v| i64::try_from(v).unwrap_or(i64::MAX));
    // The force a row belongs to is its unit's force.
    let saved: Option<i64> = match expected_i {
        None => sqlx::query_scalar(
            "INSERT INTO person (id, name, email, workforce_role, unit, line_manager, staff_association) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET \
             name = excluded.name, email = excluded.email, workforce_role = excluded.workforce_role, \
             unit = excluded.unit, line_manager = excluded.line_manager, \
             staff_association = excluded.staff_association, version = person.version + 1 \
             WHERE (SELECT force FROM unit WHERE id = person.unit) IS NOT DISTINCT FROM \
             (SELECT force FROM unit WHERE id = excluded.unit) RETURNING version",
        )
        .bind(&p.id)
        .bind(&p.name)
        .bind(&p.email)
        .bind(&p.workforce_role)
        .bind(&p.unit)
        .bind(&p.line_manager)
        .bind(&p.staff_association)
        .fetch_optional(&mut *pool)
        .await?,
        Some(v) => sqlx::query_scalar(
            "UPDATE person SET name = $2, email = $3, workforce_role = $4, unit = $5, \
             line_manager = $6, staff_association = $7, version = version + 1 \
             WHERE id = $1 AND version = $8 AND (SELECT force FROM unit WHERE id = person.unit) \
             IS NOT DISTINCT FROM (SELECT force FROM unit WHERE id = $5) RETURNING version",
        )
        .bind(&p.id)
        .bind(&p.name)
        .bind(&p.email)
        .bind(&p.workforce_role)
        .bind(&p.unit)
        .bind(&p.line_manager)
        .bind(&p.staff_association)
        .bind(v)
        .fetch_optional(&mut *pool)
        .await?,
    };
    if let Some(v) = saved {
        return Ok(version(v));
    }
    let existing: Option<(Option<String>, i64)> = sqlx::query_as(
        "SELECT (SELECT force FROM unit WHERE id = person.unit), version FROM person WHERE id = $1",
    )
    .bind(&p.id)
    .fetch_optional(&mut *pool)
    .await?;
    let force: Option<String> = match &p.unit {
        Some(u) => {
            sqlx::query_scalar("SELECT force FROM unit WHERE id = $1")
                .bind(u)
                .fetch_optional(&mut *pool)
                .await?
        }
        None => None,
    };
    Err(refusal(
        &format!("person {}", p.id),
        existing,
        force.as_deref(),
        expected,
    ))
}

/// A person's or unit's version (`table` is `person` or `unit`), or None when absent.
pub(super) async fn version_of(pool: &PgPool, table: &str, id: &str) -> Result<Option<u64>> {
    let sql = match table {
        "person" => "SELECT version FROM person WHERE id = $1",
        _ => "SELECT version FROM unit WHERE id = $1",
    };
    let v: Option<i64> = sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(v.map(version))
}
