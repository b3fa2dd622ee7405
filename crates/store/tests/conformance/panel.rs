//! The scrutiny panel's reviews: recorded and read back on both backends, append-only (no
//! update, no delete), and a pack that runs past the meeting is refused by the database too.

use crate::harness::{Backend, TestDb};
use anyhow::ensure;
use jiff::Timestamp;
use jiff::civil::date;
use pledge_store::PanelReview;

crate::conformance!(panel_reviews_are_recorded_read_back_and_never_changed);

fn review(force: &str, met_on: jiff::civil::Date, unit: Option<&str>) -> PanelReview {
    PanelReview {
        id: 0,
        force: force.into(),
        review_id: "scrutiny-panel".into(),
        plan_id: "op-hampshire".into(),
        plan_version: 1,
        met_on,
        pack_unit: unit.map(str::to_owned),
        pack_from: date(2026, 1, 1),
        pack_to: date(2026, 3, 31),
        pack_hash: "ab".repeat(32),
        chair: "Chief Superintendent Amira Khan".into(),
        actions: "Ask the north district why welfare contacts were late.".into(),
        recorded_by: "PS-1".into(),
        recorded_at: Timestamp::from_second(1_780_000_000).unwrap_or(Timestamp::UNIX_EPOCH),
    }
}

async fn panel_reviews_are_recorded_read_back_and_never_changed<S: Backend>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let later = review("kent", date(2026, 5, 2), None);
    let earlier = review("kent", date(2026, 4, 20), Some("north"));
    let a = db.record_panel_review(&later).await?;
    let b = db.record_panel_review(&earlier).await?;
    db.record_panel_review(&review("essex", date(2026, 4, 21), None))
        .await?;
    ensure!(a != b);
    let read = db.panel_reviews("kent").await?;
    ensure!(read.len() == 2, "only the force's own: {read:?}");
    // Oldest meeting first, every field back as written.
    ensure!(read[0] == PanelReview { id: b, ..earlier });
    ensure!(read[1] == PanelReview { id: a, ..later });
    // Append-only: the database refuses an edit or a removal.
    ensure!(
        db.raw("UPDATE panel_review SET actions = 'nothing'")
            .await
            .is_err()
    );
    ensure!(db.raw("DELETE FROM panel_review").await.is_err());
    // A pack running past the meeting is refused by the table's check as well as the app.
    let mut early = review("kent", date(2026, 3, 1), None);
    early.pack_to = date(2026, 3, 31);
    ensure!(db.record_panel_review(&early).await.is_err());
    ensure!(db.panel_reviews("kent").await?.len() == 2);
    Ok(())
}
