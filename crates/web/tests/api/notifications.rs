//! The notification centre over HTTP (the API and the page) and email through a real SMTP
//! server (Python's aiosmtpd, started here): what arrives, its headers and bodies, the
//! Message-ID kept across a retry, and nothing that names a victim in a subject.

use crate::harness::{Backend, TestApp};
use crate::seeded::{demo_app, sign_in};
use anyhow::Context;
use pledge_store::notify::NotificationStore;
use pledge_web::mail::{MailConfig, Mailer, SmtpTls};
use reqwest::StatusCode;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

crate::both!(
    the_inbox_is_the_persons_own_over_the_api_and_the_page,
    mail_reaches_a_real_smtp_server_once_with_a_stable_message_id
);

async fn inbox(app: &TestApp, who: &crate::seeded::SignedIn) -> anyhow::Result<Value> {
    let res = who.client.get(app.api("/notifications")).send().await?;
    anyhow::ensure!(res.status() == StatusCode::OK, "{}", res.status());
    Ok(res.json().await?)
}

async fn the_inbox_is_the_persons_own_over_the_api_and_the_page(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "notify_inbox").await? else {
        return Ok(());
    };
    let dc = sign_in(&app, "DC-3020").await?;
    let body = inbox(&app, &dc).await?;
    let list = body["notifications"].as_array().context("notifications")?;
    let oic = list
        .iter()
        .find(|n| n["kind"] == "oic_assigned")
        .context("the OIC was told")?;
    assert!(list.iter().all(|n| n["person"] == "DC-3020"), "{body}");
    let unread = body["unread"].as_u64().context("unread")?;
    assert!(unread >= 1);
    let id = oic["id"].as_i64().context("id")?;

    // The page lists it, with the count in the header.
    let page = dc.client.get(app.url("/notifications")).send().await?;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await?;
    assert!(html.contains("You are the officer in a case"), "{html}");
    assert!(
        html.contains(&format!("id=\"unread-count\">{unread}<")),
        "{html}"
    );
    // No inline script: the only scripts are files of Pledge's own (the menu's).
    assert!(
        html.matches("<script").count() == html.matches("<script src=\"/assets/").count(),
        "inline script on the page"
    );

    // Someone else cannot mark it read: it is not theirs to know of.
    let sgt = sign_in(&app, "PS-2231").await?;
    let res = sgt
        .client
        .post(app.api(&format!("/notifications/{id}/read")))
        .header("X-CSRF-Token", &sgt.csrf)
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(inbox(&app, &dc).await?["unread"].as_u64(), Some(unread));

    let res = dc
        .client
        .post(app.api(&format!("/notifications/{id}/read")))
        .header("X-CSRF-Token", &dc.csrf)
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(inbox(&app, &dc).await?["unread"].as_u64(), Some(unread - 1));
    // Without a session: 401, nothing listed.
    let res = app.client().get(app.api("/notifications")).send().await?;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}

/// A Python with aiosmtpd: `PLEDGE_SMTP_PYTHON`, else `python3`. `None` (skip) when there is
/// none, unless `PLEDGE_REQUIRE_SMTP=1`, when a missing server fails the test.
pub(crate) fn smtp_python() -> Option<String> {
    let python = std::env::var("PLEDGE_SMTP_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(python);
    }
    assert!(
        std::env::var("PLEDGE_REQUIRE_SMTP").as_deref() != Ok("1"),
        "PLEDGE_REQUIRE_SMTP=1 but {python} cannot import aiosmtpd (set PLEDGE_SMTP_PYTHON)"
    );
    eprintln!("aiosmtpd not available: the SMTP test did not run");
    None
}

