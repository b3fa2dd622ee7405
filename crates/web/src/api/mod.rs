//! The JSON API under `/api/v1`: one file per resource.

pub mod backtest;
pub mod body;
pub mod cases;
pub mod colleagues;
pub mod crimes;
pub mod idempotency;
pub mod json;
pub mod meeting_schedules;
pub mod meetings;
pub mod national;
pub mod notification_settings;
pub mod notifications;
pub mod on_call;
pub mod panel_reviews;
pub mod people;
pub mod plan_register;
pub mod plans;
pub mod reports;
pub mod steps;
pub mod tasks;
pub mod trm;
pub mod webhooks;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The case, task, organisation and plan routes (relative to `/api/v1`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(cases::list, cases::record))
        .routes(routes!(cases::read))
        .routes(routes!(cases::obligations))
        .routes(routes!(trm::read))
        .routes(routes!(cases::timeline))
        .routes(routes!(cases::victim_view))
        .routes(routes!(cases::access_log))
        .routes(routes!(crimes::record))
        .routes(routes!(steps::list))
        .routes(routes!(steps::record))
        .routes(routes!(tasks::mine))
        .routes(routes!(tasks::overdue))
        .routes(routes!(notifications::mine))
        .routes(routes!(notifications::mark_read))
        .routes(routes!(
            notification_settings::read,
            notification_settings::write
        ))
        .routes(routes!(people::people))
        .routes(routes!(colleagues::search))
        .routes(routes!(people::person, people::put_person))
        .routes(routes!(people::units))
        .routes(routes!(people::unit, people::put_unit))
        .routes(routes!(meetings::remove))
        .routes(routes!(meeting_schedules::list))
        .routes(routes!(meeting_schedules::set, meeting_schedules::clear))
        .routes(routes!(on_call::list, on_call::add))
        .routes(routes!(panel_reviews::list, panel_reviews::record))
        .routes(routes!(on_call::import))
        .routes(routes!(on_call::remove))
        .routes(routes!(webhooks::list, webhooks::add))
        .routes(routes!(webhooks::remove))
        .routes(routes!(webhooks::failed))
        .routes(routes!(webhooks::retry))
        .routes(routes!(plans::list, plan_register::install))
        .routes(routes!(plan_register::preview))
        .routes(routes!(
            plan_register::schedule,
            plan_register::put_in_force
        ))
        .routes(routes!(plans::read))
        .routes(routes!(backtest::run))
        .routes(routes!(reports::pack))
        .routes(routes!(reports::set, reports::list))
        .merge(
            // Up to 100 force exports in one request: more than the API's usual limit.
            OpenApiRouter::new().routes(routes!(national::merge)).layer(
                axum::extract::DefaultBodyLimit::max(national::MAX_BODY_BYTES),
            ),
        )
}
