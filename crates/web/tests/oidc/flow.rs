//! Sign-in through the provider over HTTP (a cookie-keeping client following redirects, as a
//! browser without JavaScript does), on both backends: who is linked, what roles they get,
//! who is refused, local accounts switched off, the state checked, the provider's sign-out.

use crate::harness::Backend;
use crate::provider::{FORCE_NAME, app_with_provider, available};
use anyhow::{Context, ensure};
use pledge_store::AccountStore;
use reqwest::{Client, StatusCode};
use serde_json::json;

crate::both!(
    first_sign_in_links_by_the_claim_and_takes_roles_from_the_token,
    unknown_people_are_refused_with_a_clear_page,
    administrators_need_multi_factor_at_the_provider,
    local_accounts_off_leaves_only_the_provider,
    the_state_must_come_back_to_the_browser_that_sent_it,
    sign_out_ends_the_session_and_goes_to_the_provider,
);

/// What a sign-in through the provider ended on.
pub struct Landed {
    /// The last status.
    pub status: StatusCode,
    /// The last URL.
    pub url: reqwest::Url,
    /// The page.
    pub body: String,
}

/// Signs in through the provider as one of its test users: `GET /sign-in/oidc`, the
/// provider's login form, and back.
pub async fn provider_sign_in(client: &Client, base: &str, login: &str) -> anyhow::Result<Landed> {
    let form = client.get(format!("{base}/sign-in/oidc")).send().await?;
    ensure!(
        form.status() == StatusCode::OK,
        "provider login form: {}",
        form.status()
    );
    let login_url = form.url().clone();
    ensure!(
        login_url.path().starts_with("/interaction/"),
        "not at the provider's login: {login_url}"
    );
    let res = client
        .post(login_url)
        .form(&[("login", login)])
        .send()
        .await?;
    let status = res.status();
    let url = res.url().clone();
    let body = res.text().await?;
    Ok(Landed { status, url, body })
}

/// The hidden CSRF token of the page's sign-out form.
pub fn csrf_of(page: &str) -> anyhow::Result<String> {
    let at = page
        .find("name=\"csrf_token\" value=\"")
        .context("no CSRF token on the page")?;
    let rest = &page[at + "name=\"csrf_token\" value=\"".len()..];
    Ok(rest.split('"').next().unwrap_or("").to_owned())
}

async fn first_sign_in_links_by_the_claim_and_takes_roles_from_the_token(
    backend: Backend,
) -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let Some((app, provider)) = app_with_provider(backend, "oidc_link", true).await? else {
        return Ok(());
    };
    let store = app.store();
    // Before: the sergeant's Pledge account says inspector; the provider says supervisor.
    let mut account = store.account("PS-2231").await?.context("account")?;
    account.roles = vec!["staff".into(), "inspector".into()];
    ensure!(store.update_account(&account).await?);
    ensure!(
        store
            .oidc_person(&provider.issuer, "oid-amira")
            .await?
            .is_none()
    );

    let client = app.client();
    let landed = provider_sign_in(&client, &app.base, "amira").await?;
    ensure!(
        landed.status == StatusCode::OK,
        "{}: {}",
        landed.url,
        landed.status
    );
    ensure!(
        landed.url.as_str() == app.url("/"),
        "landed on {}",
        landed.url
    );
    ensure!(
        landed.body.contains("Sgt Amira Khan"),
        "the home page names the person"
    );

    // Linked by the stable subject (oid), to the person whose id is the employeeid claim.
    ensure!(
        store
            .oidc_person(&provider.issuer, "oid-amira")
            .await?
            .as_deref()
            == Some("PS-2231")
    );
    ensure!(
        store
            .oidc_person(&provider.issuer, "sub-amira")
            .await?
            .is_none()
    );
    // Roles replaced by the token's, mapped.
    let account = store.account("PS-2231").await?.context("account")?;
    ensure!(
        account.roles == ["staff", "supervisor"],
        "roles {:?}",
        account.roles
    );
    // The session is Pledge's own, and works for the API as for a password sign-in.
    let me: serde_json::Value = client.get(app.api("/me")).send().await?.json().await?;
    ensure!(me["person_id"] == json!("PS-2231"), "{me}");

    // A person with no Pledge account gets one (without a password) at the first sign-in.
    store.delete_sessions_of("PC-4410", None).await?;
    let tom = app.client();
    let landed = provider_sign_in(&tom, &app.base, "tom").await?;
    ensure!(landed.body.contains("PC Tom Reed"), "{}", landed.url);
    let account = store.account("PC-4410").await?.context("account")?;
    ensure!(account.roles == ["staff"], "roles {:?}", account.roles);
    Ok(())
}

