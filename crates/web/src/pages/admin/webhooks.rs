//! Webhook endpoints: the force's endpoints (name, address, what they take) with a button to
//! retire each, and a form to add one, whose signing secret is shown once on the next page
//! (like an API token's). Administrators only; every decision is the app's
//! (`add_webhook`, `webhooks`, `remove_webhook`), which asks the policy.

use super::{AdminForm, AdminPage, Row, RowAction, SecretPage, admin_only, named, page, respond};
use crate::pages::error::PageError;
use crate::pages::form::{FormField, summary};
use crate::pages::notification_settings::kind_words;
use crate::pages::session::{Fields, PageForm, PageUser};
use crate::pages::words;
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use pledge_app::AppError;
use pledge_app::notifications::{MAX_ENDPOINTS, NewWebhook};
use pledge_domain::notify::NoticeKind;

const TITLE: &str = "Webhook endpoints";

/// The kinds an endpoint may take, as (value, words): never a victim's own updates.
fn kinds() -> Vec<(String, String)> {
    NoticeKind::ALL
        .iter()
        .filter(|k| **k != NoticeKind::VictimUpdate)
        .map(|k| (k.as_str().to_owned(), kind_words(*k).to_owned()))
        .collect()
}

fn kind_list(ks: &[String]) -> String {
    if ks.is_empty() {
        return "Every notification".into();
    }
    ks.iter()
        .map(|k| NoticeKind::parse(k).map_or_else(|_| words::words(k), |k| kind_words(k).into()))
        .collect::<Vec<_>>()
        .join("; ")
}

async fn endpoints_page(
    state: &AppState,
    user: &PageUser,
    fields: &Fields,
    errors: Vec<(String, String)>,
    notice: String,
) -> Result<AdminPage, PageError> {
    admin_only(user)?;
    let app = state.app();
    let people = app
        .people_of_force(&user.actor, state.now())
        .await
        .unwrap_or_default();
    let name = |id: &str| {
        people
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_owned(), |p| p.name.clone())
    };
    let rows = app
        .webhooks(&user.actor)
        .await?
        .into_iter()
        .map(|w| Row {
            actions: vec![RowAction {
                action: "/admin/webhooks/retire",
                name: "id",
                value: w.id.to_string(),
                label: "Retire",
                hidden: Vec::new(),
            }],
            cells: vec![
                w.name,
                w.url,
                kind_list(&w.kinds),
                format!("{}, {}", name(&w.created_by), words::when(w.created_at)),
            ],
        })
        .collect();
    let mut p = page(
        user.layout(TITLE, "/admin"),
        TITLE,
        vec!["Name", "Address", "Takes", "Added", "Action"],
        rows,
    );
    p.intro.push("A webhook endpoint receives a copy of the force's notifications as they are written: a Microsoft Teams workflow, or the force's own systems. Each delivery is signed with the endpoint's secret (docs/notifications.md says how to check it). It never carries a victim's own updates, a name or case detail.".into());
    p.intro.push(format!(
        "A force may have at most {MAX_ENDPOINTS} endpoints. Retiring one stops its deliveries at once."
    ));
    let err = |f: &str| errors.iter().find(|(k, _)| k == f).map(|(_, m)| m.clone());
    let chosen = fields.all("kinds");
    let form = AdminForm {
        action: "/admin/webhooks",
        heading: "Add an endpoint",
        fields: vec![
            FormField::new("", "name", "Name", "text")
                .hint("What administrators know it by, for example Teams: duty officers.")
                .value(fields.get("name"))
                .error(err("name")),
            FormField::new("", "url", "Address (URL)", "text")
                .hint("It must start https:// (http:// only to this machine, localhost or 127.0.0.1).")
                .value(fields.get("url"))
                .error(err("url")),
            FormField::new("", "kinds", "Which notifications it takes", "checkboxes")
                .hint("Tick none for every notification.")
                .options_owned(kinds())
                .values(&chosen)
                .error(err("kinds")),
        ],
        button: "Add endpoint",
    };
    p.errors = summary(&form.fields);
    p.layout = p.layout.with_errors(!p.errors.is_empty());
    p.forms.push(form);
    p.table_heading = "Endpoints";
    p.notice = notice;
    Ok(p)
}

/// `GET /admin/webhooks`.
pub async fn webhooks(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout(TITLE, "/admin");
    respond(
        endpoints_page(&state, &user, &Fields::default(), Vec::new(), String::new()).await,
        layout,
    )
}

/// `POST /admin/webhooks`: adds an endpoint and shows its secret once.
pub async fn add_webhook(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout(TITLE, "/admin");
    if let Err(e) = admin_only(user) {
        return e.page(layout);
    }
    let f = &form.fields;
    let mut errors = Vec::new();
    if f.get("name").is_empty() {
        errors.push((
            "name".to_owned(),
            named("Name", "enter a name for the endpoint"),
        ));
    }
    if f.get("url").is_empty() {
        errors.push((
            "url".to_owned(),
            named("Address (URL)", "enter the address, starting https://"),
        ));
    }
    if !errors.is_empty() {
        return respond(
            endpoints_page(&state, user, f, errors, String::new()).await,
            layout,
        );
    }
    let new = NewWebhook {
        name: f.get("name").to_owned(),
        url: f.get("url").to_owned(),
        kinds: f.all("kinds").into_iter().map(str::to_owned).collect(),
    };
    match state.app().add_webhook(&user.actor, new, state.now()).await {
        Ok(added) => SecretPage {
            layout: layout.titled("Webhook endpoint added"),
            heading: format!("Endpoint {} added", added.endpoint.name),
            intro: vec![
                format!(
                    "Notifications ({}) will be posted to {}.",
                    kind_list(&added.endpoint.kinds).to_lowercase(),
                    added.endpoint.url
                ),
                "Give the secret to the receiver now: it checks each delivery's Pledge-Signature header with it.".into(),
            ],
            warning: "Copy the secret now. It will not be shown again. If it is lost, retire the endpoint and add another.".into(),
            label: "The signing secret",
            secret: added.secret,
            back_href: "/admin/webhooks",
            back_label: "Back to webhook endpoints",
        }
        .respond(),
        Err(AppError::Invalid { field, message }) => {
            let (field, label) = match field.as_str() {
                "name" => ("name", "Name"),
                k if k.starts_with("kinds") => ("kinds", "Which notifications it takes"),
                _ => ("url", "Address (URL)"),
            };
            let errors = vec![(field.to_owned(), named(label, &message))];
            respond(
                endpoints_page(&state, user, f, errors, String::new()).await,
                layout,
            )
        }
        Err(e) => PageError::from(e).page(layout),
    }
}

/// `POST /admin/webhooks/retire`: retires an endpoint.
pub async fn retire_webhook(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout(TITLE, "/admin");
    let r = async {
        admin_only(user)?;
        let id: i64 = form.fields.get("id").parse().map_err(|_| {
            PageError::from(Problem::invalid("id", "the page is out of date; reload it"))
        })?;
        state.app().remove_webhook(&user.actor, id).await?;
        endpoints_page(
            &state,
            user,
            &Fields::default(),
            Vec::new(),
            "Endpoint retired: it takes no more notifications.".into(),
        )
        .await
    }
    .await;
    respond(r, layout)
}
