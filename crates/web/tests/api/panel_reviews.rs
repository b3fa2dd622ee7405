//! `/api/v1/panel-reviews`: the scrutiny panel's reviews (OSSR 23(i)). Who may record and
//! read them (and the panel's actions), the pack's figures hashed as the app makes them, the
//! standing from the domain, and bad input named.

use crate::harness::Backend;
use crate::seeded::{demo_app, sign_in};
use anyhow::ensure;
use jiff::ToSpan;
use pledge_domain::evaluate::period_start;
use pledge_domain::plan::ReviewEvery;
use reqwest::StatusCode;
use serde_json::json;

crate::both!(panel_reviews_are_recorded_and_read);

async fn panel_reviews_are_recorded_and_read(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "panel_reviews").await? else {
        return Ok(());
    };
    let now = app.state.now();
    let today = app.state.app().today(now);
    let quarter = period_start(ReviewEvery::Quarter, today);
    let (last_from, last_to) = (quarter.checked_sub(3.months())?, quarter.yesterday()?);

    // The pack's readers see the standing; the plan in force (Op Hampshire) asks for a
    // quarterly review; nothing is recorded yet, so the running quarter is next.
    let analyst = sign_in(&app, "AN-5005").await?;
    let (status, standing) = analyst.get(&app.api("/panel-reviews")).await?;
    ensure!(status == StatusCode::OK, "{status}: {standing}");
    ensure!(standing["review"] == "scrutiny-panel" && standing["every"] == "quarter");
    ensure!(standing["meetings"] == json!([]), "{standing}");
    ensure!(
        standing["next_due"]["from"] == quarter.to_string(),
        "{standing}"
    );

    // Only the Op Hampshire lead (or an administrator) records; a supervisor sees nothing.
    let meeting = json!({
        "met_on": today.to_string(),
        "pack_from": last_from.to_string(),
        "pack_to": last_to.to_string(),
        "chair": "Chief Superintendent Amira Khan",
        "actions": "Ask the north district why welfare contacts were late."
    });
    let (status, _) = analyst.post(&app.api("/panel-reviews"), &meeting).await?;
    ensure!(status == StatusCode::FORBIDDEN, "analyst: {status}");
    let supervisor = sign_in(&app, "PS-2231").await?;
    let (status, _) = supervisor.get(&app.api("/panel-reviews")).await?;
    ensure!(status == StatusCode::FORBIDDEN, "supervisor: {status}");

    let lead = sign_in(&app, "CI-0101").await?;
    let (status, recorded) = lead.post(&app.api("/panel-reviews"), &meeting).await?;
    ensure!(status == StatusCode::CREATED, "{status}: {recorded}");
    ensure!(recorded["plan"] == "op-hampshire@1" && recorded["pack_unit"].is_null());
    // The hash is of the figures the app's panel pack holds for that period.
    let pack = pledge_app::reports::build(
        app.store(),
        &pledge_domain::calendar::Calendar::uk(),
        &pledge_app::reports::PackRequest {
            force: "Wessex Constabulary".into(),
            unit: None,
            from: last_from,
            to: last_to,
            by: pledge_app::reports::Bucket::Month,
            named: false,
            threshold: pledge_app::reports::DEFAULT_THRESHOLD,
        },
        now,
    )
    .await?;
    ensure!(
        recorded["pack_hash"] == pledge_app::reports::pack_hash(&pack)?,
        "{recorded}"
    );

    // The last quarter is met (on time or late, by today's date); none is overdue; the
    // analyst reads the meeting without the panel's actions, the lead with them.
    let (_, standing) = analyst.get(&app.api("/panel-reviews")).await?;
    ensure!(standing["overdue"] == json!([]), "{standing}");
    ensure!(
        standing["next_due"]["from"] == quarter.to_string(),
        "{standing}"
    );
    let m = &standing["meetings"][0];
    ensure!(
        m["chair"] == "Chief Superintendent Amira Khan" && m["actions"].is_null(),
        "{m}"
    );
    let (_, standing) = lead.get(&app.api("/panel-reviews")).await?;
    ensure!(
        standing["meetings"][0]["actions"]
            == "Ask the north district why welfare contacts were late.",
        "{standing}"
    );

    // Bad input: a problem naming the field; nothing recorded.
    let tomorrow = today.tomorrow()?.to_string();
    for (change, field) in [
        (json!({"met_on": tomorrow}), "met_on"),
        (
            json!({"met_on": last_to.checked_sub(1.day())?.to_string()}),
            "pack_to",
        ),
        (json!({"pack_from": today.to_string()}), "pack_from"),
        (json!({"chair": "  "}), "chair"),
        (json!({"pack_unit": "nowhere"}), "pack_unit"),
        (json!({"chaired": "x"}), "chaired"),
    ] {
        let mut body = meeting.clone();
        if let (Some(b), Some(c)) = (body.as_object_mut(), change.as_object()) {
            b.extend(c.clone());
        }
        let (status, problem) = lead.post(&app.api("/panel-reviews"), &body).await?;
        ensure!(
            status == StatusCode::UNPROCESSABLE_ENTITY && problem.to_string().contains(field),
            "{field}: {status} {problem}"
        );
    }
    let (_, standing) = lead.get(&app.api("/panel-reviews")).await?;
    ensure!(
        standing["meetings"].as_array().map(Vec::len) == Some(1),
        "{standing}"
    );
    Ok(())
}
