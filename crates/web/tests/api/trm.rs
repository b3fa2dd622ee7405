//! `/api/v1/cases/{case_id}/trm`: the case as the tasking meeting is briefed on it (WMP 8):
//! welfare and TRiM staff see it, with no victim named; a colleague with no part in the case
//! is not told it exists; the read is logged.

use crate::harness::Backend;
use crate::seeded::{demo_app, sign_in};
use anyhow::{Context, ensure};
use reqwest::StatusCode;

crate::both!(the_trm_briefing_names_no_victim);

async fn the_trm_briefing_names_no_victim(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "trm_briefing").await? else {
        return Ok(());
    };
    let lead = sign_in(&app, "CI-0101").await?;
    let (status, list) = lead.get(&app.api("/cases?limit=500")).await?;
    ensure!(status == StatusCode::OK, "{status}: {list}");
    let cases = list["cases"].as_array().context("cases")?;
    ensure!(!cases.is_empty(), "the demo force has cases");
    let welfare = sign_in(&app, "TRIM-07").await?;
    for case in cases {
        let id = case["case_id"].as_str().context("case_id")?;
        let (status, briefing) = welfare.get(&app.api(&format!("/cases/{id}/trm"))).await?;
        ensure!(status == StatusCode::OK, "{id}: {status} {briefing}");
        ensure!(briefing["case_id"] == id && briefing["victims"].as_u64() >= Some(1));
        let text = briefing.to_string();
        for victim in case["victims"].as_array().context("victims")? {
            let person = victim.as_str().context("victim id")?;
            ensure!(!text.contains(person), "{id}: the victim's id in {text}");
            let name = pledge_store::Store::person(app.store(), person)
                .await?
                .context("the victim is a person of the force")?
                .name;
            ensure!(!text.contains(&name), "{id}: the victim's name in {text}");
        }
    }
    let id = cases[0]["case_id"].as_str().context("case_id")?;
    let log = pledge_store::Store::access_by_actor(app.store(), "TRIM-07").await?;
    ensure!(
        log.iter().any(|e| e.entry.what.starts_with("TRM briefing")),
        "the read is logged: {log:?}"
    );
    // An analyst has no part in cases: not told the case exists.
    let analyst = sign_in(&app, "AN-5005").await?;
    let (status, _) = analyst.get(&app.api(&format!("/cases/{id}/trm"))).await?;
    ensure!(status == StatusCode::NOT_FOUND, "analyst: {status}");
    // The question a page asks before offering a link gives the same answers.
    let person = |id: &str, roles: &[pledge_app::AccountRole]| pledge_app::Actor::Person {
        id: id.into(),
        roles: roles.iter().copied().collect(),
        unit: Some("force-hq".into()),
        force: Some("Wessex Constabulary".into()),
    };
    use pledge_app::AccountRole::{Analyst, Staff, Welfare};
    let case_id = pledge_store::CaseId::parse(id).map_err(anyhow::Error::msg)?;
    let app_ = app.state.app();
    ensure!(
        app_.may_see_trm_briefing(&person("TRIM-07", &[Staff, Welfare]), &case_id)
            .await?
    );
    ensure!(
        !app_
            .may_see_trm_briefing(&person("AN-5005", &[Staff, Analyst]), &case_id)
            .await?
    );
    Ok(())
}
