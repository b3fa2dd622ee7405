//! The pages in a real browser: headless Chromium driven through chromedriver (WebDriver)
//! with `fantoccini`, against the application served over a fresh SQLite database filled with
//! the demo force. Journeys for each role, an axe-core accessibility audit (WCAG 2.2 A and
//! AA) of every page at phone and desktop widths, screenshots under `target/screenshots/`,
//! and the security checks (escaped text, CSRF).
//!
//! Skips with a message when Chromium or chromedriver is absent, unless
//! `PLEDGE_REQUIRE_BROWSER` is set (CI), when their absence fails the run.

#[path = "browser/backtest.rs"]
mod backtest;
#[path = "browser/case_page.rs"]
mod case_page;
#[path = "browser/driver.rs"]
mod driver;
#[path = "api/harness.rs"]
mod harness;
#[path = "browser/journeys.rs"]
mod journeys;
#[path = "browser/national.rs"]
mod national;
#[path = "browser/notification_settings.rs"]
mod notification_settings;
#[path = "browser/panel.rs"]
mod panel;
#[path = "browser/plans.rs"]
mod plans;
#[path = "api/seeded.rs"]
mod seeded;
#[path = "browser/trm.rs"]
mod trm;
#[path = "browser/victim_part.rs"]
mod victim_part;
