//! Administering accounts and tokens, and the sign-in hardening of issue 8: login CSRF,
//! account creation that races, stale edits, disabling, two-factor reset, unlocking, meeting
//! removal, and administrators of another force or of none.

use crate::harness::{Backend, TestApp, spawn_app, spawn_app_with};
use crate::sign_in::{
    FORCE, PASSWORD, admin_session, problem, seed, sign_in_as, sign_in_from, signed_in,
    throttling_config,
};
use anyhow::{Context, ensure};
use pledge_app::accounts::{AccountError, NewAccount, create_account};
use pledge_store::{AccountStore, MeetingDate, Person, Store, Unit};
use pledge_web::{Clock, WebConfig};
use reqwest::{Client, StatusCode, redirect};
use serde_json::{Value, json};

crate::both!(
    cross_site_sign_in_is_refused,
    sign_in_form_needs_its_pre_session_token,
    concurrent_account_creation_creates_one,
    stale_account_edit_is_refused,
    disabled_account_cannot_sign_in_or_use_sessions,
    two_factor_reset_lets_the_person_set_it_up_again,
    unlock_lets_a_throttled_account_sign_in,
    administrator_without_force_can_do_nothing,
    administrator_of_another_force_sees_nothing,
    administrators_cannot_lock_themselves_out,
    meeting_dates_can_be_removed,
    admin_pages_disable_unlock_and_remove_meetings,
);

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

/// A client that keeps cookies but does not follow redirects (to see `Set-Cookie`).
fn browser() -> anyhow::Result<Client> {
    Ok(Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()?)
}

fn sets_session(res: &reqwest::Response) -> bool {
    res.headers().get_all("set-cookie").iter().any(|v| {
        v.to_str().unwrap_or("").starts_with("pledge_session=")
            && !v.to_str().unwrap_or("").starts_with("pledge_session=;")
    })
}

async fn cross_site_sign_in_is_refused(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "cross_site_sign_in");
    seed(&app, "PC-1", &[]).await?;
    let host = app.base.trim_start_matches("http://").to_owned();
    let body = json!({"person_id": "PC-1", "password": PASSWORD});
    // The API: another site's Origin, or the browser saying cross-site, is refused.
    for (name, value) in [
        ("origin", "https://evil.example".to_owned()),
        ("origin", "null".to_owned()),
        ("sec-fetch-site", "cross-site".to_owned()),
        ("sec-fetch-site", "same-site".to_owned()),
    ] {
        let res = browser()?
            .post(app.api("/session"))
            .header(name, value.as_str())
            .json(&body)
            .send()
            .await?;
        ensure!(!sets_session(&res), "{name}: {value} got a session");
        let p = problem(res, StatusCode::FORBIDDEN).await?;
        ensure!(
            p["detail"].as_str().unwrap_or("").contains("another site"),
            "{p}"
        );
    }
    // The same sign-in from this site (or from a client that is not a browser) works.
    let res = browser()?
        .post(app.api("/session"))
        .header("origin", format!("http://{host}"))
        .header("sec-fetch-site", "same-origin")
        .json(&body)
        .send()
        .await?;
    ensure!(
        res.status() == StatusCode::OK && sets_session(&res),
        "{}",
        res.status()
    );

    // The form: a cross-site POST is refused even with a valid pre-session token.
    let b = browser()?;
    let token = login_token(&app, &b).await?;
    let res = b
        .post(app.url("/sign-in"))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string([
            ("person_id", "PC-1"),
            ("password", PASSWORD),
            ("login_token", &token),
        ])?)
        .send()
        .await?;
    ensure!(res.status() == StatusCode::FORBIDDEN, "{}", res.status());
    ensure!(
        !sets_session(&res),
        "a cross-site form signed the browser in"
    );
    ensure!(
        pledge_store::AccountStore::account(app.store(), "PC-1")
            .await?
            .is_some(),
        "the account is untouched"
    );
    Ok(())
}

