//! The force's Op Hampshire lead puts the force's own plan version in force through the Plans
//! page (issue 12): a file with a problem is shown by line and column, a good file is shown
//! beside the plan in force point by point, a past day is refused in words, and once saved
//! the page says which plan new cases open under. Every page audited with axe.

use crate::driver::{Browser, available};
use crate::harness::Backend;
use crate::seeded::demo_app;
use anyhow::{Context, ensure};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_force_lead_puts_the_forces_own_plan_in_force() -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let app = demo_app(Backend::Sqlite, "browser_plans")
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
    let dir = std::env::temp_dir().join(format!("pledge-plans-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let good = dir.join("wessex.toml");
    let text = include_str!("../../../../plans/op-hampshire.toml")
        .replacen("id = \"op-hampshire\"", "id = \"wessex-op-hampshire\"", 1)
        .replacen("title = \"", "title = \"Wessex ", 1);
    std::fs::write(&good, &text)?;
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, text.replacen("version = 1", "version = \"one\"", 1))?;

    b.sign_in(app, "CI-0101").await?;
    b.go("/admin/plans").await?;
    ensure!(b.text("h1").await? == "Plans");
    let in_force = b.text("#in-force").await?;
    ensure!(
        in_force.contains("Operation Hampshire") || in_force.contains("Op Hampshire"),
        "{in_force}"
    );
    b.audit("plans").await?;

    // A file with a problem: the line and column, in words, under the upload.
    b.upload("#plan-file", &bad).await?;
    b.submit("form[action='/admin/plans/preview'] button")
        .await?;
    let problems = b.text("#file-problems").await?;
    ensure!(
        problems.contains("Line ") && problems.contains("column"),
        "{problems}"
    );
    ensure!(b.text(".govuk-error-summary").await?.contains("problem"));
    b.audit("plans-file-problems").await?;

    // A good file: side by side with the plan in force, what changes point by point.
    b.upload("#plan-file", &good).await?;
    b.submit("form[action='/admin/plans/preview'] button")
        .await?;
    ensure!(b.text("h1").await? == "Check what changes");
    ensure!(b.text("#file-plan").await?.contains("Wessex"));
    let changes = b.text("#changes").await?;
    ensure!(changes.contains("Wessex"), "{changes}");
    ensure!(
        !changes.contains("wessex-op-hampshire"),
        "no ids in the changes: {changes}"
    );
    b.audit("plan-preview").await?;

    // A day already past: refused in words, on the same page, the file kept.
    b.fill("#from-day", "1").await?;
    b.fill("#from-month", "1").await?;
    b.fill("#from-year", "2020").await?;
    b.submit("form[action='/admin/plans/install'] button")
        .await?;
    let summary = b.text(".govuk-error-summary").await?;
    ensure!(
        summary.contains("today") && summary.contains("or later"),
        "{summary}"
    );
    b.audit("plan-preview-date-error").await?;

    let today = app.state.app().today(app.state.now());
    b.fill("#from-day", &today.day().to_string()).await?;
    b.fill("#from-month", &today.month().to_string()).await?;
    b.fill("#from-year", &today.year().to_string()).await?;
    b.submit("form[action='/admin/plans/install'] button")
        .await?;
    let notice = b.text("#notice").await?;
    ensure!(notice.starts_with("Installed"), "{notice}");
    let in_force = b.text("#in-force").await?;
    ensure!(in_force.contains("Wessex"), "{in_force}");
    let history = b.text("#history").await?;
    ensure!(
        history.contains("Ch Insp Priya Shah"),
        "recorded by a name: {history}"
    );
    b.audit("plans-installed").await?;

    // A constable may not manage plans.
    b.sign_out().await?;
    b.sign_in(app, "PC-4410").await?;
    b.go("/admin/plans").await?;
    ensure!(
        !b.page_text().await?.contains("Install your force"),
        "hidden from a constable"
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// An administrator keeps the on-call rota: a wrong CSV is refused by row and column with
/// nothing saved; the right one shows each shift by role and name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_keeps_the_on_call_rota() -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let app = demo_app(Backend::Sqlite, "browser_rota")
        .await?
        .context("SQLite is always available")?;
    let mut b = Browser::start(&app.base).await?;
    let result = rota(&mut b, &app).await;
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

async fn rota(b: &mut Browser, app: &crate::harness::TestApp) -> anyhow::Result<()> {
    let tomorrow = app
        .state
        .app()
        .today(app.state.now())
        .tomorrow()?
        .to_string();
    b.sign_in(app, "ADM-9000").await?;
    b.go("/admin/on-call").await?;
    ensure!(b.text("h1").await? == "On-call rota");
    b.audit("on-call").await?;
    b.fill(
        "#csv",
        &format!("role,person,starts_at,ends_at\nforce_incident_manager,INSP-1107,{tomorrow} 08:00,{tomorrow} 20:00\nvictim,PC-4410,{tomorrow} 08:00,{tomorrow} 20:00\n"),
    )
    .await?;
    b.submit("form[action='/admin/on-call/import'] button")
        .await?;
    let problems = b.text("#upload-errors").await?;
    ensure!(problems.contains("Row 2, role"), "{problems}");
    b.audit("on-call-import-errors").await?;
    b.fill(
        "#csv",
        &format!("role,person,starts_at,ends_at\nforce_incident_manager,INSP-1107,{tomorrow} 08:00,{tomorrow} 20:00\n"),
    )
    .await?;
    b.submit("form[action='/admin/on-call/import'] button")
        .await?;
    ensure!(b.text("#notice").await? == "1 shift added.");
    let table = b.text("table").await?;
    ensure!(table.contains("Force incident manager"), "{table}");
    ensure!(!table.contains("INSP-1107"), "a name, not an id: {table}");
    b.audit("on-call-imported").await?;
    b.go("/admin/notifications").await?;
    ensure!(b.text("h1").await? == "Notifications that reached nobody");
    b.audit("notifications-undelivered").await?;
    Ok(())
}