/// aiosmtpd on a free local port, writing what it receives to a maildir; killed on drop.
pub(crate) struct SmtpServer {
    child: Child,
    pub(crate) port: u16,
    maildir: PathBuf,
    _cleanup: pledge_test_support::Cleanup,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpServer {
    async fn start(python: &str, test: &str) -> anyhow::Result<Self> {
        Self::start_with(python, test, &[]).await
    }

    /// As [`Self::start`], with more aiosmtpd options (e.g. `--tlscert` for STARTTLS).
    pub(crate) async fn start_with(
        python: &str,
        test: &str,
        options: &[&std::ffi::OsStr],
    ) -> anyhow::Result<Self> {
        let (dir, cleanup) = pledge_test_support::temp_dir("smtp", test)?;
        let maildir = dir.join("mail");
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(options)
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .spawn()
            .context("starting aiosmtpd")?;
        let server = SmtpServer {
            child,
            port,
            maildir,
            _cleanup: cleanup,
        };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Ok(server);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        anyhow::bail!("aiosmtpd did not listen on {port}")
    }

    pub(crate) fn received(&self) -> anyhow::Result<Vec<String>> {
        let new = self.maildir.join("new");
        if !Path::new(&new).exists() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for f in std::fs::read_dir(new)? {
            out.push(std::fs::read_to_string(f?.path())?);
        }
        Ok(out)
    }
}

fn header<'a>(mail: &'a str, name: &str) -> Option<&'a str> {
    mail.lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

async fn mail_reaches_a_real_smtp_server_once_with_a_stable_message_id(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(python) = smtp_python() else {
        return Ok(());
    };
    let Some(app) = demo_app(backend, "notify_mail").await? else {
        return Ok(());
    };
    let store = app.store();
    let now = app.state.now();
    let server = SmtpServer::start(&python, &format!("mail_{backend:?}")).await?;
    let config = |port| {
        let mut c = MailConfig::new(
            "127.0.0.1",
            port,
            "Pledge <pledge@wessex.police.example>",
            "https://pledge.example",
        );
        // Plain SMTP here; TLS is tested in mail_tls.rs.
        c.tls = SmtpTls::None;
        c
    };

    // A server that is not there: every message fails and waits for a retry.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let down = Mailer::new(config(closed))
        .map_err(anyhow::Error::msg)?
        .deliver_due(store, now, 1000)
        .await?;
    assert!(down.claimed > 0, "the demo wrote mail: {down:?}");
    assert_eq!(down.retrying, down.claimed, "{down:?}");
    // Not yet due again: nothing is claimed.
    let mailer = Mailer::new(config(server.port)).map_err(anyhow::Error::msg)?;
    assert_eq!(mailer.deliver_due(store, now, 1000).await?.claimed, 0);

    // After the backoff, delivered to the real server, each once.
    let later = now + jiff::SignedDuration::from_mins(1);
    let sent = mailer.deliver_due(store, later, 1000).await?;
    assert_eq!(sent.sent, down.claimed, "{sent:?}");
    assert_eq!(mailer.deliver_due(store, later, 1000).await?.claimed, 0);
    let mails = server.received()?;
    assert_eq!(mails.len(), sent.sent);

    let victims = [
        "PC-4410",
        "PC-4471",
        "PCSO-6120",
        "Tom Reed",
        "Grace Obi",
        "Dan Wood",
    ];
    for m in &mails {
        let id = header(m, "Message-ID").context("Message-ID")?;
        assert!(
            id.starts_with("<notification-") && id.ends_with("@wessex.police.example>"),
            "{id}"
        );
        let subject = header(m, "Subject").context("Subject")?;
        assert!(victims.iter().all(|v| !subject.contains(v)), "{subject}");
        assert!(m.contains("text/plain") && m.contains("text/html"), "{m}");
        assert!(m.contains("https://pledge.example/cases/"), "{m}");
    }
    // The rows say so: sent once, after two attempts, with the server's answer.
    let rows = store
        .case_notifications(
            &pledge_store::CaseId::parse("WX-2026-0101").map_err(anyhow::Error::msg)?,
        )
        .await?;
    let mailed: Vec<_> = rows.iter().filter(|n| n.email_status == "sent").collect();
    assert!(!mailed.is_empty());
    for n in mailed {
        assert_eq!(n.attempts, 2, "{n:?}");
        assert!(
            n.last_answer
                .as_deref()
                .is_some_and(|a| a.starts_with("250")),
            "{n:?}"
        );
    }
    Ok(())
}
