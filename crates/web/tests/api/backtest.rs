//! Backtests over HTTP: the API (`POST /api/v1/backtests`) and the page (`/backtest`, a
//! multipart upload): the figures, a bad draft as a 422 naming line and column (never a
//! 500), and refusals for a constable, an analyst asking for names and another force.

use crate::harness::Backend;
use crate::seeded::{SignedIn, demo_app, sign_in};
use anyhow::Context;
use pledge_domain::plan::BUILTIN_PLAN_FILES;
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::both!(
    the_force_lead_backtests_the_plan_in_force,
    a_bad_draft_is_a_422_naming_line_and_column,
    backtests_are_refused_to_a_constable_and_another_force,
    the_page_takes_an_uploaded_draft
);

fn hampshire() -> &'static str {
    BUILTIN_PLAN_FILES
        .iter()
        .find(|(n, _)| n.ends_with("op-hampshire.toml"))
        .map(|(_, t)| *t)
        .unwrap_or_default()
}

fn body(force: &str, plan: Value, named: bool) -> Value {
    json!({
        "force": force,
        "from": "2000-01-01T00:00:00Z",
        "to": "2100-01-01T00:00:00Z",
        "plan": plan,
        "named": named,
    })
}

const WESSEX: &str = "Wessex Constabulary";

async fn the_force_lead_backtests_the_plan_in_force(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "bt-api-lead").await? else {
        return Ok(());
    };
    let lead = sign_in(&app, "CI-0101").await?;
    let (status, r) = lead
        .post(
            &app.api("/backtests"),
            &body(WESSEX, json!({"id": "op-hampshire"}), true),
        )
        .await?;
    anyhow::ensure!(status == StatusCode::OK, "{status}: {r}");
    let cases = r["cases"].as_u64().context("cases")?;
    anyhow::ensure!(cases > 0, "the demo cases are counted: {r}");
    anyhow::ensure!(r["changed"] == json!(0), "{r}");
    anyhow::ensure!(r["named"] == json!([]), "{r}");
    let first = &r["obligations"][0];
    anyhow::ensure!(first["presence"] == json!("both"), "{first}");
    anyhow::ensure!(first["before"] == first["after"], "{first}");

    // The same through a draft that is the built-in file itself, against version 1.
    let mut req = body(
        WESSEX,
        json!({"draft": hampshire(), "draft_name": "same.toml"}),
        false,
    );
    req["against"] = json!({"id": "op-hampshire", "version": 1});
    let (status, r2) = lead.post(&app.api("/backtests"), &req).await?;
    anyhow::ensure!(status == StatusCode::OK, "{status}: {r2}");
    anyhow::ensure!(
        r2["cases"] == json!(cases) && r2["changed"] == json!(0),
        "{r2}"
    );
    anyhow::ensure!(r2.get("named").is_none(), "not asked to name: {r2}");
    Ok(())
}

async fn a_bad_draft_is_a_422_naming_line_and_column(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "bt-api-bad").await? else {
        return Ok(());
    };
    let lead = sign_in(&app, "CI-0101").await?;
    let bad = hampshire().replacen("deadline = \"24 hours\"", "deadline = \"soonish\"", 1);
    let line = bad
        .lines()
        .position(|l| l.contains("soonish"))
        .context("line")?
        + 1;
    let (status, p) = lead
        .post(
            &app.api("/backtests"),
            &body(WESSEX, json!({"draft": bad}), false),
        )
        .await?;
    anyhow::ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}: {p}");
    let field = p["errors"][0]["field"]
        .as_str()
        .context("errors[0].field")?;
    anyhow::ensure!(
        field.starts_with(&format!("plan (line {line}, column ")),
        "{field}"
    );
    anyhow::ensure!(
        p["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("soonish")),
        "{p}"
    );
    // Not TOML at all, an unknown version, and neither id nor draft: 422s naming the field.
    for (plan, field) in [
        (
            json!({"draft": "this is [not toml"}),
            "plan (line 1, column",
        ),
        (json!({"id": "op-hampshire", "version": 99}), "plan"),
        (json!({}), "plan"),
    ] {
        let (status, p) = lead
            .post(&app.api("/backtests"), &body(WESSEX, plan.clone(), false))
            .await?;
        anyhow::ensure!(
            status == StatusCode::UNPROCESSABLE_ENTITY,
            "{plan}: {status} {p}"
        );
        anyhow::ensure!(
            p["errors"][0]["field"]
                .as_str()
                .is_some_and(|f| f.starts_with(field)),
            "{plan}: {p}"
        );
    }
    let mut bad_time = body(WESSEX, json!({"id": "op-hampshire"}), false);
    bad_time["from"] = json!("last tuesday");
    let (status, p) = lead.post(&app.api("/backtests"), &bad_time).await?;
    anyhow::ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY && p["errors"][0]["field"] == json!("from"),
        "{status} {p}"
    );
    Ok(())
}

