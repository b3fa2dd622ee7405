//! Cases and steps through the API: recording, reading, the plan's rules as 422 with the
//! point named, problem responses for bad input, and idempotent retries.

use crate::harness::Backend;
use crate::seeded::{demo_app, new_assault, sign_in};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::both!(
    recording_an_assault_opens_the_case_with_its_obligations,
    the_victim_is_refused_as_officer_in_the_case_naming_the_point,
    no_outcome_before_the_victims_view,
    bad_input_is_a_problem_that_names_the_field,
    an_idempotent_retry_records_once,
    victims_see_their_own_case_and_who_looked,
    concurrent_steps_without_a_version_are_all_recorded,
);

async fn recording_an_assault_opens_the_case_with_its_obligations(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "record").await? else {
        return Ok(());
    };
    let sgt = sign_in(&app, "PS-2231").await?;
    let (status, body) = sgt
        .post(&app.api("/cases"), &new_assault("PC-4410"))
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        body["plan_id"], "op-hampshire",
        "opened under the plan in force"
    );
    let id = body["case_id"].as_str().unwrap_or_default().to_owned();
    assert!(id.starts_with("PL-"), "{id}");
    let (status, ev) = sgt
        .get(&app.api(&format!("/cases/{id}/obligations")))
        .await?;
    assert_eq!(status, StatusCode::OK, "{ev}");
    let text = ev.to_string();
    assert!(text.contains("\"id\":\"oic-assigned\""), "{text}");
    // The supervisor now owns tasks from it.
    let (status, tasks) = sgt.get(&app.api("/tasks")).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(
        tasks["tasks"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["case_id"] == json!(id))),
        "{tasks}"
    );
    // It is in the list, and the list is newest first.
    let (_, list) = sgt.get(&app.api("/cases")).await?;
    assert_eq!(list["cases"][0]["case_id"], json!(id), "{list}");
    Ok(())
}

async fn the_victim_is_refused_as_officer_in_the_case_naming_the_point(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "victim_oic").await? else {
        return Ok(());
    };
    let sgt = sign_in(&app, "PS-2231").await?;
    let url = app.api("/cases/WX-2026-0107/steps/oic_assigned");
    let (status, body) = sgt.post(&url, &json!({"officer": "PC-4471"})).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["rule"]["point"], "c", "{body}");
    assert_eq!(body["rule"]["plan"], "op-hampshire@1");
    // The field at fault is named, in the rule and in the field list.
    assert_eq!(body["rule"]["field"], "officer", "{body}");
    assert_eq!(body["errors"][0]["field"], "officer", "{body}");
    assert!(
        body["rule"]["says"]
            .as_str()
            .unwrap_or("")
            .contains("never"),
        "{body}"
    );
    // Nothing was recorded: assigning someone else works, at version 2.
    let (status, body) = sgt.post(&url, &json!({"officer": "DC-3020"})).await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["version"], 2);
    Ok(())
}

async fn no_outcome_before_the_victims_view(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "outcome").await? else {
        return Ok(());
    };
    let dc = sign_in(&app, "DC-3020").await?;
    let url = app.api("/cases/WX-2026-0101/steps/outcome_finalised");
    let (status, body) = dc.post(&url, &json!({"outcome_type": 1})).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["type"],
        "https://pledge.police.uk/problems/rule-refused"
    );
    assert!(body["rule"]["point"].is_string(), "{body}");
    let view = app.api("/cases/WX-2026-0101/steps/victim_view_recorded");
    let (status, _) = dc.post(&view, &json!({"view": "wants a charge"})).await?;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = dc.post(&url, &json!({"outcome_type": 1})).await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    Ok(())
}

