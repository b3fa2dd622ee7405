//! Sign-in and access: sessions and their cookie, CSRF, throttling, two-factor, forced
//! two-factor for administrators, one-time passwords, API tokens, and secrets at rest.

use crate::harness::{Backend, TestApp, spawn_app, spawn_app_with};
use anyhow::{Context, bail, ensure};
use pledge_app::accounts::{NewAccount, create_account, sha256_hex};
use pledge_store::{AccountStore, Person, Store, Unit};
use pledge_web::{Clock, WebConfig};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

crate::both!(
    sign_in_and_out,
    wrong_password_and_unknown_account_look_the_same,
    throttling_refuses_after_repeated_failures,
    csrf_is_required_for_cookie_changes,
    session_cookie_flags,
    session_cookie_is_secure_over_tls,
    sessions_expire,
    two_factor_flow,
    administrators_must_set_up_two_factor,
    one_time_password_must_be_changed,
    tokens_create_use_revoke,
    disabled_accounts_are_refused,
    bad_input_is_422_naming_the_field,
    secrets_are_stored_hashed,
    sign_in_routes_are_documented,
);

pub(crate) const PASSWORD: &str = "correct horse battery staple";
pub(crate) const FORCE: &str = "test-force";

/// Opens the app or says the backend is not configured.
macro_rules! app {
    ($backend:expr, $name:literal) => {
        match spawn_app($backend, $name).await? {
            Some(app) => app,
            None => return Ok(()),
        }
    };
    ($backend:expr, $name:literal, $config:expr) => {
        match spawn_app_with($backend, $name, $config, Clock::System).await? {
            Some(app) => app,
            None => return Ok(()),
        }
    };
}

