//! The backtest page in a real browser: the force lead uploads a draft plan file (a real file
//! input), sees the comparison in words (point titles, not ids), then a draft with a mistake
//! and its line and column; axe-core audits each page at phone and desktop widths.

use crate::driver::{Browser, available};
use crate::harness::Backend;
use crate::seeded::demo_app;
use anyhow::{Context, ensure};
use fantoccini::Locator;
use pledge_domain::plan::BUILTIN_PLAN_FILES;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_force_lead_backtests_an_uploaded_draft() -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let app = demo_app(Backend::Sqlite, "browser-backtest")
        .await?
        .context("SQLite is always available")?;
    let (dir, _cleanup) = pledge_test_support::temp_dir("browser", "backtest-draft")?;
    let text = BUILTIN_PLAN_FILES
        .iter()
        .find(|(n, _)| n.ends_with("op-hampshire.toml"))
        .map(|(_, t)| *t)
        .context("op-hampshire")?;
    let draft = dir.join("longer-deadlines.toml");
    std::fs::write(
        &draft,
        text.replace("deadline = \"24 hours\"", "deadline = \"72 hours\"")
            .replacen("version = 1", "version = 2", 1),
    )?;
    let bad = dir.join("mistake.toml");
    std::fs::write(
        &bad,
        text.replacen("deadline = \"24 hours\"", "deadline = \"soonish\"", 1),
    )?;

    let mut b = Browser::start(&app.base).await?;
    let result = async {
        b.sign_in(&app, "CI-0101").await?;
        b.open_menu().await?;
        b.click("a[href='/backtest']").await?;
        ensure!(b.text("h1").await? == "Backtest a plan", "the page");
        b.audit("backtest").await?;

        b.set_value("#from", "2000-01-01").await?;
        b.c.find(Locator::Css("#draft_file"))
            .await?
            .send_keys(&draft.display().to_string())
            .await?;
        b.click("#named").await?;
        b.submit("form[action='/backtest'] button[type=submit]")
            .await?;
        let summary = b.text("#result-summary").await?;
        ensure!(summary.contains("would change verdict"), "{summary}");
        ensure!(
            summary.contains("Operation Hampshire seven point plan"),
            "the plan by its title: {summary}"
        );
        let page = b.page_text().await?;
        ensure!(
            page.contains("Point a: Investigated with the same care as any assault"),
            "point titles"
        );
        ensure!(
            page.contains("Record the crime and cross-reference it with the injury on duty report"),
            "obligation titles"
        );
        ensure!(
            !page.contains("crime-recorded"),
            "no obligation ids on the page"
        );
        ensure!(
            page.contains("Cases that would change verdict"),
            "named section"
        );
        b.audit("backtest-result").await?;

        // A draft with a mistake: the error summary names its line and column.
        b.go("/backtest").await?;
        b.set_value("#from", "2000-01-01").await?;
        b.c.find(Locator::Css("#draft_file"))
            .await?
            .send_keys(&bad.display().to_string())
            .await?;
        b.submit("form[action='/backtest'] button[type=submit]")
            .await?;
        let errors = b.text(".govuk-error-summary").await?;
        ensure!(errors.contains("at line 20, column"), "{errors}");
        ensure!(errors.contains("soonish"), "{errors}");
        b.audit("backtest-error").await?;
        Ok(())
    }
    .await;
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
