//! The force's Op Hampshire lead records the scrutiny panel's quarterly review (OSSR
//! recommendation 23(i), seed 002: "The plan should be subject to frequent performance review
//! using a scrutiny panel arrangement"): the page says what is due, a missing chair is refused
//! in words, the recorded meeting links to its pack, the pack says the panel considered it,
//! the leadership overview shows the standing, and an analyst reads the meeting without the
//! panel's actions. Every page audited with axe.

use crate::driver::{Browser, available};
use crate::harness::Backend;
use crate::seeded::demo_app;
use anyhow::{Context, ensure};
use jiff::ToSpan;
use pledge_domain::evaluate::period_start;
use pledge_domain::plan::ReviewEvery;

const ACTIONS: &str = "Ask the Southern Division why welfare contacts were late.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_force_lead_records_the_scrutiny_panels_review() -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let app = demo_app(Backend::Sqlite, "browser_panel")
        .await?
        .context("SQLite is always available")?;
    let mut b = Browser::start(&app.base).await?;
    let result = journey(&mut b, &app).await;
    let violations = std::mem::take(&mut b.violations);
    let _ = b.close().await;
    result?;
    for v in &violations {
        eprintln!("VIOLATION {v}");
    }
    ensure!(
        violations.is_empty(),
        "{} accessibility violations",
        violations.len()
    );
    Ok(())
}

async fn journey(b: &mut Browser, app: &crate::harness::TestApp) -> anyhow::Result<()> {
    let today = app.state.app().today(app.state.now());
    let quarter = period_start(ReviewEvery::Quarter, today);
    let (from, to) = (quarter.checked_sub(3.months())?, quarter.yesterday()?);

    b.sign_in(app, "CI-0101").await?;
    b.go("/reports/panel").await?;
    ensure!(b.text("h1").await? == "Scrutiny panel reviews");
    ensure!(b.text("#asks").await?.contains("every quarter"));
    ensure!(b.text("#next-due").await?.starts_with("By "));
    ensure!(b.text("#last-review").await? == "The panel has not met yet.");
    b.audit("panel").await?;

    // No chair: refused in words, on the same page, the dates kept.
    b.set_value("#met_on", &today.to_string()).await?;
    b.set_value("#pack_from", &from.to_string()).await?;
    b.set_value("#pack_to", &to.to_string()).await?;
    b.submit("#record-review").await?;
    let summary = b.text(".govuk-error-summary").await?;
    ensure!(summary.contains("Chaired by"), "{summary}");
    b.audit("panel-error").await?;

    b.fill("#chair", "Chief Superintendent Amira Khan").await?;
    b.fill("#actions", ACTIONS).await?;
    b.submit("#record-review").await?;
    ensure!(b.text("#done").await?.contains("is recorded"));
    let meetings = b.text("#meetings").await?;
    ensure!(
        meetings.contains("Chief Superintendent Amira Khan")
            && meetings.contains("the force's pack")
            && meetings.contains(ACTIONS),
        "{meetings}"
    );
    ensure!(b.text("#last-review").await?.contains("Amira Khan"));
    b.audit("panel-recorded").await?;

    // The pack it considered says so.
    b.click("#meetings a").await?;
    b.submit("form[action='/reports'] button").await?;
    let considered = b.text(".pledge-considered").await?;
    ensure!(
        considered.contains("considered by the scrutiny panel on")
            && considered.contains("Amira Khan"),
        "{considered}"
    );
    ensure!(
        !b.page_text().await?.contains(ACTIONS),
        "the panel's actions are never in the pack"
    );
    b.audit("pack-considered").await?;

    // The leadership overview shows the standing.
    b.go("/overview").await?;
    let standing = b.text("#panel-review").await?;
    ensure!(standing.contains("Amira Khan"), "{standing}");
    b.audit("overview-panel").await?;
    b.sign_out().await?;

    // An analyst reads the meeting, not the panel's actions, and records nothing.
    b.sign_in(app, "AN-5005").await?;
    b.go("/reports/panel").await?;
    let page = b.page_text().await?;
    ensure!(
        page.contains("Amira Khan") && !page.contains(ACTIONS),
        "{page}"
    );
    ensure!(!page.contains("Record a panel meeting"), "{page}");
    ensure!(!page.contains("scrutiny-panel"), "no ids: {page}");
    b.audit("panel-analyst").await?;
    b.sign_out().await?;
    Ok(())
}
