//! Recording an assault from the page as a constable (who may not open the case): the arrest
//! answer is saved with the report in one transaction, and the recorder lands on a
//! confirmation with the reference and what happens next, never on "Page not found".

use crate::harness::Backend;
use crate::seeded::{demo_app, sign_in};
use anyhow::Context;
use pledge_store::Store;
use reqwest::StatusCode;

crate::both!(a_constable_records_an_assault_and_sees_the_confirmation);

async fn a_constable_records_an_assault_and_sees_the_confirmation(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "recorded_page").await? else {
        return Ok(());
    };
    let pc = sign_in(&app, "PC-4471").await?;
    let before = app.store().case_ids(None, 1000).await?;
    let form = [
        ("csrf_token", pc.csrf.as_str()),
        ("date", "2026-01-10"),
        ("time", "22:15"),
        ("place", "Outside the Crown, Market Street"),
        ("location_type", "street"),
        ("unit", "north-response"),
        ("victim", "PC-4410"),
        ("injury", "minor"),
        ("hospitalised", "no"),
        (
            "summary",
            "Kicked while detaining a man for a breach of the peace.",
        ),
        ("arrested", "no"),
        (
            "no_arrest_reason",
            "The suspect ran off before backup arrived",
        ),
        ("supervisor", "PS-2231"),
    ];
    let res = pc
        .client
        .post(app.url("/cases/new"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(urlencoded(&form))
        .send()
        .await?;
    let landed = res.url().path().to_owned();
    let status = res.status();
    let page = res.text().await?;
    assert_eq!(status, StatusCode::OK, "{landed}: {page}");
    assert!(landed.ends_with("/recorded"), "landed on {landed}");
    assert!(page.contains("Assault recorded"), "{page}");
    assert!(!page.contains("Page not found"), "{page}");
    let id = app
        .store()
        .case_ids(None, 1000)
        .await?
        .into_iter()
        .find(|id| !before.contains(id))
        .context("a new case")?;
    assert!(page.contains(id.as_str()), "the reference is shown: {page}");
    assert!(page.contains("Sgt Amira Khan"), "owners by name: {page}");
    assert!(
        !page.contains("Open the case"),
        "a constable with no part in the case is not offered it"
    );
    // The report and the arrest answer, in one append.
    let stored = app.store().load_case(&id).await?.context("stored")?;
    let types: Vec<&str> = stored
        .events
        .iter()
        .map(|e| e.kind.event_type().as_str())
        .collect();
    assert_eq!(types, ["assault_reported", "no_arrest_recorded"]);
    // Another constable cannot read the confirmation.
    let other = sign_in(&app, "PCSO-6120").await?;
    let res = other
        .client
        .get(app.url(&format!("/cases/{id}/recorded")))
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    Ok(())
}

/// A form body, `application/x-www-form-urlencoded`.
fn urlencoded(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_owned(),
                other => format!("%{other:02X}"),
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}
