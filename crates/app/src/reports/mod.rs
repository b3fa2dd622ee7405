//! The scrutiny panel's pack (issue 10; docs/reports.md): for a force, or a unit with its
//! sub-units, and a period, point by point how the plan was kept, the assaults and their
//! outcomes, and trends against a year earlier. Figures come from the read models written
//! from `evaluate` with every append (the obligation rows and the per-case report rows), so
//! they agree with the case pages. The panel version is suppressed ([`suppression`]); the
//! named version is not, names colleagues and cases, and every generation is logged.

mod context;
pub mod csv;
mod measures;
pub mod national;
mod panel_review;
pub mod pdf;
mod point_by_point;
pub mod suppression;
pub mod table;
mod trends;
mod words;

pub use panel_review::{
    MAX_ACTIONS_CHARS, MAX_CHAIR_CHARS, NewPanelReview, PanelReviews, pack_hash,
};
pub use table::{Cell, Row, Table};
pub use trends::Bucket;

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::policy::{ReportAction, decide_report};
use jiff::Timestamp;
use jiff::civil::Date;
use pledge_domain::calendar::Calendar;
use pledge_store::{AccessAction, AccessEntry, Headcount, ReportScope, Store};
use serde::Serialize;
use std::collections::HashMap;
use table::Grid;

/// The default suppression threshold: counts 1 to 4 are shown as "fewer than 5".
pub const DEFAULT_THRESHOLD: u64 = 5;

/// What pack to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackRequest {
    /// The force (required: a missing force never means "all").
    pub force: String,
    /// A unit (with its sub-units); None for the whole force.
    pub unit: Option<String>,
    /// First day (UK local time).
    pub from: Date,
    /// Last day, inclusive.
    pub to: Date,
    /// Trend buckets.
    pub by: Bucket,
    /// The named version.
    pub named: bool,
    /// Suppression threshold (panel version; at least 2).
    pub threshold: u64,
}

impl PackRequest {
    /// Checks the request: a force, a period of at most ten years in order, a sensible
    /// threshold. Errors name the field.
    pub fn check(&self) -> AppResult<()> {
        if self.force.trim().is_empty() {
            return Err(AppError::invalid("force", "name the force"));
        }
        if self.unit.as_deref().is_some_and(|u| u.trim().is_empty()) {
            return Err(AppError::invalid(
                "unit",
                "name the unit, or leave it out for the whole force",
            ));
        }
        if self.to < self.from {
            return Err(AppError::invalid("to", "the period ends before it starts"));
        }
        if self.to.year() - self.from.year() > 10 {
            return Err(AppError::invalid("to", "a pack covers at most ten years"));
        }
        if !(2..=100).contains(&self.threshold) {
            return Err(AppError::invalid(
                "threshold",
                "the threshold is a whole number from 2 to 100",
            ));
        }
        Ok(())
    }
}

/// A finished pack: every figure, already suppressed for the panel version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pack {
    /// The force.
    pub force: String,
    /// What it covers, in words (the force, or a unit's name and its sub-units).
    pub area: String,
    /// First day.
    pub from: Date,
    /// Last day (inclusive).
    pub to: Date,
    /// The same period a year earlier: first day.
    pub compare_from: Date,
    /// The same period a year earlier: last day.
    pub compare_to: Date,
    /// `panel` or `named`.
    pub version: &'static str,
    /// The suppression threshold (panel version).
    pub threshold: u64,
    /// Headcounts used for rates: the figures in force on this day.
    pub headcount_date: Date,
    /// When it was made.
    pub generated_at: Timestamp,
    /// The tables, in reading order.
    pub tables: Vec<Table>,
}

impl Pack {
    /// A date as a person reads it: "29 November 2026".
    pub fn date_words(&self, d: &Date) -> String {
        words::date(*d)
    }

    /// A table by id.
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}

/// Subtracts a year (29 February becomes 28 February).
fn year_earlier(d: Date) -> Date {
    d.checked_sub(jiff::Span::new().years(1)).unwrap_or(d)
}

