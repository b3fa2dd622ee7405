//! From a role to the people who hold it for a case.
//!
//! The case names its supervisor, officer in the case and victims; the inspector is the
//! supervisor's line manager and the local command team the inspector's; any other role
//! (Force Incident Manager, on-call chief officer, Senior Duty Officer, welfare, ...) is held
//! by whoever the force's on-call rota has on call for it at that moment, and when the rota
//! has nobody, by the people of the case's force whose workforce role names it. A role nobody
//! holds becomes a row with no person: a gap administrators see, never silently dropped.

use crate::app::App;
use crate::error::AppResult;
use pledge_domain::CaseState;
use pledge_domain::notify::{EmailDecision, Notice, Recipient, email_decision};
use pledge_domain::plan::Role;
use pledge_store::notify::NewNotification;
use pledge_store::{Person, Store, Unit};
use std::collections::HashMap;

/// Who holds each workforce role in each force, read once (only when a role needs the whole
/// force) and kept for as long as the directory lives: one outbox, or one whole sweep; and the
/// moment whose on-call rota applies.
pub(crate) struct Directory {
    /// (force, workforce role) to the people holding it.
    holders: Option<HashMap<(String, String), Vec<String>>>,
    at: jiff::Timestamp,
}

impl Directory {
    /// Resolving roles as they are held at `at`.
    pub(crate) fn at(at: jiff::Timestamp) -> Self {
        Self { holders: None, at }
    }

    /// Indexes people by their unit's force and their workforce role.
    fn index(people: Vec<Person>, units: &[Unit]) -> HashMap<(String, String), Vec<String>> {
        let force_of: HashMap<&str, &str> = units
            .iter()
            .map(|u| (u.id.as_str(), u.force.as_str()))
            .collect();
        let mut out: HashMap<(String, String), Vec<String>> = HashMap::new();
        for p in people {
            let (Some(role), Some(force)) = (
                p.workforce_role,
                p.unit.as_deref().and_then(|u| force_of.get(u)),
            ) else {
                continue;
            };
            out.entry(((*force).to_owned(), role))
                .or_default()
                .push(p.id);
        }
        out
    }
}

impl<S: Store> App<S> {
    /// One outbox row per person the notice reaches (or one gap row).
    pub(super) async fn resolve_notice(
        &self,
        dir: &mut Directory,
        case: &CaseState,
        n: &Notice,
    ) -> AppResult<Vec<NewNotification>> {
        let (role, ids) = match &n.to {
            Recipient::Person(p) => (None, vec![p.as_str().to_owned()]),
            Recipient::Role(r) => (Some(*r), self.holders(dir, case, *r).await?),
        };
        let row =
            |person: Option<&Person>, id: Option<String>, email: EmailDecision| NewNotification {
                person: id,
                role: role.map(|r| r.as_str().to_owned()),
                email: person
                    .and_then(|p| p.email.clone())
                    .filter(|e| !e.trim().is_empty())
                    .filter(|_| email != EmailDecision::Off),
                email_off: email == EmailDecision::Off,
                email_not_before: match email {
                    EmailDecision::HeldUntil(t) => Some(t),
                    EmailDecision::Now | EmailDecision::Off => None,
                },
                kind: n.kind.as_str().to_owned(),
                obligation_id: n.obligation.clone(),
                instance: n.instance,
                level: n.level,
                mandatory: n.mandatory,
                urgent: n.urgent,
                headline: n.headline.clone(),
                body: n.text.clone(),
            };
        if ids.is_empty() {
            return Ok(vec![row(None, None, EmailDecision::Now)]);
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let person = self.store.person(&id).await?;
            // The person's own choices decide their email (never the in-app row).
            let choices = self.email_choices(&id).await?;
            let email = email_decision(&choices, n.kind, n.mandatory, n.urgent, dir.at);
            out.push(row(person.as_ref(), Some(id), email));
        }
        Ok(out)
    }

    /// The person ids holding a role for a case (empty: nobody).
    async fn holders(
        &self,
        dir: &mut Directory,
        case: &CaseState,
        role: Role,
    ) -> AppResult<Vec<String>> {
        let Some(report) = case.report() else {
            return Ok(Vec::new());
        };
        let supervisor = report.supervisor.as_str().to_owned();
        Ok(match role {
            Role::Supervisor => vec![supervisor],
            Role::OfficerInCase => case
                .officer_in_case()
                .map(|p| vec![p.as_str().to_owned()])
                .unwrap_or_default(),
            Role::Victim => case
                .victims()
                .iter()
                .map(|v| v.person.as_str().to_owned())
                .collect(),
            Role::Inspector => self.managers_up(&supervisor, 1).await?,
            Role::LocalCommandTeam => self.managers_up(&supervisor, 2).await?,
            other => {
                let on_call = self
                    .store
                    .on_call_at(&report.force, other.as_str(), dir.at)
                    .await?;
                if !on_call.is_empty() {
                    let mut ids: Vec<String> = on_call.into_iter().map(|s| s.person).collect();
                    ids.dedup();
                    return Ok(ids);
                }
                if dir.holders.is_none() {
                    let units = self.store.units().await?;
                    dir.holders = Some(Directory::index(self.store.people().await?, &units));
                }
                dir.holders
                    .as_ref()
                    .and_then(|h| h.get(&(report.force.clone(), other.as_str().to_owned())))
                    .cloned()
                    .unwrap_or_default()
            }
        })
    }

    /// The manager `levels` steps up from a person (1: their line manager).
    async fn managers_up(&self, from: &str, levels: u32) -> AppResult<Vec<String>> {
        let mut id = from.to_owned();
        for _ in 0..levels {
            match self.store.person(&id).await?.and_then(|p| p.line_manager) {
                Some(m) => id = m,
                None => return Ok(Vec::new()),
            }
        }
        Ok(vec![id])
    }
}
