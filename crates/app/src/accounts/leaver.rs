//! A person who has left the force loses access: their account is disabled and their
//! sessions end. Decided by the directory import that found them gone (an administrator or
//! an HR system maintaining the force's people, through [`crate::policy::decide_org`]), not
//! by the account policy: the HR directory is the authority on who works for the force.

use super::AccountError;
use crate::actor::Actor;
use crate::app::App;
use jiff::Timestamp;
use pledge_store::{AccessAction, AccessEntry, AccountStore, DirectoryStore, Store};

impl<S: Store + AccountStore + DirectoryStore> App<S> {
    /// Disables the account and ends the sessions of each person of `force` marked as left
    /// whose account is still enabled (so an import that stopped half way is finished by the
    /// next); returns the people whose access ended. Each is logged.
    pub(crate) async fn end_access_of_leavers(
        &self,
        actor: &Actor,
        force: &str,
        now: Timestamp,
    ) -> Result<Vec<String>, AccountError> {
        let units: std::collections::HashSet<String> = self
            .store
            .units()
            .await?
            .into_iter()
            .filter(|u| u.force == force)
            .map(|u| u.id)
            .collect();
        let mut ended = Vec::new();
        for leaver in self.store.leavers().await? {
            let p = &leaver.person;
            if !p.unit.as_deref().is_some_and(|u| units.contains(u)) {
                continue;
            }
            // A changed account (a race with an administrator) is read again, a few times.
            for _ in 0..3 {
                let Some(mut account) = self.store.account(&p.id).await? else {
                    break;
                };
                if account.disabled {
                    break;
                }
                account.disabled = true;
                if self.store.update_account(&account).await? {
                    let sessions = self.store.delete_sessions_of(&p.id, None).await?;
                    tracing::info!(person = %p.id, by = %actor.log_id(), sessions_ended = sessions,
                        "account disabled: the person has left");
                    self.store
                        .record_access(AccessEntry {
                            at: now,
                            actor: actor.log_id(),
                            action: AccessAction::Alter,
                            case_id: None,
                            what: format!("account {} disabled: left on {}", p.id, leaver.left_on),
                            justification: "maintaining the people directory".into(),
                        })
                        .await?;
                    ended.push(p.id.clone());
                    break;
                }
            }
        }
        Ok(ended)
    }
}
