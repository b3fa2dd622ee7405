//! The browser journey through the real provider, in headless Chromium, on both backends:
//! sign in with the force's account (landing on the home page with the person's name), a
//! mapped role reaching what it allows (and an unmapped one not), an administrator without
//! multi-factor refused, an unknown person refused, and sign-out through the provider's
//! end-session page. The pages on the way are audited with axe-core.

use crate::driver::{self, Browser};
use crate::harness::Backend;
use crate::provider::{FORCE_NAME, app_with_provider, available};
use anyhow::ensure;

crate::both!(signing_in_with_the_force_account_in_a_browser);

async fn signing_in_with_the_force_account_in_a_browser(backend: Backend) -> anyhow::Result<()> {
    if !available()? || !driver::available()? {
        return Ok(());
    }
    let Some((app, provider)) = app_with_provider(backend, "oidc_browser", true).await? else {
        return Ok(());
    };
    let mut b = Browser::start(&app.base).await?;
    let result = journey(&mut b, &provider.issuer).await;
    let violations = std::mem::take(&mut b.violations);
    let _ = b.close().await;
    result?;
    for v in &violations {
        eprintln!("VIOLATION {v}");
    }
    ensure!(
        violations.is_empty(),
        "{} accessibility violations",
        violations.len()
    );
    Ok(())
}

/// From Pledge's sign-in page through the provider's login form, as `login`.
async fn sign_in_as(b: &Browser, login: &str) -> anyhow::Result<()> {
    b.go("/sign-in").await?;
    b.submit("a.govuk-button--start").await?;
    ensure!(
        b.path().await?.starts_with("/interaction/"),
        "at {} rather than the provider's login",
        b.path().await?
    );
    b.fill("#login", login).await?;
    b.submit("button[type=submit]").await?;
    Ok(())
}

/// Signs out with the header's form, and confirms at the provider.
async fn sign_out(b: &Browser, issuer: &str) -> anyhow::Result<()> {
    // On a phone the menu, with Sign out in it, is folded behind "Menu".
    b.open_menu().await?;
    b.submit("form.pledge-sign-out button").await?;
    let url = b.c.current_url().await?;
    ensure!(
        url.as_str().starts_with(&format!("{issuer}/session/end")),
        "after sign-out at {url}"
    );
    b.submit("button[name=logout]").await?;
    ensure!(
        b.path().await? == "/sign-in?signed_out=1",
        "back at {}",
        b.path().await?
    );
    ensure!(b.page_text().await?.contains("You have signed out."));
    Ok(())
}

async fn journey(b: &mut Browser, issuer: &str) -> anyhow::Result<()> {
    // The sign-in page offers the force's account, and the password form beside it.
    b.go("/sign-in").await?;
    let button = b.text("a.govuk-button--start").await?;
    ensure!(
        button == format!("Sign in with {FORCE_NAME}"),
        "button says {button:?}"
    );
    ensure!(
        b.c.find(fantoccini::Locator::Css("#password"))
            .await
            .is_ok()
    );
    b.audit("oidc-sign-in").await?;

    // A sergeant signs in with the force's account: the home page, with her name.
    sign_in_as(b, "amira").await?;
    ensure!(b.path().await? == "/", "landed on {}", b.path().await?);
    let page = b.page_text().await?;
    ensure!(page.contains("Sgt Amira Khan"), "home page: {page}");
    // Signing out ends Pledge's session and the provider's.
    sign_out(b, issuer).await?;
    b.go("/").await?;
    ensure!(b.path().await?.starts_with("/sign-in"), "still signed in");

    // A constable (staff only at the provider) may not administer.
    sign_in_as(b, "tom").await?;
    ensure!(b.page_text().await?.contains("PC Tom Reed"));
    b.go("/admin").await?;
    ensure!(b.text("h1").await? == "You cannot do this");
    sign_out(b, issuer).await?;

    // The administrator with multi-factor: administration, with no second Pledge code.
    sign_in_as(b, "chris").await?;
    ensure!(b.path().await? == "/", "landed on {}", b.path().await?);
    b.go("/admin").await?;
    ensure!(b.text("h1").await? == "Administration");
    sign_out(b, issuer).await?;

    // The administrator with a password alone: refused, saying why.
    sign_in_as(b, "chris-password-only").await?;
    ensure!(
        b.text("h1").await? == "Administrators must sign in with multi-factor authentication",
        "{}",
        b.page_text().await?
    );
    b.audit("oidc-refused-mfa").await?;
    b.go("/").await?;
    ensure!(
        b.path().await?.starts_with("/sign-in"),
        "signed in after all"
    );
    // (The provider's session stays: forget every cookie to be someone else.)
    b.c.delete_all_cookies().await?;

    // Someone Pledge does not know: refused, told whom to ask.
    sign_in_as(b, "stranger").await?;
    ensure!(b.text("h1").await? == "Your account is not set up in Pledge");
    ensure!(b.page_text().await?.contains("Ask the Op Hampshire lead"));
    b.audit("oidc-refused-unknown").await?;
    Ok(())
}
