//! Home ("my tasks": obligations I own across cases, most urgent first) and the case list.

use super::error::PageError;
use super::layout::Layout;
use super::session::PageUser;
use super::words;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

/// One task as shown.
pub struct TaskRow {
    /// Plan point by its number and title.
    pub point: String,
    /// What must be done.
    pub title: String,
    /// Case id.
    pub case_id: String,
    /// Due in words.
    pub due: String,
    /// Due time.
    pub due_at: String,
    /// Overdue now.
    pub overdue: bool,
    /// Link to the action.
    pub href: String,
}

/// One case as listed.
pub struct CaseRow {
    /// Case id.
    pub case_id: String,
    /// Where to go.
    pub href: String,
    /// When it happened.
    pub occurred: String,
    /// When it was reported.
    pub reported: String,
    /// The soonest due time of its open obligations, in words ("due in 3 hours"), or a dash.
    pub next_due: String,
    /// Unit.
    pub unit: String,
    /// Injury.
    pub injury: String,
    /// Hospitalised.
    pub hospitalised: bool,
    /// Hate crime.
    pub hate_crime: bool,
    /// Open or closed.
    pub status: String,
}

/// A case the signed-in person was assaulted in: a link to their victim's view.
pub struct OwnCaseRow {
    /// Case id.
    pub case_id: String,
    /// The victim's view.
    pub href: String,
    /// When it happened.
    pub occurred: String,
}

/// The home page.
#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    /// Layout.
    pub layout: Layout,
    /// The person's first name or name.
    pub name: String,
    /// Tasks, most urgent first.
    pub tasks: Vec<TaskRow>,
    /// How many are overdue.
    pub overdue: usize,
    /// Cases the person is a victim in.
    pub own_cases: Vec<OwnCaseRow>,
}

/// The case list page.
#[derive(Template, WebTemplate)]
#[template(path = "cases.html")]
pub struct CasesPage {
    /// Layout.
    pub layout: Layout,
    /// Cases on this page.
    pub cases: Vec<CaseRow>,
    /// "Showing cases 51 to 100", or empty.
    pub shown: String,
    /// The force's units (id, name), for the filter.
    pub units: Vec<(String, String)>,
    /// The points of the plan in force (number, `a. <title>`), for "Overdue on point".
    pub points: Vec<(String, String)>,
    /// The filters chosen.
    pub chosen: super::cases::Chosen,
    /// What is wrong with a filter (field, message).
    pub errors: Vec<(String, String)>,
    /// The previous page's address.
    pub previous: Option<String>,
    /// The next page's address.
    pub next: Option<String>,
    /// The CSV export of the filtered list.
    pub export: String,
}

/// A case as the case list shows it. Lists never hold the reader's own cases as a victim
/// (those are on the home page, linking to the victim's view).
pub(super) fn case_row(s: &pledge_store::CaseSummary) -> CaseRow {
    CaseRow {
        case_id: s.case_id.to_string(),
        href: format!("/cases/{}", s.case_id),
        occurred: words::when(s.occurred_at),
        reported: words::when(s.reported_at),
        next_due: "–".to_owned(),
        unit: s.unit.clone(),
        injury: words::words(&s.injury),
        hospitalised: s.hospitalised,
        hate_crime: !s.hate_crime.is_empty(),
        status: match s.status.as_str() {
            "open" => "Open".to_owned(),
            "closed" => "Closed".to_owned(),
            other => words::words(other),
        },
    }
}

/// `GET /`: my tasks.
pub async fn home(State(state): State<AppState>, user: PageUser) -> Response {
    let now = state.now();
    let layout = user.layout("Your tasks", "/");
    let tasks = match state.app().my_tasks(&user.actor, now).await {
        Ok(t) => t,
        Err(e) => return PageError::from(e).page(layout),
    };
    let own_cases = match state.app().my_cases_as_victim(&user.actor, now).await {
        Ok(c) => c,
        Err(e) => return PageError::from(e).page(layout),
    };
    // An obligation with no due time yet (its clock waits for another step) asks nothing of
    // anyone: it is not an open task.
    let tasks: Vec<TaskRow> = tasks
        .into_iter()
        .filter(|t| t.row.due_at.is_some())
        .map(|t| TaskRow {
            // The point by its title, as the case page shows it ("d. Welfare and supervision").
            point: if t.point_title.is_empty() {
                format!("Point {}", t.row.point)
            } else {
                super::case::point_label(&t.row.point, &t.point_title)
            },
            title: t.row.title.clone(),
            case_id: t.row.case_id.to_string(),
            due: words::due(t.row.due_at, now),
            due_at: words::when_opt(t.row.due_at),
            overdue: t.overdue,
            href: format!(
                "/cases/{}/obligations/{}/{}",
                t.row.case_id, t.row.obligation_id, t.row.instance
            ),
        })
        .collect();
    HomePage {
        overdue: tasks.iter().filter(|t| t.overdue).count(),
        layout,
        name: user.name.clone(),
        tasks,
        own_cases: own_cases
            .into_iter()
            .map(|c| OwnCaseRow {
                href: format!("/cases/{}/victim", c.case_id),
                case_id: c.case_id.to_string(),
                occurred: words::when(c.occurred_at),
            })
            .collect(),
    }
    .into_response()
}
