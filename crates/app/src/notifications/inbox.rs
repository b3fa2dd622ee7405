//! A person's notifications: the in-app inbox, read and marked through the policy.

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::policy::{NotificationAction, decide_notifications};
use jiff::Timestamp;
use pledge_store::Store;
use pledge_store::notify::{NotificationStore, StoredNotification};

/// The most notifications one inbox page shows.
pub const INBOX_LIMIT: u32 = 200;

impl<S: Store + NotificationStore> App<S> {
    /// The actor's own notifications, newest first (at most `limit`, capped at
    /// [`INBOX_LIMIT`]).
    pub async fn my_notifications(
        &self,
        actor: &Actor,
        limit: u32,
    ) -> AppResult<Vec<StoredNotification>> {
        let me = self.inbox_owner(actor, NotificationAction::Read)?;
        Ok(self.store.inbox(&me, limit.clamp(1, INBOX_LIMIT)).await?)
    }

    /// How many of the actor's notifications are unread (0 for an actor with no inbox, so
    /// the header can always ask).
    pub async fn unread_notifications(&self, actor: &Actor) -> AppResult<u64> {
        match self.inbox_owner(actor, NotificationAction::Read) {
            Ok(me) => Ok(self.store.unread_count(&me).await?),
            Err(_) => Ok(0),
        }
    }

    /// Marks one of the actor's notifications read. Someone else's (or none) is not found.
    pub async fn mark_notification_read(
        &self,
        actor: &Actor,
        id: i64,
        now: Timestamp,
    ) -> AppResult<()> {
        let me = self.inbox_owner(actor, NotificationAction::MarkRead)?;
        if self.store.mark_read(&me, id, now).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    fn inbox_owner(&self, actor: &Actor, action: NotificationAction) -> AppResult<String> {
        let me = match actor {
            Actor::Person { id, .. } => id.clone(),
            Actor::System { .. } => String::new(),
        };
        if decide_notifications(actor, action, &me) {
            Ok(me)
        } else {
            Err(AppError::Forbidden("read notifications".into()))
        }
    }
}
