//! Notifications that reached nobody: a role nobody held when the plan said it must be told
//! (add them to the on-call rota or the directory), emails given up after every retry, and
//! webhook deliveries that are failing or dead (each dead letter with a Retry button).

use super::{AdminPage, Row, RowAction, admin_only, page, respond};
use crate::pages::error::PageError;
use crate::pages::session::{PageForm, PageUser};
use crate::pages::words;
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;

async fn problems_page(
    state: &AppState,
    user: &PageUser,
    notice: String,
) -> Result<AdminPage, PageError> {
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
    let mut rows: Vec<Row> = problems
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
    rows.extend(webhook_rows(state, user).await?);
    let mut p = page(
        user.layout("Notifications that reached nobody", "/admin"),
        "Notifications that reached nobody",
        vec!["Case", "For", "What", "When", "Why"],
        rows,
    );
    p.intro.push("The plan said these people must be told, and nobody was. For a role nobody held, put someone on the on-call rota or give the role to someone in the directory; for an email that failed, check the person's address.".into());
    p.intro.push("A webhook delivery the receiver did not accept is retried for about two hours; then it waits here until you retry it (after the receiver is put right).".into());
    p.table_heading = "Newest first";
    p.notice = notice;
    Ok(p)
}

/// Webhook deliveries failing or given up, as rows; a dead letter has a Retry button.
async fn webhook_rows(state: &AppState, user: &PageUser) -> Result<Vec<Row>, PageError> {
    let failed = state.app().webhook_problems(&user.actor).await?;
    Ok(failed
        .into_iter()
        .map(|d| {
            let dead = d.status == "dead";
            let answer = d
                .last_answer
                .as_deref()
                .map(|a| format!(": {a}"))
                .unwrap_or_default();
            let why = if dead {
                format!(
                    "Not accepted after {} attempt{}{answer}; waiting for you to retry it",
                    d.attempts,
                    if d.attempts == 1 { "" } else { "s" }
                )
            } else {
                format!("Not accepted yet{answer}; being retried")
            };
            Row {
                actions: if dead {
                    vec![RowAction {
                        action: "/admin/notifications/retry",
                        name: "id",
                        value: d.id.to_string(),
                        label: "Retry",
                        hidden: Vec::new(),
                    }]
                } else {
                    Vec::new()
                },
                cells: vec![
                    d.case_id,
                    format!("Webhook: {}", d.endpoint_name),
                    crate::pages::words::words(&d.kind),
                    words::when(d.created_at),
                    why,
                ],
            }
        })
        .collect())
}

/// `POST /admin/notifications/retry`: puts a dead webhook delivery back in the queue.
pub async fn retry_webhook(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout("Notifications that reached nobody", "/admin");
    let r = async {
        admin_only(user)?;
        let id: i64 = form.fields.get("id").parse().map_err(|_| {
            PageError::from(Problem::invalid("id", "the page is out of date; reload it"))
        })?;
        state
            .app()
            .retry_dead_letter(&user.actor, id, state.now())
            .await?;
        problems_page(
            &state,
            user,
            "The delivery will be tried again within a minute.".into(),
        )
        .await
    }
    .await;
    respond(r, layout)
}

/// `GET /admin/notifications`.
pub async fn notification_problems(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("Notifications that reached nobody", "/admin");
    respond(problems_page(&state, &user, String::new()).await, layout)
}
