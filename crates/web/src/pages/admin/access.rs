//! API tokens and accounts: list them, create one (the token or the one-time password is
//! shown once, on the page that answers the form, and never again), revoke a token. The
//! checks are the auth module's (`create_token`, `revoke_token`, `create_account`); like the
//! sign-in API, an administrator placed in a force acts for that force only.

use super::{AdminForm, AdminPage, Row, RowAction, SecretPage, admin_only, named, page, respond};
use crate::auth::accounts::{NewAccount, create_account as create_account_in};
use crate::auth::token::{
    NewToken, create_token as create_token_in, revoke_token as revoke_token_in,
};
use crate::auth::{AuthError, store_problem};
use crate::pages::error::PageError;
use crate::pages::form::{FormField, summary};
use crate::pages::session::{Fields, PageForm, PageUser};
use crate::pages::words;
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use pledge_app::{AccountRole, TokenScope};
use pledge_store::AccountStore;
use std::collections::HashSet;

/// The scopes a token may hold, with what each allows.
const SCOPES: [(TokenScope, &str); 3] = [
    (TokenScope::CasesRead, "cases:read – read cases"),
    (
        TokenScope::CasesWrite,
        "cases:write – record assaults and steps",
    ),
    (
        TokenScope::PeopleWrite,
        "people:write – maintain people and units",
    ),
];

/// What the user sent (kept on the form when something is wrong).
#[derive(Default)]
struct TokenInput {
    name: String,
    scopes: Vec<String>,
    force: String,
}

/// The token form; the force field only for an administrator not placed in a force.
fn token_form(user: &PageUser, input: &TokenInput, errors: &[(String, String)]) -> AdminForm {
    let err = |f: &str| errors.iter().find(|(k, _)| k == f).map(|(_, m)| m.clone());
    let scopes: Vec<&str> = input.scopes.iter().map(String::as_str).collect();
    let mut fields = vec![
        FormField::new("", "name", "Token name", "text")
            .hint("The system it is for, e.g. crime-system: letters, digits, '-', '_' or '.'. A revoked token's name cannot be used again.")
            .width("govuk-input--width-20")
            .autocomplete("off")
            .value(&input.name)
            .error(err("name")),
        FormField::new("", "scopes", "What it may do", "checkboxes")
            .hint("Choose at least one.")
            .options(SCOPES.iter().map(|(s, l)| (s.as_str(), *l)))
            .values(&scopes)
            .error(err("scopes")),
    ];
    match user.actor.force() {
        Some(_) => {}
        None => fields.push(
            FormField::new("", "force", "Force", "text")
                .hint("The force the system acts for.")
                .width("govuk-input--width-10")
                .value(&input.force)
                .error(err("force")),
        ),
    }
    AdminForm {
        action: "/admin/tokens",
        heading: "Create a token",
        fields,
        button: "Create token",
    }
}

async fn tokens_page(
    state: &AppState,
    user: &PageUser,
    input: &TokenInput,
    errors: Vec<(String, String)>,
    notice: String,
) -> Result<AdminPage, PageError> {
    admin_only(user)?;
    let force = user.actor.force();
    let tokens = state.store().tokens().await.map_err(store_problem)?;
    let rows = tokens
        .into_iter()
        .filter(|t| force.is_none_or(|f| f == t.force))
        .map(|t| Row {
            action: t.revoked_at.is_none().then(|| RowAction {
                action: "/admin/tokens/revoke",
                name: "name",
                value: t.name.clone(),
                label: "Revoke",
            }),
            cells: vec![
                t.name,
                t.scopes.join(", "),
                t.force,
                format!("{} by {}", words::when(t.created_at), t.created_by),
                words::when_opt(t.revoked_at),
            ],
        })
        .collect();
    let mut p = page(
        user.layout("API tokens", "/admin"),
        "API tokens",
        vec!["Name", "Scopes", "Force", "Created", "Revoked", "Action"],
        rows,
    );
    p.intro.push(match force {
        Some(f) => format!("Tokens let your force's systems use Pledge's API, acting for {f}. Pledge keeps only a hash of each token: it is shown once, when created."),
        None => "Tokens let a force's systems use Pledge's API. Pledge keeps only a hash of each token: it is shown once, when created.".into(),
    });
    let form = token_form(user, input, &errors);
    p.errors = summary(&form.fields);
    p.layout = p.layout.with_errors(!p.errors.is_empty());
    p.forms.push(form);
    p.table_heading = "Tokens";
    p.notice = notice;
    Ok(p)
}