/// Opens the sign-in page in a browser and returns the hidden pre-session token.
async fn login_token(app: &TestApp, b: &Client) -> anyhow::Result<String> {
    let page = b.get(app.url("/sign-in")).send().await?.text().await?;
    let at = page
        .find("name=\"login_token\" value=\"")
        .context("the sign-in form has a login_token")?;
    let rest = &page[at + "name=\"login_token\" value=\"".len()..];
    Ok(rest.chars().take_while(|c| *c != '"').collect())
}

async fn sign_in_form_needs_its_pre_session_token(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "login_token");
    seed(&app, "PC-1", &[]).await?;
    let form = |b: &Client, token: &str| {
        b.post(app.url("/sign-in"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                serde_urlencoded::to_string([
                    ("person_id", "PC-1"),
                    ("password", PASSWORD),
                    ("login_token", token),
                ])
                .unwrap_or_default(),
            )
            .send()
    };
    // A form posted without ever opening the page (what a cross-site form does): refused.
    let res = form(&browser()?, &"0".repeat(64)).await?;
    ensure!(res.status() == StatusCode::FORBIDDEN, "{}", res.status());
    ensure!(!sets_session(&res));
    // Another browser's token: refused.
    let other = login_token(&app, &browser()?).await?;
    let b = browser()?;
    let mine = login_token(&app, &b).await?;
    ensure!(other != mine, "tokens are per browser");
    let res = form(&b, &other).await?;
    ensure!(res.status() == StatusCode::FORBIDDEN, "{}", res.status());
    // Refusals are not failed sign-ins: nothing was tried.
    ensure!(
        app.store()
            .login_failures("PC-1", "", jiff::Timestamp::UNIX_EPOCH)
            .await?
            .name
            .count
            == 0
    );
    // Its own token: signed in.
    let res = form(&b, &mine).await?;
    ensure!(res.status() == StatusCode::SEE_OTHER, "{}", res.status());
    ensure!(sets_session(&res));
    Ok(())
}

async fn concurrent_account_creation_creates_one(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "concurrent_accounts");
    seed(&app, "ADMIN-0", &[]).await?; // the unit and force
    app.store().upsert_person(&person("PC-9", "U-1")).await?;
    // Eight creations at once through the service: exactly one is made.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let state = app.state.clone();
        tasks.push(tokio::spawn(async move {
            create_account(
                state.store(),
                NewAccount {
                    person_id: "PC-9".into(),
                    roles: if i == 0 {
                        vec!["administrator".into()]
                    } else {
                        vec![]
                    },
                    password: Some(format!("password number {i}")),
                    created_by: "test".into(),
                },
            )
            .await
        }));
    }
    let mut made = 0;
    for t in tasks {
        match t.await? {
            Ok(_) => made += 1,
            Err(AccountError::Exists { field, .. }) => ensure!(field == "person_id"),
            Err(e) => anyhow::bail!("unexpected {e}"),
        }
    }
    ensure!(made == 1, "{made} accounts created");
    ensure!(
        app.store()
            .account("PC-9")
            .await?
            .is_some_and(|a| a.version == 1)
    );

    // Two at once through the API: one 201, one 409 naming the field.
    let (admin, csrf) = admin_session(&app).await?;
    app.store().upsert_person(&person("PC-10", "U-1")).await?;
    let create = || {
        admin
            .post(app.api("/accounts"))
            .header("x-csrf-token", &csrf)
            .json(&json!({"person_id": "PC-10"}))
            .send()
    };
    let (a, b) = tokio::join!(create(), create());
    let mut statuses = vec![a?.status(), b?.status()];
    statuses.sort();
    ensure!(
        statuses == [StatusCode::CREATED, StatusCode::CONFLICT],
        "{statuses:?}"
    );
    let p = problem(create().await?, StatusCode::CONFLICT).await?;
    ensure!(
        p["detail"].as_str().unwrap_or("").starts_with("person_id:"),
        "{p}"
    );
    Ok(())
}

