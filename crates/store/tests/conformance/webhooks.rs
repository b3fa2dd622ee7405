//! Webhook deliveries follow the outbox: queued in the append's transaction for each active
//! endpoint of the case's force that takes the kind (never a victim's own update), claimed,
//! failed to the dead-letter list, retried, sent; and disposal deletes a case's
//! notifications and deliveries.

use crate::fixtures::{Fixtures, at};
use crate::harness::{Backend, TestDb};
use anyhow::{Context, ensure};
use jiff::SignedDuration;
use pledge_store::Disposal;
use pledge_store::notify::{NewNotification, NotificationStore, Outbox};
use pledge_store::webhooks::NewWebhookEndpoint;

crate::conformance!(deliveries_follow_the_outbox_and_go_with_disposal);

fn notice(kind: &str, person: Option<&str>) -> NewNotification {
    NewNotification {
        person: person.map(str::to_owned),
        role: Some("inspector".into()),
        email: None,
        email_off: false,
        email_not_before: None,
        kind: kind.into(),
        obligation_id: None,
        instance: 0,
        level: 0,
        mandatory: true,
        urgent: false,
        headline: "A colleague was assaulted".into(),
        body: "Open the case.".into(),
    }
}

async fn deliveries_follow_the_outbox_and_go_with_disposal<S: Backend + NotificationStore>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let case = fx.corpus()?.into_iter().next().context("a case")?;
    let mut append = fx.append(&case, 0, case.events.len())?;
    let force = append.projection.summary.force.clone();
    let endpoint = |name: &str, force: &str, kinds: &[&str]| NewWebhookEndpoint {
        force: force.to_owned(),
        name: name.to_owned(),
        url: format!("https://receiver.example/{name}"),
        secret: format!("whsec_{name}"),
        kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
        created_by: "ADM-1".into(),
        created_at: at("2026-01-01T00:00:00Z"),
    };
    let all = db.add_webhook(&endpoint("all", &force, &[])).await?;
    db.add_webhook(&endpoint("urgent", &force, &["hospitalised"]))
        .await?;
    db.add_webhook(&endpoint("elsewhere", "Another Force", &[]))
        .await?;
    let listed = db.webhooks(&force).await?;
    ensure!(listed.len() == 2 && listed[0].id == all && listed[1].kinds == ["hospitalised"]);
    ensure!(format!("{:?}", endpoint("x", &force, &[])).contains("[redacted]"));

    append.notify = Some(Outbox {
        notifications: vec![
            notice("assault_reported", Some("INSP-1")),
            notice("assault_reported", None),
            notice("victim_update", Some("PC-1")),
        ],
        escalations: Vec::new(),
    });
    db.append(append).await?;

    // Two rows reach the endpoint taking every kind; none the others; never the victim's.
    let now = at("2030-01-01T00:00:00Z");
    let lease = SignedDuration::from_mins(2);
    let jobs = db.claim_webhooks(now, lease, 10).await?;
    ensure!(jobs.len() == 2, "{jobs:?}");
    ensure!(
        jobs.iter()
            .all(|j| j.kind == "assault_reported" && j.attempts == 1)
    );
    ensure!(
        jobs.iter()
            .all(|j| j.secret == "whsec_all" && j.case_id == case.id.as_str())
    );
    ensure!(
        jobs.iter().filter(|j| !j.has_person).count() == 1,
        "the gap too"
    );
    ensure!(
        !format!("{jobs:?}").contains("whsec_"),
        "Debug hides the secret"
    );
    // Held by the lease: nobody else takes them.
    ensure!(db.claim_webhooks(now, lease, 10).await?.is_empty());

    // One is sent; the other fails once, then for good: a dead letter.
    db.webhook_sent(jobs[0].id, now, "HTTP 204").await?;
    let later = now + SignedDuration::from_mins(1);
    db.webhook_failed(jobs[1].id, "HTTP 503", Some(later))
        .await?;
    ensure!(db.webhook_problem_counts().await? == (1, 0));
    let again = db.claim_webhooks(later, lease, 10).await?;
    ensure!(again.len() == 1 && again[0].id == jobs[1].id && again[0].attempts == 2);
    db.webhook_failed(jobs[1].id, "HTTP 503", None).await?;
    ensure!(db.webhook_problem_counts().await? == (0, 1));
    let problems = db.webhook_problems(&force, 10).await?;
    ensure!(problems.len() == 1 && problems[0].status == "dead" && problems[0].attempts == 2);
    ensure!(db.webhook_problems("Another Force", 10).await?.is_empty());
    ensure!(db.claim_webhooks(later, lease, 10).await?.is_empty());

    // Another force cannot retry it; its own administrator can, once.
    ensure!(
        !db.retry_dead_letter("Another Force", jobs[1].id, later)
            .await?
    );
    ensure!(db.retry_dead_letter(&force, jobs[1].id, later).await?);
    ensure!(!db.retry_dead_letter(&force, jobs[1].id, later).await?);
    let retried = db.claim_webhooks(later, lease, 10).await?;
    ensure!(retried.len() == 1 && retried[0].id == jobs[1].id && retried[0].attempts == 1);
    db.webhook_sent(jobs[1].id, later, "HTTP 200").await?;
    ensure!(db.webhook_problem_counts().await? == (0, 0));

    // A retired endpoint takes nothing more.
    ensure!(db.remove_webhook(&force, all).await?);
    ensure!(!db.remove_webhook(&force, all).await?);
    ensure!(db.webhooks(&force).await?.len() == 1);

    // Disposal deletes the case's notifications and their deliveries.
    ensure!(db.case_notifications(&case.id).await?.len() == 3);
    db.dispose(&Disposal {
        case_id: case.id.clone(),
        by: "DPO-1".into(),
        at: at("2033-01-02T09:00:00Z"),
        reason: "retention period ended".into(),
    })
    .await?;
    ensure!(db.case_notifications(&case.id).await?.is_empty());
    ensure!(db.inbox("INSP-1", 10).await?.is_empty());
    ensure!(db.webhook_problems(&force, 10).await?.is_empty());
    Ok(())
}
