//! `GET /cases/{case_id}/trm`: a case as the tasking and resourcing meeting is briefed on it
//! (WMP 8: the assault is raised at the TRM and the victim discussed outside it). The page
//! shows what happened and where, never who: no name, collar number or role of the victim.
//! Who may see it is the app's policy (`CaseAction::ViewTrmBriefing`).

use super::case::case_id;
use super::error::PageError;
use super::layout::Layout;
use super::names::Names;
use super::session::PageUser;
use super::words;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

/// The page.
#[derive(Template, WebTemplate)]
#[template(path = "trm.html")]
pub struct TrmPage {
    /// Layout.
    pub layout: Layout,
    /// The case reference.
    pub case_id: String,
    /// What the meeting is told: (question, answer), in words.
    pub rows: Vec<(&'static str, String)>,
}

fn yes_no(b: bool) -> String {
    if b { "Yes" } else { "No" }.to_owned()
}

/// `GET /cases/{case_id}/trm`.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Path(raw): Path<String>,
) -> Response {
    let layout = user.layout("Tasking meeting briefing", "/");
    let r = async {
        let id = case_id(&raw)?;
        let b = state
            .app()
            .trm_briefing(&user.actor, &id, state.now())
            .await?;
        let names = Names::load(&state, &user).await;
        let hate = if b.hate_crime.is_empty() {
            "No".to_owned()
        } else {
            let strands: Vec<String> = b
                .hate_crime
                .iter()
                .map(|h| words::words(h.as_str()))
                .collect();
            format!("Yes: {}", strands.join(", "))
        };
        let first = |s: String| -> String {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        };
        let rows = vec![
            ("Unit", names.unit(&b.unit)),
            (
                "Date of the assault",
                b.occurred_on.strftime("%-d %B %Y").to_string(),
            ),
            ("Where", first(words::words(b.location_type.as_str()))),
            ("Offence", first(words::words(b.offence.as_str()))),
            ("Hate crime", hate),
            ("Colleagues assaulted", b.victims.to_string()),
            ("Worst injury", first(words::words(b.worst_injury.as_str()))),
            ("Taken to hospital", yes_no(b.hospitalised)),
            ("Suspect identified", yes_no(b.suspect_identified)),
            ("Suspect arrested", yes_no(b.arrested)),
            ("Suspect charged", yes_no(b.charged)),
        ];
        Ok::<_, PageError>(TrmPage {
            layout: layout.clone(),
            case_id: b.case_id,
            rows,
        })
    }
    .await;
    match r {
        Ok(p) => p.into_response(),
        Err(e) => e.page(layout),
    }
}
