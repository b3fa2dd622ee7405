//! Each person's notification choices (migration 0019), and what an append writes from them:
//! a kind turned off is an inbox row with no mail (`off`), and mail held for quiet hours is
//! not claimed before its time, then claimed once.

use crate::fixtures::{Fixtures, at};
use crate::harness::{Backend, TestDb};
use anyhow::{Context, ensure};
use jiff::SignedDuration;
use pledge_store::NotificationSettings;
use pledge_store::notify::{NewNotification, NotificationStore, Outbox};

crate::conformance!(
    choices_are_saved_and_replaced_whole,
    mail_turned_off_is_not_sent_and_held_mail_waits_for_its_time
);

async fn choices_are_saved_and_replaced_whole<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    ensure!(db.notification_settings("PC-1").await?.is_none());
    let mut s = NotificationSettings {
        person: "PC-1".into(),
        email_off: vec!["due_soon".into(), "victim_update".into()],
        quiet_hours: Some((22 * 60, 7 * 60)),
        updated_at: at("2026-12-01T10:00:00Z"),
    };
    db.set_notification_settings(&s).await?;
    ensure!(db.notification_settings("PC-1").await?.as_ref() == Some(&s));
    ensure!(db.notification_settings("PC-2").await?.is_none());
    s.email_off.clear();
    s.quiet_hours = None;
    s.updated_at = at("2026-12-02T10:00:00Z");
    db.set_notification_settings(&s).await?;
    ensure!(db.notification_settings("PC-1").await?.as_ref() == Some(&s));
    // The database itself refuses an empty window or a minute past the day.
    for bad in [(600, 600), (0, 1440)] {
        let refused = NotificationSettings {
            quiet_hours: Some(bad),
            ..s.clone()
        };
        ensure!(
            db.set_notification_settings(&refused).await.is_err(),
            "{bad:?}"
        );
    }
    ensure!(db.notification_settings("PC-1").await?.as_ref() == Some(&s));
    Ok(())
}

fn notice(person: &str, email: Option<&str>) -> NewNotification {
    NewNotification {
        person: Some(person.to_owned()),
        role: Some("officer_in_case".into()),
        email: email.map(str::to_owned),
        email_off: false,
        email_not_before: None,
        kind: "victim_update".into(),
        obligation_id: None,
        instance: 0,
        level: 0,
        mandatory: false,
        urgent: false,
        headline: "There is an update on your case".into(),
        body: "Open the case.".into(),
    }
}

async fn mail_turned_off_is_not_sent_and_held_mail_waits_for_its_time<
    S: Backend + NotificationStore,
>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let case = fx.corpus()?.into_iter().next().context("a case")?;
    let mut append = fx.append(&case, 0, case.events.len())?;
    let now = at("2030-01-01T23:30:00Z");
    let morning = at("2030-01-02T07:00:00Z");
    let off = NewNotification {
        email_off: true,
        ..notice("PC-OFF", None)
    };
    let held = NewNotification {
        email_not_before: Some(morning),
        ..notice("PC-HELD", Some("held@f.example"))
    };
    append.notify = Some(Outbox {
        notifications: vec![off, held, notice("PC-NOW", Some("now@f.example"))],
        escalations: Vec::new(),
    });
    db.append(append).await?;

    // Turned off: in the inbox, never mail.
    let inbox = db.inbox("PC-OFF", 10).await?;
    ensure!(
        inbox.len() == 1 && inbox[0].email_status == "off",
        "{inbox:?}"
    );
    // Only the mail due now is claimed; the held one is not touched (no attempt counted).
    let lease = SignedDuration::from_mins(5);
    let jobs = db.claim_emails(now, lease, 10).await?;
    ensure!(
        jobs.len() == 1 && jobs[0].email == "now@f.example",
        "{jobs:?}"
    );
    db.email_sent(jobs[0].id, now, "250 OK").await?;
    let just_before = morning - SignedDuration::from_micros(1);
    ensure!(db.claim_emails(just_before, lease, 10).await?.is_empty());
    let held = db.inbox("PC-HELD", 10).await?;
    ensure!(
        held[0].email_status == "pending" && held[0].attempts == 0,
        "{held:?}"
    );
    // When quiet hours end it is claimed, once, and sent once.
    let jobs = db.claim_emails(morning, lease, 10).await?;
    ensure!(jobs.len() == 1 && jobs[0].email == "held@f.example" && jobs[0].attempts == 1);
    ensure!(db.claim_emails(morning, lease, 10).await?.is_empty());
    db.email_sent(jobs[0].id, morning, "250 OK").await?;
    ensure!(
        db.claim_emails(morning + lease * 2, lease, 10)
            .await?
            .is_empty()
    );
    let held = db.inbox("PC-HELD", 10).await?;
    ensure!(
        held[0].email_status == "sent" && held[0].attempts == 1,
        "{held:?}"
    );
    Ok(())
}