async fn backtests_are_refused_to_a_constable_and_another_force(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "bt-api-refused").await? else {
        return Ok(());
    };
    let plan = json!({"id": "op-hampshire"});
    let constable = sign_in(&app, "PC-4410").await?;
    let (status, _) = constable
        .post(&app.api("/backtests"), &body(WESSEX, plan.clone(), false))
        .await?;
    anyhow::ensure!(status == StatusCode::FORBIDDEN, "constable: {status}");
    let lead = sign_in(&app, "CI-0101").await?;
    let (status, _) = lead
        .post(
            &app.api("/backtests"),
            &body("Mercia Police", plan.clone(), false),
        )
        .await?;
    anyhow::ensure!(status == StatusCode::FORBIDDEN, "another force: {status}");
    let (status, p) = lead
        .post(&app.api("/backtests"), &body("", plan.clone(), false))
        .await?;
    anyhow::ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY,
        "no force: {status} {p}"
    );
    let analyst = sign_in(&app, "AN-5005").await?;
    let (status, _) = analyst
        .post(&app.api("/backtests"), &body(WESSEX, plan.clone(), true))
        .await?;
    anyhow::ensure!(status == StatusCode::FORBIDDEN, "analyst naming: {status}");
    let (status, r) = analyst
        .post(&app.api("/backtests"), &body(WESSEX, plan, false))
        .await?;
    anyhow::ensure!(status == StatusCode::OK, "analyst counting: {status} {r}");
    // The page refuses the constable too.
    let res = constable.client.get(app.url("/backtest")).send().await?;
    anyhow::ensure!(
        res.status() == StatusCode::FORBIDDEN,
        "page: {}",
        res.status()
    );
    Ok(())
}

/// A `multipart/form-data` body as a browser sends it; the file part last.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str)>) -> (String, Vec<u8>) {
    let boundary = "----pledge-test-boundary-7MA4YWxkTrZu0gW";
    let mut b = String::new();
    for (name, value) in fields {
        b.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    if let Some((file_name, text)) = file {
        b.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"draft_file\"; filename=\"{file_name}\"\r\nContent-Type: application/toml\r\n\r\n{text}\r\n"
        ));
    }
    b.push_str(&format!("--{boundary}--\r\n"));
    (
        format!("multipart/form-data; boundary={boundary}"),
        b.into_bytes(),
    )
}

async fn post_page(
    app: &crate::harness::TestApp,
    who: &SignedIn,
    fields: &[(&str, &str)],
    file: Option<(&str, &str)>,
) -> anyhow::Result<(StatusCode, String)> {
    let (content_type, bytes) = multipart(fields, file);
    let res = who
        .client
        .post(app.url("/backtest"))
        .header("Content-Type", content_type)
        .body(bytes)
        .send()
        .await?;
    Ok((res.status(), res.text().await?))
}

async fn the_page_takes_an_uploaded_draft(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "bt-page").await? else {
        return Ok(());
    };
    let lead = sign_in(&app, "CI-0101").await?;
    let csrf = lead.csrf.clone();
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("from", "2000-01-01"),
        ("to", "2099-12-31"),
        ("plan", "draft"),
        ("named", "yes"),
    ];
    let (status, html) = post_page(&app, &lead, &fields, Some(("draft.toml", hampshire()))).await?;
    anyhow::ensure!(status == StatusCode::OK, "{status}");
    anyhow::ensure!(html.contains("What would change"), "no result");
    anyhow::ensure!(
        html.contains("Point a: Investigated with the same care as any assault"),
        "point titles in words"
    );
    anyhow::ensure!(html.contains("would change verdict"), "summary");

    // A bad upload: the page names the line and column, status 422, nothing evaluated.
    let bad = hampshire().replacen("deadline = \"24 hours\"", "deadline = \"soonish\"", 1);
    let (status, html) = post_page(&app, &lead, &fields, Some(("bad.toml", &bad))).await?;
    anyhow::ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    anyhow::ensure!(html.contains("There is a problem"), "error summary");
    anyhow::ensure!(html.contains("at line 20, column"), "line and column shown");
    anyhow::ensure!(!html.contains("What would change"), "nothing evaluated");

    // Nothing uploaded or pasted; a bad date; a wrong CSRF token.
    let (status, html) = post_page(&app, &lead, &fields, None).await?;
    anyhow::ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    anyhow::ensure!(
        html.contains("Upload a draft plan file, paste its text"),
        "no draft"
    );
    let mut dated = fields;
    dated[1] = ("from", "31/02/2020");
    let (status, html) = post_page(&app, &lead, &dated, Some(("d.toml", hampshire()))).await?;
    anyhow::ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY && html.contains("is not a date"),
        "{status}"
    );
    let mut forged = fields;
    forged[0] = ("csrf_token", "forged");
    let (status, _) = post_page(&app, &lead, &forged, Some(("d.toml", hampshire()))).await?;
    anyhow::ensure!(status == StatusCode::FORBIDDEN, "forged CSRF: {status}");
    // Not multipart at all: a clear page error, not a 500.
    let res = lead
        .client
        .post(app.url("/backtest"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("csrf_token={csrf}"))
        .send()
        .await?;
    anyhow::ensure!(
        res.status().is_client_error(),
        "urlencoded: {}",
        res.status()
    );
    Ok(())
}