async fn unknown_people_are_refused_with_a_clear_page(backend: Backend) -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let Some((app, provider)) = app_with_provider(backend, "oidc_unknown", true).await? else {
        return Ok(());
    };
    for login in ["stranger", "nolink"] {
        let client = app.client();
        let landed = provider_sign_in(&client, &app.base, login).await?;
        ensure!(
            landed.status == StatusCode::FORBIDDEN,
            "{login}: {}",
            landed.status
        );
        ensure!(
            landed.body.contains("Your account is not set up in Pledge")
                && landed.body.contains("Ask the Op Hampshire lead"),
            "{login}: {}",
            landed.body
        );
        // Not signed in, and nothing linked.
        let me = client.get(app.api("/me")).send().await?;
        ensure!(
            me.status() == StatusCode::UNAUTHORIZED,
            "{login}: {}",
            me.status()
        );
    }
    ensure!(
        store_links(&app, &provider, "oid-stranger")
            .await?
            .is_none()
    );
    Ok(())
}

async fn store_links(
    app: &crate::harness::TestApp,
    provider: &crate::provider::TestProvider,
    subject: &str,
) -> anyhow::Result<Option<String>> {
    Ok(app.store().oidc_person(&provider.issuer, subject).await?)
}

async fn administrators_need_multi_factor_at_the_provider(backend: Backend) -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let Some((app, _provider)) = app_with_provider(backend, "oidc_mfa", true).await? else {
        return Ok(());
    };
    // The administrator with a password alone: refused, and no session.
    let client = app.client();
    let landed = provider_sign_in(&client, &app.base, "chris-password-only").await?;
    ensure!(landed.status == StatusCode::FORBIDDEN, "{}", landed.status);
    ensure!(
        landed
            .body
            .contains("Administrators must sign in with multi-factor authentication"),
        "{}",
        landed.body
    );
    ensure!(client.get(app.api("/me")).send().await?.status() == StatusCode::UNAUTHORIZED);

    // With multi-factor: signed in, and administration is open (no Pledge two-factor asked:
    // the provider did it).
    let client = app.client();
    let landed = provider_sign_in(&client, &app.base, "chris").await?;
    ensure!(
        landed.url.as_str() == app.url("/"),
        "landed on {} ({}): {}",
        landed.url,
        landed.status,
        landed.body
    );
    let admin = client.get(app.url("/admin")).send().await?;
    ensure!(
        admin.status() == StatusCode::OK,
        "/admin: {}",
        admin.status()
    );
    ensure!(admin.text().await?.contains("Administration"));
    let accounts = client.get(app.api("/accounts")).send().await?;
    ensure!(accounts.status() == StatusCode::OK, "{}", accounts.status());

    // A constable mapped to staff only may not.
    let tom = app.client();
    provider_sign_in(&tom, &app.base, "tom").await?;
    let admin = tom.get(app.url("/admin")).send().await?;
    ensure!(
        admin.status() == StatusCode::FORBIDDEN,
        "/admin as staff: {}",
        admin.status()
    );
    Ok(())
}

