//! API tokens and accounts: list them, create one (the token or the one-time password is
//! shown once, on the page that answers the form, and never again), revoke a token, and
//! disable, enable, reset the two-factor of or unlock an account. Every one goes through an
//! `App` method that asks the policy; like the API, an administrator acts for their own force
//! only, and one placed in no force may do nothing here.

use super::{AdminForm, AdminPage, Row, RowAction, SecretPage, admin_only, named, page, respond};
use crate::pages::error::PageError;
use crate::pages::form::{FormField, summary};
use crate::pages::session::{Fields, PageForm, PageUser};
use crate::pages::words;
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use pledge_app::accounts::{AccountEdit, AccountError, NewAccountRequest, NewTokenRequest};
use pledge_app::{AccountRole, TokenScope};

impl From<AccountError> for PageError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::NotFound => PageError::NotFound,
            AccountError::Forbidden(what) => PageError::Forbidden(format!("You may not {what}.")),
            other => Problem::from(other).into(),
        }
    }
}

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
}

/// The token form (a token acts for the administrator's own force).
fn token_form(input: &TokenInput, errors: &[(String, String)]) -> AdminForm {
    let err = |f: &str| errors.iter().find(|(k, _)| k == f).map(|(_, m)| m.clone());
    let scopes: Vec<&str> = input.scopes.iter().map(String::as_str).collect();
    let fields = vec![
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
    let force = user.actor.force().unwrap_or_default().to_owned();
    let tokens = state.app().tokens_visible(&user.actor).await?;
    let rows = tokens
        .into_iter()
        .map(|t| Row {
            actions: t
                .revoked_at
                .is_none()
                .then(|| RowAction {
                    action: "/admin/tokens/revoke",
                    name: "name",
                    value: t.name.clone(),
                    label: "Revoke",
                    hidden: Vec::new(),
                })
                .into_iter()
                .collect(),
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
    p.intro.push(format!("Tokens let your force's systems use Pledge's API, acting for {force}. Pledge keeps only a hash of each token: it is shown once, when created."));
    let form = token_form(input, &errors);
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

/// A refusal of the accounts service as (form field, message naming it), or the error page
/// for anything else. `labels` maps the service's field names to the form's (`scopes[1]` is
/// `scopes`).
fn field_error(e: AccountError, labels: &[(&str, &str)]) -> Result<(String, String), PageError> {
    let label = |f: &str| {
        labels
            .iter()
            .find(|(k, _)| *k == f)
            .map(|(_, l)| *l)
            .unwrap_or(f)
            .to_owned()
    };
    match e {
        AccountError::Invalid { field, message } | AccountError::Exists { field, message } => {
            let field = field.split('[').next().unwrap_or_default().to_owned();
            Ok((field.clone(), named(&label(&field), &message)))
        }
        other => Err(other.into()),
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
    };
    let force = user.actor.force().unwrap_or_default().to_owned();
    let created = state
        .app()
        .create_token_as(
            &user.actor,
            NewTokenRequest {
                name: input.name.clone(),
                scopes: input.scopes.clone(),
                force,
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
            let labels = [("name", "Token name"), ("scopes", "What it may do")];
            match field_error(e, &labels) {
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
        state
            .app()
            .revoke_token_as(&user.actor, name, state.now())
            .await?;
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

/// The buttons of an account's row: each posts the person id and the version read.
fn account_actions(a: &pledge_store::Account, own: bool) -> Vec<RowAction> {
    let action = |label: &'static str, what: &str| RowAction {
        action: "/admin/accounts/action",
        name: "person_id",
        value: a.person_id.clone(),
        label,
        hidden: vec![
            ("version", a.version.to_string()),
            ("what", what.to_owned()),
        ],
    };
    let mut out = Vec::new();
    if !own {
        out.push(if a.disabled {
            action("Enable", "enable")
        } else {
            action("Disable", "disable")
        });
        if a.totp_secret.is_some() {
            out.push(action("Reset two-factor", "reset-two-factor"));
        }
    }
    out.push(action("Unlock", "unlock"));
    out
}

async fn accounts_page(
    state: &AppState,
    user: &PageUser,
    fields: &Fields,
    errors: Vec<(String, String)>,
    notice: String,
) -> Result<AdminPage, PageError> {
    admin_only(user)?;
    let accounts = state.app().accounts_visible(&user.actor).await?;
    let me = &user.user.account.person_id;
    let rows = accounts
        .into_iter()
        .map(|a| Row {
            actions: account_actions(&a, &a.person_id == me),
            cells: vec![
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
            ],
        })
        .collect();
    let mut p = page(
        user.layout("Accounts", "/admin"),
        "Accounts",
        vec!["Person", "Roles", "Two-factor", "State", "Actions"],
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
    p.intro.push("Disabling an account ends its sessions at once. Resetting two-factor lets a person who lost their authenticator sign in and set it up again. Unlocking forgets recent failed sign-ins, so the person need not wait.".into());
    p.errors = summary(&form.fields);
    p.layout = p.layout.with_errors(!p.errors.is_empty());
    p.forms.push(form);
    p.table_heading = "Accounts";
    p.notice = notice;
    Ok(p)
}

/// `GET /admin/accounts`.
pub async fn accounts(State(state): State<AppState>, user: PageUser) -> Response {
    let layout = user.layout("Accounts", "/admin");
    respond(
        accounts_page(&state, &user, &Fields::default(), Vec::new(), String::new()).await,
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
        let created = state
            .app()
            .create_account_as(
                &user.actor,
                NewAccountRequest {
                    person_id: form.fields.get("person_id").to_owned(),
                    roles: form
                        .fields
                        .all("roles")
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                },
                state.now(),
            )
            .await;
        match created {
            Ok(c) => Ok(Ok(c)),
            Err(e) => field_error(e, &labels).map(Err),
        }
    }
    .await;
    match r {
        Err(e) => e.page(layout),
        Ok(Err(err)) => respond(
            accounts_page(&state, user, &form.fields, vec![err], String::new()).await,
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

/// `POST /admin/accounts/action`: disables, enables, resets the two-factor of or unlocks an
/// account, against the version shown on the page (a stale page is told to reload).
pub async fn account_action(State(state): State<AppState>, form: PageForm) -> Response {
    let user = &form.user;
    let layout = user.layout("Accounts", "/admin");
    let r = async {
        admin_only(user)?;
        let f = &form.fields;
        let person = f.get("person_id");
        let version: u64 = f.get("version").parse().map_err(|_| {
            PageError::from(Problem::invalid("version", "the page is out of date; reload it"))
        })?;
        let (app, actor, now) = (state.app(), &user.actor, state.now());
        let edit = |disabled| AccountEdit {
            version,
            disabled: Some(disabled),
            roles: None,
        };
        let done = match f.get("what") {
            "disable" => app
                .edit_account(actor, person, edit(true), now)
                .await
                .map(|_| format!("Account {person} disabled: it cannot sign in, and its sessions have ended.")),
            "enable" => app
                .edit_account(actor, person, edit(false), now)
                .await
                .map(|_| format!("Account {person} enabled.")),
            "reset-two-factor" => app
                .reset_two_factor(actor, person, version, now)
                .await
                .map(|_| format!("Two-factor sign-in of {person} reset: they set it up again when they next sign in.")),
            "unlock" => app
                .unlock_account(actor, person, now)
                .await
                .map(|_| format!("Account {person} unlocked: it may sign in again at once.")),
            _ => return Err(Problem::invalid("what", "expected disable, enable, reset-two-factor or unlock").into()),
        };
        match done {
            Ok(notice) => accounts_page(&state, user, &Fields::default(), Vec::new(), notice).await,
            Err(AccountError::Stale { .. }) => Err(PageError::from(Problem::new(
                axum::http::StatusCode::CONFLICT,
                "conflict",
                "The account changed since this page was shown",
            )
            .detail("Someone changed it meanwhile, so nothing was done. Go back to Accounts, check it and try again."))),
            Err(e) => Err(e.into()),
        }
    }
    .await;
    respond(r, layout)
}
