//! The leadership overview: overdue obligations by unit and point, serious injuries and
//! hospitalisations in the last days, hate crimes, cases with no arrest, and open obligations
//! owned by people who have left (to be reassigned). Built from `App::overdue`,
//! `App::list_cases` and `App::leavers_open_obligations`, which decide who may see what.

use super::error::PageError;
use super::home::CaseRow;
use super::layout::Layout;
use super::names::Names;
use super::session::PageUser;
use super::words;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use pledge_store::CaseFilter;

/// Overdue count for a unit and point.
pub struct OverdueCell {
    /// Unit.
    pub unit: String,
    /// Point.
    pub point: String,
    /// How many.
    pub count: usize,
}

/// One overdue obligation.
pub struct OverdueRow {
    /// Case.
    pub case_id: String,
    /// Unit.
    pub unit: String,
    /// Point.
    pub point: String,
    /// What.
    pub title: String,
    /// Owner.
    pub owner: String,
    /// How late.
    pub late: String,
}

/// The overview page.
#[derive(Template, WebTemplate)]
#[template(path = "overview.html")]
pub struct OverviewPage {
    /// Layout.
    pub layout: Layout,
    /// Days looked back.
    pub days: i64,
    /// The periods to choose from: days and their label.
    pub periods: Vec<(i64, &'static str)>,
    /// Overdue counts by unit and point.
    pub cells: Vec<OverdueCell>,
    /// Overdue obligations, most overdue first.
    pub overdue: Vec<OverdueRow>,
    /// Serious or critical injuries, or hospitalised, in the period.
    pub serious: Vec<CaseRow>,
    /// Hate crimes in the period.
    pub hate: Vec<CaseRow>,
    /// Cases in the period with no arrest (arrest is the preferred outcome, OSSR 23(ii)).
    pub no_arrest: Vec<CaseRow>,
    /// Open obligations owned by people who have left the force: to be reassigned.
    pub leavers: Vec<OverdueRow>,
    /// The scrutiny panel's review (OSSR 23(i)), for those who may see it.
    pub panel: Option<super::panel::PanelSummary>,
    /// Assaults per 1,000 staff in the period, by unit, from the stored headcounts (empty when
    /// the reader may not see the headcounts or none are stored).
    pub rates: Vec<RateRow>,
}

/// Assaults recorded in a unit in the period, against its headcount.
pub struct RateRow {
    /// The unit's name ("Whole force" for the total).
    pub unit: String,
    /// Cases in the period.
    pub cases: usize,
    /// Staff of every workforce role, from the headcounts in force today.
    pub staff: u32,
    /// Cases per 1,000 staff, one decimal place.
    pub rate: String,
}

/// Cases per 1,000 staff by unit (and for the whole force), for units with a headcount.
fn rates(
    recent: &[pledge_store::CaseSummary],
    headcounts: &[pledge_store::Headcount],
    names: &Names,
) -> Vec<RateRow> {
    use std::collections::BTreeMap;
    let mut staff: BTreeMap<&str, u32> = BTreeMap::new();
    for h in headcounts {
        *staff.entry(h.unit.as_str()).or_default() += h.count;
    }
    let per_thousand = |cases: usize, staff: u32| {
        format!("{:.1}", cases as f64 * 1000.0 / f64::from(staff.max(1)))
    };
    let mut rows: Vec<RateRow> = staff
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(unit, n)| {
            let cases = recent.iter().filter(|c| c.unit == *unit).count();
            RateRow {
                unit: names.unit(unit),
                cases,
                staff: *n,
                rate: per_thousand(cases, *n),
            }
        })
        .collect();
    let total: u32 = staff.values().sum();
    if total > 0 {
        let cases = recent
            .iter()
            .filter(|c| staff.contains_key(c.unit.as_str()))
            .count();
        rows.push(RateRow {
            unit: "All these units".into(),
            cases,
            staff: total,
            rate: per_thousand(cases, total),
        });
    }
    rows
}

/// Query of the overview.
#[derive(Debug, serde::Deserialize)]
pub struct OverviewQuery {
    /// Days to look back (default 28).
    days: Option<i64>,
}