async fn local_accounts_off_leaves_only_the_provider(backend: Backend) -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let Some((app, _provider)) = app_with_provider(backend, "oidc_local_off", false).await? else {
        return Ok(());
    };
    let client = app.client();
    let page = client.get(app.url("/sign-in")).send().await?.text().await?;
    ensure!(
        page.contains(&format!("Sign in with {FORCE_NAME}")),
        "{page}"
    );
    ensure!(
        !page.contains("id=\"password\""),
        "no password field: {page}"
    );
    let res = client
        .post(app.api("/session"))
        .json(
            &json!({"person_id": "PS-2231", "password": pledge_web::demo::accounts::DEMO_PASSWORD}),
        )
        .send()
        .await?;
    ensure!(
        res.status() == StatusCode::FORBIDDEN,
        "API password sign-in: {}",
        res.status()
    );
    ensure!(res.text().await?.contains("switched off"));
    // The form, with its own pre-session token, is refused too.
    let token = page
        .split("name=\"login_token\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or("")
        .to_owned();
    let res = client
        .post(app.url("/sign-in"))
        .form(&[
            ("person_id", "PS-2231"),
            ("password", pledge_web::demo::accounts::DEMO_PASSWORD),
            ("login_token", token.as_str()),
        ])
        .send()
        .await?;
    ensure!(
        res.status() == StatusCode::FORBIDDEN,
        "form password sign-in: {}",
        res.status()
    );
    ensure!(client.get(app.api("/me")).send().await?.status() == StatusCode::UNAUTHORIZED);
    // The provider still signs people in.
    let landed = provider_sign_in(&client, &app.base, "amira").await?;
    ensure!(
        landed.url.as_str() == app.url("/"),
        "landed on {}",
        landed.url
    );
    Ok(())
}

async fn the_state_must_come_back_to_the_browser_that_sent_it(
    backend: Backend,
) -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let Some((app, _provider)) = app_with_provider(backend, "oidc_state", true).await? else {
        return Ok(());
    };
    // A callback this browser did not start.
    let client = app.client();
    let res = client
        .get(app.url("/sign-in/oidc/callback?code=abc&state=xyz"))
        .send()
        .await?;
    ensure!(res.status() == StatusCode::BAD_REQUEST, "{}", res.status());
    ensure!(res.text().await?.contains("Your sign-in did not finish"));
    // Started here, but the state sent back is not the one sent.
    let no_redirects = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let start = no_redirects.get(app.url("/sign-in/oidc")).send().await?;
    ensure!(
        start.status() == StatusCode::SEE_OTHER,
        "{}",
        start.status()
    );
    let to = start
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .context("location")?
        .to_owned();
    ensure!(
        to.contains("code_challenge_method=S256") && to.contains("nonce="),
        "{to}"
    );
    let cookie = start
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("pledge_oidc="))
        .context("the sign-in's cookie")?
        .to_owned();
    for flag in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/sign-in/oidc",
        "Max-Age=600",
    ] {
        ensure!(cookie.contains(flag), "{flag} in {cookie}");
    }
    let res = no_redirects
        .get(app.url("/sign-in/oidc/callback?code=abc&state=not-the-one"))
        .send()
        .await?;
    ensure!(res.status() == StatusCode::BAD_REQUEST, "{}", res.status());
    // The provider saying no is a page, not an error.
    let res = client
        .get(app.url("/sign-in/oidc/callback?error=access_denied&error_description=no"))
        .send()
        .await?;
    ensure!(res.status() == StatusCode::FORBIDDEN, "{}", res.status());
    ensure!(res.text().await?.contains("You are not signed in"));
    Ok(())
}

async fn sign_out_ends_the_session_and_goes_to_the_provider(
    backend: Backend,
) -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let Some((app, provider)) = app_with_provider(backend, "oidc_sign_out", true).await? else {
        return Ok(());
    };
    let client = app.client();
    let landed = provider_sign_in(&client, &app.base, "amira").await?;
    let csrf = csrf_of(&landed.body)?;
    let res = client
        .post(app.url("/sign-out"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await?;
    // At the provider's sign-out, told who signed out and where to come back to.
    let url = res.url().clone();
    ensure!(
        url.as_str()
            .starts_with(&format!("{}/session/end", provider.issuer)),
        "after sign-out at {url}"
    );
    let query: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    ensure!(
        query
            .get("id_token_hint")
            .is_some_and(|t| t.split('.').count() == 3),
        "{url}"
    );
    ensure!(
        query.get("post_logout_redirect_uri").map(String::as_str)
            == Some(app.url("/sign-in?signed_out=1").as_str()),
        "{url}"
    );
    ensure!(res.text().await?.contains("Yes, sign me out"));
    // Pledge's session has ended.
    ensure!(client.get(app.api("/me")).send().await?.status() == StatusCode::UNAUTHORIZED);
    Ok(())
}
