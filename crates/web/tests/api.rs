//! The HTTP API end to end: the application served on a local port over a fresh database
//! (SQLite in a temporary directory; PostgreSQL too when `PLEDGE_TEST_POSTGRES_URL` is set),
//! driven with a real HTTP client. One module per area under `tests/api/`.

#[path = "api/access.rs"]
mod access;
#[path = "api/accounts_admin.rs"]
mod accounts_admin;
#[path = "api/assets.rs"]
mod assets;
#[path = "api/backtest.rs"]
mod backtest;
#[path = "api/case_list.rs"]
mod case_list;
#[path = "api/cases.rs"]
mod cases;
#[path = "api/circumstances.rs"]
mod circumstances;
#[path = "api/colleagues.rs"]
mod colleagues;
#[path = "api/harness.rs"]
mod harness;
#[path = "api/idempotency.rs"]
mod idempotency;
#[path = "api/imports.rs"]
mod imports;
#[path = "api/input_bounds.rs"]
mod input_bounds;
#[path = "api/mail_tls.rs"]
mod mail_tls;
#[path = "api/meeting_schedules.rs"]
mod meeting_schedules;
#[path = "api/national.rs"]
mod national;
#[path = "api/notification_settings.rs"]
mod notification_settings;
#[path = "api/notifications.rs"]
mod notifications;
#[path = "api/on_call.rs"]
mod on_call;
#[path = "api/openapi.rs"]
mod openapi;
#[path = "api/ops.rs"]
mod ops;
#[path = "api/panel_reviews.rs"]
mod panel_reviews;
#[path = "api/plan_register.rs"]
mod plan_register;
#[path = "api/recorded.rs"]
mod recorded;
#[path = "api/reports.rs"]
mod reports;
#[path = "api/seeded.rs"]
mod seeded;
#[path = "api/sign_in.rs"]
mod sign_in;
#[path = "api/trm.rs"]
mod trm;
#[path = "api/two_forces.rs"]
mod two_forces;
#[path = "api/webhooks.rs"]
mod webhooks;