/// A unit in the test force, a person in it and their account with a chosen password.
pub(crate) async fn seed(app: &TestApp, id: &str, roles: &[&str]) -> anyhow::Result<()> {
    let store = app.store();
    store
        .upsert_unit(&Unit {
            id: "U-1".into(),
            name: "Response team 1".into(),
            force: FORCE.into(),
            parent: None,
        })
        .await?;
    store
        .upsert_person(&Person {
            id: id.into(),
            name: format!("Officer {id}"),
            email: None,
            workforce_role: Some("officer".into()),
            unit: Some("U-1".into()),
            line_manager: None,
            staff_association: None,
        })
        .await?;
    create_account(
        store,
        NewAccount {
            person_id: id.into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            password: Some(PASSWORD.into()),
            created_by: "test".into(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

pub(crate) async fn post(client: &Client, url: String, body: Value) -> anyhow::Result<Response> {
    Ok(client.post(url).json(&body).send().await?)
}

pub(crate) async fn sign_in_as(
    app: &TestApp,
    client: &Client,
    id: &str,
    password: &str,
) -> anyhow::Result<Response> {
    post(
        client,
        app.api("/session"),
        json!({"person_id": id, "password": password}),
    )
    .await
}

/// Signs in and returns the answer's JSON (expecting 200).
pub(crate) async fn signed_in(app: &TestApp, client: &Client, id: &str) -> anyhow::Result<Value> {
    let res = sign_in_as(app, client, id, PASSWORD).await?;
    ensure!(res.status() == StatusCode::OK, "sign-in: {}", res.status());
    Ok(res.json().await?)
}

pub(crate) fn csrf(v: &Value) -> anyhow::Result<String> {
    v["csrf_token"]
        .as_str()
        .map(str::to_owned)
        .context("no csrf_token")
}

pub(crate) async fn problem(res: Response, status: StatusCode) -> anyhow::Result<Value> {
    ensure!(
        res.status() == status,
        "expected {status}, got {}",
        res.status()
    );
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    ensure!(ct == "application/problem+json", "content type {ct}");
    Ok(res.json().await?)
}

/// The current TOTP code for a base32 secret, computed independently of Pledge.
pub(crate) fn code(secret: &str) -> anyhow::Result<String> {
    code_in(secret, 0)
}

/// The TOTP code `steps` 30-second steps from now (Pledge accepts one step either side, and
/// each step's code once).
pub(crate) fn code_in(secret: &str, steps: i64) -> anyhow::Result<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let at = now.checked_add_signed(steps * 30).context("time")?;
    code_at(secret, at)
}

/// The TOTP code at a moment (seconds since 1970), computed independently of Pledge.
pub(crate) fn code_at(secret: &str, at: u64) -> anyhow::Result<String> {
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).map_err(|e| anyhow::anyhow!("{e}"))?)
        .build()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(totp.generate(at).to_string())
}

/// Sets up two-factor in a signed-in session; returns the secret.
pub(crate) async fn set_up_totp(
    app: &TestApp,
    client: &Client,
    csrf: &str,
) -> anyhow::Result<String> {
    let res = client
        .post(app.api("/me/totp/setup"))
        .header("x-csrf-token", csrf)
        .send()
        .await?;
    ensure!(res.status() == StatusCode::OK, "setup: {}", res.status());
    let setup: Value = res.json().await?;
    let secret = setup["secret"].as_str().context("secret")?.to_owned();
    let url = setup["otpauth_url"].as_str().context("otpauth_url")?;
    ensure!(
        url.starts_with("otpauth://totp/Pledge:") && url.contains(&format!("secret={secret}")),
        "{url}"
    );
    let res = client
        .post(app.api("/me/totp/confirm"))
        .header("x-csrf-token", csrf)
        .json(&json!({"code": code(&secret)?}))
        .send()
        .await?;
    ensure!(
        res.status() == StatusCode::NO_CONTENT,
        "confirm: {}",
        res.status()
    );
    Ok(secret)
}

async fn sign_in_and_out(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "sign_in_and_out");
    seed(&app, "PC-1", &["supervisor"]).await?;
    let client = app.client();

    // Nothing works before signing in.
    let res = client.get(app.api("/me")).send().await?;
    problem(res, StatusCode::UNAUTHORIZED).await?;

    let me = signed_in(&app, &client, "PC-1").await?;
    ensure!(me["person_id"] == "PC-1", "{me}");
    ensure!(me["roles"] == json!(["staff", "supervisor"]), "{me}");
    ensure!(me["second_factor_required"] == false && me["must_change_password"] == false);
    let token = csrf(&me)?;
    ensure!(token.len() == 64, "a 32-byte CSRF token");

    let res = client.get(app.api("/me")).send().await?;
    ensure!(res.status() == StatusCode::OK);
    let me: Value = res.json().await?;
    ensure!(me["unit"] == "U-1" && me["force"] == FORCE, "{me}");
    ensure!(me["name"] == "Officer PC-1" && me["csrf_token"] == token.as_str());

    // Signing out needs the CSRF token like any other change.
    let res = client.delete(app.api("/session")).send().await?;
    problem(res, StatusCode::FORBIDDEN).await?;
    let res = client
        .delete(app.api("/session"))
        .header("x-csrf-token", &token)
        .send()
        .await?;
    ensure!(res.status() == StatusCode::NO_CONTENT, "{}", res.status());
    let cleared = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    ensure!(cleared.contains("Max-Age=0"), "{cleared}");
    let res = client.get(app.api("/me")).send().await?;
    problem(res, StatusCode::UNAUTHORIZED).await?;

    // A session token replayed after sign-out is dead.
    let other = app.client();
    let me = signed_in(&app, &other, "PC-1").await?;
    ensure!(csrf(&me)? != token, "every session has its own CSRF token");
    Ok(())
}

async fn wrong_password_and_unknown_account_look_the_same(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "wrong_password_and_unknown_account");
    seed(&app, "PC-1", &[]).await?;
    let client = app.client();
    // Warm up (the first unknown-account answer prepares its stand-in hash).
    sign_in_as(&app, &client, "NOBODY-0", "whatever it is").await?;

    let mut known = Duration::MAX;
    let mut unknown = Duration::MAX;
    let mut bodies = Vec::new();
    for i in 0..3 {
        let start = Instant::now();
        let res = sign_in_as(&app, &client, "PC-1", "not the password").await?;
        known = known.min(start.elapsed());
        let a = problem(res, StatusCode::UNAUTHORIZED).await?;
        let start = Instant::now();
        let res = sign_in_as(
            &app,
            &client,
            &format!("NOBODY-{}", i + 1),
            "not the password",
        )
        .await?;
        unknown = unknown.min(start.elapsed());
        let b = problem(res, StatusCode::UNAUTHORIZED).await?;
        bodies.push((a, b));
    }
    for (a, b) in &bodies {
        ensure!(a == b, "the same answer: {a} vs {b}");
    }
    // Both answers cost a password verification. Loosely: the fastest of three of each is
    // compared, as timing on a busy machine varies; without the stand-in verification an
    // unknown account answers many times faster.
    ensure!(
        unknown * 4 >= known,
        "an unknown account answers in {unknown:?}, a known one in {known:?}"
    );
    Ok(())
}