async fn bad_input_is_a_problem_that_names_the_field(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "bad_input").await? else {
        return Ok(());
    };
    let sgt = sign_in(&app, "PS-2231").await?;
    let problem = |res: &reqwest::Response| {
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let send = |body: &'static str, ctype: &'static str| {
        sgt.client
            .post(app.api("/cases"))
            .header("X-CSRF-Token", &sgt.csrf)
            .header("content-type", ctype)
            .body(body)
    };

    let res = send("{not json", "application/json").send().await?;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(&res).as_deref(), Some("application/problem+json"));

    let res = send("{}", "text/plain").send().await?;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let res = send("[1,2]", "application/json").send().await?;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A missing field is named.
    let mut body = new_assault("PC-4410");
    body.as_object_mut().map(|o| o.remove("offence"));
    let (status, p) = sgt.post(&app.api("/cases"), &body).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "offence", "{p}");

    // A wrong type is refused with a message saying what was expected.
    let (status, p) = sgt
        .post(
            &app.api("/cases/WX-2026-0107/steps/update_frequency_chosen"),
            &json!({"every_days": "weekly"}),
        )
        .await?;
    assert_eq!(
        (status, p["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("every_days")),
        "{p}"
    );
    // ... also when other, valid members come first or after it.
    let (status, p) = sgt
        .post(
            &app.api("/cases/WX-2026-0107/steps/statement_taken"),
            &json!({"of": "witness", "giver": "PC-4471", "taken_by": 7}),
        )
        .await?;
    assert_eq!(
        (status, p["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("taken_by")),
        "{p}"
    );
    let (status, p) = sgt
        .post(
            &app.api("/cases/WX-2026-0107/steps/leaflet_given"),
            &json!({"at": 12}),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "at", "{p}");

    // An unknown field is named, never silently dropped (also for steps with no fields).
    let (status, p) = sgt
        .post(
            &app.api("/cases/WX-2026-0107/steps/leaflet_given"),
            &json!({"colour": "blue"}),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "colour", "{p}");
    let (status, p) = sgt
        .post(
            &app.api("/cases/WX-2026-0107/steps/welfare_meeting_held"),
            &json!({"colour": "blue"}),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "colour", "{p}");

    // Too large.
    let big = json!({"summary": "x".repeat(400 * 1024)});
    let (status, p) = sgt.post(&app.api("/cases"), &big).await?;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{p}");

    // Unknown step, unknown case, unknown route: 404 problems.
    let (status, p) = sgt
        .post(&app.api("/cases/WX-2026-0107/steps/tea_made"), &json!({}))
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    let (status, p) = sgt.get(&app.api("/cases/NO-SUCH-CASE")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    let (status, p) = sgt.get(&app.api("/cases/%00%ff")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    let (status, _) = sgt.get(&app.url("/api/v1/nothing-here")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Bad query parameters name the field.
    let (status, p) = sgt.get(&app.api("/cases?from=yesterday")).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "from", "{p}");
    Ok(())
}

async fn an_idempotent_retry_records_once(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "idempotent").await? else {
        return Ok(());
    };
    let sgt = sign_in(&app, "PS-2231").await?;
    let post = |body: Value, key: &'static str| {
        sgt.client
            .post(app.api("/cases/WX-2026-0107/steps/welfare_meeting_held"))
            .header("X-CSRF-Token", &sgt.csrf)
            .header("Idempotency-Key", key)
            .json(&body)
    };
    let first = post(json!({}), "k-1").send().await?;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await?;
    let again = post(json!({}), "k-1").send().await?;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(
        again
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    let again: Value = again.json().await?;
    assert_eq!(first, again);
    let other = post(json!({"at": "2026-01-01T00:00:00Z"}), "k-1")
        .send()
        .await?;
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let case = pledge_store::Store::load_case(
        app.store(),
        &pledge_store::CaseId::parse("WX-2026-0107").map_err(anyhow::Error::msg)?,
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("case"))?;
    assert_eq!(
        case.version, 2,
        "one report and one welfare meeting, not two"
    );
    Ok(())
}

async fn victims_see_their_own_case_and_who_looked(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "victim_view").await? else {
        return Ok(());
    };
    let sgt = sign_in(&app, "PS-2231").await?;
    let (status, _) = sgt
        .get(&app.api("/cases/WX-2026-0101?purpose=welfare%20check"))
        .await?;
    assert_eq!(status, StatusCode::OK);
    let tom = sign_in(&app, "PC-4410").await?;
    let (status, view) = tom.get(&app.api("/cases/WX-2026-0101/victim-view")).await?;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["officer_in_case"], "DC-3020");
    let looked = view["accessed_by"].to_string();
    assert!(
        looked.contains("PS-2231") && looked.contains("welfare check"),
        "{looked}"
    );
    // The full investigation view is not theirs (they may know the case exists: 403).
    let (status, _) = tom.get(&app.api("/cases/WX-2026-0101")).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Another victim's case is not theirs to know of.
    let (status, a) = tom.get(&app.api("/cases/WX-2026-0088/victim-view")).await?;
    let (status2, b) = tom.get(&app.api("/cases/NO-SUCH-CASE/victim-view")).await?;
    assert_eq!(
        (status, status2),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert_eq!(a, b, "a hidden case answers exactly as a missing one");
    Ok(())
}

async fn concurrent_steps_without_a_version_are_all_recorded(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "concurrent").await? else {
        return Ok(());
    };
    let sgt = sign_in(&app, "PS-2231").await?;
    let url = app.api("/cases/WX-2026-0107/steps/welfare_meeting_held");
    // Four writers at once on one case, none stating a version: each is re-checked against
    // the case as it stands and recorded; none is refused for another's change.
    let tasks: Vec<_> = (0..4)
        .map(|i| {
            let (client, csrf, url) = (sgt.client.clone(), sgt.csrf.clone(), url.clone());
            tokio::spawn(async move {
                let res = client
                    .post(url)
                    .header("X-CSRF-Token", csrf)
                    .json(&json!({"note": format!("visit {i}")}))
                    .send()
                    .await?;
                anyhow::Ok(res.status())
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await??, StatusCode::CREATED);
    }
    // With expected_version, a stale version is a conflict, not silently absorbed.
    let (status, p) = sgt.post(&url, &json!({"expected_version": 1})).await?;
    assert_eq!(status, StatusCode::CONFLICT, "{p}");
    let case = pledge_store::Store::load_case(
        app.store(),
        &pledge_store::CaseId::parse("WX-2026-0107").map_err(anyhow::Error::msg)?,
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("case"))?;
    assert_eq!(case.version, 5, "the report and four welfare meetings");
    Ok(())
}
