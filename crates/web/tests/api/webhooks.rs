//! Signed webhooks end to end: an administrator adds endpoints over the API (the secret shown
//! once), the sweep writes notifications, and the delivery worker POSTs them to a real HTTP
//! receiver (axum on 127.0.0.1, started here) that checks every signature, fails some first
//! attempts (once after keeping the body, so a duplicate arrives), and counts what arrives.
//! Every notification arrives at least once; duplicates carry the same Idempotency-Key; an
//! endpoint that keeps failing fills the dead-letter list, and an administrator's retry
//! delivers them.

use crate::harness::Backend;
use crate::seeded::{demo_app, sign_in};
use anyhow::Context;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode as AxStatus};
use pledge_store::notify::NotificationStore;
use pledge_store::webhooks::WebhookStore;
use pledge_web::webhooks::{WebhookConfig, Webhooks, verify};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

crate::both!(webhooks_arrive_signed_at_least_once_and_dead_letters_are_retried);

/// One request the receiver saw.
#[derive(Debug, Clone)]
struct Seen {
    key: String,
    attempt: u32,
    body: Value,
    accepted: bool,
}

#[derive(Default)]
struct Receiver {
    secrets: BTreeMap<String, String>,
    /// The path that answers 503 to everything while true.
    down: BTreeSet<String>,
    seen: BTreeMap<String, Vec<Seen>>,
    bad_signatures: u32,
}

type Shared = Arc<Mutex<Receiver>>;

async fn receive(
    axum::extract::State(rx): axum::extract::State<Shared>,
    axum::extract::Path(path): axum::extract::Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> AxStatus {
    let Ok(mut rx) = rx.lock() else {
        return AxStatus::INTERNAL_SERVER_ERROR;
    };
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let Some(secret) = rx.secrets.get(&path).cloned() else {
        return AxStatus::NOT_FOUND;
    };
    if verify(&secret, &header("pledge-signature"), &body).is_err() {
        rx.bad_signatures += 1;
        return AxStatus::UNAUTHORIZED;
    }
    let key = header("idempotency-key");
    let attempt: u32 = header("pledge-attempt").parse().unwrap_or(0);
    let Ok(json) = serde_json::from_slice::<Value>(&body) else {
        return AxStatus::BAD_REQUEST;
    };
    let delivery = json["pledge"]["delivery"].as_i64().unwrap_or(0);
    let down = rx.down.contains(&path);
    // The flaky endpoint fails some first attempts: every third delivery is refused
    // outright; every fifth is kept and then answered 500 (its answer "lost"), so it arrives
    // twice.
    let flaky = path == "flaky" && attempt == 1;
    let refuse = down || (flaky && delivery % 3 == 0);
    let lose_answer = !down && flaky && delivery % 5 == 0;
    let accepted = !refuse;
    rx.seen.entry(path).or_default().push(Seen {
        key,
        attempt,
        body: json,
        accepted,
    });
    if refuse {
        AxStatus::SERVICE_UNAVAILABLE
    } else if lose_answer {
        AxStatus::INTERNAL_SERVER_ERROR
    } else {
        AxStatus::NO_CONTENT
    }
}

async fn start_receiver() -> anyhow::Result<(u16, Shared, tokio::task::JoinHandle<()>)> {
    let shared: Shared = Arc::default();
    let router = axum::Router::new()
        .route("/{path}", axum::routing::post(receive))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok((port, shared, server))
}

/// Every notification of the demo's cases.
async fn all_notifications(
    store: &pledge_store::AnyStore,
) -> anyhow::Result<Vec<pledge_store::notify::StoredNotification>> {
    let mut all = Vec::new();
    for case in pledge_store::Store::case_ids(store, None, 10_000).await? {
        all.extend(store.case_notifications(&case).await?);
    }
    Ok(all)
}

fn lock(rx: &Shared) -> anyhow::Result<std::sync::MutexGuard<'_, Receiver>> {
    rx.lock()
        .map_err(|_| anyhow::anyhow!("receiver lock poisoned"))
}