/// Signs in from a client address (the test server trusts `X-Forwarded-For`).
pub(crate) async fn sign_in_from(
    app: &TestApp,
    client: &Client,
    address: &str,
    id: &str,
    password: &str,
) -> anyhow::Result<Response> {
    Ok(client
        .post(app.api("/session"))
        .header("x-forwarded-for", address)
        .json(&json!({"person_id": id, "password": password}))
        .send()
        .await?)
}

/// A configuration that takes the client's address from `X-Forwarded-For`, allows
/// `attempts` failures and backs off from one second.
pub(crate) fn throttling_config(attempts: u32) -> WebConfig {
    WebConfig {
        accounts: pledge_app::accounts::Settings {
            login_attempts: attempts,
            backoff_base: jiff::SignedDuration::from_secs(1),
            ..Default::default()
        },
        client_address_header: Some("x-forwarded-for".into()),
        ..WebConfig::default()
    }
}

async fn throttling_refuses_after_repeated_failures(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "throttling", throttling_config(3));
    seed(&app, "PC-1", &[]).await?;
    seed(&app, "PC-2", &[]).await?;
    let client = app.client();
    const A: &str = "192.0.2.10";
    const B: &str = "198.51.100.20";

    for _ in 0..3 {
        let res = sign_in_from(&app, &client, A, "PC-1", "wrong password!").await?;
        problem(res, StatusCode::UNAUTHORIZED).await?;
    }
    // From that address even the right password must now wait, and is told how long.
    let res = sign_in_from(&app, &client, A, "PC-1", PASSWORD).await?;
    let retry = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let known = problem(res, StatusCode::TOO_MANY_REQUESTS).await?;
    ensure!(retry.as_deref() == Some("1"), "Retry-After {retry:?}");
    ensure!(
        known["detail"]
            .as_str()
            .unwrap_or("")
            .contains("Wait 1 second"),
        "{known}"
    );

    // Guessing from one address does not lock the account for anyone else.
    let res = sign_in_from(&app, &app.client(), B, "PC-1", PASSWORD).await?;
    ensure!(
        res.status() == StatusCode::OK,
        "from another address: {}",
        res.status()
    );

    // An unknown name is throttled the same way, with the same answer.
    for _ in 0..3 {
        let res = sign_in_from(&app, &client, A, "NOBODY", "wrong password!").await?;
        problem(res, StatusCode::UNAUTHORIZED).await?;
    }
    let res = sign_in_from(&app, &client, A, "NOBODY", "wrong password!").await?;
    ensure!(res.headers().contains_key("retry-after"));
    let unknown = problem(res, StatusCode::TOO_MANY_REQUESTS).await?;
    ensure!(known == unknown, "{known} vs {unknown}");

    // Other accounts from the same address are not affected.
    let res = sign_in_from(&app, &app.client(), A, "PC-2", PASSWORD).await?;
    ensure!(res.status() == StatusCode::OK, "PC-2: {}", res.status());

    // After the wait one more guess is allowed; failing it doubles the wait.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let res = sign_in_from(&app, &client, A, "PC-1", "wrong password!").await?;
    problem(res, StatusCode::UNAUTHORIZED).await?;
    let res = sign_in_from(&app, &client, A, "PC-1", PASSWORD).await?;
    let retry = res.headers().get("retry-after").cloned();
    problem(res, StatusCode::TOO_MANY_REQUESTS).await?;
    ensure!(retry.is_some_and(|r| r == "2"), "the wait doubled");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    signed_in_from(&app, A, "PC-1").await?;
    Ok(())
}

async fn signed_in_from(app: &TestApp, address: &str, id: &str) -> anyhow::Result<()> {
    let res = sign_in_from(app, &app.client(), address, id, PASSWORD).await?;
    ensure!(
        res.status() == StatusCode::OK,
        "sign-in of {id}: {}",
        res.status()
    );
    Ok(())
}

