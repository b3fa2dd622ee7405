//! Notifications: what the domain decides is due ([`pledge_domain::notify`]) turned into
//! outbox rows for real people, written with the event that causes them; the escalation
//! sweep; and each person's inbox. See `docs/notifications.md`.

mod inbox;
mod problems;
mod resolve;
mod settings;
mod sweep;
mod webhooks;

pub use inbox::INBOX_LIMIT;
pub use problems::PROBLEMS_LIMIT;
pub use settings::{KindChoice, NotificationChoices, optional_kinds};
pub use sweep::{SWEEP_ACTOR, SweepReport};
pub use webhooks::{AddedWebhook, MAX_ENDPOINTS, NewWebhook, WEBHOOK_PROBLEMS_LIMIT, check_url};

use crate::app::App;
use crate::error::AppResult;
use pledge_domain::{CaseState, Event, Plan, notify};
use pledge_store::Store;
use pledge_store::notify::Outbox;

impl<S: Store> App<S> {
    /// The outbox for events just recorded in a case (`state` is the case after them): the
    /// notifications the domain decides, one row per person each reaches. `None` when
    /// nobody is to be told.
    pub(crate) async fn outbox_for_events(
        &self,
        plan: &Plan,
        state: &CaseState,
        events: &[Event],
        now: jiff::Timestamp,
    ) -> AppResult<Option<Outbox>> {
        let mut notices = Vec::new();
        for e in events {
            notices.extend(notify::on_event(plan, state, e));
        }
        if notices.is_empty() {
            return Ok(None);
        }
        let mut dir = resolve::Directory::at(now);
        let mut notifications = Vec::new();
        for n in &notices {
            notifications.extend(self.resolve_notice(&mut dir, state, n).await?);
        }
        Ok(Some(Outbox {
            notifications,
            escalations: Vec::new(),
        }))
    }
}