fn person(id: &str, unit: &str) -> Person {
    Person {
        id: id.into(),
        name: format!("Officer {id}"),
        email: None,
        workforce_role: Some("officer".into()),
        unit: Some(unit.into()),
        line_manager: None,
        staff_association: None,
    }
}

async fn read(admin: &Client, app: &TestApp, id: &str) -> anyhow::Result<Value> {
    let res = admin
        .get(app.api(&format!("/accounts/{id}")))
        .send()
        .await?;
    ensure!(
        res.status() == StatusCode::OK,
        "read {id}: {}",
        res.status()
    );
    Ok(res.json().await?)
}

async fn patch(
    admin: &Client,
    csrf: &str,
    app: &TestApp,
    id: &str,
    body: Value,
) -> anyhow::Result<reqwest::Response> {
    Ok(admin
        .patch(app.api(&format!("/accounts/{id}")))
        .header("x-csrf-token", csrf)
        .json(&body)
        .send()
        .await?)
}

async fn stale_account_edit_is_refused(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "stale_edit");
    let (admin, csrf) = admin_session(&app).await?;
    seed(&app, "PC-1", &[]).await?;
    let v = read(&admin, &app, "PC-1").await?["version"]
        .as_u64()
        .context("version")?;
    let res = patch(
        &admin,
        &csrf,
        &app,
        "PC-1",
        json!({"version": v, "roles": ["supervisor"]}),
    )
    .await?;
    ensure!(res.status() == StatusCode::OK, "{}", res.status());
    let now: Value = res.json().await?;
    ensure!(
        now["version"] == v + 1 && now["roles"] == json!(["staff", "supervisor"]),
        "{now}"
    );
    // A second editor who read version v is refused, and changes nothing.
    let p = problem(
        patch(
            &admin,
            &csrf,
            &app,
            "PC-1",
            json!({"version": v, "disabled": true}),
        )
        .await?,
        StatusCode::CONFLICT,
    )
    .await?;
    ensure!(
        p["detail"].as_str().unwrap_or("").contains("version"),
        "{p}"
    );
    let stored = app.store().account("PC-1").await?.context("account")?;
    ensure!(!stored.disabled && stored.version == v + 1);
    // An edit that says nothing, and unknown roles, name the field.
    let p = problem(
        patch(&admin, &csrf, &app, "PC-1", json!({"version": v + 1})).await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    ensure!(p["errors"][0]["field"] == "disabled", "{p}");
    let p = problem(
        patch(
            &admin,
            &csrf,
            &app,
            "PC-1",
            json!({"version": v + 1, "roles": ["chief"]}),
        )
        .await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    ensure!(p["errors"][0]["field"] == "roles[0]", "{p}");
    Ok(())
}

async fn disabled_account_cannot_sign_in_or_use_sessions(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "disable");
    let (admin, csrf) = admin_session(&app).await?;
    seed(&app, "PC-1", &[]).await?;
    let user = app.client();
    signed_in(&app, &user, "PC-1").await?;
    ensure!(user.get(app.api("/me")).send().await?.status() == StatusCode::OK);
    let v = read(&admin, &app, "PC-1").await?["version"]
        .as_u64()
        .context("version")?;
    let res = patch(
        &admin,
        &csrf,
        &app,
        "PC-1",
        json!({"version": v, "disabled": true}),
    )
    .await?;
    ensure!(res.status() == StatusCode::OK, "{}", res.status());
    // The live session has ended, and neither a new sign-in nor the page session works.
    problem(
        user.get(app.api("/me")).send().await?,
        StatusCode::UNAUTHORIZED,
    )
    .await?;
    let res = sign_in_as(&app, &app.client(), "PC-1", PASSWORD).await?;
    problem(res, StatusCode::FORBIDDEN).await?;
    let res = user.get(app.url("/")).send().await?;
    ensure!(
        res.url().path() == "/sign-in",
        "a page with the ended session went to {}",
        res.url()
    );
    // Enabled again, the person signs in.
    let res = patch(
        &admin,
        &csrf,
        &app,
        "PC-1",
        json!({"version": v + 1, "disabled": false}),
    )
    .await?;
    ensure!(res.status() == StatusCode::OK, "{}", res.status());
    signed_in(&app, &app.client(), "PC-1").await?;
    Ok(())
}