async fn csrf_is_required_for_cookie_changes(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "csrf");
    seed(&app, "PC-1", &[]).await?;
    let client = app.client();
    let me = signed_in(&app, &client, "PC-1").await?;
    let body = json!({"current": PASSWORD, "new": "a brand new password"});

    let res = post(&client, app.api("/me/password"), body.clone()).await?;
    let p = problem(res, StatusCode::FORBIDDEN).await?;
    ensure!(p["detail"].as_str().unwrap_or("").contains("CSRF"), "{p}");
    let res = client
        .post(app.api("/me/password"))
        .header("x-csrf-token", "0".repeat(64))
        .json(&body)
        .send()
        .await?;
    problem(res, StatusCode::FORBIDDEN).await?;
    // Reads need no token.
    ensure!(client.get(app.api("/me")).send().await?.status() == StatusCode::OK);
    let res = client
        .post(app.api("/me/password"))
        .header("x-csrf-token", csrf(&me)?)
        .json(&body)
        .send()
        .await?;
    ensure!(res.status() == StatusCode::NO_CONTENT, "{}", res.status());
    Ok(())
}

fn set_cookie(res: &Response) -> anyhow::Result<String> {
    res.headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .context("no Set-Cookie")
}

async fn session_cookie_flags(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "cookie_flags");
    seed(&app, "PC-1", &[]).await?;
    let res = sign_in_as(&app, &app.client(), "PC-1", PASSWORD).await?;
    let cookie = set_cookie(&res)?;
    ensure!(cookie.starts_with("pledge_session="), "{cookie}");
    let value = cookie["pledge_session=".len()..]
        .split(';')
        .next()
        .unwrap_or("");
    ensure!(value.len() == 64, "a 32-byte token, hex: {cookie}");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        ensure!(cookie.contains(flag), "{flag} in {cookie}");
    }
    ensure!(!cookie.contains("Secure"), "not over plain HTTP: {cookie}");
    Ok(())
}

async fn session_cookie_is_secure_over_tls(backend: Backend) -> anyhow::Result<()> {
    let config = WebConfig {
        tls: true,
        ..WebConfig::default()
    };
    let app = app!(backend, "cookie_tls", config);
    seed(&app, "PC-1", &[]).await?;
    let res = sign_in_as(&app, &app.client(), "PC-1", PASSWORD).await?;
    let cookie = set_cookie(&res)?;
    ensure!(cookie.contains("; Secure"), "{cookie}");
    Ok(())
}

