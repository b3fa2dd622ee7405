//! The case list page as a senior leader uses it: 50 a page with previous and next, filters
//! (unit, hate crime, dates) showing exactly the cases the API's list shows the same person
//! (one CaseScope), sorted by any column, searched by reference or name (never past the
//! reader's scope), "overdue on point", and the filtered list exported as CSV, every page, in
//! the list's order, logged as a disclosure.

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
    sorts_searches_and_filters_overdue(&app, &supt).await
}

/// The references of the API's list for a query, in its order.
async fn api_order(
    s: &SignedIn,
    app: &crate::harness::TestApp,
    q: &str,
) -> anyhow::Result<Vec<String>> {
    let (status, body) = s.get(&app.api(&format!("/cases?limit=500&{q}"))).await?;
    anyhow::ensure!(status == StatusCode::OK, "{q}: {body}");
    Ok(body["cases"]
        .as_array()
        .context("cases")?
        .iter()
        .filter_map(|c| c["case_id"].as_str().map(str::to_owned))
        .collect())
}

/// Sort, search and "overdue on point", through the API and the page alike.
async fn sorts_searches_and_filters_overdue(
    app: &crate::harness::TestApp,
    supt: &SignedIn,
) -> anyhow::Result<()> {
    // Sorted by reference both ways, on the page and in the API.
    let asc = api_order(supt, app, "sort=reference&order=asc").await?;
    let mut sorted = asc.clone();
    sorted.sort();
    assert_eq!(asc, sorted, "A to Z");
    let desc = api_order(supt, app, "sort=reference&order=desc").await?;
    assert_eq!(desc, asc.iter().rev().cloned().collect::<Vec<_>>());
    let page1 = page(supt, app, "/cases?sort=reference&order=asc").await?;
    assert_eq!(
        references(&page1),
        asc[..50],
        "the page is the API's first 50"
    );
    assert!(page1.contains("aria-sort=\"ascending\""), "{page1}");
    assert!(page1.contains("Cases sorted by case reference, A to Z"));
    // The sorted header links to the other way; the next page keeps the sort.
    assert!(
        page1.contains("href=\"/cases?sort=reference&#38;order=desc\""),
        "{page1}"
    );
    assert!(page1.contains("/cases?sort=reference&#38;order=asc&#38;page=2"));
    // Every column sorts, both ways, as the API does.
    for sort in ["reported", "occurred", "unit", "status", "next_due"] {
        for order in ["asc", "desc"] {
            let q = format!("sort={sort}&order={order}");
            let api = api_order(supt, app, &q).await?;
            let shown = references(&page(supt, app, &format!("/cases?{q}")).await?);
            assert_eq!(shown, api[..50], "{q}");
        }
    }
    // Next due: soonest first, and the column says it in words.
    let due = page(supt, app, "/cases?sort=next_due").await?;
    assert!(
        due.contains("data-label=\"Next due\">due in")
            || due.contains("data-label=\"Next due\">was due"),
        "{due}"
    );

    // Search by name: PC Tom Reed's cases, in any case, only within the reader's scope.
    let reed = api_order(supt, app, "q=tom%20REED").await?;
    assert!(reed.contains(&"WX-2026-0101".to_owned()), "{reed:?}");
    assert!(
        !reed.contains(&"WX-2026-0064".to_owned()),
        "PCSO Dan Wood's case: {reed:?}"
    );
    let shown = references(&page(supt, app, "/cases?q=Reed").await?);
    assert_eq!(
        shown.iter().cloned().collect::<BTreeSet<_>>(),
        reed[..shown.len()].iter().cloned().collect()
    );
    // By reference, exactly or its beginning.
    assert_eq!(
        api_order(supt, app, "q=WX-2026-0064").await?,
        vec!["WX-2026-0064"]
    );
    let prefix = api_order(supt, app, "q=wx-2026-00").await?;
    assert!(
        prefix.iter().all(|r| r.starts_with("WX-2026-00")) && prefix.len() >= 3,
        "{prefix:?}"
    );
    // The Southern Division's inspector cannot find PC Tom Reed (Northern Response): not the
    // cases, not that any exist. The supervisor's name is not searched at all.
    let south = sign_in(app, "INSP-1230").await?;
    assert!(api_order(&south, app, "q=Reed").await?.is_empty());
    let none = page(&south, app, "/cases?q=Reed").await?;
    assert!(none.contains("id=\"no-cases\""), "{none}");
    assert_eq!(
        api_order(&south, app, "q=wood").await?,
        vec!["WX-2026-0064"]
    );
    assert!(api_order(supt, app, "q=Amira%20Khan").await?.is_empty());

    // Overdue on a point: the API and the page agree, and each case has that point overdue.
    let overdue = api_order(supt, app, "overdue_point=d").await?;
    let shown = page(supt, app, "/cases?overdue_point=d").await?;
    assert_eq!(references(&shown), overdue[..overdue.len().min(50)]);
    assert!(
        shown.contains("d. Welfare and supervision"),
        "the point by its title"
    );
    let now = app.state.now();
    for r in &overdue {
        let rows = app
            .store()
            .case_obligations(&pledge_store::CaseId::parse(r).map_err(anyhow::Error::msg)?)
            .await?;
        assert!(
            rows.iter().any(|o| o.point == "d"
                && o.status == pledge_store::RowStatus::Open
                && o.due_at.is_some_and(|d| d < now)),
            "{r} has point d overdue"
        );
    }
    assert!(api_order(supt, app, "overdue_point=zz").await?.is_empty());

    // The export follows the sort and the search.
    let csv = supt
        .client
        .get(app.url("/cases.csv?q=reed&sort=reference&order=desc"))
        .send()
        .await?
        .text()
        .await?;
    let exported: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        exported,
        api_order(supt, app, "q=reed&sort=reference&order=desc").await?
    );

    // Bad values are 422 naming the parameter.
    let long = "x".repeat(101);
    for (q, field) in [
        ("sort=colour", "sort"),
        ("order=up", "order"),
        ("overdue_point=a-b", "overdue_point"),
        (&*format!("q={long}"), "q"),
    ] {
        let (status, body) = supt.get(&app.api(&format!("/cases?{q}"))).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {body}");
        assert_eq!(body["errors"][0]["field"], field, "{q}: {body}");
    }
    Ok(())
}
