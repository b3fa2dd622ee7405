//! Pledge's web pages: server-rendered HTML in the GOV.UK Design System's patterns, built on
//! the same application services as the JSON API (no rule of the plan lives here), working
//! without JavaScript, usable on a 360-pixel-wide phone. See `docs/pages.md`.
//!
//! Sessions are the auth module's `pledge_session` cookie; every state-changing form carries
//! the session's CSRF token in a hidden `csrf_token` field ([`session`]).

mod admin;
mod asset_types;
mod assets;
mod auth_steps;
mod backtest;
mod case;
mod cases;
mod error;
mod form;
mod home;
mod layout;
mod names;
mod national;
mod notification_settings;
mod notifications;
mod overview;
mod panel;
mod plans;
mod provider_sign_in;
mod report;
mod trm;
pub use report::{PackQuery, request as report_request};
mod record;
mod record_people;
mod record_when;
mod recorded;
mod session;
mod sign_in;
mod step_pages;
mod steps;
mod victim;
mod victim_words;
mod words;

pub use assets::href as asset;
pub use error::{PageError, PageResult};

use crate::problem::Problem;
use crate::state::AppState;
use axum::Router;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};

/// The page routes (everything outside `/api`), to merge into the application's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route(
            "/sign-in",
            get(sign_in::sign_in_form).post(sign_in::sign_in),
        )
        .route("/sign-in/code", get(sign_in::code_form).post(sign_in::code))
        .route("/sign-in/oidc", get(provider_sign_in::start))
        .route("/sign-in/oidc/callback", get(provider_sign_in::callback))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/account", get(sign_in::account))
        .route(
            "/account/password",
            get(sign_in::password_form).post(sign_in::password),
        )
        .route(
            "/account/two-factor",
            get(sign_in::two_factor_form).post(sign_in::two_factor),
        )
        .route("/cases", get(cases::page))
        .route("/cases.csv", get(cases::export))
        .route("/cases/new", get(record::form).post(record::submit))
        .route("/cases/{case_id}", get(case::page))
        .route("/cases/{case_id}/record", get(step_pages::record_form))
        .route(
            "/cases/{case_id}/obligations/{obligation}/{instance}",
            get(step_pages::obligation),
        )
        .route("/cases/{case_id}/steps/{step}", post(case::record_step))
        .route("/cases/{case_id}/recorded", get(recorded::page))
        .route("/cases/{case_id}/victim", get(victim::page))
        .route("/cases/{case_id}/trm", get(trm::page))
        .route("/cases/{case_id}/victim/{step}", post(victim::record_step))
        .route("/overview", get(overview::page))
        .route("/backtest", get(backtest::form_page).post(backtest::run))
        .route(
            "/national",
            get(national::form_page).post(national::merge).layer(
                axum::extract::DefaultBodyLimit::max(crate::api::national::MAX_BODY_BYTES),
            ),
        )
        .route("/reports", get(report::page))
        .route("/reports/panel", get(panel::page).post(panel::record))
        .route("/reports/{file}", get(report::csv))
        .route("/notifications", get(notifications::page))
        .route("/notifications/{id}/read", post(notifications::mark_read))
        .route(
            "/notifications/settings",
            get(notification_settings::page).post(notification_settings::save),
        )
        .route("/admin", get(admin::index))
        .route("/admin/people", get(admin::people))
        .route("/admin/units", get(admin::units))
        .route("/admin/plans", get(plans::index))
        .route("/admin/plans/preview", post(plans::preview))
        .route("/admin/plans/install", post(plans::install))
        .route("/admin/plans/in-force", post(plans::put_in_force))
        .route(
            "/admin/import/{kind}",
            get(admin::import::form).post(admin::import::upload).layer(
                axum::extract::DefaultBodyLimit::max(admin::import::MAX_UPLOAD_BYTES),
            ),
        )
        .route("/admin/import/{kind}/confirm", post(admin::import::confirm))
        .route(
            "/admin/meetings",
            get(admin::meetings).post(admin::add_meeting),
        )
        .route(
            "/admin/tokens",
            get(admin::tokens).post(admin::create_token),
        )
        .route("/admin/meetings/remove", post(admin::remove_meeting))
        .route(
            "/admin/meetings/schedule",
            post(admin::set_meeting_schedule),
        )
        .route("/admin/on-call", get(admin::on_call).post(admin::add_shift))
        .route("/admin/notifications", get(admin::notification_problems))
        .route("/admin/notifications/retry", post(admin::retry_webhook))
        .route(
            "/admin/webhooks",
            get(admin::webhooks).post(admin::add_webhook),
        )
        .route("/admin/webhooks/retire", post(admin::retire_webhook))
        .route("/admin/on-call/import", post(admin::import_rota))
        .route("/admin/on-call/remove", post(admin::remove_shift))
        .route("/admin/tokens/revoke", post(admin::revoke_token))
        .route(
            "/admin/accounts",
            get(admin::accounts).post(admin::create_account),
        )
        .route("/admin/accounts/action", post(admin::account_action))
        .route("/assets/{*path}", get(assets::serve))
        .route("/{*rest}", any(not_found))
}

/// Anything no route matched: a problem under `/api`, a page elsewhere.
async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        Problem::not_found().into_response()
    } else {
        PageError::NotFound.into_response()
    }
}
