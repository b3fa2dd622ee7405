//! `GET /cases`: the cases the person may see (the store's `CaseScope`, as the single-case
//! route decides), searched by reference or name, filtered by unit, a plan point overdue, open
//! or closed, hate crime, hospital and a date range, sorted by a column (headers are links),
//! 50 a page with previous and next links; `GET /cases.csv`: the same filtered and sorted
//! list, every page, as CSV (written to the access log as a disclosure). The filter form is a
//! GET form: it works without JavaScript and its address can be bookmarked.

use super::error::PageError;
use super::home::{CaseRow, CasesPage};
use super::record_when::UK;
use super::session::{Fields, PageUser};
use super::words;
use crate::state::AppState;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use pledge_store::{CaseFilter, CaseSort, OverdueOn, SortOrder};

/// Cases a page.
pub const PAGE_SIZE: u32 = 50;

/// The longest search the box takes (the store reads no more).
const SEARCH_MAX: usize = 100;

/// The filters as chosen, to draw the form again and build links.
#[derive(Debug, Clone, Default)]
pub struct Chosen {
    /// Unit id, or empty for all.
    pub unit: String,
    /// `open`, `closed` or empty.
    pub status: String,
    /// `yes`, `no` or empty.
    pub hate_crime: String,
    /// Only cases where a colleague was taken to hospital.
    pub hospitalised: bool,
    /// From, as typed.
    pub from: String,
    /// To, as typed.
    pub to: String,
    /// Reference or name, as typed.
    pub q: String,
    /// A plan point's number ("overdue on point ..."), or empty.
    pub overdue_point: String,
    /// The column sorted by.
    pub sort: CaseSort,
    /// Its direction.
    pub order: SortOrder,
    /// The page, from 1.
    pub page: u32,
}

/// A column header of the list: its words, and when sortable, the link that sorts by it and
/// its `aria-sort`.
pub struct Header {
    /// The column's name.
    pub label: &'static str,
    /// The address sorting by this column (the other way when it is the sorted one).
    pub href: String,
    /// `ascending`, `descending` or `none`.
    pub aria_sort: &'static str,
}

impl Chosen {
    /// Whether a filter inside "Filter the cases" is chosen: only then is it shown open, so a
    /// search or a sort alone (on a phone) does not push the results below the whole form.
    pub fn filters_chosen(&self) -> bool {
        [
            &self.unit,
            &self.status,
            &self.hate_crime,
            &self.from,
            &self.to,
            &self.overdue_point,
        ]
        .iter()
        .any(|v| !v.is_empty())
            || self.hospitalised
    }

    /// The query string of these filters at `page` (for the pagination and the export).
    pub fn query(&self, page: u32) -> String {
        let mut q: Vec<String> = self
            .pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", urlencode(&v)))
            .collect();
        if page > 1 {
            q.push(format!("page={page}"));
        }
        q.join("&")
    }

    /// The chosen filters, search and sort as (name, value), leaving out what is not chosen.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![];
        let mut add = |k: &'static str, v: &str| {
            if !v.is_empty() {
                q.push((k, v.to_owned()));
            }
        };
        add("unit", &self.unit);
        add("status", &self.status);
        add("hate_crime", &self.hate_crime);
        add("hospitalised", if self.hospitalised { "yes" } else { "" });
        add("from", &self.from);
        add("to", &self.to);
        add("q", &self.q);
        add("overdue_point", &self.overdue_point);
        if self.sort != CaseSort::default() || self.order != self.sort.natural_order() {
            add("sort", self.sort.as_str());
            add("order", self.order.as_str());
        }
        q
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

impl CasesPage {
    /// The date filters: name, label, value as typed.
    pub fn dates(&self) -> Vec<(String, String, String)> {
        vec![
            (
                "from".into(),
                "Happened on or after".into(),
                self.chosen.from.clone(),
            ),
            (
                "to".into(),
                "Happened on or before".into(),
                self.chosen.to.clone(),
            ),
        ]
    }

    /// The table's headers, each a link sorting by it (back to page 1, keeping the filters).
    pub fn headers(&self) -> Vec<Header> {
        let columns = [
            ("Case", CaseSort::Reference),
            ("Happened", CaseSort::Occurred),
            ("Reported", CaseSort::Reported),
            ("Unit", CaseSort::Unit),
            ("Status", CaseSort::Status),
            ("Next due", CaseSort::NextDue),
        ];
        columns
            .into_iter()
            .map(|(label, sort)| {
                let current = self.chosen.sort == sort;
                let order = if current {
                    self.chosen.order.flip()
                } else {
                    sort.natural_order()
                };
                let link = Chosen {
                    sort,
                    order,
                    ..self.chosen.clone()
                };
                Header {
                    label,
                    href: format!("/cases?{}", link.query(1)),
                    aria_sort: match (current, self.chosen.order) {
                        (false, _) => "none",
                        (true, SortOrder::Asc) => "ascending",
                        (true, SortOrder::Desc) => "descending",
                    },
                }
            })
            .collect()
    }

