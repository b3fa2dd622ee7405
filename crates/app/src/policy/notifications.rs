//! Who may read and mark notifications: a person's inbox is theirs alone. Nobody else reads
//! it (not an administrator, not a force system's token): a notification says which case
//! involves the person, which is theirs to know. The same for their email choices and quiet
//! hours: only the person reads or changes them.

use crate::actor::Actor;

/// What an actor wants to do with a person's notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationAction {
    /// List them and count the unread.
    Read,
    /// Mark one read.
    MarkRead,
    /// Read their email choices and quiet hours.
    ReadSettings,
    /// Change them.
    ChangeSettings,
}

/// Decides a notification action on `person`'s inbox. Default deny: only that person,
/// signed in as themself within a force.
pub fn decide_notifications(actor: &Actor, action: NotificationAction, person: &str) -> bool {
    match (action, actor) {
        (
            NotificationAction::Read
            | NotificationAction::MarkRead
            | NotificationAction::ReadSettings
            | NotificationAction::ChangeSettings,
            Actor::Person { id, force, .. },
        ) => !person.is_empty() && id == person && force.as_deref().is_some_and(|f| !f.is_empty()),
        (_, Actor::System { .. }) => false,
    }
}
