//! Exactly once under an `Idempotency-Key`: requests racing with one key have one effect and
//! one answer; a step without `expected_version` that meets a conflict and tries again
//! records once.

use crate::harness::{Backend, TestApp};
use crate::seeded::{SignedIn, demo_app, new_assault, sign_in};
use anyhow::Context;
use pledge_store::{CaseId, Store};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::both!(
    racing_posts_of_a_case_with_one_key_open_one_case,
    racing_steps_with_one_key_and_a_version_record_once,
    a_step_without_a_version_retried_after_a_conflict_records_once,
    a_bad_or_reused_key_is_refused_and_records_nothing,
);

/// Requests in each race.
const RACERS: usize = 8;

/// One answer: status, whether it was replayed, body.
type Reply = (StatusCode, bool, Value);

/// Sends the same POST `RACERS` times at once under one key (plus `others`, unkeyed, with
/// their own bodies); returns the keyed answers.
async fn race(
    who: &SignedIn,
    url: &str,
    key: &str,
    body: Value,
    others: Vec<Value>,
) -> anyhow::Result<Vec<Reply>> {
    let send = |body: Value, key: Option<String>| {
        let mut req = who
            .client
            .post(url)
            .header("X-CSRF-Token", &who.csrf)
            .json(&body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        tokio::spawn(async move {
            let res = req.send().await?;
            let status = res.status();
            let replayed = res.headers().get("idempotent-replayed").is_some();
            anyhow::Ok((status, replayed, res.json::<Value>().await?))
        })
    };
    let keyed: Vec<_> = (0..RACERS)
        .map(|_| send(body.clone(), Some(key.to_owned())))
        .collect();
    let unkeyed: Vec<_> = others.into_iter().map(|b| send(b, None)).collect();
    let mut replies = Vec::new();
    for t in keyed {
        replies.push(t.await??);
    }
    for t in unkeyed {
        let (status, _, body) = t.await??;
        anyhow::ensure!(
            status == StatusCode::CREATED,
            "an unkeyed writer: {status} {body}"
        );
    }
    Ok(replies)
}

/// Every answer is the first one: 201, the same body, and all but one replayed.
fn one_answer(replies: &[Reply]) -> anyhow::Result<Value> {
    let (_, _, first) = replies.iter().find(|r| !r.1).context("no fresh answer")?;
    for (status, _, body) in replies {
        anyhow::ensure!(*status == StatusCode::CREATED, "{status}: {body}");
        anyhow::ensure!(body == first, "answers differ:\n{body}\n{first}");
    }
    let fresh = replies.iter().filter(|r| !r.1).count();
    anyhow::ensure!(fresh == 1, "{fresh} answers not marked replayed");
    Ok(first.clone())
}

async fn case_ids(app: &TestApp) -> anyhow::Result<Vec<CaseId>> {
    Ok(app.store().case_ids(None, 10_000).await?)
}

/// The case's welfare meeting notes, in order.
async fn notes(app: &TestApp, case: &str) -> anyhow::Result<Vec<String>> {
    let id = CaseId::parse(case).map_err(anyhow::Error::msg)?;
    let case = app.store().load_case(&id).await?.context("case")?;
    let mut notes = Vec::new();
    for e in &case.events {
        let v = serde_json::to_value(e)?;
        if v["type"] == "welfare_meeting_held" {
            notes.push(v["note"].as_str().unwrap_or_default().to_owned());
        }
    }
    Ok(notes)
}

async fn racing_posts_of_a_case_with_one_key_open_one_case(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "idem_race_case").await? else {
        return Ok(());
    };
    let sgt = sign_in(&app, "PS-2231").await?;
    let before = case_ids(&app).await?;
    let replies = race(
        &sgt,
        &app.api("/cases"),
        "case-k",
        new_assault("PC-4410"),
        vec![],
    )
    .await?;
    let answer = one_answer(&replies)?;
    let after = case_ids(&app).await?;
    let new: Vec<_> = after.iter().filter(|c| !before.contains(c)).collect();
    assert_eq!(new.len(), 1, "one case opened, not {new:?}");
    assert_eq!(answer["case_id"], json!(new[0].as_str()), "{answer}");
    // A later retry replays the same answer and opens nothing.
    let again = race(
        &sgt,
        &app.api("/cases"),
        "case-k",
        new_assault("PC-4410"),
        vec![],
    )
    .await?;
    assert!(again.iter().all(|r| r.1 && r.2 == answer), "{again:?}");
    assert_eq!(case_ids(&app).await?.len(), after.len());
    Ok(())
}