async fn two_factor_reset_lets_the_person_set_it_up_again(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "reset_two_factor");
    let (admin, csrf) = admin_session(&app).await?;
    seed(&app, "PC-1", &[]).await?;
    let mut account = app.store().account("PC-1").await?.context("account")?;
    account.totp_secret = Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".into());
    ensure!(app.store().update_account(&account).await?);
    let me = signed_in(&app, &app.client(), "PC-1").await?;
    ensure!(me["second_factor_required"] == true, "{me}");

    let reset = |version: u64| {
        admin
            .post(app.api("/accounts/PC-1/two-factor/reset"))
            .header("x-csrf-token", &csrf)
            .json(&json!({"version": version}))
            .send()
    };
    problem(reset(1).await?, StatusCode::CONFLICT).await?;
    let res = reset(2).await?;
    ensure!(res.status() == StatusCode::OK, "{}", res.status());
    let view: Value = res.json().await?;
    ensure!(
        view["two_factor_enabled"] == false && view["version"] == 3,
        "{view}"
    );
    let me = signed_in(&app, &app.client(), "PC-1").await?;
    ensure!(me["second_factor_required"] == false, "{me}");
    Ok(())
}

async fn unlock_lets_a_throttled_account_sign_in(backend: Backend) -> anyhow::Result<()> {
    let mut config = throttling_config(3);
    config.accounts.backoff_base = jiff::SignedDuration::from_mins(5);
    let app = app!(backend, "unlock", config);
    let (admin, csrf) = admin_session(&app).await?;
    seed(&app, "PC-1", &[]).await?;
    const A: &str = "192.0.2.30";
    for _ in 0..3 {
        let res = sign_in_from(&app, &app.client(), A, "PC-1", "wrong password!").await?;
        problem(res, StatusCode::UNAUTHORIZED).await?;
    }
    let p = problem(
        sign_in_from(&app, &app.client(), A, "PC-1", PASSWORD).await?,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await?;
    ensure!(
        p["detail"]
            .as_str()
            .unwrap_or("")
            .contains("Wait 5 minutes"),
        "{p}"
    );
    let res = admin
        .post(app.api("/accounts/PC-1/unlock"))
        .header("x-csrf-token", &csrf)
        .send()
        .await?;
    ensure!(res.status() == StatusCode::OK, "{}", res.status());
    let body: Value = res.json().await?;
    ensure!(body["failures_forgotten"] == 3, "{body}");
    let res = sign_in_from(&app, &app.client(), A, "PC-1", PASSWORD).await?;
    ensure!(
        res.status() == StatusCode::OK,
        "after unlocking: {}",
        res.status()
    );
    Ok(())
}

/// An administrator (two-factor set up) whose person is in `unit` (None: in no unit).
async fn admin_in(app: &TestApp, id: &str, unit: Option<&str>) -> anyhow::Result<(Client, String)> {
    let mut p = person(id, "U-1");
    p.unit = unit.map(str::to_owned);
    app.store().upsert_person(&p).await?;
    create_account(
        app.store(),
        NewAccount {
            person_id: id.into(),
            roles: vec!["administrator".into()],
            password: Some(PASSWORD.into()),
            created_by: "test".into(),
        },
    )
    .await?;
    let client = app.client();
    let me = signed_in(app, &client, id).await?;
    let csrf = me["csrf_token"].as_str().context("csrf")?.to_owned();
    crate::sign_in::set_up_totp(app, &client, &csrf).await?;
    Ok((client, csrf))
}

/// Every account and token route, as (method, path, body).
fn admin_routes() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("GET", "/accounts", Value::Null),
        ("POST", "/accounts", json!({"person_id": "PC-1"})),
        ("GET", "/accounts/PC-1", Value::Null),
        (
            "PATCH",
            "/accounts/PC-1",
            json!({"version": 1, "disabled": true}),
        ),
        (
            "POST",
            "/accounts/PC-1/two-factor/reset",
            json!({"version": 1}),
        ),
        ("POST", "/accounts/PC-1/unlock", Value::Null),
        ("GET", "/tokens", Value::Null),
        (
            "POST",
            "/tokens",
            json!({"name": "x", "scopes": ["cases:read"], "force": FORCE}),
        ),
        ("DELETE", "/tokens/crime-system", Value::Null),
    ]
}