    /// How the list is sorted, in words (the table's caption).
    pub fn sorted_by(&self) -> String {
        let (what, asc, desc) = match self.chosen.sort {
            CaseSort::Reference => ("case reference", "A to Z", "Z to A"),
            CaseSort::Occurred => ("when it happened", "oldest first", "newest first"),
            CaseSort::Reported => ("when it was reported", "oldest first", "newest first"),
            CaseSort::Unit => ("unit", "A to Z", "Z to A"),
            CaseSort::Status => ("open or closed", "closed first", "open first"),
            CaseSort::NextDue => ("next due", "soonest first", "latest first"),
        };
        let way = match self.chosen.order {
            SortOrder::Asc => asc,
            SortOrder::Desc => desc,
        };
        format!("Cases sorted by {what}, {way}")
    }

    /// What the search form carries besides the search: the filters and the sort.
    pub fn kept_for_search(&self) -> Vec<(&'static str, String)> {
        let mut kept = self.chosen.pairs();
        kept.retain(|(k, _)| *k != "q");
        kept
    }

    /// What the filter form carries besides the filters: the search and the sort.
    pub fn kept_for_filter(&self) -> Vec<(&'static str, String)> {
        let mut kept = self.chosen.pairs();
        kept.retain(|(k, _)| *k == "q");
        kept
    }

    /// The "Sort by" choices of the filter form (the headers' links are out of sight on a
    /// phone, where the table is stacked): (value, words, chosen).
    pub fn sort_choices(&self) -> Vec<(&'static str, &'static str, bool)> {
        [
            (CaseSort::Reported, "When it was reported"),
            (CaseSort::Occurred, "When it happened"),
            (CaseSort::Reference, "Case reference"),
            (CaseSort::Unit, "Unit"),
            (CaseSort::Status, "Open or closed"),
            (CaseSort::NextDue, "Next due"),
        ]
        .into_iter()
        .map(|(s, words)| (s.as_str(), words, s == self.chosen.sort))
        .collect()
    }

    /// A filter's error message, or empty.
    pub fn error_of(&self, name: &str) -> String {
        self.errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }

    /// Whether a filter has an error.
    pub fn has_error(&self, name: &str) -> bool {
        self.errors.iter().any(|(f, _)| f == name)
    }
}

/// A day typed as `27/3/2026`, `27 3 2026` or `2026-03-27`.
fn day(typed: &str) -> Option<jiff::civil::Date> {
    let t = typed.trim();
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        return Some(d);
    }
    let parts: Vec<&str> = t
        .split(['/', ' ', '.', '-'])
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [d, m, y] => jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok(),
        _ => None,
    }
}

/// The start of a day in the UK.
fn start_of(d: jiff::civil::Date) -> Option<jiff::Timestamp> {
    d.to_datetime(jiff::civil::Time::midnight())
        .in_tz(UK)
        .ok()
        .map(|z| z.timestamp())
}

/// Reads the filters; errors name the field in words.
fn read(q: &Fields, now: jiff::Timestamp) -> (Chosen, CaseFilter, Vec<(String, String)>) {
    let mut errors = Vec::new();
    // An unknown column or direction (an edited address) falls back to the default order.
    let sort = CaseSort::parse(q.get("sort")).unwrap_or_default();
    let order = SortOrder::parse(q.get("order")).unwrap_or(sort.natural_order());
    let search = q.get("q").trim().to_owned();
    if search.chars().count() > SEARCH_MAX {
        errors.push((
            "q".to_owned(),
            format!("The reference or name must be {SEARCH_MAX} characters or fewer"),
        ));
    }
    let chosen = Chosen {
        q: search,
        overdue_point: q.get("overdue_point").trim().to_owned(),
        sort,
        order,
        unit: q.get("unit").to_owned(),
        status: match q.get("status") {
            s @ ("open" | "closed") => s.to_owned(),
            _ => String::new(),
        },
        hate_crime: match q.get("hate_crime") {
            s @ ("yes" | "no") => s.to_owned(),
            _ => String::new(),
        },
        hospitalised: q.get("hospitalised") == "yes",
        from: q.get("from").to_owned(),
        to: q.get("to").to_owned(),
        page: q.get("page").parse::<u32>().unwrap_or(1).clamp(1, 20_000),
    };
    let mut date = |name: &str, typed: &str, next_day: bool| -> Option<jiff::Timestamp> {
        if typed.is_empty() {
            return None;
        }
        let d = day(typed).and_then(|d| if next_day { d.tomorrow().ok() } else { Some(d) });
        match d.and_then(start_of) {
            Some(t) => Some(t),
            None => {
                errors.push((
                    name.to_owned(),
                    format!("Enter the {name} date like 27/3/2026"),
                ));
                None
            }
        }
    };
    let from = date("from", &chosen.from, false);
    let to = date("to", &chosen.to, true);
    let filter = CaseFilter {
        unit: Some(chosen.unit.clone()).filter(|u| !u.is_empty()),
        status: Some(chosen.status.clone()).filter(|s| !s.is_empty()),
        hate_crime: match chosen.hate_crime.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        hospitalised: chosen.hospitalised.then_some(true),
        from,
        to,
        search: Some(chosen.q.clone()).filter(|q| !q.is_empty() && q.chars().count() <= SEARCH_MAX),
        overdue_point: Some(chosen.overdue_point.clone())
            .filter(|p| !p.is_empty())
            .map(|point| OverdueOn { point, at: now }),
        sort: chosen.sort,
        order: Some(chosen.order),
        limit: Some(PAGE_SIZE + 1),
        offset: Some((chosen.page - 1) * PAGE_SIZE),
    };
    (chosen, filter, errors)
}