/// `GET /admin/tokens`.
pub async fn tokens(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("API tokens", "/admin");
    respond(
        tokens_page(
            &state,
            &user,
            &TokenInput::default(),
            Vec::new(),
            String::new(),
        )
        .await,
        layout,
    )
}

/// A refusal of the auth module as (form field, message naming it), or the error page for a
/// fault. `labels` maps the module's field names to the form's (`scopes[1]` is `scopes`).
fn field_error(
    e: AuthError,
    labels: &[(&str, &str)],
    conflict_field: &str,
) -> Result<(String, String), PageError> {
    let label = |f: &str| {
        labels
            .iter()
            .find(|(k, _)| *k == f)
            .map(|(_, l)| *l)
            .unwrap_or(f)
            .to_owned()
    };
    match e {
        AuthError::Invalid { field, message } => {
            let field = field.split('[').next().unwrap_or_default().to_owned();
            Ok((field.clone(), named(&label(&field), &message)))
        }
        AuthError::Conflict(m) => {
            Ok((conflict_field.to_owned(), named(&label(conflict_field), &m)))
        }
        other => Err(Problem::from(other).into()),
    }
}

/// `POST /admin/tokens`: creates a token for the administrator's force and shows it once.
pub async fn create_token(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout("API tokens", "/admin");
    if let Err(e) = admin_only(user) {
        return e.page(layout);
    }
    let input = TokenInput {
        name: form.fields.get("name").to_owned(),
        scopes: form
            .fields
            .all("scopes")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        force: form.fields.get("force").to_owned(),
    };
    let force = user
        .actor
        .force()
        .map(str::to_owned)
        .unwrap_or_else(|| input.force.clone());
    let created = create_token_in(
        state.store(),
        NewToken {
            name: input.name.clone(),
            scopes: input.scopes.clone(),
            force,
            created_by: user.user.account.person_id.clone(),
        },
        state.now(),
    )
    .await;
    match created {
        Ok(c) => SecretPage {
            layout: layout.titled("Token created"),
            heading: format!("Token {} created", c.stored.name),
            intro: vec![format!(
                "It may {} for {}. Give it to the system now; it sends it as “Authorization: Bearer” followed by the token.",
                c.stored.scopes.join(", "),
                c.stored.force
            )],
            warning: "Copy the token now. It will not be shown again: Pledge keeps only a hash of it. If it is lost, revoke it and create another.".into(),
            label: "The token",
            secret: c.token,
            back_href: "/admin/tokens",
            back_label: "Back to API tokens",
        }
        .respond(),
        Err(e) => {
            let labels = [("name", "Token name"), ("scopes", "What it may do"), ("force", "Force")];
            match field_error(e, &labels, "name") {
                Ok(err) => respond(
                    tokens_page(&state, user, &input, vec![err], String::new()).await,
                    layout,
                ),
                Err(page) => page.page(layout),
            }
        }
    }
}

/// `POST /admin/tokens/revoke`: revokes a live token of the administrator's force.
pub async fn revoke_token(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout("API tokens", "/admin");
    let r = async {
        admin_only(user)?;
        let name = form.fields.get("name");
        let force = user.actor.force();
        let store = state.store();
        let ours = store
            .tokens()
            .await
            .map_err(store_problem)?
            .into_iter()
            .any(|t| t.name == name && force.is_none_or(|f| f == t.force));
        let by = &user.user.account.person_id;
        if !ours
            || !revoke_token_in(store, name, by, state.now())
                .await
                .map_err(Problem::from)?
        {
            return Err(PageError::NotFound);
        }
        tokens_page(
            &state,
            user,
            &TokenInput::default(),
            Vec::new(),
            format!("Token {name} revoked: requests with it are refused from now on."),
        )
        .await
    }
    .await;
    respond(r, layout)
}

// ---- Accounts.

/// The ids of the people of the administrator's force; None when not placed in a force (not
/// limited to one, as in the sign-in API).
async fn people_of_force(
    state: &AppState,
    user: &PageUser,
) -> Result<Option<HashSet<String>>, PageError> {
    if user.actor.force().is_none() {
        return Ok(None);
    }
    let people = state
        .app()
        .people_of_force(&user.actor, state.now())
        .await?;
    Ok(Some(people.into_iter().map(|p| p.id).collect()))
}

/// The roles that may be given (everyone is staff).
fn role_options() -> Vec<(String, String)> {
    AccountRole::ALL
        .iter()
        .filter(|r| **r != AccountRole::Staff)
        .map(|r| {
            let w = words::words(r.as_str());
            let mut c = w.chars();
            let label = c
                .next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default();
            (r.as_str().to_owned(), label)
        })
        .collect()
}