async fn call(
    client: &Client,
    csrf: &str,
    app: &TestApp,
    method: &str,
    path: &str,
    body: &Value,
) -> anyhow::Result<reqwest::Response> {
    let mut req = client
        .request(method.parse()?, app.api(path))
        .header("x-csrf-token", csrf);
    if !body.is_null() {
        req = req.json(body);
    }
    Ok(req.send().await?)
}

async fn administrator_without_force_can_do_nothing(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "admin_without_force");
    seed(&app, "PC-1", &[]).await?;
    pledge_app::accounts::token::create_token(
        app.store(),
        pledge_app::accounts::NewToken {
            name: "crime-system".into(),
            scopes: vec!["cases:read".into()],
            force: FORCE.into(),
            created_by: "test".into(),
        },
        jiff::Timestamp::now(),
    )
    .await?;
    let (client, csrf) = admin_in(&app, "ADMIN-X", None).await?;
    for (method, path, body) in admin_routes() {
        let res = call(&client, &csrf, &app, method, path, &body).await?;
        let p = problem(res, StatusCode::FORBIDDEN)
            .await
            .with_context(|| format!("{method} {path}"))?;
        ensure!(
            p["detail"]
                .as_str()
                .unwrap_or("")
                .contains("placed in a force"),
            "{method} {path}: {p}"
        );
    }
    // Nothing changed.
    let a = app.store().account("PC-1").await?.context("account")?;
    ensure!(!a.disabled && a.version == 1);
    ensure!(
        app.store()
            .tokens()
            .await?
            .iter()
            .all(|t| t.revoked_at.is_none())
    );
    // The pages refuse too.
    for page in ["/admin/accounts", "/admin/tokens"] {
        let res = client.get(app.url(page)).send().await?;
        ensure!(
            res.status() == StatusCode::FORBIDDEN,
            "{page}: {}",
            res.status()
        );
    }
    Ok(())
}

async fn administrator_of_another_force_sees_nothing(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "admin_other_force");
    seed(&app, "PC-1", &[]).await?;
    app.store()
        .upsert_unit(&Unit {
            id: "B-1".into(),
            name: "Force B team".into(),
            force: "force-b".into(),
            parent: None,
        })
        .await?;
    let (client, csrf) = admin_in(&app, "ADMIN-B", Some("B-1")).await?;
    let list: Value = client
        .get(app.api("/accounts"))
        .send()
        .await?
        .json()
        .await?;
    ensure!(
        list["accounts"]
            == json!([{"person_id": "ADMIN-B", "roles": ["staff", "administrator"], "two_factor_enabled": true, "must_change_password": false, "disabled": false, "version": 2}]),
        "{list}"
    );
    for (method, path) in [
        ("GET", "/accounts/PC-1"),
        ("PATCH", "/accounts/PC-1"),
        ("POST", "/accounts/PC-1/two-factor/reset"),
        ("POST", "/accounts/PC-1/unlock"),
    ] {
        let body = match method {
            "PATCH" => json!({"version": 1, "disabled": true}),
            "POST" if path.ends_with("reset") => json!({"version": 1}),
            _ => Value::Null,
        };
        let res = call(&client, &csrf, &app, method, path, &body).await?;
        problem(res, StatusCode::NOT_FOUND)
            .await
            .with_context(|| format!("{method} {path}"))?;
    }
    app.store().upsert_person(&person("PC-2", "U-1")).await?;
    let p = problem(
        call(
            &client,
            &csrf,
            &app,
            "POST",
            "/accounts",
            &json!({"person_id": "PC-2"}),
        )
        .await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    ensure!(p["errors"][0]["field"] == "person_id", "{p}");
    let res = call(
        &client,
        &csrf,
        &app,
        "POST",
        "/tokens",
        &json!({"name": "x", "scopes": ["cases:read"], "force": FORCE}),
    )
    .await?;
    problem(res, StatusCode::FORBIDDEN).await?;
    let a = app.store().account("PC-1").await?.context("account")?;
    ensure!(!a.disabled && a.version == 1);
    ensure!(app.store().account("PC-2").await?.is_none());
    Ok(())
}