/// `GET /cases`.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    RawQuery(raw): RawQuery,
) -> Response {
    let layout = user.layout("Cases", "/cases");
    let q = match Fields::parse(raw.unwrap_or_default().as_bytes()) {
        Ok(q) => q,
        Err(e) => return e.page(layout),
    };
    let (chosen, filter, errors) = read(&q, state.now());
    let units = state
        .app()
        .units_of_force(&user.actor)
        .await
        .unwrap_or_default();
    match state
        .app()
        .list_cases(&user.actor, filter, state.now())
        .await
    {
        Ok(mut cases) => {
            let more = cases.len() > PAGE_SIZE as usize;
            cases.truncate(PAGE_SIZE as usize);
            let names = super::names::Names::load(&state, &user).await;
            let now = state.now();
            let due = match state.app().next_due_of(&cases).await {
                Ok(d) => d,
                Err(e) => return PageError::from(e).page(layout),
            };
            let rows: Vec<CaseRow> = cases
                .iter()
                .map(|c| {
                    let mut row = names.case_row(c);
                    if let Some(d) = due.get(&c.case_id) {
                        row.next_due =
                            format!("{} ({})", words::due(Some(*d), now), words::when(*d));
                    }
                    row
                })
                .collect();
            let first = (chosen.page - 1) * PAGE_SIZE + 1;
            CasesPage {
                layout: layout.with_errors(!errors.is_empty()),
                shown: if rows.is_empty() {
                    String::new()
                } else {
                    format!(
                        "Showing cases {first} to {}",
                        first as usize + rows.len() - 1
                    )
                },
                cases: rows,
                units: units.into_iter().map(|u| (u.id, u.name)).collect(),
                points: names.points_in_order().to_vec(),
                previous: (chosen.page > 1)
                    .then(|| format!("/cases?{}", chosen.query(chosen.page - 1))),
                next: more.then(|| format!("/cases?{}", chosen.query(chosen.page + 1))),
                export: format!("/cases.csv?{}", chosen.query(1)),
                errors,
                chosen,
            }
            .into_response()
        }
        Err(e) => PageError::from(e).page(layout),
    }
}

/// `GET /cases.csv`: the filtered list, every page.
pub async fn export(
    State(state): State<AppState>,
    user: PageUser,
    RawQuery(raw): RawQuery,
) -> Response {
    let layout = user.layout("Cases", "/cases");
    let q = match Fields::parse(raw.unwrap_or_default().as_bytes()) {
        Ok(q) => q,
        Err(e) => return e.page(layout),
    };
    let (chosen, filter, errors) = read(&q, state.now());
    if let Some((_, m)) = errors.first() {
        return PageError::from(pledge_app::AppError::invalid("filter", m.clone())).page(layout);
    }
    let what = match chosen.query(1) {
        q if q.is_empty() => "no filter".to_owned(),
        q => q,
    };
    let cases = match state
        .app()
        .export_cases(&user.actor, filter, &what, state.now())
        .await
    {
        Ok(c) => c,
        Err(e) => return PageError::from(e).page(layout),
    };
    let names = super::names::Names::load(&state, &user).await;
    let field = pledge_app::reports::csv::field;
    let mut out = String::from("Case,Happened,Unit,Injury,Taken to hospital,Hate crime,Status\r\n");
    for c in &cases {
        let r = names.case_row(c);
        let cells = [
            r.case_id.as_str(),
            &c.occurred_at.to_string(),
            &r.unit,
            &r.injury,
            if r.hospitalised { "yes" } else { "no" },
            if r.hate_crime { "yes" } else { "no" },
            &r.status,
        ];
        out.push_str(&cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"pledge-cases.csv\""),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        out,
    )
        .into_response()
}
