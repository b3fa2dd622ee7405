//! `POST /api/v1/national/merge`: the demo force's export merged with another force's, the
//! totals their sum, for senior leaders and administrators only, and a refused export named
//! as `exports[i].FIELD`.

use crate::harness::Backend;
use crate::seeded::{demo_app, sign_in};
use anyhow::{Context, ensure};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::both!(merge_over_the_api);

async fn merge_over_the_api(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "national_merge").await? else {
        return Ok(());
    };
    let req = pledge_app::reports::national::ExportRequest {
        force: "Wessex Constabulary".into(),
        from: "2025-01-01".parse()?,
        to: "2026-12-31".parse()?,
        threshold: 5,
    };
    let wessex = pledge_app::reports::national::build_export(
        app.store(),
        &pledge_domain::calendar::Calendar::uk(),
        &req,
        app.state.now(),
    )
    .await?;
    let wessex = serde_json::to_value(&wessex)?;
    // A second force: the same figures under another name (the merge reads only the file).
    let mut other = wessex.clone();
    other["force"] = "Mercia Constabulary".into();

    let leader = sign_in(&app, "SUPT-0450").await?;
    let (status, p) = leader
        .post(
            &app.api("/national/merge"),
            &json!({"exports": [wessex, other]}),
        )
        .await?;
    ensure!(status == StatusCode::OK, "{status}: {p}");
    ensure!(p["forces"].as_array().map(Vec::len) == Some(2), "{p}");
    let assaults = p["tables"]
        .as_array()
        .context("tables")?
        .iter()
        .find(|t| t["id"] == "assaults")
        .context("assaults")?;
    let row = &assaults["rows"][0];
    let one: &Value = &row["by_force"][0][0];
    match one["kind"].as_str() {
        Some("count") => {
            let v = one["value"].as_u64().context("value")?;
            ensure!(
                row["total"][0] == json!({"kind": "exact", "value": 2 * v}),
                "{row}"
            );
        }
        _ => ensure!(row["total"][0]["kind"] != "exact", "{row}"),
    }

    // Only senior leaders and administrators.
    let analyst = sign_in(&app, "AN-5005").await?;
    let (status, _) = analyst
        .post(&app.api("/national/merge"), &json!({"exports": [wessex]}))
        .await?;
    ensure!(status == StatusCode::FORBIDDEN, "{status}");

    // Refusals name the export and the field.
    for (body, field) in [
        (json!({"exports": [wessex, wessex]}), "exports[1].force"),
        (
            json!({"exports": [wessex, {"schema": "pledge-national-export", "schema_version": 2}]}),
            "exports[1].schema_version",
        ),
        (json!({"exports": [{"hello": 1}]}), "exports[0].schema"),
        (json!({"exports": []}), "files"),
    ] {
        let (status, problem) = leader.post(&app.api("/national/merge"), &body).await?;
        ensure!(
            status == StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {status} {problem}"
        );
        ensure!(problem.to_string().contains(field), "{field}: {problem}");
    }
    Ok(())
}
