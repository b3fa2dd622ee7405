//! Making a force's national export from its panel pack: the pack's suppressed figures,
//! without the rates (the merge recomputes them from the headcounts), the days against
//! deadlines (medians cannot be added up), the trends and anything named.

use super::schema::{
    ExportRow, ExportTable, Figure, Headcounts, LogHead, NationalExport, PlanVersion, SCHEMA,
    SCHEMA_VERSION,
};
use crate::error::{AppError, AppResult};
use crate::reports::{self, Bucket, Cell, Pack, PackRequest, Table};
use jiff::Timestamp;
use jiff::civil::Date;
use pledge_domain::calendar::Calendar;
use pledge_store::{CaseFilter, CaseScope, Store};
use std::collections::{BTreeMap, BTreeSet};

/// The pack's tables that go into the export, in its order. The trends are left out (a
/// period's figures are what forces compare) and so is every named-only table.
pub const EXPORTED_TABLES: [&str; 13] = [
    "point_by_point",
    "assaults",
    "injury",
    "hospital",
    "workforce_role",
    "place",
    "circumstances",
    "causal_factors",
    "hate_crime",
    "arrests",
    "outcomes",
    "court",
    "victims",
];

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    /// The force.
    pub force: String,
    /// First day.
    pub from: Date,
    /// Last day, inclusive.
    pub to: Date,
    /// Suppression threshold (as the pack's).
    pub threshold: u64,
}

/// A column that is a rate, days or the plan point: not a count to add up.
fn dropped_column(heading: &str) -> bool {
    let h = heading.to_ascii_lowercase();
    h.contains("rate") || h.contains("days") || h == "point"
}

/// Converts a finished panel-pack table. A word cell in a kept column is refused: free text
/// never leaves the force.
fn table(t: &Table) -> AppResult<ExportTable> {
    // The pack's first column heading names the label column.
    let headings = t.columns.get(1..).unwrap_or_default();
    let point_col = headings.iter().position(|h| h == "Point");
    let kept: Vec<usize> = (0..headings.len())
        .filter(|&i| !dropped_column(&headings[i]))
        .collect();
    let mut rows = Vec::new();
    for r in &t.rows {
        if r.label.to_ascii_lowercase().starts_with("rate per") {
            continue;
        }
        let point = point_col.and_then(|i| match r.cells.get(i) {
            Some(Cell::Text { value }) if !value.is_empty() => Some(value.clone()),
            _ => None,
        });
        let mut figures = Vec::new();
        for &i in &kept {
            figures.push(match r.cells.get(i) {
                Some(Cell::Count { value }) => Figure::Count { value: *value },
                Some(Cell::FewerThan { threshold }) => Figure::FewerThan {
                    threshold: *threshold,
                },
                Some(Cell::Withheld) => Figure::Withheld,
                Some(Cell::NotAvailable) | None => Figure::NotApplicable,
                Some(other) => {
                    return Err(AppError::Internal(format!(
                        "the {} table's \"{}\" column holds {other:?}, not a count",
                        t.id, headings[i]
                    )));
                }
            });
        }
        rows.push(ExportRow {
            point,
            label: r.label.clone(),
            figures,
        });
    }
    Ok(ExportTable {
        id: t.id.clone(),
        title: t.title.clone(),
        columns: kept.iter().map(|&i| headings[i].clone()).collect(),
        rows,
    })
}

/// The export of a finished panel pack, with what identifies where it came from.
pub fn from_pack(
    pack: &Pack,
    plan_versions: Vec<PlanVersion>,
    log_head: LogHead,
    headcounts: Headcounts,
) -> AppResult<NationalExport> {
    if pack.version != "panel" {
        return Err(AppError::Internal(
            "a national export is made from the panel pack only".into(),
        ));
    }
    let tables = EXPORTED_TABLES
        .iter()
        .filter_map(|id| pack.table(id))
        .map(table)
        .collect::<AppResult<Vec<_>>>()?;
    Ok(NationalExport {
        schema: SCHEMA.into(),
        schema_version: SCHEMA_VERSION,
        force: pack.force.clone(),
        from: pack.from,
        to: pack.to,
        generated_at: pack.generated_at,
        threshold: pack.threshold,
        plan_versions,
        log_head,
        headcounts,
        tables,
    })
}

/// Makes a force's national export from the store, without an access decision (the
/// command line runs as the database's operator). The log head is read before the figures:
/// an export made while cases are being recorded may count events after it.
pub async fn build<S: Store>(
    store: &S,
    calendar: &Calendar,
    req: &ExportRequest,
    now: Timestamp,
) -> AppResult<NationalExport> {
    let pack_req = PackRequest {
        force: req.force.clone(),
        unit: None,
        from: req.from,
        to: req.to,
        by: Bucket::Month,
        named: false,
        threshold: req.threshold,
    };
    pack_req.check()?;
    if !store.units().await?.iter().any(|u| u.force == req.force) {
        return Err(AppError::invalid(
            "force",
            format!("there is no force \"{}\" in this database", req.force),
        ));
    }
    let heads = store.heads().await?;
    let log_head = LogHead {
        sequence: heads.events.0,
        hash: pledge_store::chain::to_hex(&heads.events.1),
    };
    let pack = reports::build(store, calendar, &pack_req, now).await?;
    let mut by_role: BTreeMap<String, u64> = BTreeMap::new();
    for h in store.headcounts_on(&req.force, req.to).await? {
        *by_role.entry(h.role).or_default() += u64::from(h.count);
    }
    let plan_versions = plan_versions(store, calendar, req).await?;
    from_pack(
        &pack,
        plan_versions,
        log_head,
        Headcounts {
            on: req.to,
            by_role,
        },
    )
}

/// The plan versions the force's cases of the period were held to.
async fn plan_versions<S: Store>(
    store: &S,
    calendar: &Calendar,
    req: &ExportRequest,
) -> AppResult<Vec<PlanVersion>> {
    let end = req
        .to
        .tomorrow()
        .map_err(|_| AppError::invalid("to", "the date is out of range"))?;
    let scope = CaseScope::whole_force(&req.force);
    let page = 500u32;
    let mut seen = BTreeSet::new();
    let mut offset = 0u32;
    loop {
        let filter = CaseFilter {
            from: Some(calendar.local_midnight(req.from)),
            to: Some(calendar.local_midnight(end)),
            limit: Some(page),
            offset: Some(offset),
            ..CaseFilter::default()
        };
        let cases = store.list_cases(&scope, &filter).await?;
        for c in &cases {
            seen.insert(PlanVersion {
                plan: c.plan_id.clone(),
                version: c.plan_version,
            });
        }
        if cases.len() < page as usize {
            return Ok(seen.into_iter().collect());
        }
        offset = offset.saturating_add(page);
    }
}
