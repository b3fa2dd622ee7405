//! Notifications that reached nobody: a role nobody held when the plan said it must be told
//! (add them to the on-call rota or the directory), and emails given up after every retry.

use super::{AdminPage, Row, admin_only, page, respond};
use crate::pages::error::PageError;
use crate::pages::session::PageUser;
use crate::pages::words;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;

async fn problems_page(state: &AppState, user: &PageUser) -> Result<AdminPage, PageError> {
    admin_only(user)?;
    let app = state.app();
    let problems = app.notification_problems(&user.actor).await?;
    let people = app
        .people_of_force(&user.actor, state.now())
        .await
        .unwrap_or_default();
    let name = |id: &str| {
        people
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    let rows = problems
        .into_iter()
        .map(|n| {
            let role = n.role.as_deref().map(words::words).unwrap_or_default();
            let (to, why) = match n.person.as_deref() {
                None => (
                    format!("The {role}"),
                    format!("Nobody was on call or held the role {role}"),
                ),
                Some(p) => (
                    name(p),
                    format!(
                        "The email was not delivered after {} attempt{}{}",
                        n.attempts,
                        if n.attempts == 1 { "" } else { "s" },
                        n.last_answer
                            .as_deref()
                            .map(|a| format!(": {a}"))
                            .unwrap_or_default()
                    ),
                ),
            };
            Row::from(vec![
                n.case_id,
                to,
                n.headline,
                words::when(n.created_at),
                why,
            ])
        })
        .collect();
    let mut p = page(
        user.layout("Notifications that reached nobody", "/admin"),
        "Notifications that reached nobody",
        vec!["Case", "For", "What", "When", "Why"],
        rows,
    );
    p.intro.push("The plan said these people must be told, and nobody was. For a role nobody held, put someone on the on-call rota or give the role to someone in the directory; for an email that failed, check the person's address.".into());
    p.table_heading = "Newest first";
    Ok(p)
}

/// `GET /admin/notifications`.
pub async fn notification_problems(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("Notifications that reached nobody", "/admin");
    respond(problems_page(&state, &user).await, layout)
}
