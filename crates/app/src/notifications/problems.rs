//! Notifications that reached nobody (a role nobody held, an email given up), for the force's
//! administrators to put right: a gap means the rota or the directory is missing someone.

use crate::actor::Actor;
use crate::app::App;
use crate::error::AppResult;
use crate::policy::OrgAction;
use pledge_store::Store;
use pledge_store::notify::{NotificationStore, StoredNotification};

/// The most problems one page lists.
pub const PROBLEMS_LIMIT: u32 = 200;

impl<S: Store + NotificationStore> App<S> {
    /// The actor's force's notifications that reached nobody, newest first (administrators).
    pub async fn notification_problems(&self, actor: &Actor) -> AppResult<Vec<StoredNotification>> {
        let force = crate::org::allowed_force(
            actor,
            OrgAction::Maintain,
            "see the notifications that reached nobody",
        )?;
        Ok(self
            .store
            .notification_problems(force, PROBLEMS_LIMIT)
            .await?)
    }
}
