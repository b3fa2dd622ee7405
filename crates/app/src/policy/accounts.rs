//! Who may manage accounts and API tokens. Default deny, in plain rules:
//!
//! - only a signed-in administrator placed in a force acts, and only on accounts of people
//!   in that force and on tokens of that force: an actor with no force may administer
//!   nothing (there is no all-forces role), and a target with no force belongs to nobody
//!   the API or the pages can reach (the command line, run by whoever holds the database,
//!   is the way to reach it);
//! - an administrator may not disable their own account, reset their own two-factor or change
//!   their own roles (another administrator, or the command line, does that), so nobody
//!   locks themselves out or grants themselves anything;
//! - API tokens never manage accounts or tokens.

use crate::actor::{AccountRole, Actor};

/// What an actor wants to do with an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountAction {
    /// See the account in a list or on its own.
    View,
    /// Create it (for a person of the force).
    Create,
    /// Disable it: it cannot sign in and its sessions end.
    Disable,
    /// Enable it again.
    Enable,
    /// Change its roles.
    ChangeRoles,
    /// Remove its two-factor set-up (a lost authenticator).
    ResetTwoFactor,
    /// Forget its failed sign-ins, so it may be tried again at once.
    Unlock,
}

impl AccountAction {
    /// Every action (for tests).
    pub const ALL: [AccountAction; 7] = [
        AccountAction::View,
        AccountAction::Create,
        AccountAction::Disable,
        AccountAction::Enable,
        AccountAction::ChangeRoles,
        AccountAction::ResetTwoFactor,
        AccountAction::Unlock,
    ];

    /// Words for a refusal: "you may not ...".
    pub fn describe(self) -> &'static str {
        match self {
            AccountAction::View => "see this account",
            AccountAction::Create => "create this account",
            AccountAction::Disable => "disable this account",
            AccountAction::Enable => "enable this account",
            AccountAction::ChangeRoles => "change this account's roles",
            AccountAction::ResetTwoFactor => "reset this account's two-factor sign-in",
            AccountAction::Unlock => "unlock this account",
        }
    }

    /// Whether the action changes the actor's own standing (refused on their own account).
    fn is_self_sensitive(self) -> bool {
        matches!(
            self,
            AccountAction::Disable | AccountAction::ChangeRoles | AccountAction::ResetTwoFactor
        )
    }
}

/// The account acted on: whose it is and the force of that person (through their unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountTarget<'a> {
    /// The person id.
    pub person_id: &'a str,
    /// The person's force; None when they have no unit (or it has no force).
    pub force: Option<&'a str>,
}

/// What an actor wants to do with an API token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenAction {
    /// See it in a list (never the token itself).
    View,
    /// Create one.
    Create,
    /// Revoke it.
    Revoke,
}

impl TokenAction {
    /// Every action (for tests).
    pub const ALL: [TokenAction; 3] = [TokenAction::View, TokenAction::Create, TokenAction::Revoke];
}

/// The force an actor administers accounts and tokens for: a signed-in administrator's own
/// force; None for anyone else, and for an administrator placed in no force.
pub fn administered_force(actor: &Actor) -> Option<&str> {
    match actor {
        Actor::Person { force, .. } if actor.has(AccountRole::Administrator) => {
            force.as_deref().filter(|f| !f.trim().is_empty())
        }
        _ => None,
    }
}

/// Whether the actor may use account and token administration at all (the pages' menu).
pub fn may_administer_accounts(actor: &Actor) -> bool {
    administered_force(actor).is_some()
}

/// Decides an action on an account. Default deny.
pub fn decide_account(actor: &Actor, action: AccountAction, target: &AccountTarget<'_>) -> bool {
    let Some(force) = administered_force(actor) else {
        return false;
    };
    if target.force != Some(force) {
        return false;
    }
    let own = matches!(actor, Actor::Person { id, .. } if id == target.person_id);
    !(own && action.is_self_sensitive())
}

/// Decides an action on a token of `force`. Default deny.
pub fn decide_token(actor: &Actor, _action: TokenAction, force: &str) -> bool {
    administered_force(actor).is_some_and(|f| f == force)
}
