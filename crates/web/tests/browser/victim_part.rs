//! Op Hampshire (f): the injury on duty report is completed by the supervisor *with the
//! assaulted colleague*. The victim gives (or declines) their own part on their own page, in
//! plain words; once given, the promise shows as done.

use crate::driver::{Browser, available};
use crate::harness::Backend;
use crate::seeded::{demo_app, new_assault, sign_in};
use anyhow::{Context, ensure};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_victim_gives_their_own_part_of_the_injury_on_duty_report() -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let app = demo_app(Backend::Sqlite, "browser_victim_part")
        .await?
        .context("SQLite is always available")?;
    let sgt = sign_in(&app, "PS-2231").await?;
    let (status, case) = sgt
        .post(&app.api("/cases"), &new_assault("PC-4410"))
        .await?;
    ensure!(status.is_success(), "{case}");
    let id = case["case_id"].as_str().context("case_id")?.to_owned();

    let mut b = Browser::start(&app.base).await?;
    let result = async {
        b.sign_in(&app, "PC-4410").await?;
        b.go(&format!("/cases/{id}/victim")).await?;
        let page = b.page_text().await?;
        ensure!(page.contains("Your part of the report"), "{page}");
        b.audit("victim-own-part").await?;
        b.fill(
            "#injury_on_duty-note",
            "Bruised cheek; seen by the custody nurse.",
        )
        .await?;
        b.submit("#own-part-injury_on_duty button").await?;
        let page = b.page_text().await?;
        ensure!(
            !page.contains("Your part of the report"),
            "the part is done: {page}"
        );
        let done = b.text("#done").await?;
        ensure!(
            done.contains("your own part to the injury report"),
            "{done}"
        );
        anyhow::Ok(())
    }
    .await;
    let violations = std::mem::take(&mut b.violations);
    let _ = b.close().await;
    result?;
    ensure!(violations.is_empty(), "{violations:?}");
    Ok(())
}