async fn webhooks_arrive_signed_at_least_once_and_dead_letters_are_retried(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "webhooks").await? else {
        return Ok(());
    };
    let store = app.store();
    let (port, rx, server) = start_receiver().await?;
    let admin = sign_in(&app, "ADM-9000").await?;

    // Only administrators; a URL in clear text to another host is refused by field.
    let dc = sign_in(&app, "DC-3020").await?;
    let res = dc
        .client
        .post(app.api("/webhooks"))
        .header("X-CSRF-Token", &dc.csrf)
        .json(&json!({"name": "x", "url": "https://example.org/hook"}))
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    for (bad, field) in [
        (
            json!({"name": "x", "url": "http://example.org/hook"}),
            "url",
        ),
        (
            json!({"name": "x", "url": "https://example.org", "kinds": ["victim_update"]}),
            "kinds[0]",
        ),
        (
            json!({"name": "x", "url": "https://example.org", "kinds": ["gossip"]}),
            "kinds[0]",
        ),
        (json!({"name": " ", "url": "https://example.org"}), "name"),
    ] {
        let res = admin
            .client
            .post(app.api("/webhooks"))
            .header("X-CSRF-Token", &admin.csrf)
            .json(&bad)
            .send()
            .await?;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let problem: Value = res.json().await?;
        assert!(problem.to_string().contains(field), "{bad}: {problem}");
    }

    // Two endpoints: a flaky one taking every kind, and one that will be down, taking
    // escalations only.
    let mut ids = BTreeMap::new();
    for (path, kinds) in [("flaky", json!([])), ("down", json!(["escalated"]))] {
        let res = admin
            .client
            .post(app.api("/webhooks"))
            .header("X-CSRF-Token", &admin.csrf)
            .json(&json!({"name": format!("Receiver {path}"),
                          "url": format!("http://127.0.0.1:{port}/{path}"), "kinds": kinds}))
            .send()
            .await?;
        assert_eq!(res.status(), StatusCode::CREATED);
        let made: Value = res.json().await?;
        let secret = made["secret"].as_str().context("secret")?.to_owned();
        assert!(
            secret.starts_with("whsec_") && secret.len() == 70,
            "{secret}"
        );
        ids.insert(path, made["webhook"]["id"].as_i64().context("id")?);
        lock(&rx)?.secrets.insert(path.to_owned(), secret);
    }
    lock(&rx)?.down.insert("down".to_owned());
    let listed = admin.client.get(app.api("/webhooks")).send().await?;
    assert_eq!(listed.status(), StatusCode::OK);
    let listed = listed.text().await?;
    assert!(
        !listed.contains("whsec_"),
        "a secret is never shown again: {listed}"
    );
    assert_eq!(
        serde_json::from_str::<Value>(&listed)?
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // Time passes: the sweep writes reminders and escalations, queued for both endpoints.
    let before: BTreeSet<i64> = all_notifications(store)
        .await?
        .into_iter()
        .map(|n| n.id)
        .collect();
    let start = app.state.now() + jiff::SignedDuration::from_hours(24 * 60);
    let swept = app.state.app().sweep_escalations(start, 1000).await?;
    assert!(swept.escalations > 0, "{swept:?}");

    let mut config = WebhookConfig::new("https://pledge.example");
    config.max_attempts = 3;
    let hooks = Webhooks::new(config).map_err(anyhow::Error::msg)?;
    let mut t = start;
    let mut dead = 0;
    let mut idle = 0;
    for _ in 0..200 {
        let r = hooks.deliver_due(store, t, 50).await?;
        dead += r.dead;
        idle = if r.claimed == 0 { idle + 1 } else { 0 };
        if idle == 2 {
            break;
        }
        t += jiff::SignedDuration::from_hours(3);
    }
    assert_eq!(
        hooks.deliver_due(store, t, 50).await?.claimed,
        0,
        "all settled"
    );

    // What should have arrived: every notification of the demo cases the sweep wrote,
    // except a victim's own updates.
    let mut due = BTreeSet::new();
    let mut escalated = BTreeSet::new();
    for row in all_notifications(store).await? {
        if !before.contains(&row.id) && row.kind != "victim_update" {
            due.insert(row.id);
            if row.kind == "escalated" {
                escalated.insert(row.id);
            }
        }
    }
    assert!(!due.is_empty() && !escalated.is_empty());
    let (bad_signatures, flaky, down_seen) = {
        let r = lock(&rx)?;
        (
            r.bad_signatures,
            r.seen.get("flaky").cloned().unwrap_or_default(),
            r.seen.get("down").cloned().unwrap_or_default(),
        )
    };
    assert_eq!(bad_signatures, 0);
    let accepted: BTreeSet<i64> = flaky
        .iter()
        .filter(|s| s.accepted)
        .filter_map(|s| s.body["pledge"]["notification"].as_i64())
        .collect();
    assert_eq!(
        accepted, due,
        "every notification arrived at the flaky endpoint"
    );
    // Duplicates carry the same key and the same notification; some there were.
    let mut by_key: BTreeMap<&str, BTreeSet<i64>> = BTreeMap::new();
    for s in &flaky {
        by_key
            .entry(&s.key)
            .or_default()
            .insert(s.body["pledge"]["notification"].as_i64().unwrap_or(-1));
    }
    assert!(
        by_key.values().all(|n| n.len() == 1),
        "one notification per key"
    );
    let twice = by_key
        .keys()
        .filter(|k| flaky.iter().filter(|s| s.key == **k && s.accepted).count() > 1)
        .count();
    assert!(
        twice > 0,
        "a lost answer brings a duplicate with the same key"
    );
    assert!(flaky.iter().any(|s| s.attempt > 1), "some were retried");
    // Nothing in a body names a person: no person id or victim name of the demo.
    for s in &flaky {
        let text = s.body.to_string();
        for who in [
            "PC-4410",
            "PC-4471",
            "PCSO-6120",
            "DC-3020",
            "PS-2231",
            "Tom Reed",
            "Grace Obi",
        ] {
            assert!(!text.contains(who), "{who} in {text}");
        }
        assert_eq!(s.body["type"], "message", "a Teams message");
        assert!(
            s.body["pledge"]["link"]
                .as_str()
                .is_some_and(|l| l.starts_with("https://pledge.example/cases/WX-2026-")),
            "{text}"
        );
    }
    // The down endpoint saw every escalation three times and none accepted.
    assert!(
        down_seen
            .iter()
            .all(|s| !s.accepted && s.body["pledge"]["kind"] == "escalated")
    );
    assert_eq!(dead, escalated.len());
    assert_eq!(
        store.webhook_problem_counts().await?,
        (0, escalated.len() as u64)
    );

    // The administrator sees the dead letters, and retries them once the receiver is back.
    let failed: Value = admin
        .client
        .get(app.api("/webhooks/failed"))
        .send()
        .await?
        .json()
        .await?;
    let failed = failed.as_array().context("list")?.clone();
    assert_eq!(failed.len(), escalated.len());
    assert!(failed.iter().all(|f| {
        f["status"] == "dead"
            && f["attempts"] == 3
            && f["webhook"] == json!(ids["down"])
            && f["last_answer"]
                .as_str()
                .is_some_and(|a| a.starts_with("HTTP 503"))
    }));
    lock(&rx)?.down.clear();
    // Not for anyone else to retry.
    let first = failed[0]["id"].as_i64().context("id")?;
    let res = dc
        .client
        .post(app.api(&format!("/webhooks/failed/{first}/retry")))
        .header("X-CSRF-Token", &dc.csrf)
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The undelivered page lists them, each with a Retry button (a form: no script).
    let html = admin
        .client
        .get(app.url("/admin/notifications"))
        .send()
        .await?
        .text()
        .await?;
    assert!(html.contains("Webhook: Receiver down"), "{html}");
    assert!(
        html.contains("action=\"/admin/notifications/retry\""),
        "{html}"
    );
    assert!(html.contains("HTTP 503"), "{html}");
    // The first is retried from the page, the rest over the API.
    let res = admin
        .client
        .post(app.url("/admin/notifications/retry"))
        .form(&[
            ("csrf_token", admin.csrf.as_str()),
            ("id", &first.to_string()),
        ])
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await?.contains("will be tried again"));
    for f in &failed[1..] {
        let id = f["id"].as_i64().context("id")?;
        let res = admin
            .client
            .post(app.api(&format!("/webhooks/failed/{id}/retry")))
            .header("X-CSRF-Token", &admin.csrf)
            .send()
            .await?;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }
    let again = admin
        .client
        .post(app.api(&format!("/webhooks/failed/{first}/retry")))
        .header("X-CSRF-Token", &admin.csrf)
        .send()
        .await?;
    assert_eq!(again.status(), StatusCode::NOT_FOUND, "no longer dead");
    let retried = hooks.deliver_due(store, app.state.now(), 500).await?;
    assert_eq!(retried.sent, escalated.len(), "{retried:?}");
    assert_eq!(store.webhook_problem_counts().await?, (0, 0));
    let down_seen = {
        let r = lock(&rx)?;
        r.seen.get("down").cloned().unwrap_or_default()
    };
    let arrived: BTreeSet<i64> = down_seen
        .iter()
        .filter(|s| s.accepted)
        .filter_map(|s| s.body["pledge"]["notification"].as_i64())
        .collect();
    assert_eq!(arrived, escalated);
    for s in down_seen.iter().filter(|s| s.accepted) {
        let earlier = down_seen.iter().filter(|e| e.key == s.key).count();
        assert_eq!(
            earlier, 4,
            "three failures and the retry, all with key {}",
            s.key
        );
    }

    // Retired: it takes no more.
    let res = admin
        .client
        .delete(app.api(&format!("/webhooks/{}", ids["down"])))
        .header("X-CSRF-Token", &admin.csrf)
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        store.webhooks(pledge_web::demo::force::FORCE).await?.len(),
        1
    );
    server.abort();
    Ok(())
}
