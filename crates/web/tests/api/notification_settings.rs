//! Each person's notification choices over HTTP (`/api/v1/me/notification-settings` and the
//! page `/notifications/settings`), and what they do to email through a real SMTP server
//! (aiosmtpd): a kind turned off is in the inbox and never mailed; a mandatory kind is mailed
//! regardless; mail in quiet hours is held, then delivered once when they end; an urgent one
//! goes at once in quiet hours. The clock is fixed at 23:30 on 1 December (GMT), inside
//! quiet hours of 22:00 to 07:00.

use crate::harness::{Backend, TestApp, spawn_app_with};
use crate::notifications::{SmtpServer, smtp_python};
use crate::seeded::{SignedIn, new_assault, sign_in};
use anyhow::Context;
use jiff::{SignedDuration, Timestamp};
use pledge_store::notify::{NotificationStore, StoredNotification};
use pledge_store::{NotificationSettings, NotificationSettingsStore};
use pledge_web::mail::{MailConfig, Mailer, SmtpTls};
use pledge_web::{Clock, WebConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::both!(
    settings_are_the_persons_own_and_bad_ones_are_named,
    the_settings_page_saves_and_names_what_is_wrong,
    choices_and_quiet_hours_decide_the_mail_a_real_server_receives
);

/// 23:30 GMT on 1 December: inside quiet hours of 22:00 to 07:00.
const NIGHT: &str = "2026-12-01T23:30:00Z";
/// When those quiet hours end.
const MORNING: &str = "2026-12-02T07:00:00Z";

fn ts(s: &str) -> anyhow::Result<Timestamp> {
    Ok(s.parse()?)
}

/// The demo force on a clock fixed at [`NIGHT`].
async fn night_app(backend: Backend, test: &str) -> anyhow::Result<Option<TestApp>> {
    let now = ts(NIGHT)?;
    let Some(app) = spawn_app_with(backend, test, WebConfig::default(), Clock::Fixed(now)).await?
    else {
        return Ok(None);
    };
    pledge_web::demo::seed(app.state.app(), now).await?;
    pledge_web::demo::accounts(app.store(), now).await?;
    Ok(Some(app))
}

async fn put(who: &SignedIn, app: &TestApp, body: &Value) -> anyhow::Result<(StatusCode, Value)> {
    let res = who
        .client
        .put(app.api("/me/notification-settings"))
        .header("X-CSRF-Token", &who.csrf)
        .json(body)
        .send()
        .await?;
    let status = res.status();
    Ok((status, res.json().await.unwrap_or(Value::Null)))
}

fn kind<'a>(settings: &'a Value, k: &str) -> anyhow::Result<&'a Value> {
    settings["kinds"]
        .as_array()
        .context("kinds")?
        .iter()
        .find(|x| x["kind"] == k)
        .with_context(|| format!("{k} in {settings}"))
}

