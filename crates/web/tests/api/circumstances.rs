//! `/api/v1/cases/{case_id}/steps/circumstances_recorded`: the OSSR context (equipment,
//! body-worn video, single crewing, safety training) answered after the report, by the
//! officer in the case; an empty or implausible answer refused naming the field; a colleague
//! with no part in the case cannot record it; the named pack counts the new answers.

use crate::harness::Backend;
use crate::seeded::{demo_app, sign_in};
use anyhow::{Context, ensure};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::both!(circumstances_are_recorded_and_counted);

/// A count in a pack table by its row label.
fn figure(pack: &Value, table: &str, row: &str) -> anyhow::Result<u64> {
    let t = pack["tables"]
        .as_array()
        .context("tables")?
        .iter()
        .find(|t| t["id"] == table)
        .with_context(|| format!("no table {table}"))?;
    let r = t["rows"]
        .as_array()
        .context("rows")?
        .iter()
        .find(|r| r["label"] == row)
        .with_context(|| format!("no row {row} in {table}"))?;
    r["cells"][0]["value"]
        .as_u64()
        .with_context(|| format!("{table} / {row}: {r}"))
}

async fn circumstances_are_recorded_and_counted(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "circumstances").await? else {
        return Ok(());
    };
    let lead = sign_in(&app, "CI-0101").await?;
    let pack_url = app.api("/reports/pack?version=named&from=2017-01-01&to=2026-12-31");
    let (status, before) = lead.get(&pack_url).await?;
    ensure!(status == StatusCode::OK, "{status}: {before}");

    let url = app.api("/cases/WX-2026-0101/steps/circumstances_recorded");
    let dc = sign_in(&app, "DC-3020").await?;
    // Nothing answered: refused, naming a question.
    let (status, body) = dc.post(&url, &json!({})).await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY,
        "{status}: {body}"
    );
    ensure!(
        body["errors"][0]["field"] == "body_worn_video_recording",
        "{body}"
    );
    // Not an answer: refused.
    let (status, body) = dc.post(&url, &json!({"single_crewed": "perhaps"})).await?;
    ensure!(status.is_client_error(), "{status}: {body}");
    ensure!(body.to_string().contains("single_crewed"), "{body}");
    // A colleague with no part in the case cannot record it.
    let analyst = sign_in(&app, "AN-5005").await?;
    let (status, body) = analyst.post(&url, &json!({"single_crewed": "yes"})).await?;
    ensure!(
        status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
        "{status}: {body}"
    );

    let (status, body) = dc
        .post(
            &url,
            &json!({"body_worn_video_recording": "no", "single_crewed": "no",
                    "equipment_carried": ["taser", "spit_guard"], "equipment_used": ["spit_guard"]}),
        )
        .await?;
    ensure!(status == StatusCode::CREATED, "{status}: {body}");

    let (status, after) = lead.get(&pack_url).await?;
    ensure!(status == StatusCode::OK, "{status}: {after}");
    for table in ["body_worn_video", "single_crewed"] {
        ensure!(
            figure(&after, table, "No")? == figure(&before, table, "No")? + 1,
            "{table}: one more 'no'"
        );
        ensure!(
            figure(&after, table, "Total")? == figure(&before, table, "Total")?,
            "{table}: the same assaults"
        );
    }
    ensure!(
        figure(&after, "safety_training", "Total")? == figure(&after, "assaults", "Assaults")?,
        "every assault counted once by training"
    );
    Ok(())
}
