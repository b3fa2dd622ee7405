//! Reading rows back, shared by both backends: the tables have the same column names in both
//! schemas, so one decoder per row type serves both.

use crate::encode::{case_id, opt_timestamp, parse_list, timestamp, uint};
use crate::error::{Result, StoreError};
use crate::model::{
    AccessAction, AccessEntry, CaseId, CaseSummary, Disposal, Headcount, MeetingDate,
    ObligationRow, Person, RowStatus, StoredAccess, StoredCase, Unit,
};
use crate::verify::{AccessRow, CaseRow, EventRow};
use pledge_domain::Event;
use sqlx::Row;

/// Typed column access with errors that name the column.
pub(crate) trait Get {
    /// A text column.
    fn text(&self, col: &str) -> Result<String>;
    /// A nullable text column.
    fn opt_text(&self, col: &str) -> Result<Option<String>>;
    /// An integer column.
    fn int(&self, col: &str) -> Result<i64>;
    /// A nullable integer column.
    fn opt_int(&self, col: &str) -> Result<Option<i64>>;
    /// A boolean column.
    fn flag(&self, col: &str) -> Result<bool>;
    /// A blob / bytea column.
    fn bytes(&self, col: &str) -> Result<Vec<u8>>;
}

fn col_err(col: &str, e: sqlx::Error) -> StoreError {
    StoreError::Corrupt(format!("column {col}: {e}"))
}

macro_rules! impl_get {
    ($row:ty) => {
        impl Get for $row {
            fn text(&self, col: &str) -> Result<String> {
                self.try_get::<String, _>(col).map_err(|e| col_err(col, e))
            }
            fn opt_text(&self, col: &str) -> Result<Option<String>> {
                self.try_get::<Option<String>, _>(col)
                    .map_err(|e| col_err(col, e))
            }
            fn int(&self, col: &str) -> Result<i64> {
                self.try_get::<i64, _>(col).map_err(|e| col_err(col, e))
            }
            fn opt_int(&self, col: &str) -> Result<Option<i64>> {
                self.try_get::<Option<i64>, _>(col)
                    .map_err(|e| col_err(col, e))
            }
            fn flag(&self, col: &str) -> Result<bool> {
                self.try_get::<bool, _>(col).map_err(|e| col_err(col, e))
            }
            fn bytes(&self, col: &str) -> Result<Vec<u8>> {
                self.try_get::<Vec<u8>, _>(col).map_err(|e| col_err(col, e))
            }
        }
    };
}

impl_get!(sqlx::sqlite::SqliteRow);
impl_get!(sqlx::postgres::PgRow);

/// The `case_summary` columns [`summary`] reads.
pub(crate) const SUMMARY_COLS: &str = "case_id, plan_id, plan_version, force, unit, occurred_at, reported_at, injury, \
     hospitalised, hate_crime, status, oic, supervisor, victims, arrested, no_arrest_reason, outcome_type, version";

/// A `case_summary` row.
pub(crate) fn summary(r: &impl Get) -> Result<CaseSummary> {
    let id = r.text("case_id")?;
    let ctx = |what: &str| format!("case_summary {id} {what}");
    Ok(CaseSummary {
        case_id: case_id(id.clone())?,
        plan_id: r.text("plan_id")?,
        plan_version: uint(r.int("plan_version")?, &ctx("plan_version"))?,
        force: r.text("force")?,
        unit: r.text("unit")?,
        occurred_at: timestamp(r.int("occurred_at")?, &ctx("occurred_at"))?,
        reported_at: timestamp(r.int("reported_at")?, &ctx("reported_at"))?,
        injury: r.text("injury")?,
        hospitalised: r.flag("hospitalised")?,
        hate_crime: parse_list(&r.text("hate_crime")?, &ctx("hate_crime"))?,
        status: r.text("status")?,
        oic: r.opt_text("oic")?,
        supervisor: r.text("supervisor")?,
        victims: parse_list(&r.text("victims")?, &ctx("victims"))?,
        arrested: r.flag("arrested")?,
        no_arrest_reason: r.flag("no_arrest_reason")?,
        outcome_type: r
            .opt_int("outcome_type")?
            .map(|o| uint(o, &ctx("outcome_type")))
            .transpose()?,
        version: uint(r.int("version")?, &ctx("version"))?,
    })
}