async fn settings_are_the_persons_own_and_bad_ones_are_named(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = night_app(backend, "settings_api").await? else {
        return Ok(());
    };
    let dc = sign_in(&app, "DC-3020").await?;
    // The default: every kind by email, no quiet hours; mandatory kinds say so.
    let (status, s) = dc.get(&app.api("/me/notification-settings")).await?;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(s["quiet_hours"], Value::Null);
    assert_eq!(s["time_zone"], "Europe/London");
    assert_eq!(s["kinds"].as_array().map(Vec::len), Some(10), "{s}");
    assert!(
        s["kinds"]
            .as_array()
            .context("kinds")?
            .iter()
            .all(|k| k["email"] == true)
    );
    assert_eq!(kind(&s, "oic_assigned")?["mandatory"], true);
    assert_eq!(kind(&s, "due_soon")?["mandatory"], false);

    // Saved, and read back; the answer is the settings now.
    let body =
        json!({"email_off": ["due_soon"], "quiet_hours": {"start": "22:00", "end": "07:00"}});
    let (status, saved) = put(&dc, &app, &body).await?;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(kind(&saved, "due_soon")?["email"], false);
    assert_eq!(kind(&saved, "victim_update")?["email"], true);
    assert_eq!(
        saved["quiet_hours"],
        json!({"start": "22:00", "end": "07:00"})
    );
    let (_, read) = dc.get(&app.api("/me/notification-settings")).await?;
    assert_eq!(read, saved);

    // Each refusal names its field, and changes nothing.
    for (bad, field, words) in [
        (
            json!({"email_off": ["oic_assigned"]}),
            "email_off[0]",
            "cannot be turned off",
        ),
        (
            json!({"email_off": ["due_soon", "gossip"]}),
            "email_off[1]",
            "gossip",
        ),
        (
            json!({"quiet_hours": {"start": "22:00", "end": "7pm"}}),
            "quiet_hours.end",
            "The end of quiet hours must be a time like 07:00",
        ),
        (
            json!({"quiet_hours": {"start": "25:00", "end": "07:00"}}),
            "quiet_hours.start",
            "a time like 22:00",
        ),
        (
            json!({"quiet_hours": {"start": "22:00", "end": "22:00"}}),
            "quiet_hours.end",
            "different from the start",
        ),
        (
            json!({"quiet_hours": {"start": "22:00"}}),
            "quiet_hours",
            "",
        ),
        (json!({"email_off": [], "colour": "red"}), "colour", ""),
    ] {
        let (status, problem) = put(&dc, &app, &bad).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {problem}");
        let text = problem.to_string();
        assert!(
            text.contains(field) && text.contains(words),
            "{bad}: {problem}"
        );
    }
    let (_, after) = dc.get(&app.api("/me/notification-settings")).await?;
    assert_eq!(after, saved);

    // Someone else sees their own (the default), never the DC's.
    let sgt = sign_in(&app, "PS-2231").await?;
    let (_, theirs) = sgt.get(&app.api("/me/notification-settings")).await?;
    assert_eq!(theirs["quiet_hours"], Value::Null);
    // Null clears quiet hours.
    let (status, cleared) = put(&dc, &app, &json!({"quiet_hours": null})).await?;
    assert_eq!(status, StatusCode::OK, "{cleared}");
    assert_eq!(cleared["quiet_hours"], Value::Null);
    assert_eq!(kind(&cleared, "due_soon")?["email"], true);

    // Without a session: 401. A force system's token has no settings: 403.
    let res = app
        .client()
        .get(app.api("/me/notification-settings"))
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let token = token(&app).await?;
    let res = app
        .client()
        .get(app.api("/me/notification-settings"))
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .client()
        .put(app.api("/me/notification-settings"))
        .bearer_auth(&token)
        .json(&json!({"email_off": ["due_soon"]}))
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    Ok(())
}

/// A force system's token (`cases:read`), made by the administrator.
async fn token(app: &TestApp) -> anyhow::Result<String> {
    let admin = sign_in(app, "ADM-9000").await?;
    let (status, made) = admin
        .post(
            &app.api("/tokens"),
            &json!({"name": "crime-system", "scopes": ["cases:read"], "force": "Wessex Constabulary"}),
        )
        .await?;
    anyhow::ensure!(status == StatusCode::CREATED, "{status}: {made}");
    Ok(made["token"].as_str().context("token")?.to_owned())
}

async fn form(
    who: &SignedIn,
    app: &TestApp,
    fields: &[(&str, &str)],
) -> anyhow::Result<(StatusCode, String)> {
    let mut all = vec![("csrf_token", who.csrf.as_str())];
    all.extend_from_slice(fields);
    let res = who
        .client
        .post(app.url("/notifications/settings"))
        .form(&all)
        .send()
        .await?;
    Ok((res.status(), res.text().await?))
}