async fn accounts_page(
    state: &AppState,
    user: &PageUser,
    fields: &Fields,
    errors: Vec<(String, String)>,
) -> Result<AdminPage, PageError> {
    admin_only(user)?;
    let ours = people_of_force(state, user).await?;
    let accounts = state.store().accounts().await.map_err(store_problem)?;
    let rows = accounts
        .into_iter()
        .filter(|a| ours.as_ref().is_none_or(|o| o.contains(&a.person_id)))
        .map(|a| {
            Row::from(vec![
                a.person_id,
                a.roles
                    .iter()
                    .map(|r| words::words(r))
                    .collect::<Vec<_>>()
                    .join(", "),
                if a.totp_secret.is_some() {
                    "Set up".into()
                } else {
                    "Not set up".into()
                },
                if a.disabled {
                    "Disabled".into()
                } else if a.must_change_password {
                    "Must change password".into()
                } else {
                    "Active".into()
                },
            ])
        })
        .collect();
    let mut p = page(
        user.layout("Accounts", "/admin"),
        "Accounts",
        vec!["Person", "Roles", "Two-factor", "State"],
        rows,
    );
    let err = |f: &str| errors.iter().find(|(k, _)| k == f).map(|(_, m)| m.clone());
    let form = AdminForm {
        action: "/admin/accounts",
        heading: "Create an account",
        fields: vec![
            FormField::new("", "person_id", "Person id", "text")
                .hint("The person must already be in People, e.g. PC-5001.")
                .width("govuk-input--width-10")
                .autocomplete("off")
                .value(fields.get("person_id"))
                .error(err("person_id")),
            FormField::new("", "roles", "Roles", "checkboxes")
                .hint("Everyone has the staff role. Administrators must set up two-factor sign-in.")
                .options_owned(role_options())
                .values(&fields.all("roles"))
                .error(err("roles")),
        ],
        button: "Create account",
    };
    p.intro.push("A new account gets a one-time password, shown once; the person must change it when they first sign in.".into());
    p.errors = summary(&form.fields);
    p.layout = p.layout.with_errors(!p.errors.is_empty());
    p.forms.push(form);
    p.table_heading = "Accounts";
    Ok(p)
}

/// `GET /admin/accounts`.
pub async fn accounts(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("Accounts", "/admin");
    respond(
        accounts_page(&state, &user, &Fields::default(), Vec::new()).await,
        layout,
    )
}

/// `POST /admin/accounts`: creates an account for a person of the administrator's force and
/// shows the one-time password once.
pub async fn create_account(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout("Accounts", "/admin");
    let labels = [("person_id", "Person id"), ("roles", "Roles")];
    let r = async {
        admin_only(user)?;
        let person_id = form.fields.get("person_id").to_owned();
        if let Some(ours) = people_of_force(&state, user).await?
            && !ours.contains(&person_id)
        {
            // A person not in the administrator's force is reported as unknown, as in the API.
            let message = if person_id.is_empty() {
                "enter the person's id".to_owned()
            } else {
                format!("there is no person {person_id} in your force; add the person first")
            };
            return Ok(Err(("person_id".to_owned(), named("Person id", &message))));
        }
        let created = create_account_in(
            state.store(),
            NewAccount {
                person_id,
                roles: form
                    .fields
                    .all("roles")
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
                password: None,
                created_by: user.user.account.person_id.clone(),
            },
        )
        .await;
        match created {
            Ok(c) => Ok(Ok(c)),
            Err(e) => field_error(e, &labels, "person_id").map(Err),
        }
    }
    .await;
    match r {
        Err(e) => e.page(layout),
        Ok(Err(err)) => respond(
            accounts_page(&state, user, &form.fields, vec![err]).await,
            layout,
        ),
        Ok(Ok(c)) => match c.one_time_password {
            Some(secret) => SecretPage {
                layout: layout.titled("Account created"),
                heading: format!("Account created for {}", c.account.person_id),
                intro: vec![format!(
                    "Roles: {}. Give the person this one-time password in a safe way; they must choose their own when they first sign in.",
                    c.account.roles.iter().map(|r| words::words(r)).collect::<Vec<_>>().join(", ")
                )],
                warning: "Note the one-time password now. It will not be shown again: Pledge keeps only a hash of it.".into(),
                label: "One-time password",
                secret,
                back_href: "/admin/accounts",
                back_label: "Back to accounts",
            }
            .respond(),
            None => PageError::from(Problem::internal(
                "a new account without a chosen password has no one-time password",
            ))
            .page(layout),
        },
    }
}