/// The `obligation` columns [`obligation`] reads.
pub(crate) const OBLIGATION_COLS: &str = "case_id, obligation_id, instance, point, title, owner_role, owner_person, \
     force, unit, started_at, due_at, completed_at, status";

/// An `obligation` row.
pub(crate) fn obligation(r: &impl Get) -> Result<ObligationRow> {
    let id = r.text("case_id")?;
    let ob = r.text("obligation_id")?;
    let ctx = |what: &str| format!("obligation {id}/{ob} {what}");
    let status = r.text("status")?;
    Ok(ObligationRow {
        case_id: case_id(id.clone())?,
        instance: uint(r.int("instance")?, &ctx("instance"))?,
        point: r.text("point")?,
        title: r.text("title")?,
        owner_role: r.text("owner_role")?,
        owner_person: r.opt_text("owner_person")?,
        force: r.text("force")?,
        unit: r.text("unit")?,
        started_at: opt_timestamp(r.opt_int("started_at")?, &ctx("started_at"))?,
        due_at: opt_timestamp(r.opt_int("due_at")?, &ctx("due_at"))?,
        completed_at: opt_timestamp(r.opt_int("completed_at")?, &ctx("completed_at"))?,
        status: RowStatus::parse(&status).ok_or_else(|| {
            StoreError::Corrupt(format!("{}: unknown status \"{status}\"", ctx("status")))
        })?,
        obligation_id: ob.clone(),
    })
}

/// The `access_log` columns [`access`] reads.
pub(crate) const ACCESS_COLS: &str = "seq, at, actor, action, case_id, what, justification";

/// An access entry from its columns; the error says what is wrong (for `verify`).
pub(crate) fn access_entry(r: &impl Get) -> Result<AccessEntry> {
    let seq = r.int("seq")?;
    let action = r.text("action")?;
    Ok(AccessEntry {
        at: timestamp(r.int("at")?, &format!("access entry {seq} at"))?,
        actor: r.text("actor")?,
        action: AccessAction::parse(&action).ok_or_else(|| {
            StoreError::Corrupt(format!("access entry {seq}: unknown action \"{action}\""))
        })?,
        case_id: r.opt_text("case_id")?.map(case_id).transpose()?,
        what: r.text("what")?,
        justification: r.text("justification")?,
    })
}

/// A stored access entry.
pub(crate) fn access(r: &impl Get) -> Result<StoredAccess> {
    Ok(StoredAccess {
        seq: r.int("seq")?,
        entry: access_entry(r)?,
    })
}

/// A `person` row.
pub(crate) fn person(r: &impl Get) -> Result<Person> {
    Ok(Person {
        id: r.text("id")?,
        name: r.text("name")?,
        email: r.opt_text("email")?,
        workforce_role: r.opt_text("workforce_role")?,
        unit: r.opt_text("unit")?,
        line_manager: r.opt_text("line_manager")?,
        staff_association: r.opt_text("staff_association")?,
    })
}

/// A `unit` row.
pub(crate) fn unit(r: &impl Get) -> Result<Unit> {
    Ok(Unit {
        id: r.text("id")?,
        name: r.text("name")?,
        force: r.text("force")?,
        parent: r.opt_text("parent")?,
    })
}

/// A `meeting` row.
pub(crate) fn meeting(r: &impl Get) -> Result<MeetingDate> {
    Ok(MeetingDate {
        calendar: r.text("calendar")?,
        unit: r.text("unit")?,
        at: timestamp(r.int("at")?, "meeting at")?,
    })
}

/// A `headcount` row.
pub(crate) fn headcount(r: &impl Get) -> Result<Headcount> {
    let unit = r.text("unit")?;
    let on = r.text("on_date")?;
    Ok(Headcount {
        force: r.text("force")?,
        on: on.parse().map_err(|e| {
            StoreError::Corrupt(format!("headcount of {unit}: on_date \"{on}\": {e}"))
        })?,
        role: r.text("role")?,
        count: uint(r.int("count")?, &format!("headcount of {unit} count"))?,
        unit,
    })
}

/// The `case_report` columns [`case_report`] reads.
pub(crate) const REPORT_COLS: &str = "case_id, force, unit, occurred_at, facts";