async fn sessions_expire(backend: Backend) -> anyhow::Result<()> {
    let config = WebConfig {
        accounts: pledge_app::accounts::Settings {
            session_lifetime: jiff::SignedDuration::from_secs(1),
            ..Default::default()
        },
        ..WebConfig::default()
    };
    let app = app!(backend, "sessions_expire", config);
    seed(&app, "PC-1", &[]).await?;
    let res = sign_in_as(&app, &app.client(), "PC-1", PASSWORD).await?;
    let cookie = set_cookie(&res)?;
    ensure!(cookie.contains("Max-Age=1"), "{cookie}");
    let pair = cookie.split(';').next().unwrap_or("").to_owned();
    // Sent by hand, so the server's expiry is tested, not the client's.
    let raw = reqwest::Client::new();
    let me = |pair: String| raw.get(app.api("/me")).header("cookie", pair).send();
    ensure!(me(pair.clone()).await?.status() == StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    problem(me(pair).await?, StatusCode::UNAUTHORIZED).await?;
    Ok(())
}

async fn two_factor_flow(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "two_factor");
    seed(&app, "PC-1", &[]).await?;
    let client = app.client();
    let me = signed_in(&app, &client, "PC-1").await?;
    let secret = set_up_totp(&app, &client, &csrf(&me)?).await?;
    ensure!(
        app.store()
            .account("PC-1")
            .await?
            .and_then(|a| a.totp_secret)
            .as_deref()
            == Some(secret.as_str())
    );
    // Setting it up again is refused.
    let res = client
        .post(app.api("/me/totp/setup"))
        .header("x-csrf-token", csrf(&me)?)
        .send()
        .await?;
    problem(res, StatusCode::CONFLICT).await?;

    // A new sign-in needs the code before anything else.
    let browser = app.client();
    let me = signed_in(&app, &browser, "PC-1").await?;
    ensure!(me["second_factor_required"] == true, "{me}");
    let token = csrf(&me)?;
    let res = browser.get(app.api("/accounts")).send().await?;
    problem(res, StatusCode::UNAUTHORIZED).await?;
    let res = browser
        .post(app.api("/me/password"))
        .header("x-csrf-token", &token)
        .json(&json!({"current": PASSWORD, "new": "a brand new password"}))
        .send()
        .await?;
    problem(res, StatusCode::UNAUTHORIZED).await?;

    let wrong = if code(&secret)? == "000000" {
        "111111"
    } else {
        "000000"
    };
    let res = browser
        .post(app.api("/session/totp"))
        .header("x-csrf-token", &token)
        .json(&json!({"code": wrong}))
        .send()
        .await?;
    problem(res, StatusCode::UNAUTHORIZED).await?;
    // The code confirming the set-up is spent: it cannot be used to sign in.
    let res = browser
        .post(app.api("/session/totp"))
        .header("x-csrf-token", &token)
        .json(&json!({"code": code(&secret)?}))
        .send()
        .await?;
    let p = problem(res, StatusCode::UNAUTHORIZED).await?;
    ensure!(p["detail"].as_str().unwrap_or("").contains("used"), "{p}");
    let next = code_in(&secret, 1)?;
    let res = browser
        .post(app.api("/session/totp"))
        .header("x-csrf-token", &token)
        .json(&json!({"code": next}))
        .send()
        .await?;
    ensure!(res.status() == StatusCode::OK, "{}", res.status());
    let done: Value = res.json().await?;
    ensure!(done["second_factor_required"] == false, "{done}");
    // The same code again, in another sign-in within its window, is refused (a replay).
    let thief = app.client();
    let me = signed_in(&app, &thief, "PC-1").await?;
    let res = thief
        .post(app.api("/session/totp"))
        .header("x-csrf-token", csrf(&me)?)
        .json(&json!({"code": next}))
        .send()
        .await?;
    let p = problem(res, StatusCode::UNAUTHORIZED).await?;
    ensure!(p["detail"].as_str().unwrap_or("").contains("used"), "{p}");
    let me: Value = thief.get(app.api("/me")).send().await?.json().await?;
    ensure!(me["second_factor_required"] == true, "{me}");
    // Fully signed in: a route for signed-in people now answers (403: not an administrator).
    let res = browser.get(app.api("/accounts")).send().await?;
    let p = problem(res, StatusCode::FORBIDDEN).await?;
    ensure!(
        p["detail"]
            .as_str()
            .unwrap_or("")
            .contains("Only administrators"),
        "{p}"
    );
    Ok(())
}

async fn administrators_must_set_up_two_factor(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "admin_two_factor");
    seed(&app, "ADMIN-1", &["administrator"]).await?;
    let client = app.client();
    let me = signed_in(&app, &client, "ADMIN-1").await?;
    ensure!(me["two_factor_setup_required"] == true, "{me}");
    let token = csrf(&me)?;
    // Signed in, but only two-factor setup is open to them.
    let res = client.get(app.api("/accounts")).send().await?;
    let p = problem(res, StatusCode::FORBIDDEN).await?;
    ensure!(
        p["detail"].as_str().unwrap_or("").contains("two-factor"),
        "{p}"
    );
    let res = client
        .post(app.api("/tokens"))
        .header("x-csrf-token", &token)
        .json(&json!({"name": "crime-system", "scopes": ["cases:read"], "force": FORCE}))
        .send()
        .await?;
    problem(res, StatusCode::FORBIDDEN).await?;

    set_up_totp(&app, &client, &token).await?;
    let res = client.get(app.api("/accounts")).send().await?;
    ensure!(res.status() == StatusCode::OK, "{}", res.status());
    let list: Value = res.json().await?;
    ensure!(
        list["accounts"][0]["person_id"] == "ADMIN-1"
            && list["accounts"][0]["two_factor_enabled"] == true,
        "{list}"
    );
    Ok(())
}

