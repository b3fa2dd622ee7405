//! The national picture page in a real browser: a chief officer finds it in the navigation,
//! uploads two force exports in one file field (no JavaScript needed), reads the picture
//! (forces by name, totals, charts), then uploads the same force twice and reads the refusal
//! naming the file; axe-core audits each page at phone and desktop widths. An analyst does
//! not see the page.

use crate::driver::{Browser, available};
use crate::harness::Backend;
use crate::seeded::demo_app;
use anyhow::{Context, ensure};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chief_officer_merges_force_exports() -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let app = demo_app(Backend::Sqlite, "browser-national")
        .await?
        .context("SQLite is always available")?;
    let (dir, _cleanup) = pledge_test_support::temp_dir("browser", "national")?;
    let req = pledge_app::reports::national::ExportRequest {
        force: "Wessex Constabulary".into(),
        from: "2025-01-01".parse()?,
        to: "2026-12-31".parse()?,
        threshold: 5,
    };
    let export = pledge_app::reports::national::build_export(
        app.store(),
        &pledge_domain::calendar::Calendar::uk(),
        &req,
        app.state.now(),
    )
    .await?;
    let wessex = dir.join("wessex.json");
    std::fs::write(&wessex, serde_json::to_string_pretty(&export)?)?;
    let mut other = export.clone();
    other.force = "Mercia Constabulary".into();
    let mercia = dir.join("mercia.json");
    std::fs::write(&mercia, serde_json::to_string_pretty(&other)?)?;
    let again = dir.join("wessex-again.json");
    std::fs::write(&again, serde_json::to_string_pretty(&export)?)?;

    let mut b = Browser::start(&app.base).await?;
    let result = async {
        b.sign_in(&app, "SUPT-0450").await?;
        // On a phone the menu is folded behind "Menu".
        b.open_menu().await?;
        b.click("a[href='/national']").await?;
        ensure!(b.text("h1").await? == "The national picture", "the page");
        b.audit("national").await?;

        // Two files in the one field: ChromeDriver takes them newline-separated.
        b.c.find(Locator::Css("#exports"))
            .await?
            .send_keys(&format!("{}\n{}", wessex.display(), mercia.display()))
            .await?;
        b.submit("form[action='/national'] button[type=submit]")
            .await?;
        let summary = b.text("#national-summary").await?;
        ensure!(summary.contains("from 2 forces"), "{summary}");
        ensure!(
            summary.contains("1 January 2025 to 31 December 2026"),
            "{summary}"
        );
        let forces = b.text("#table-forces").await?;
        ensure!(
            forces.contains("Wessex Constabulary") && forces.contains("Mercia Constabulary"),
            "{forces}"
        );
        let all = b.text("#table-assaults_all").await?;
        ensure!(all.contains("Assaults"), "{all}");
        let page = b.page_text().await?;
        ensure!(page.contains("Rates per 1,000 of the workforce"), "rates");
        ensure!(
            page.contains("Point by point: all forces"),
            "point by point"
        );
        ensure!(!page.contains("point_by_point"), "no table ids on the page");
        b.audit("national-picture").await?;

        // The same force twice: refused, naming the file.
        b.go("/national").await?;
        b.c.find(Locator::Css("#exports"))
            .await?
            .send_keys(&format!("{}\n{}", wessex.display(), again.display()))
            .await?;
        b.submit("form[action='/national'] button[type=submit]")
            .await?;
        let errors = b.text(".govuk-error-summary").await?;
        ensure!(errors.contains("wessex-again.json was refused"), "{errors}");
        ensure!(errors.contains("overlapping periods"), "{errors}");
        b.audit("national-refused").await?;

        // An analyst has no such page.
        b.sign_out().await?;
        b.sign_in(&app, "AN-5005").await?;
        ensure!(
            b.c.find(Locator::Css("a[href='/national']")).await.is_err(),
            "no link for an analyst"
        );
        b.go("/national").await?;
        let text = b.page_text().await?;
        ensure!(text.contains("You may not merge force exports"), "{text}");
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