/// Makes a pack from the store, without an access decision: the caller has decided
/// ([`App::report_pack`] through the policy; the command line as the database's operator).
/// The named version's generation is the caller's to log.
pub async fn build<S: Store>(
    store: &S,
    calendar: &Calendar,
    req: &PackRequest,
    now: Timestamp,
) -> AppResult<Pack> {
    req.check()?;
    let all_units: Vec<_> = store
        .units()
        .await?
        .into_iter()
        .filter(|u| u.force == req.force)
        .collect();
    let (units, area) = match &req.unit {
        None => (None, req.force.clone()),
        Some(top) => {
            let Some(unit) = all_units.iter().find(|u| &u.id == top) else {
                return Err(AppError::invalid(
                    "unit",
                    format!("there is no unit \"{top}\" in {}", req.force),
                ));
            };
            let mut chain = vec![top.clone()];
            let mut i = 0;
            while i < chain.len() {
                let parent = chain[i].clone();
                for u in &all_units {
                    if u.parent.as_deref() == Some(parent.as_str()) && !chain.contains(&u.id) {
                        chain.push(u.id.clone());
                    }
                }
                i += 1;
            }
            let area = if chain.len() > 1 {
                format!("{} and the units under it", unit.name)
            } else {
                unit.name.clone()
            };
            (Some(chain), area)
        }
    };
    let midnight = |d: Date| calendar.local_midnight(d);
    let end = req
        .to
        .tomorrow()
        .map_err(|_| AppError::invalid("to", "the date is out of range"))?;
    let scope = ReportScope {
        force: req.force.clone(),
        units: units.clone(),
        from: midnight(req.from),
        to: midnight(end),
    };
    let (cfrom, cto) = (year_earlier(req.from), year_earlier(req.to));
    let compare = ReportScope {
        from: midnight(cfrom),
        to: midnight(cto.tomorrow().unwrap_or(cto)),
        ..scope.clone()
    };
    let cases = store.report_rows(&scope).await?;
    // Obligations as the database counts them: per obligation, and per case for the trends.
    let kept = store.report_kept_by_obligation(&scope).await?;
    let kept_by_case = store.report_kept_by_case(&scope).await?;
    let prev_cases = store.report_rows(&compare).await?;
    let prev_kept_by_case = store.report_kept_by_case(&compare).await?;
    let heads = heads(
        store.headcounts_on(&req.force, req.to).await?,
        units.as_deref(),
    );
    let names: Option<HashMap<String, String>> = if req.named {
        Some(
            store
                .people()
                .await?
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect(),
        )
    } else {
        None
    };

    let mut g = Grid::default();
    let totals = measures::draft(&mut g, &cases, &heads, names.as_ref());
    let kept = point_by_point::draft(&mut g, &kept, &cases, req.named);
    // Point by point first: the panel's first question is how the plan was kept.
    let pbp = g.tables.iter().position(|t| t.id == "point_by_point");
    if let Some(i) = pbp {
        let t = g.tables.remove(i);
        g.tables.insert(0, t);
    }
    let buckets = trends::buckets(req.from, req.to, req.by);
    trends::draft(
        &mut g,
        "trends",
        "Trends",
        "The headline measures by month or quarter over the period.",
        &buckets,
        &midnight,
        &cases,
        &kept_by_case,
        Some([
            totals.assaults,
            totals.injured,
            totals.hospitalised,
            totals.hate,
            totals.arrested,
            kept.on_time,
            kept.late,
            kept.missed,
        ]),
    );
    let prev_buckets = trends::buckets(cfrom, cto, req.by);
    trends::draft(
        &mut g,
        "trends_year_earlier",
        "The same period a year earlier",
        "The same measures for the same months a year earlier.",
        &prev_buckets,
        &midnight,
        &prev_cases,
        &prev_kept_by_case,
        None,
    );
    let tables = g.finish((!req.named).then_some(req.threshold));
    Ok(Pack {
        force: req.force.clone(),
        area,
        from: req.from,
        to: req.to,
        compare_from: cfrom,
        compare_to: cto,
        version: if req.named { "named" } else { "panel" },
        threshold: req.threshold,
        headcount_date: req.to,
        generated_at: now.round(jiff::Unit::Second).unwrap_or(now),
        tables,
    })
}

/// Sums the headcounts of the units in scope by role.
fn heads(rows: Vec<Headcount>, units: Option<&[String]>) -> measures::Heads {
    let mut h = measures::Heads::default();
    for r in rows {
        if units.is_none_or(|us| us.contains(&r.unit)) {
            *h.by_role.entry(r.role).or_default() += u64::from(r.count);
        }
    }
    h
}

/// The access-log entry for a named pack's generation.
pub fn named_pack_access(actor: &str, req: &PackRequest, now: Timestamp, how: &str) -> AccessEntry {
    AccessEntry {
        at: now,
        actor: actor.to_owned(),
        action: AccessAction::Consult,
        case_id: None,
        what: format!(
            "named scrutiny pack ({how}): {}{} from {} to {}",
            req.force,
            req.unit
                .as_deref()
                .map(|u| format!(", unit {u}"))
                .unwrap_or_default(),
            req.from,
            req.to
        ),
        justification: "scrutiny of the force's response to assaults on staff".into(),
    }
}

impl<S: Store> App<S> {
    /// The pack for an actor: the panel version to those the policy allows it, the named
    /// version only to those who may see every case of the force (logged). Refused:
    /// [`AppError::Forbidden`].
    pub async fn report_pack(
        &self,
        actor: &Actor,
        req: &PackRequest,
        now: Timestamp,
    ) -> AppResult<Pack> {
        let action = if req.named {
            ReportAction::NamedPack
        } else {
            ReportAction::PanelPack
        };
        if !decide_report(actor, action, &req.force) {
            return Err(AppError::Forbidden(if req.named {
                "have the named pack".into()
            } else {
                "have this force's scrutiny pack".into()
            }));
        }
        let pack = build(&self.store, &self.calendar, req, now).await?;
        if req.named {
            self.store
                .record_access(named_pack_access(&actor.log_id(), req, now, "page or API"))
                .await?;
        }
        Ok(pack)
    }

    /// Whether the actor may have the panel or the named pack of a force.
    pub fn may_report(&self, actor: &Actor, force: &str, named: bool) -> bool {
        decide_report(
            actor,
            if named {
                ReportAction::NamedPack
            } else {
                ReportAction::PanelPack
            },
            force,
        )
    }

    /// Sets a unit's headcount of a role from a date (administrators; HR systems).
    pub async fn set_headcount(&self, actor: &Actor, h: &Headcount) -> AppResult<()> {
        if !decide_report(actor, ReportAction::SetHeadcounts, &h.force) {
            return Err(AppError::Forbidden("set this force's headcounts".into()));
        }
        self.store.set_headcount(h).await?;
        Ok(())
    }

    /// A force's headcounts in force on a date.
    pub async fn headcounts_on(
        &self,
        actor: &Actor,
        force: &str,
        on: Date,
    ) -> AppResult<Vec<Headcount>> {
        if !decide_report(actor, ReportAction::SetHeadcounts, force)
            && !decide_report(actor, ReportAction::PanelPack, force)
        {
            return Err(AppError::Forbidden("see this force's headcounts".into()));
        }
        Ok(self.store.headcounts_on(force, on).await?)
    }
}