/// An administrator signed in with two-factor: `(client, csrf, totp secret)`.
pub(crate) async fn admin_session(app: &TestApp) -> anyhow::Result<(Client, String)> {
    seed(app, "ADMIN-1", &["administrator"]).await?;
    let client = app.client();
    let me = signed_in(app, &client, "ADMIN-1").await?;
    let token = csrf(&me)?;
    set_up_totp(app, &client, &token).await?;
    Ok((client, token))
}

async fn one_time_password_must_be_changed(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "one_time_password");
    let (admin, admin_csrf) = admin_session(&app).await?;
    seed(&app, "PC-1", &[]).await?;
    app.store()
        .upsert_person(&Person {
            id: "PC-9".into(),
            name: "New Starter".into(),
            email: None,
            workforce_role: Some("officer".into()),
            unit: Some("U-1".into()),
            line_manager: None,
            staff_association: None,
        })
        .await?;
    let create = |body: Value| {
        admin
            .post(app.api("/accounts"))
            .header("x-csrf-token", &admin_csrf)
            .json(&body)
            .send()
    };
    let p = problem(
        create(json!({"person_id": "PC-9", "roles": ["supervisor", "chief"]})).await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    ensure!(p["errors"][0]["field"] == "roles[1]", "{p}");
    let p = problem(
        create(json!({"person_id": "NOBODY", "roles": []})).await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    ensure!(p["errors"][0]["field"] == "person_id", "{p}");
    problem(
        create(json!({"person_id": "PC-1"})).await?,
        StatusCode::CONFLICT,
    )
    .await?;

    let res = create(json!({"person_id": "PC-9", "roles": ["investigator"]})).await?;
    ensure!(res.status() == StatusCode::CREATED, "{}", res.status());
    let created: Value = res.json().await?;
    let otp = created["one_time_password"]
        .as_str()
        .context("one-time password")?
        .to_owned();
    ensure!(
        created["must_change_password"] == true
            && created["roles"] == json!(["staff", "investigator"]),
        "{created}"
    );

    // The new person signs in with it and must change it before anything else.
    let client = app.client();
    let res = sign_in_as(&app, &client, "PC-9", &otp).await?;
    ensure!(res.status() == StatusCode::OK);
    let me: Value = res.json().await?;
    ensure!(me["must_change_password"] == true, "{me}");
    let token = csrf(&me)?;
    let second = app.client();
    ensure!(
        sign_in_as(&app, &second, "PC-9", &otp).await?.status() == StatusCode::OK,
        "a second session"
    );
    let p = problem(
        client.get(app.api("/accounts")).send().await?,
        StatusCode::FORBIDDEN,
    )
    .await?;
    ensure!(
        p["detail"].as_str().unwrap_or("").contains("password"),
        "{p}"
    );

    let change = |body: Value| {
        client
            .post(app.api("/me/password"))
            .header("x-csrf-token", &token)
            .json(&body)
            .send()
    };
    let p = problem(
        change(json!({"current": otp, "new": "too short"})).await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    ensure!(p["errors"][0]["field"] == "new", "{p}");
    let p = problem(
        change(json!({"current": "not the one-time password", "new": "a long enough password"}))
            .await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    ensure!(p["errors"][0]["field"] == "current", "{p}");
    let res = change(json!({"current": otp, "new": "a long enough password"})).await?;
    ensure!(res.status() == StatusCode::NO_CONTENT, "{}", res.status());

    // This session carries on (now fully signed in); the other one has ended.
    let res = client.get(app.api("/accounts")).send().await?;
    problem(res, StatusCode::FORBIDDEN).await?; // not an administrator, but past the gate
    let res = second.get(app.api("/me")).send().await?;
    problem(res, StatusCode::UNAUTHORIZED).await?;
    ensure!(
        sign_in_as(&app, &app.client(), "PC-9", &otp)
            .await?
            .status()
            == StatusCode::UNAUTHORIZED
    );
    ensure!(
        sign_in_as(&app, &app.client(), "PC-9", "a long enough password")
            .await?
            .status()
            == StatusCode::OK
    );
    Ok(())
}

async fn tokens_create_use_revoke(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "tokens");
    let (admin, csrf) = admin_session(&app).await?;
    let create = |body: Value| {
        admin
            .post(app.api("/tokens"))
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
    };
    let p = problem(
        create(json!({"name": "crime-system", "scopes": ["cases:read", "cases:delete"], "force": FORCE}))
            .await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    ensure!(p["errors"][0]["field"] == "scopes[1]", "{p}");
    let p = problem(
        create(json!({"name": "crime-system", "scopes": ["cases:read"], "force": "another-force"}))
            .await?,
        StatusCode::FORBIDDEN,
    )
    .await?;
    ensure!(p["detail"].as_str().unwrap_or("").contains(FORCE), "{p}");

    let res =
        create(json!({"name": "crime-system", "scopes": ["cases:read"], "force": FORCE})).await?;
    ensure!(res.status() == StatusCode::CREATED, "{}", res.status());
    let created: Value = res.json().await?;
    let token = created["token"].as_str().context("token")?.to_owned();
    ensure!(
        token.starts_with("pledge_") && token.len() == 7 + 64,
        "{token}"
    );
    problem(
        create(json!({"name": "crime-system", "scopes": ["cases:write"], "force": FORCE})).await?,
        StatusCode::CONFLICT,
    )
    .await?;

    // Listed without the token.
    let list: Value = admin.get(app.api("/tokens")).send().await?.json().await?;
    ensure!(list["tokens"][0]["name"] == "crime-system", "{list}");
    ensure!(!list.to_string().contains(&token[7..]), "{list}");

    // A system uses it (no cookies, no CSRF).
    let system = reqwest::Client::new();
    let res = system
        .get(app.api("/plans"))
        .bearer_auth(&token)
        .send()
        .await?;
    ensure!(res.status() == StatusCode::OK, "{}", res.status());
    // Unsafe methods need no CSRF token with a bearer token: this is refused for what the
    // system is, not for a missing CSRF token.
    let p = problem(
        system
            .post(app.api("/tokens"))
            .bearer_auth(&token)
            .json(&json!({"name": "x", "scopes": ["cases:read"], "force": FORCE}))
            .send()
            .await?,
        StatusCode::FORBIDDEN,
    )
    .await?;
    ensure!(
        p["detail"]
            .as_str()
            .unwrap_or("")
            .contains("Only administrators"),
        "{p}"
    );
    // Wrong tokens are refused.
    for bad in [
        format!(
            "{}{}",
            &token[..token.len() - 1],
            if token.ends_with('0') { '1' } else { '0' }
        ),
        "pledge_nope".to_owned(),
    ] {
        let res = system
            .get(app.api("/plans"))
            .bearer_auth(bad)
            .send()
            .await?;
        problem(res, StatusCode::UNAUTHORIZED).await?;
    }
    let res = system
        .get(app.api("/plans"))
        .header("authorization", format!("Basic {token}"))
        .send()
        .await?;
    problem(res, StatusCode::UNAUTHORIZED).await?;

    // Revoked: refused from then on.
    let res = admin
        .delete(app.api("/tokens/crime-system"))
        .header("x-csrf-token", &csrf)
        .send()
        .await?;
    ensure!(res.status() == StatusCode::NO_CONTENT, "{}", res.status());
    let res = system
        .get(app.api("/plans"))
        .bearer_auth(&token)
        .send()
        .await?;
    problem(res, StatusCode::UNAUTHORIZED).await?;
    let res = admin
        .delete(app.api("/tokens/crime-system"))
        .header("x-csrf-token", &csrf)
        .send()
        .await?;
    problem(res, StatusCode::NOT_FOUND).await?;
    let list: Value = admin.get(app.api("/tokens")).send().await?.json().await?;
    ensure!(list["tokens"][0]["revoked_at"].is_string(), "{list}");
    Ok(())
}

async fn disabled_accounts_are_refused(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "disabled");
    seed(&app, "PC-1", &[]).await?;
    let client = app.client();
    signed_in(&app, &client, "PC-1").await?;
    let mut account = app.store().account("PC-1").await?.context("account")?;
    account.disabled = true;
    ensure!(app.store().update_account(&account).await?);
    // The live session ends, and signing in again is refused.
    problem(
        client.get(app.api("/me")).send().await?,
        StatusCode::UNAUTHORIZED,
    )
    .await?;
    let res = sign_in_as(&app, &app.client(), "PC-1", PASSWORD).await?;
    problem(res, StatusCode::FORBIDDEN).await?;
    Ok(())
}

async fn bad_input_is_422_naming_the_field(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "bad_input");
    let client = app.client();
    let p = problem(
        post(&client, app.api("/session"), json!({"person_id": "PC-1"})).await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    ensure!(
        p["errors"][0]["field"] == "body" || p.to_string().contains("password"),
        "{p}"
    );
    let p = problem(
        post(
            &client,
            app.api("/session"),
            json!({"person_id": "", "password": "x"}),
        )
        .await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    ensure!(p["errors"][0]["field"] == "person_id", "{p}");
    let p = problem(
        post(
            &client,
            app.api("/session"),
            json!({"person_id": "PC-1", "password": 12}),
        )
        .await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    ensure!(p["errors"][0]["field"] == "password", "{p}");
    let res = client
        .post(app.api("/session"))
        .body("person_id=PC-1")
        .send()
        .await?;
    ensure!(!res.status().is_server_error(), "{}", res.status());
    // A cookie that is not a session is simply not signed in.
    let res = client
        .get(app.api("/me"))
        .header("cookie", "pledge_session=../../etc/passwd")
        .send()
        .await?;
    problem(res, StatusCode::UNAUTHORIZED).await?;
    Ok(())
}

async fn secrets_are_stored_hashed(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "secrets_hashed");
    let (admin, csrf) = admin_session(&app).await?;
    let res = admin
        .post(app.api("/tokens"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"name": "hr-system", "scopes": ["people:write"], "force": FORCE}))
        .send()
        .await?;
    let created: Value = res.json().await?;
    let token = created["token"].as_str().context("token")?.to_owned();
    let browser = app.client();
    let res = sign_in_as(&app, &browser, "ADMIN-1", PASSWORD).await?;
    let cookie = set_cookie(&res)?;
    let session = cookie["pledge_session=".len()..]
        .split(';')
        .next()
        .unwrap_or("")
        .to_owned();

    let store = app.store();
    let account = store.account("ADMIN-1").await?.context("account")?;
    ensure!(
        account.password_hash.starts_with("$argon2id$")
            && !account.password_hash.contains(PASSWORD)
    );
    let stored = store
        .token_by_hash(&sha256_hex(&token))
        .await?
        .context("the token is found by its hash")?;
    ensure!(stored.hash != token && !stored.hash.contains(&token[7..]));
    ensure!(store.token_by_hash(&token).await?.is_none());
    ensure!(store.session(&sha256_hex(&session)).await?.is_some());
    ensure!(store.session(&session).await?.is_none());

    // Nowhere on disk either (SQLite: the database file and its write-ahead log).
    if let Some(path) = &app.sqlite_path {
        let mut bytes = Vec::new();
        for suffix in ["", "-wal"] {
            if let Ok(b) = std::fs::read(format!("{}{suffix}", path.display())) {
                bytes.extend(b);
            }
        }
        ensure!(!bytes.is_empty(), "read the database");
        for secret in [PASSWORD, &token[7..], &session] {
            if bytes.windows(secret.len()).any(|w| w == secret.as_bytes()) {
                bail!("a secret is stored in the clear");
            }
        }
    }
    Ok(())
}

async fn sign_in_routes_are_documented(backend: Backend) -> anyhow::Result<()> {
    if backend == Backend::Postgres {
        return Ok(()); // the document does not depend on the database
    }
    let app = app!(backend, "documented");
    let doc: Value = app
        .client()
        .get(app.url("/api/openapi.json"))
        .send()
        .await?
        .json()
        .await?;
    for (path, method) in [
        ("/api/v1/session", "post"),
        ("/api/v1/session", "delete"),
        ("/api/v1/session/totp", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/me/password", "post"),
        ("/api/v1/me/totp/setup", "post"),
        ("/api/v1/me/totp/confirm", "post"),
        ("/api/v1/tokens", "post"),
        ("/api/v1/tokens", "get"),
        ("/api/v1/tokens/{name}", "delete"),
        ("/api/v1/accounts", "post"),
        ("/api/v1/accounts", "get"),
    ] {
        let op = &doc["paths"][path][method];
        ensure!(op["tags"] == json!(["sign-in"]), "{method} {path}: {op}");
    }
    ensure!(
        doc["components"]["schemas"]["SignedIn"].is_object(),
        "schemas"
    );
    Ok(())
}
