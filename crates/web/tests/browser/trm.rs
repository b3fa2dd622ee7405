//! WMP point 8: "The assault or hate crime is to be raised at the next available TRM and
//! discussed outside of this meeting to maintain confidentiality of the victim". The TRiM
//! practitioner opens a case's tasking meeting briefing: what happened and where, and no
//! name, collar number or id of any victim anywhere on the page. Audited with axe.

use crate::driver::{Browser, available};
use crate::harness::Backend;
use crate::seeded::demo_app;
use anyhow::{Context, ensure};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trm_briefing_names_no_victim() -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let app = demo_app(Backend::Sqlite, "browser_trm")
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
    let lead = crate::seeded::sign_in(app, "CI-0101").await?;
    let (_, list) = lead.get(&app.api("/cases?limit=500")).await?;
    let case = list["cases"]
        .as_array()
        .and_then(|c| c.first())
        .context("a demo case")?
        .clone();
    let id = case["case_id"].as_str().context("case_id")?;

    // The force lead finds the briefing from the case page (a link shown by the policy's
    // answer, App::may_see_trm_briefing).
    b.sign_in(app, "CI-0101").await?;
    b.go(&format!("/cases/{id}")).await?;
    ensure!(
        b.text("#trm-link").await?.contains("tasking meeting"),
        "the force lead's case page links to the TRM briefing"
    );
    b.click("#trm-link").await?;
    ensure!(b.path().await? == format!("/cases/{id}/trm"));
    b.sign_out().await?;

    b.sign_in(app, "TRIM-07").await?;
    b.go(&format!("/cases/{id}/trm")).await?;
    ensure!(b.text("h1").await? == "Tasking meeting briefing");
    let briefing = b.text("#briefing").await?;
    ensure!(
        briefing.contains("Offence") && briefing.contains("Worst injury"),
        "{briefing}"
    );
    ensure!(b.text("#confidential").await?.contains("names no one"));
    let page = b.page_text().await?;
    let source = b.source().await?;
    for victim in case["victims"].as_array().context("victims")? {
        let person = victim.as_str().context("victim id")?;
        let name = pledge_store::Store::person(app.store(), person)
            .await?
            .context("a person")?
            .name;
        for shown in [&page, &source] {
            ensure!(
                !shown.contains(person) && !shown.contains(&name),
                "the victim ({name}, {person}) on the TRM briefing"
            );
        }
    }
    b.audit("trm-briefing").await?;
    b.sign_out().await?;
    Ok(())
}
