//! The case list's query, written once for both backends (like [`crate::scope`]): the scope,
//! the filters, the search by reference or name, "overdue on point ..." and the sort, all in
//! SQL, so a page of results is never filtered or sorted after the fact.
//!
//! Indexes (EXPLAIN QUERY PLAN / EXPLAIN checked in `tests/conformance/case_list.rs`):
//! * newest report first (the default) and the unit filter: `case_summary_reported`
//!   `(reported_at, case_id)` read backwards, or `case_summary_area` `(force, unit,
//!   reported_at)` within one unit; the reference: the primary key `case_id`;
//! * the other columns (when it happened, unit by name, status, next due) are sorted after
//!   the scope and filters have narrowed the rows (a temporary B-tree over one force's
//!   matching cases); next due is each case's earliest open due time read through the
//!   obligation primary key `(case_id, ...)`; the unit's name through the unit primary key;
//! * "overdue on point": the partial index over live obligations `obligation_force_live`
//!   `(force, due_at, ...) WHERE status = 'open' AND case_open`, a range on `due_at < now`;
//! * a name: `case_person_person` `(person, case_id)` for each directory match of the name.

use crate::encode;
use crate::model::{CaseFilter, CaseScope, CaseSort, SortOrder};
use sqlx::{Database, Encode, QueryBuilder, Type};

/// The most characters of a search the list reads (a longer one names nothing).
pub const MAX_SEARCH: usize = 100;

/// `LIKE` pattern text for `s`: `%`, `_` and `\` match only themselves (`ESCAPE '\'`).
fn like_escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Appends the WHERE clauses of `f` (after the scope) and its ORDER BY, LIMIT and OFFSET to a
/// `SELECT ... FROM case_summary WHERE 1 = 1`. `live` is the backend's spelling of "the
/// case is open" on an obligation row (`case_open = 1` or `case_open`), literal so the
/// planner matches the partial indexes.
pub(crate) fn push_list<DB>(q: &mut QueryBuilder<DB>, scope: &CaseScope, f: &CaseFilter, live: &str)
where
    DB: Database,
    for<'t> String: Encode<'t, DB> + Type<DB>,
    for<'t> i64: Encode<'t, DB> + Type<DB>,
    for<'t> bool: Encode<'t, DB> + Type<DB>,
{
    crate::scope::push_scope(q, scope, "case_id");
    if let Some(unit) = &f.unit {
        q.push(" AND unit = ").push_bind(unit.clone());
    }
    if let Some(status) = &f.status {
        q.push(" AND status = ").push_bind(status.clone());
    }
    match f.hate_crime {
        Some(true) => {
            q.push(" AND hate_crime <> '[]'");
        }
        Some(false) => {
            q.push(" AND hate_crime = '[]'");
        }
        None => {}
    }
    if let Some(h) = f.hospitalised {
        q.push(" AND hospitalised = ").push_bind(h);
    }
    if let Some(from) = f.from {
        q.push(" AND occurred_at >= ")
            .push_bind(encode::micros(from));
    }
    if let Some(to) = f.to {
        q.push(" AND occurred_at < ").push_bind(encode::micros(to));
    }
    if let Some(text) = f.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // Lower-cased here and in SQL: references are ASCII; names compare case-insensitively
        // (SQLite's lower() folds ASCII letters only, PostgreSQL's every letter).
        let text = like_escaped(
            &text
                .chars()
                .take(MAX_SEARCH)
                .collect::<String>()
                .to_lowercase(),
        );
        q.push(" AND (lower(case_id) LIKE ")
            .push_bind(format!("{text}%"))
            .push(
                " ESCAPE '\\' OR case_id IN (SELECT cp.case_id FROM case_person cp \
                 JOIN person p ON p.id = cp.person \
                 WHERE cp.relation IN ('victim', 'oic') AND lower(p.name) LIKE ",
            )
            .push_bind(format!("%{text}%"))
            .push(" ESCAPE '\\'))");
    }
    if let Some(on) = &f.overdue_point {
        q.push(format!(
            " AND case_id IN (SELECT case_id FROM obligation WHERE status = 'open' AND {live} \
             AND force = "
        ))
        .push_bind(scope.force.clone())
        .push(" AND due_at < ")
        .push_bind(encode::micros(on.at))
        .push(" AND point = ")
        .push_bind(on.point.clone())
        .push(")");
    }
    let dir = f.order.unwrap_or(f.sort.natural_order());
    let d = match dir {
        SortOrder::Asc => "ASC",
        SortOrder::Desc => "DESC",
    };
    let key = match f.sort {
        CaseSort::Reported => format!("reported_at {d}"),
        CaseSort::Occurred => format!("occurred_at {d}"),
        CaseSort::Reference => String::new(),
        // A unit the directory does not hold sorts by its id (never NULL, whose place
        // differs between the backends).
        CaseSort::Unit => format!(
            "COALESCE((SELECT u.name FROM unit u WHERE u.id = case_summary.unit), \
             case_summary.unit) {d}, reported_at {d}"
        ),
        CaseSort::Status => format!("status {d}, reported_at {d}"),
        // Cases with nothing due come last whichever way: NULLS LAST on both backends.
        CaseSort::NextDue => format!(
            "(SELECT MIN(o.due_at) FROM obligation o WHERE o.case_id = case_summary.case_id \
             AND o.status = 'open' AND o.{live}) {d} NULLS LAST"
        ),
    };
    q.push(" ORDER BY ");
    if !key.is_empty() {
        q.push(key).push(", ");
    }
    let (limit, offset) = encode::page(f);
    q.push(format!("case_id {d} LIMIT "))
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
}
