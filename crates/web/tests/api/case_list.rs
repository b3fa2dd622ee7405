//! The case list page as a senior leader uses it: 50 a page with previous and next, filters
//! (unit, hate crime, dates) showing exactly the cases the API's list shows the same person
//! (one CaseScope), and the filtered list exported as CSV, every page, logged as a disclosure.

use crate::harness::Backend;
use crate::seeded::{SignedIn, demo_app, new_assault, sign_in};
use anyhow::Context;
use pledge_store::Store;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

crate::both!(a_senior_leader_filters_pages_and_exports_the_case_list);

/// The case references linked from a list page, in order.
fn references(page: &str) -> Vec<String> {
    page.split("href=\"/cases/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|id| id.starts_with("PL-") || id.starts_with("WX-"))
        .filter(|id| !id.contains('/'))
        .map(str::to_owned)
        .collect()
}

/// The references the API's list gives the same person for a filter.
async fn api_list(
    s: &SignedIn,
    app: &crate::harness::TestApp,
    q: &str,
) -> anyhow::Result<BTreeSet<String>> {
    let (status, body) = s.get(&app.api(&format!("/cases?limit=500&{q}"))).await?;
    anyhow::ensure!(status == StatusCode::OK, "{body}");
    Ok(body["cases"]
        .as_array()
        .context("cases")?
        .iter()
        .filter_map(|c| c["case_id"].as_str().map(str::to_owned))
        .collect())
}

async fn page(s: &SignedIn, app: &crate::harness::TestApp, path: &str) -> anyhow::Result<String> {
    let res = s.client.get(app.url(path)).send().await?;
    anyhow::ensure!(res.status() == StatusCode::OK, "{path}: {}", res.status());
    Ok(res.text().await?)
}

async fn a_senior_leader_filters_pages_and_exports_the_case_list(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "case_list").await? else {
        return Ok(());
    };
    // 60 more cases in January 2026, the 45th a hate crime.
    let sgt = sign_in(&app, "PS-2231").await?;
    for i in 0..60 {
        let mut case = new_assault("PC-4410");
        case["occurred_at"] = json!(format!("2026-01-{:02}T{:02}:00:00Z", 1 + i % 28, i % 24));
        if i == 44 {
            case["hate_crime"] = json!(["race"]);
        }
        let (status, body) = sgt.post(&app.api("/cases"), &case).await?;
        anyhow::ensure!(status == StatusCode::CREATED, "case {i}: {body}");
    }
    let supt = sign_in(&app, "SUPT-0450").await?;
    let all = api_list(&supt, &app, "").await?;
    assert!(all.len() > 60, "{}", all.len());

    // Page 1: 50 cases and a next page; page 2 the rest; together, exactly the API's list.
    let first = page(&supt, &app, "/cases").await?;
    assert!(first.contains("Showing cases 1 to 50"), "{first}");
    assert!(first.contains("id=\"next-page\""), "{first}");
    assert!(!first.contains("id=\"previous-page\""));
    let second = page(&supt, &app, "/cases?page=2").await?;
    assert!(second.contains("Showing cases 51 to"), "{second}");
    assert!(second.contains("id=\"previous-page\""));
    let mut shown: Vec<String> = references(&first);
    shown.extend(references(&second));
    assert_eq!(shown.len(), all.len(), "no case twice, none left out");
    assert_eq!(shown.iter().cloned().collect::<BTreeSet<_>>(), all);
    // Units by name, never ids.
    assert!(first.contains("Northern Response Team 2"), "{first}");

    // Filters: exactly what the API shows for the same filter.
    let south = page(&supt, &app, "/cases?unit=south-response").await?;
    assert_eq!(
        references(&south).into_iter().collect::<BTreeSet<_>>(),
        api_list(&supt, &app, "unit=south-response").await?
    );
    let hate = page(
        &supt,
        &app,
        "/cases?hate_crime=yes&from=1/1/2026&to=31/1/2026",
    )
    .await?;
    let hate_refs: BTreeSet<String> = references(&hate).into_iter().collect();
    assert_eq!(
        hate_refs,
        api_list(
            &supt,
            &app,
            "hate_crime=true&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z"
        )
        .await?
    );
    assert_eq!(hate_refs.len(), 1, "the one hate crime of January: {hate}");
    // The next page keeps the filters.
    let filtered = page(&supt, &app, "/cases?unit=north-response").await?;
    assert!(
        filtered.contains("/cases?unit=north-response&#38;page=2"),
        "{filtered}"
    );

    // A date that is not a date is named, in words.
    let bad = page(&supt, &app, "/cases?from=31/2/2026").await?;
    assert!(bad.contains("Enter the from date like 27/3/2026"), "{bad}");

    // Export: every matching case on every page, one row each, and a disclosure in the log.
    let res = supt
        .client
        .get(app.url("/cases.csv?unit=north-response"))
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/csv; charset=utf-8")
    );
    let csv = res.text().await?;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("Case,Happened,Unit,Injury,Taken to hospital,Hate crime,Status")
    );
    let exported: BTreeSet<String> = lines
        .map(|l| l.split(',').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        exported,
        api_list(&supt, &app, "unit=north-response").await?
    );
    assert!(
        exported.len() > 50,
        "more than one page: {}",
        exported.len()
    );
    assert!(csv.contains(",Northern Response Team 2,"), "units by name");
    let log = app.store().access_by_actor("SUPT-0450").await?;
    let export = log
        .iter()
        .find(|e| e.entry.what.starts_with("case list exported as CSV"))
        .context("the export is in the access log")?;
    assert_eq!(export.entry.action, pledge_store::AccessAction::Disclose);
    assert!(
        export
            .entry
            .what
            .contains(&format!("{} cases; unit=north-response", exported.len())),
        "{}",
        export.entry.what
    );
    Ok(())
}