async fn racing_steps_with_one_key_and_a_version_record_once(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "idem_race_step").await? else {
        return Ok(());
    };
    let sgt = sign_in(&app, "PS-2231").await?;
    let url = app.api("/cases/WX-2026-0107/steps/welfare_meeting_held");
    // The losers either find the key taken in their append, or fail the version check
    // because the winner moved the case on and then find the key: one answer for all.
    let body = json!({"note": "keyed visit", "expected_version": 1});
    let replies = race(&sgt, &url, "step-k", body, vec![]).await?;
    let answer = one_answer(&replies)?;
    assert_eq!(answer["version"], 2, "{answer}");
    assert_eq!(notes(&app, "WX-2026-0107").await?, ["keyed visit"]);
    Ok(())
}

async fn a_step_without_a_version_retried_after_a_conflict_records_once(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "idem_retry_step").await? else {
        return Ok(());
    };
    let sgt = sign_in(&app, "PS-2231").await?;
    let url = app.api("/cases/WX-2026-0107/steps/welfare_meeting_held");
    // Without expected_version a step that meets a conflict is checked again against the
    // case as it stands and appended (four attempts at most): the keyed twins would each do
    // so, and two other writers make conflicts all but certain. The key is claimed with the
    // step, so a twin's attempt finds it and records nothing.
    let others = (0..2)
        .map(|i| json!({"note": format!("other {i}")}))
        .collect();
    let replies = race(
        &sgt,
        &url,
        "retry-k",
        json!({"note": "keyed visit"}),
        others,
    )
    .await?;
    let answer = one_answer(&replies)?;
    let notes = notes(&app, "WX-2026-0107").await?;
    assert_eq!(
        notes.iter().filter(|n| *n == "keyed visit").count(),
        1,
        "{notes:?}"
    );
    assert_eq!(
        notes.len(),
        3,
        "the keyed step once and two others: {notes:?}"
    );
    let position = notes
        .iter()
        .position(|n| n == "keyed visit")
        .context("keyed")?;
    assert_eq!(answer["version"], json!(position + 2), "{answer}");
    Ok(())
}

async fn a_bad_or_reused_key_is_refused_and_records_nothing(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "idem_bad_key").await? else {
        return Ok(());
    };
    let sgt = sign_in(&app, "PS-2231").await?;
    let url = app.api("/cases/WX-2026-0107/steps/welfare_meeting_held");
    let post = |key: String, body: Value| {
        sgt.client
            .post(&url)
            .header("X-CSRF-Token", &sgt.csrf)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    for bad in ["has space".to_owned(), "k".repeat(256)] {
        let res = post(bad, json!({"note": "bad key"})).await?;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p: Value = res.json().await?;
        assert_eq!(p["errors"][0]["field"], "Idempotency-Key", "{p}");
    }
    let res = post("k-1".into(), json!({"note": "first"})).await?;
    assert_eq!(res.status(), StatusCode::CREATED);
    // The same key on another route, or with another body, is another request: refused.
    let res = post("k-1".into(), json!({"note": "second"})).await?;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = res.json().await?;
    assert!(
        p["type"]
            .as_str()
            .is_some_and(|t| t.ends_with("/idempotency-key-reused")),
        "{p}"
    );
    let res = sgt
        .client
        .post(app.api("/cases"))
        .header("X-CSRF-Token", &sgt.csrf)
        .header("Idempotency-Key", "k-1")
        .json(&new_assault("PC-4410"))
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(notes(&app, "WX-2026-0107").await?, ["first"]);
    Ok(())
}
