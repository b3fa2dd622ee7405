//! A served app filled with the demo force (people in every role, cases at every stage), and
//! signing in as any of its people.

#![allow(dead_code)]

use crate::harness::{Backend, TestApp, spawn_app};
use anyhow::Context;
use pledge_web::demo::accounts::DEMO_PASSWORD;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// A signed-in client and its CSRF token.
pub struct SignedIn {
    /// The client (holding the session cookie).
    pub client: Client,
    /// The session's CSRF token.
    pub csrf: String,
}

/// The demo app; `None` when the backend is not configured.
pub async fn demo_app(backend: Backend, test: &str) -> anyhow::Result<Option<TestApp>> {
    let Some(app) = spawn_app(backend, test).await? else {
        return Ok(None);
    };
    let now = app.state.now();
    pledge_web::demo::seed(app.state.app(), now).await?;
    pledge_web::demo::accounts(app.store(), now).await?;
    Ok(Some(app))
}

/// Signs in as a demo person (giving the administrator's second factor when asked).
pub async fn sign_in(app: &TestApp, person: &str) -> anyhow::Result<SignedIn> {
    let client = app.client();
    let res = client
        .post(app.api("/session"))
        .json(&json!({"person_id": person, "password": DEMO_PASSWORD}))
        .send()
        .await?;
    anyhow::ensure!(
        res.status() == StatusCode::OK,
        "sign-in of {person}: {}",
        res.status()
    );
    let body: Value = res.json().await?;
    let csrf = body["csrf_token"]
        .as_str()
        .context("csrf_token")?
        .to_owned();
    if body["second_factor_required"] == json!(true) {
        let account = pledge_store::AccountStore::account(app.store(), person)
            .await?
            .context("account")?;
        // A code is accepted once per 30-second step: tests sign in again and again within
        // one step, so forget the step spent (as the next step would).
        let mut account = account;
        account.totp_last_step = None;
        pledge_store::AccountStore::update_account(app.store(), &account).await?;
        let secret = account.totp_secret.context("totp secret")?;
        let code = pledge_app::accounts::totp::code_at(&secret, app.state.now()).context("code")?;
        let res = client
            .post(app.api("/session/totp"))
            .header("X-CSRF-Token", &csrf)
            .json(&json!({"code": code}))
            .send()
            .await?;
        anyhow::ensure!(
            res.status().is_success(),
            "second factor of {person}: {}",
            res.status()
        );
    }
    Ok(SignedIn { client, csrf })
}

impl SignedIn {
    /// GET, returning status and JSON body (Null when the body is not JSON).
    pub async fn get(&self, url: &str) -> anyhow::Result<(StatusCode, Value)> {
        let res = self.client.get(url).send().await?;
        let status = res.status();
        Ok((status, res.json().await.unwrap_or(Value::Null)))
    }

    /// POST JSON with the CSRF token.
    pub async fn post(&self, url: &str, body: &Value) -> anyhow::Result<(StatusCode, Value)> {
        let res = self
            .client
            .post(url)
            .header("X-CSRF-Token", &self.csrf)
            .json(body)
            .send()
            .await?;
        let status = res.status();
        Ok((status, res.json().await.unwrap_or(Value::Null)))
    }
}

/// A new assault as the API takes it.
pub fn new_assault(victim: &str) -> Value {
    json!({
        "force": "Wessex Constabulary",
        "unit": "north-response",
        "occurred_at": "2026-01-01T00:00:00Z",
        "place": "High Street",
        "location_type": "street",
        "supervisor": "PS-2231",
        "victims": [{"person": victim, "workforce_role": "officer", "injury": "minor",
                     "hospitalised": false, "mechanisms": ["punch"]}],
        "offence": "common_assault_emergency_worker",
        "suspects": [{"description": "male, 20s", "identified": true}],
        "summary": "Punched while dealing with a disturbance."
    })
}
