//! `pledge demo`: a small, realistic force with people in every role and cases at every
//! stage, so a newcomer can sign in and explore. The same data serves the web tests.

pub mod accounts;
pub mod cases;
pub mod force;

pub use accounts::{Logins, accounts};

use anyhow::Context;
use pledge_app::App;
use pledge_store::{AnyStore, Store};

/// Fills an empty store with the demo force and cases; returns how many cases it recorded
/// (0 when the store already has data, which is left alone).
pub async fn seed(app: &App<AnyStore>, now: jiff::Timestamp) -> anyhow::Result<usize> {
    let store = app.store();
    if !store.units().await.context("reading units")?.is_empty() {
        return Ok(0);
    }
    for u in force::units() {
        store.upsert_unit(&u).await.context("adding a demo unit")?;
    }
    for p in force::people() {
        store
            .upsert_person(&p.person)
            .await
            .context("adding a demo person")?;
    }
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    for h in force::headcounts(today.year()) {
        store
            .set_headcount(&h)
            .await
            .context("adding a headcount")?;
    }
    for m in force::meetings(today) {
        store.add_meeting(&m).await.context("adding a TRM date")?;
    }
    cases::record(app, now).await
}