async fn administrators_cannot_lock_themselves_out(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "admin_self");
    let (admin, csrf) = admin_session(&app).await?;
    let v = read(&admin, &app, "ADMIN-1").await?["version"]
        .as_u64()
        .context("version")?;
    for body in [
        json!({"version": v, "disabled": true}),
        json!({"version": v, "roles": []}),
    ] {
        problem(
            patch(&admin, &csrf, &app, "ADMIN-1", body).await?,
            StatusCode::FORBIDDEN,
        )
        .await?;
    }
    let res = admin
        .post(app.api("/accounts/ADMIN-1/two-factor/reset"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"version": v}))
        .send()
        .await?;
    problem(res, StatusCode::FORBIDDEN).await?;
    ensure!(admin.get(app.api("/accounts")).send().await?.status() == StatusCode::OK);
    Ok(())
}

async fn meeting_dates_can_be_removed(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "remove_meeting", WebConfig::default());
    let (admin, csrf) = admin_session(&app).await?;
    let calendar = app
        .state
        .app()
        .meeting_calendars()
        .first()
        .map(|(id, _)| id.clone())
        .context("the built-in plan declares a meeting calendar")?;
    let at: jiff::Timestamp = "2099-12-01T10:00:00Z".parse()?;
    app.store()
        .add_meeting(&MeetingDate {
            calendar: calendar.clone(),
            unit: "U-1".into(),
            at,
        })
        .await?;
    let delete = |client: &Client, csrf: &str, path: String| {
        client
            .delete(app.api(&path))
            .header("x-csrf-token", csrf)
            .send()
    };
    // Another force's administrator: not found, and the date stays.
    app.store()
        .upsert_unit(&Unit {
            id: "B-1".into(),
            name: "Force B team".into(),
            force: "force-b".into(),
            parent: None,
        })
        .await?;
    let (other, other_csrf) = admin_in(&app, "ADMIN-B", Some("B-1")).await?;
    let path = format!("/units/U-1/meetings/{at}");
    problem(
        delete(&other, &other_csrf, path.clone()).await?,
        StatusCode::NOT_FOUND,
    )
    .await?;
    ensure!(app.store().meetings(&calendar, Some("U-1")).await?.len() == 1);
    // Bad input names the field.
    let p = problem(
        delete(&admin, &csrf, "/units/U-1/meetings/next-tuesday".into()).await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    ensure!(p["errors"][0]["field"] == "date", "{p}");
    let p = problem(
        delete(&admin, &csrf, format!("{path}?calendar=nope")).await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    ensure!(p["errors"][0]["field"] == "calendar", "{p}");
    let p = problem(
        delete(
            &admin,
            &csrf,
            "/units/U-1/meetings/2001-01-01T10:00:00Z".into(),
        )
        .await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    ensure!(
        p["errors"][0]["field"] == "date",
        "a past meeting stays: {p}"
    );
    // The force's administrator removes it, once.
    let res = delete(&admin, &csrf, format!("{path}?calendar={calendar}")).await?;
    ensure!(res.status() == StatusCode::NO_CONTENT, "{}", res.status());
    ensure!(
        app.store()
            .meetings(&calendar, Some("U-1"))
            .await?
            .is_empty()
    );
    problem(delete(&admin, &csrf, path).await?, StatusCode::NOT_FOUND).await?;
    Ok(())
}

/// Posts an administration form with the session's CSRF token.
async fn post_form(
    client: &Client,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> anyhow::Result<reqwest::Response> {
    Ok(client
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(fields)?)
        .send()
        .await?)
}

async fn admin_pages_disable_unlock_and_remove_meetings(backend: Backend) -> anyhow::Result<()> {
    let app = app!(backend, "admin_pages");
    let (admin, csrf) = admin_session(&app).await?;
    seed(&app, "PC-1", &[]).await?;
    // The accounts page offers the buttons, each with the version read.
    let page = admin
        .get(app.url("/admin/accounts"))
        .send()
        .await?
        .text()
        .await?;
    for needle in [
        "value=\"disable\"",
        "value=\"unlock\"",
        "name=\"version\" value=\"1\"",
    ] {
        ensure!(page.contains(needle), "{needle} on the accounts page");
    }
    let action = |what: &'static str, version: &'static str| {
        let (admin, app, csrf) = (&admin, &app, csrf.clone());
        async move {
            post_form(
                admin,
                app,
                "/admin/accounts/action",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("person_id", "PC-1"),
                    ("version", version),
                    ("what", what),
                ],
            )
            .await
        }
    };
    let res = action("disable", "1").await?;
    ensure!(res.status() == StatusCode::OK, "{}", res.status());
    ensure!(res.text().await?.contains("Account PC-1 disabled"));
    ensure!(
        app.store()
            .account("PC-1")
            .await?
            .is_some_and(|a| a.disabled && a.version == 2)
    );
    // A page shown before that change: refused, nothing done.
    let res = action("enable", "1").await?;
    ensure!(res.status() == StatusCode::CONFLICT, "{}", res.status());
    ensure!(
        app.store()
            .account("PC-1")
            .await?
            .is_some_and(|a| a.disabled)
    );
    let res = action("unlock", "2").await?;
    ensure!(res.status() == StatusCode::OK, "{}", res.status());
    // Without the CSRF token nothing happens.
    let res = post_form(
        &admin,
        &app,
        "/admin/accounts/action",
        &[("person_id", "PC-1"), ("version", "2"), ("what", "enable")],
    )
    .await?;
    ensure!(res.status() == StatusCode::FORBIDDEN, "{}", res.status());
    ensure!(
        app.store()
            .account("PC-1")
            .await?
            .is_some_and(|a| a.disabled)
    );

    // Meetings: the page lists a coming date with a Remove button that removes it.
    let calendar = app
        .state
        .app()
        .meeting_calendars()
        .first()
        .map(|(id, _)| id.clone())
        .context("a meeting calendar")?;
    let at: jiff::Timestamp = "2099-06-01T09:30:00Z".parse()?;
    app.store()
        .add_meeting(&MeetingDate {
            calendar: calendar.clone(),
            unit: "U-1".into(),
            at,
        })
        .await?;
    let page = admin
        .get(app.url("/admin/meetings"))
        .send()
        .await?
        .text()
        .await?;
    ensure!(
        page.contains(&format!("value=\"{at}\"")),
        "a Remove button for {at}"
    );
    let at_text = at.to_string();
    let res = post_form(
        &admin,
        &app,
        "/admin/meetings/remove",
        &[
            ("csrf_token", csrf.as_str()),
            ("calendar", calendar.as_str()),
            ("unit", "U-1"),
            ("at", at_text.as_str()),
        ],
    )
    .await?;
    ensure!(res.status() == StatusCode::OK, "{}", res.status());
    ensure!(res.text().await?.contains("Meeting removed"));
    ensure!(
        app.store()
            .meetings(&calendar, Some("U-1"))
            .await?
            .is_empty()
    );
    Ok(())
}