async fn the_settings_page_saves_and_names_what_is_wrong(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = night_app(backend, "settings_page").await? else {
        return Ok(());
    };
    let dc = sign_in(&app, "DC-3020").await?;
    // Linked from the notification centre.
    let centre = dc
        .client
        .get(app.url("/notifications"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        centre.contains("href=\"/notifications/settings\""),
        "{centre}"
    );
    let page = dc
        .client
        .get(app.url("/notifications/settings"))
        .send()
        .await?;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await?;
    assert!(
        html.contains("These settings are about email only"),
        "{html}"
    );
    assert!(
        html.contains("You are made the officer in a case"),
        "{html}"
    );
    assert!(html.contains("type=\"time\""), "{html}");
    assert!(
        !html.contains("oic_assigned"),
        "no enum value is shown as words: {html}"
    );

    // A time that is not one: the error summary names the field, the answers are kept.
    let (status, html) = form(
        &dc,
        &app,
        &[
            ("email", "victim_update"),
            ("quiet_start", "22:00"),
            ("quiet_end", "seven"),
        ],
    )
    .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("govuk-error-summary"), "{html}");
    assert!(
        html.contains("href=\"#quiet_end\">The end of quiet hours must be a time like 07:00"),
        "{html}"
    );
    assert!(html.contains("value=\"seven\""), "{html}");
    // Only one of the two times.
    let (status, html) = form(&dc, &app, &[("quiet_start", "22:00")]).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("href=\"#quiet_end\">Enter the end of quiet hours"),
        "{html}"
    );

    // Saved: due-soon unticked, quiet hours set; the API reads the same.
    let (status, html) = form(
        &dc,
        &app,
        &[
            ("email", "victim_update"),
            ("quiet_start", "22:00"),
            ("quiet_end", "07:00"),
        ],
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Your notification settings are saved."),
        "{html}"
    );
    let (_, s) = dc.get(&app.api("/me/notification-settings")).await?;
    assert_eq!(kind(&s, "due_soon")?["email"], false);
    assert_eq!(kind(&s, "victim_update")?["email"], true);
    assert_eq!(s["quiet_hours"], json!({"start": "22:00", "end": "07:00"}));
    // Without the CSRF token nothing is saved.
    let res = dc
        .client
        .post(app.url("/notifications/settings"))
        .form(&[("quiet_start", ""), ("quiet_end", "")])
        .send()
        .await?;
    assert!(res.status().is_client_error(), "{}", res.status());
    let (_, s) = dc.get(&app.api("/me/notification-settings")).await?;
    assert_eq!(s["quiet_hours"], json!({"start": "22:00", "end": "07:00"}));
    Ok(())
}

fn header<'a>(mail: &'a str, name: &str) -> Option<&'a str> {
    mail.lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

/// How many received messages carry notification `id`'s Message-ID.
fn copies(server: &SmtpServer, id: i64) -> anyhow::Result<usize> {
    let want = format!("<notification-{id}@");
    Ok(server
        .received()?
        .iter()
        .filter(|m| header(m, "Message-ID").is_some_and(|v| v.starts_with(&want)))
        .count())
}

/// The newest notification of a kind in a person's inbox.
async fn newest(app: &TestApp, person: &str, kind: &str) -> anyhow::Result<StoredNotification> {
    app.store()
        .inbox(person, 200)
        .await?
        .into_iter()
        .find(|n| n.kind == kind)
        .with_context(|| format!("{person} has a {kind} notification"))
}