/// `GET /overview`.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<OverviewQuery>,
) -> Response {
    let layout = user.layout("Overview", "/overview");
    let now = state.now();
    let days = q.days.unwrap_or(28).clamp(1, 366);
    let result = async {
        let overdue = state.app().overdue(&user.actor, None, now).await?;
        let from = now
            .checked_sub(jiff::SignedDuration::from_hours(24 * days))
            .ok();
        let recent = state
            .app()
            .list_cases(
                &user.actor,
                CaseFilter {
                    from,
                    limit: Some(500),
                    ..CaseFilter::default()
                },
                now,
            )
            .await?;
        let counts = state.app().overdue_counts(&user.actor, now).await?;
        let leavers = state
            .app()
            .leavers_open_obligations(&user.actor, 200, now)
            .await?;
        let names = Names::load(&state, &user).await;
        // Only the pack's readers see the panel's standing; others see the rest of the page.
        let panel = match state.app().panel_reviews(&user.actor, now).await {
            Ok(r) if r.review.is_some() => {
                Some(super::panel::summary(&r, &|u: &str| names.unit(u)))
            }
            Ok(_) | Err(pledge_app::AppError::Forbidden(_)) => None,
            Err(e) => return Err(e.into()),
        };
        // Rates only for those who may see the force's headcounts (the pack's readers).
        let headcounts = match (user.actor.force(), now.in_tz("Europe/London")) {
            (Some(force), Ok(today)) => state
                .app()
                .headcounts_on(&user.actor, force, today.date())
                .await
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let rates = rates(&recent, &headcounts, &names);
        let mut rows: Vec<_> = overdue.iter().collect();
        rows.sort_by_key(|t| t.row.due_at);
        rows.truncate(200);
        // Each row's point is named from its case's own plan (a force's cases may be held to
        // several plans, numbering points differently); the counts carry their plan.
        let shown: Vec<_> = rows
            .iter()
            .map(|t| t.row.clone())
            .chain(leavers.iter().map(|(_, row)| row.clone()))
            .collect();
        let titles = state.app().point_titles(&shown).await?;
        let library = state.app().plans();
        let row_point = |case_id: &pledge_store::CaseId, point: &str| {
            titles
                .get(case_id)
                .and_then(|t| t.get(point))
                .map(|title| format!("{point}. {title}"))
                .unwrap_or_else(|| names.point(point))
        };
        Ok::<_, PageError>(OverviewPage {
            layout: layout.clone(),
            days,
            periods: vec![
                (7, "7 days"),
                (28, "28 days"),
                (91, "3 months"),
                (365, "12 months"),
            ],
            cells: counts
                .into_iter()
                .map(|c| OverdueCell {
                    unit: names.unit(&c.unit),
                    point: library
                        .get(&c.plan_id, c.plan_version)
                        .and_then(|plan| plan.points.iter().find(|p| p.number == c.point))
                        .map(|p| format!("{}. {}", p.number, p.title))
                        .unwrap_or_else(|| names.point(&c.point)),
                    count: usize::try_from(c.count).unwrap_or(usize::MAX),
                })
                .collect(),
            overdue: rows
                .into_iter()
                .map(|t| OverdueRow {
                    case_id: t.row.case_id.to_string(),
                    unit: names.unit(&t.row.unit),
                    point: row_point(&t.row.case_id, &t.row.point),
                    title: t.row.title.clone(),
                    owner: t
                        .row
                        .owner_person
                        .as_deref()
                        .map(|p| names.person(p))
                        .unwrap_or_else(|| words::words(&t.row.owner_role)),
                    late: words::due(t.row.due_at, now),
                })
                .collect(),
            serious: recent
                .iter()
                .filter(|c| c.hospitalised || matches!(c.injury.as_str(), "serious" | "critical"))
                .map(|c| names.case_row(c))
                .collect(),
            hate: recent
                .iter()
                .filter(|c| !c.hate_crime.is_empty())
                .map(|c| names.case_row(c))
                .collect(),
            no_arrest: recent
                .iter()
                .filter(|c| !c.arrested)
                .map(|c| names.case_row(c))
                .collect(),
            leavers: leavers
                .into_iter()
                .map(|(person, row)| OverdueRow {
                    case_id: row.case_id.to_string(),
                    unit: names.unit(&row.unit),
                    point: row_point(&row.case_id, &row.point),
                    title: row.title.clone(),
                    owner: person.name,
                    late: words::due(row.due_at, now),
                })
                .collect(),
            panel,
            rates,
        })
    }
    .await;
    match result {
        Ok(p) => p.into_response(),
        Err(e) => e.page(layout),
    }
}
