//! Reading every case of a period for a backtest: one ordered query per backend streams the
//! selected cases, one row per case holding its events as one JSON array (the stored bodies
//! joined in version order by the database: `group_concat` on SQLite, `string_agg` on
//! PostgreSQL), so the driver hands over one row per case rather than one per event (about
//! 26 in generated data); each case is decoded and handed to the visitor as it arrives, so
//! memory holds one case, not the period.

use crate::encode;
use crate::error::{Result, StoreError};
use crate::model::{PeriodCase, PeriodSelection};
use pledge_domain::Event;
use sqlx::{Database, Encode, QueryBuilder, Type};

/// How a backend joins a case's bodies in version order.
pub(crate) enum Join {
    /// SQLite (3.44 or later: `ORDER BY` inside an aggregate).
    GroupConcat,
    /// PostgreSQL.
    StringAgg,
}

/// The query selecting a selection's cases, one row per case: `case_id` and `events`, a
/// JSON array of its event bodies in version order. Written once for both backends.
pub(crate) fn query<DB>(selection: &PeriodSelection, join: Join) -> QueryBuilder<DB>
where
    DB: Database,
    for<'t> String: Encode<'t, DB> + Type<DB>,
    for<'t> i64: Encode<'t, DB> + Type<DB>,
{
    let agg = match join {
        Join::GroupConcat => "group_concat",
        Join::StringAgg => "string_agg",
    };
    // One row per case, driven from the summaries: each case's events are read through
    // `event_case_version` (case, version) in order, and joined into one text. No ORDER BY:
    // sorting the joined texts would cost more than the read (the counts do not depend on
    // the order; the report sorts the cases it names).
    let mut q = QueryBuilder::new(format!(
        "SELECT s.case_id, (SELECT '[' || {agg}(e.body, ',' ORDER BY e.case_version) || ']' \
         FROM event e WHERE e.case_id = s.case_id AND e.disposed = FALSE) AS events \
         FROM case_summary s WHERE s.force IN ("
    ));
    let mut forces = q.separated(", ");
    for f in &selection.forces {
        forces.push_bind(f.clone());
    }
    q.push(") AND s.reported_at >= ")
        .push_bind(encode::micros(selection.from))
        .push(" AND s.reported_at < ")
        .push_bind(encode::micros(selection.to));
    q
}

/// Decodes one row (a case id and its events as a JSON array) and hands the case over. A
/// case whose events were all disposed of has no summary, so is not selected; `None` here
/// (no events) is skipped all the same.
pub(crate) fn visit_row(
    visit: &mut (dyn FnMut(PeriodCase) -> Result<()> + Send),
    case_id: &str,
    events: Option<&str>,
) -> Result<()> {
    let Some(events) = events else {
        return Ok(());
    };
    let events: Vec<Event> = serde_json::from_str(events).map_err(|e| {
        StoreError::Corrupt(format!("case {case_id}: an event is not readable: {e}"))
    })?;
    visit(PeriodCase {
        case_id: encode::case_id(case_id.to_owned())?,
        events,
    })
}

/// Whether a selection selects nothing (no forces, or an empty period).
pub(crate) fn is_empty(selection: &PeriodSelection) -> bool {
    selection.forces.is_empty() || selection.from >= selection.to
}