async fn choices_and_quiet_hours_decide_the_mail_a_real_server_receives(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(python) = smtp_python() else {
        return Ok(());
    };
    let Some(app) = night_app(backend, "settings_mail").await? else {
        return Ok(());
    };
    let store = app.store();
    let night = ts(NIGHT)?;
    let server = SmtpServer::start_with(&python, &format!("settings_{backend:?}"), &[]).await?;
    let mut config = MailConfig::new(
        "127.0.0.1",
        server.port,
        "Pledge <pledge@wessex.police.example>",
        "https://pledge.example",
    );
    config.tls = SmtpTls::None;
    let mailer = Mailer::new(config).map_err(anyhow::Error::msg)?;
    // The demo's own mail first, written before anyone chose anything.
    mailer.deliver_due(store, night, 1000).await?;
    let before = server.received()?.len();

    // The victim of WX-2026-0101 wants no email of updates on their case.
    let victim = sign_in(&app, "PC-4410").await?;
    let (status, body) = put(&victim, &app, &json!({"email_off": ["victim_update"]})).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The DC turns off every kind they may; the stored row even lists a mandatory kind (as
    // no page or API lets anyone save, but an older row might).
    let dc = sign_in(&app, "DC-3020").await?;
    let (status, body) = put(&dc, &app, &json!({"email_off": ["oic_assigned"]})).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    store
        .set_notification_settings(&NotificationSettings {
            person: "DC-3020".into(),
            email_off: vec![
                "due_soon".into(),
                "victim_update".into(),
                "oic_assigned".into(),
            ],
            quiet_hours: None,
            updated_at: night,
        })
        .await?;
    // The victim of WX-2026-0107, and the local command team, keep quiet hours overnight.
    let quiet = json!({"quiet_hours": {"start": "22:00", "end": "07:00"}});
    for person in ["PC-4471", "SUPT-0450"] {
        let who = sign_in(&app, person).await?;
        let (status, body) = put(&who, &app, &quiet).await?;
        assert_eq!(status, StatusCode::OK, "{person}: {body}");
    }

    // 1. An update on WX-2026-0101 for its victim, who turned that kind off.
    let (status, body) = dc
        .post(
            &app.api("/cases/WX-2026-0101/steps/victim_updated"),
            &json!({"how": "phone", "note": "suspect interviewed"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // 2. The DC made officer in WX-2026-0107: mandatory, so mailed though the row says off.
    let sgt = sign_in(&app, "PS-2231").await?;
    let (status, body) = sgt
        .post(
            &app.api("/cases/WX-2026-0107/steps/oic_assigned"),
            &json!({"officer": "DC-3020"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // 3. An update on WX-2026-0107 for its victim, in their quiet hours: held.
    let (status, body) = dc
        .post(
            &app.api("/cases/WX-2026-0107/steps/victim_updated"),
            &json!({"how": "phone", "note": "statement taken"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // 4. A colleague taken to hospital: urgent for the local command team, at once.
    let mut hospital = new_assault("PC-4471");
    hospital["victims"][0]["hospitalised"] = json!(true);
    let (status, body) = sgt.post(&app.api("/cases"), &hospital).await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let off = newest(&app, "PC-4410", "victim_update").await?;
    assert_eq!(off.email_status, "off", "{off:?}");
    assert!(off.read_at.is_none(), "in the inbox, unread");
    let mandatory = newest(&app, "DC-3020", "oic_assigned").await?;
    assert_eq!(mandatory.email_status, "pending", "{mandatory:?}");
    let held = newest(&app, "PC-4471", "victim_update").await?;
    assert_eq!(held.email_status, "pending", "{held:?}");
    let urgent = newest(&app, "SUPT-0450", "hospitalised").await?;
    assert!(
        urgent.urgent && urgent.email_status == "pending",
        "{urgent:?}"
    );

    // Now, at night: the mandatory and the urgent mail go; nothing turned off, nothing held.
    mailer.deliver_due(store, night, 1000).await?;
    assert_eq!(copies(&server, mandatory.id)?, 1);
    assert_eq!(copies(&server, urgent.id)?, 1);
    assert_eq!(copies(&server, off.id)?, 0);
    assert_eq!(copies(&server, held.id)?, 0);
    // A second before quiet hours end: still held (and not claimed, so no attempt counted).
    let morning = ts(MORNING)?;
    let report = mailer
        .deliver_due(store, morning - SignedDuration::from_secs(1), 1000)
        .await?;
    assert_eq!(report.claimed, 0, "{report:?}");
    assert_eq!(newest(&app, "PC-4471", "victim_update").await?.attempts, 0);
    // When they end: delivered, once.
    let report = mailer.deliver_due(store, morning, 1000).await?;
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(copies(&server, held.id)?, 1);
    let later = morning + SignedDuration::from_hours(1);
    assert_eq!(mailer.deliver_due(store, later, 1000).await?.claimed, 0);
    let held = newest(&app, "PC-4471", "victim_update").await?;
    assert!(
        held.email_status == "sent" && held.attempts == 1,
        "{held:?}"
    );
    // The turned-off one never went; the inbox still has it. No message arrived twice.
    assert_eq!(copies(&server, off.id)?, 0);
    assert_eq!(newest(&app, "PC-4410", "victim_update").await?.id, off.id);
    let received = server.received()?;
    assert!(received.len() >= before + 3);
    let mut ids: Vec<&str> = received
        .iter()
        .filter_map(|m| header(m, "Message-ID"))
        .collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "a message arrived twice");
    Ok(())
}