/// A `case_report` row.
pub(crate) fn case_report(r: &impl Get) -> Result<crate::report::CaseReport> {
    let id = r.text("case_id")?;
    let facts = r.text("facts")?;
    Ok(crate::report::CaseReport {
        occurred_at: timestamp(
            r.int("occurred_at")?,
            &format!("case_report {id} occurred_at"),
        )?,
        force: r.text("force")?,
        unit: r.text("unit")?,
        facts: serde_json::from_str(&facts)
            .map_err(|e| StoreError::Corrupt(format!("case_report {id} facts: {e}")))?,
        case_id: case_id(id)?,
    })
}

/// A `disposal` row.
pub(crate) fn disposal(r: &impl Get) -> Result<Disposal> {
    let id = r.text("case_id")?;
    Ok(Disposal {
        at: timestamp(r.int("at")?, &format!("disposal of {id} at"))?,
        case_id: case_id(id)?,
        by: r.text("by_person")?,
        reason: r.text("reason")?,
    })
}

/// An event row for `verify`'s first pass.
pub(crate) fn event_row(r: &impl Get) -> Result<EventRow> {
    Ok(EventRow {
        seq: r.int("seq")?,
        case_id: r.text("case_id")?,
        case_version: r.int("case_version")?,
        event_type: r.text("event_type")?,
        at: r.int("at")?,
        by: r.text("by_person")?,
        body: r.text("body")?,
        disposed: r.flag("disposed")?,
        content_hash: r.bytes("content_hash")?,
        case_hash: r.bytes("case_hash")?,
        prev_log_hash: r.bytes("prev_log_hash")?,
        log_hash: r.bytes("log_hash")?,
    })
}

/// An event row for `verify`'s second pass.
pub(crate) fn case_row(r: &impl Get) -> Result<CaseRow> {
    Ok(CaseRow {
        seq: r.int("seq")?,
        case_id: r.text("case_id")?,
        case_version: r.int("case_version")?,
        content_hash: r.bytes("content_hash")?,
        prev_case_hash: r.bytes("prev_case_hash")?,
        case_hash: r.bytes("case_hash")?,
    })
}

/// An access row for `verify`: its canonical text is rebuilt from the columns (a row that
/// cannot be read back is reported, not fatal).
pub(crate) fn access_row(r: &impl Get) -> Result<AccessRow> {
    let entry = access_entry(r).map_err(|e| e.to_string());
    let text = entry
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|e| crate::encode::access_text(e).map_err(|e| e.to_string()));
    Ok(AccessRow {
        seq: r.int("seq")?,
        entry: entry.ok(),
        text,
        prev_hash: r.bytes("prev_hash")?,
        hash: r.bytes("hash")?,
    })
}

/// A case as loaded: `(version, body, disposed)` rows in version order and its disposal
/// record. Versions must run 1, 2, 3, ...; bodies must parse as events (else `Corrupt`,
/// naming the case and position).
pub(crate) fn stored_case(
    case_id: &CaseId,
    rows: Vec<(i64, String, bool)>,
    disposal: Option<Disposal>,
) -> Result<Option<StoredCase>> {
    if rows.is_empty() {
        return Ok(None);
    }
    for (i, (v, _, _)) in rows.iter().enumerate() {
        if *v != i as i64 + 1 {
            return Err(StoreError::Corrupt(format!(
                "case {case_id}: expected version {} but found version {v} (an event is missing or was moved)",
                i + 1
            )));
        }
    }
    let version = rows.len() as u64;
    let any_disposed = rows.iter().any(|(_, _, d)| *d);
    if let Some(d) = disposal {
        return Ok(Some(StoredCase {
            case_id: case_id.clone(),
            version,
            events: Vec::new(),
            disposed: Some(d),
        }));
    }
    if any_disposed {
        return Err(StoreError::Corrupt(format!(
            "case {case_id}: events are marked disposed but there is no disposal record"
        )));
    }
    let events = rows
        .into_iter()
        .map(|(v, body, _)| {
            serde_json::from_str::<Event>(&body).map_err(|e| {
                StoreError::Corrupt(format!(
                    "case {case_id}: event version {v} is not a readable event: {e}"
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(StoredCase {
        case_id: case_id.clone(),
        version,
        events,
        disposed: None,
    }))
}
