//! Recording an assault from the page as a constable (who may not open the case): the arrest
//! answer is saved with the report in one transaction, and the recorder lands on a
//! confirmation with the reference and what happens next, never on "Page not found". People
//! are found in the force directory without JavaScript: several matches are offered as a
//! choice, and a supervisor left blank is the victim's line manager.

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
    let mut form = vec![
        ("csrf_token", pc.csrf.as_str()),
        ("day", "10"),
        ("month", "1"),
        ("year", "2026"),
        ("time", "10.15pm"),
        ("place", "Outside the Crown, Market Street"),
        ("location_type", "street"),
        ("victim", "PC-44"),
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
        ("supervisor", ""),
    ];
    // "PC-44" matches two constables: the page asks which, and records nothing.
    let res = pc
        .client
        .post(app.url("/cases/new"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(urlencoded(&form))
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await?;
    assert!(
        page.contains("More than one person matches \u{201c}PC-44\u{201d}"),
        "{page}"
    );
    assert!(
        page.contains("PC Tom Reed, PC-4410, Northern Response Team 2"),
        "{page}"
    );
    assert!(page.contains("PC Grace Obi, PC-4471"), "{page}");
    assert!(
        page.contains(r#"name="victim_choice" type="radio" value="PC-4410""#),
        "{page}"
    );
    assert_eq!(app.store().case_ids(None, 1000).await?, before);
    // A date in the future is refused in plain English.
    form[3].1 = "2099";
    form.push(("victim_choice", "PC-4410"));
    let res = pc
        .client
        .post(app.url("/cases/new"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(urlencoded(&form))
        .send()
        .await?;
    let page = res.text().await?;
    assert!(
        page.contains("The date of the assault must be today or in the past"),
        "{page}"
    );
    assert!(
        page.contains("PC Tom Reed, PC-4410, Northern Response Team 2"),
        "the choice stands: {page}"
    );
    form[3].1 = "2026";
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
    // Filled in from the directory: the victim's role, unit and line manager as supervisor.
    let report = serde_json::to_value(&stored.events[0].kind)?;
    assert_eq!(report["victims"][0]["person"], "PC-4410");
    assert_eq!(report["victims"][0]["workforce_role"], "officer");
    assert_eq!(report["supervisor"], "PS-2231");
    assert_eq!(report["unit"], "north-response");
    assert_eq!(report["offence"], "common_assault_emergency_worker");
    let occurred = report["occurred_at"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        occurred, "2026-01-10T22:15:00Z",
        "10.15pm UK time in January"
    );
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
