//! Units' recurring meeting schedules: set, replaced and cleared on both backends; a schedule's
//! coming meetings join the calendar, a replaced schedule's coming meetings leave it, and
//! meetings already held or added by hand stay.

use crate::harness::{Backend, TestDb};
use anyhow::ensure;
use jiff::Timestamp;
use pledge_store::{MeetingDate, MeetingSchedule};

crate::conformance!(a_schedule_replaces_only_its_own_coming_meetings);

fn ts(s: &str) -> anyhow::Result<Timestamp> {
    Ok(s.parse()?)
}

async fn dates<S: Backend>(db: &TestDb<S>) -> anyhow::Result<Vec<String>> {
    Ok(db
        .meetings("trm", Some("north"))
        .await?
        .into_iter()
        .map(|m| m.at.to_string())
        .collect())
}

async fn a_schedule_replaces_only_its_own_coming_meetings<S: Backend>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let schedule = |text: &str| -> anyhow::Result<MeetingSchedule> {
        Ok(MeetingSchedule {
            calendar: "trm".into(),
            unit: "north".into(),
            schedule: text.into(),
            set_by: "ADM-1".into(),
            set_at: ts("2026-01-01T12:00:00Z")?,
        })
    };
    // A date added by hand, which no schedule may take away.
    db.add_meeting(&MeetingDate {
        calendar: "trm".into(),
        unit: "north".into(),
        at: ts("2026-01-20T15:00:00Z")?,
    })
    .await?;
    let tuesdays = [
        ts("2026-01-06T10:00:00Z")?,
        ts("2026-01-13T10:00:00Z")?,
        ts("2026-01-20T10:00:00Z")?,
    ];
    db.set_meeting_schedule(
        &schedule("every Tuesday at 10:00 from 2026-01-06 until 2026-01-20")?,
        &tuesdays,
        ts("2026-01-01T12:00:00Z")?,
    )
    .await?;
    ensure!(
        dates(db).await?
            == [
                "2026-01-06T10:00:00Z",
                "2026-01-13T10:00:00Z",
                "2026-01-20T10:00:00Z",
                "2026-01-20T15:00:00Z"
            ],
        "{:?}",
        dates(db).await?
    );
    // On 10 January the unit moves to Wednesdays: the 6th was held and stays.
    let wednesdays = [ts("2026-01-14T10:00:00Z")?, ts("2026-01-21T10:00:00Z")?];
    let mut moved = schedule("every Wednesday at 10:00 from 2026-01-14 until 2026-01-21")?;
    moved.set_at = ts("2026-01-10T09:00:00Z")?;
    db.set_meeting_schedule(&moved, &wednesdays, ts("2026-01-10T09:00:00Z")?)
        .await?;
    ensure!(
        dates(db).await?
            == [
                "2026-01-06T10:00:00Z",
                "2026-01-14T10:00:00Z",
                "2026-01-20T15:00:00Z",
                "2026-01-21T10:00:00Z"
            ],
        "{:?}",
        dates(db).await?
    );
    let all = db.meeting_schedules().await?;
    ensure!(all == vec![moved.clone()], "{all:?}");
    // A hand-added date that a schedule also gives stays when the schedule is cleared.
    db.add_meeting(&MeetingDate {
        calendar: "trm".into(),
        unit: "north".into(),
        at: ts("2026-01-21T10:00:00Z")?,
    })
    .await?;
    ensure!(
        db.clear_meeting_schedule("trm", "north", ts("2026-01-15T00:00:00Z")?)
            .await?
    );
    ensure!(
        !db.clear_meeting_schedule("trm", "north", ts("2026-01-15T00:00:00Z")?)
            .await?
    );
    ensure!(
        dates(db).await?
            == [
                "2026-01-06T10:00:00Z",
                "2026-01-14T10:00:00Z",
                "2026-01-20T15:00:00Z",
                "2026-01-21T10:00:00Z"
            ],
        "{:?}",
        dates(db).await?
    );
    ensure!(db.meeting_schedules().await?.is_empty());
    Ok(())
}
