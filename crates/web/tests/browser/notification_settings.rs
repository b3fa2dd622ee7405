//! A person chooses what is emailed to them and sets quiet hours on the settings page (linked
//! from the notification centre): a wrong time is named in the error summary, the saved page
//! shows the choices kept. An administrator adds a webhook endpoint (a clear error for an
//! address in clear text; the secret shown once) and retires it. Every page audited with axe.

use crate::driver::{Browser, available};
use crate::harness::Backend;
use crate::seeded::demo_app;
use anyhow::{Context, ensure};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_chooses_their_email_and_an_administrator_keeps_the_webhooks() -> anyhow::Result<()>
{
    if !available()? {
        return Ok(());
    }
    let app = demo_app(Backend::Sqlite, "browser_notification_settings")
        .await?
        .context("SQLite is always available")?;
    let mut b = Browser::start(&app.base).await?;
    let result = journey(&mut b, &app).await;
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

async fn journey(b: &mut Browser, app: &crate::harness::TestApp) -> anyhow::Result<()> {
    // The settings, from the notification centre.
    b.sign_in(app, "DC-3020").await?;
    b.go("/notifications").await?;
    b.submit("#settings-link").await?;
    ensure!(b.path().await? == "/notifications/settings");
    ensure!(b.text("h1").await? == "Notification settings");
    let page = b.page_text().await?;
    ensure!(
        page.contains("These settings are about email only"),
        "{page}"
    );
    let always = b.text("#always-emailed").await?;
    ensure!(
        always.contains("You are made the officer in a case")
            && always.contains("A colleague is taken to hospital (urgent)"),
        "{always}"
    );
    ensure!(
        !page.contains("oic_assigned") && !page.contains("due_soon"),
        "{page}"
    );
    b.audit("notification-settings").await?;

    // Untick "due soon", give a start but a wrong end: the summary names the end.
    b.click("input[name='email'][value='due_soon']").await?;
    b.set_value("#quiet_start", "22:00").await?;
    b.set_value("#quiet_end", "").await?;
    b.submit("form[action='/notifications/settings'] button")
        .await?;
    let summary = b.text(".govuk-error-summary").await?;
    ensure!(
        summary.contains("Enter the end of quiet hours"),
        "{summary}"
    );
    b.audit("notification-settings-error").await?;

    b.set_value("#quiet_end", "07:00").await?;
    b.submit("form[action='/notifications/settings'] button")
        .await?;
    ensure!(
        b.text("#notice").await? == "Your notification settings are saved.",
        "not saved"
    );
    let source = b.source().await?;
    ensure!(source.contains("value=\"22:00\"") && source.contains("value=\"07:00\""));
    ensure!(
        !source.contains("value=\"due_soon\" checked")
            && source.contains("value=\"victim_update\" checked"),
        "due soon unticked, updates still ticked"
    );
    b.audit("notification-settings-saved").await?;
    b.sign_out().await?;

    // An administrator adds an endpoint: clear text to another host is refused by name.
    b.sign_in(app, "ADM-9000").await?;
    b.go("/admin").await?;
    b.open_menu().await?;
    b.go("/admin/webhooks").await?;
    ensure!(b.text("h1").await? == "Webhook endpoints");
    b.audit("admin-webhooks").await?;
    b.fill("#name", "Teams: duty officers").await?;
    b.fill("#url", "http://teams.example/hook").await?;
    b.submit("form[action='/admin/webhooks'] button").await?;
    let summary = b.text(".govuk-error-summary").await?;
    ensure!(
        summary.contains("Address (URL): must be https://"),
        "{summary}"
    );
    b.audit("admin-webhooks-error").await?;
    b.fill("#url", "https://teams.example/hook").await?;
    b.click("input[name='kinds'][value='hospitalised']").await?;
    b.submit("form[action='/admin/webhooks'] button").await?;
    ensure!(b.text("h1").await? == "Endpoint Teams: duty officers added");
    let secret = b.text("#secret").await?;
    ensure!(
        secret.starts_with("whsec_") && secret.len() == 70,
        "{secret}"
    );
    b.audit("admin-webhook-secret").await?;

    // Listed, without the secret; then retired.
    b.go("/admin/webhooks").await?;
    let table = b.text("table").await?;
    ensure!(
        table.contains("Teams: duty officers")
            && table.contains("https://teams.example/hook")
            && table.contains("A colleague is taken to hospital")
            && table.contains("Chris Lee"),
        "{table}"
    );
    ensure!(
        !b.source().await?.contains(&secret),
        "the secret is shown once"
    );
    b.submit("form[action='/admin/webhooks/retire'] button")
        .await?;
    ensure!(b.text("#notice").await?.contains("Endpoint retired"));
    ensure!(b.page_text().await?.contains("None yet."));
    b.audit("admin-webhooks-retired").await?;
    Ok(())
}
