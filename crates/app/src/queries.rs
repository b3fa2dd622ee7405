//! Queries: a case in full, the victim's view, tasks, lists and the access log. Every read of
//! case data is written to the access log with its purpose.

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::policy::{CaseAction, CaseList, Decision, Relation, case_list_scope, decide};
use crate::timeline::{TimelineEntry, timeline};
use jiff::Timestamp;
use pledge_domain::evaluate::{EvaluationView, State, evaluate};
use pledge_domain::{CaseState, Clocks};
use pledge_store::{
    AccessAction, AccessEntry, CaseFilter, CaseId, CaseScope, CaseSummary, ObligationRow,
    OverdueCount, RowStatus, Store, StoredAccess,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// A case as its investigators and managers see it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    /// Summary.
    pub summary: CaseSummary,
    /// Every obligation's state now, point by point.
    pub evaluation: EvaluationView,
    /// The events, with confidential welfare detail withheld unless allowed.
    pub timeline: Vec<TimelineEntry>,
    /// The people the case names (victims, supervisor, officer in the case, owners and
    /// whoever recorded its steps) by person id, so a page shows names, not collar numbers.
    pub people: BTreeMap<String, Contact>,
    /// The unit's name.
    pub unit_name: String,
}

/// One of the plan's promises, in the victim's words.
#[derive(Debug, Clone, Serialize)]
pub struct VictimPromise {
    /// The obligation's id in the plan.
    pub obligation: String,
    /// Plan point number.
    pub point: String,
    /// The point's title.
    pub point_title: String,
    /// What was promised.
    pub title: String,
    /// Where it stands.
    pub state: State,
    /// When it is due.
    pub due_at: Option<Timestamp>,
    /// When it was done.
    pub done_at: Option<Timestamp>,
}

/// The victim's view of their own case: plain facts, nothing confidential about others.
#[derive(Debug, Clone, Serialize)]
pub struct VictimView {
    /// The case.
    pub case_id: CaseId,
    /// The plan's title.
    pub plan_title: String,
    /// When the assault happened.
    pub occurred_at: Timestamp,
    /// When the assault was reported.
    pub reported_at: Timestamp,
    /// Who recorded the report (often a supervisor or colleague, not the victim).
    pub reported_by: Contact,
    /// The officer in the case, when assigned (their person id; see `officer`).
    pub officer_in_case: Option<String>,
    /// The officer in the case by name, with how to reach them.
    pub officer: Option<Contact>,
    /// The supervisor responsible for the victim's welfare.
    pub supervisor: Contact,
    /// How often they asked to be updated (days); the plan's default otherwise.
    pub update_every_days: Option<u16>,
    /// What has been done.
    pub done: Vec<VictimPromise>,
    /// What is next, soonest first.
    pub next: Vec<VictimPromise>,
    /// Who has looked at or changed the case, and when.
    pub accessed_by: Vec<StoredAccess>,
    /// The names of the people in `accessed_by`, by person id (a victim is told who looked,
    /// by name, not by collar number).
    pub accessed_by_names: BTreeMap<String, String>,
    /// The victim's own parts of a report the plan asks of them, not yet given or declined.
    pub own_parts: Vec<OwnPart>,
}

/// A colleague the victim deals with, by name, with how to reach them at work.
#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    /// Person id (collar or staff number).
    pub id: String,
    /// Name as the directory holds it (the id when the directory does not know them).
    pub name: String,
    /// Work email, when the directory holds one.
    pub email: Option<String>,
}

/// A part of a report the plan asks of the victim themselves (Op Hampshire (f): the injury on
/// duty report is completed with the assaulted colleague).
#[derive(Debug, Clone, Serialize)]
pub struct OwnPart {
    /// The report's system (`injury_on_duty`, ...), sent back with the victim's answer.
    pub system: String,
    /// What the plan asks, in its words.
    pub title: String,
    /// By when.
    pub due_at: Option<Timestamp>,
}

/// A case the actor is a victim in: enough to find it, nothing more.
#[derive(Debug, Clone, Serialize)]
pub struct VictimCase {
    /// The case.
    pub case_id: CaseId,
    /// When the assault happened.
    pub occurred_at: Timestamp,
    /// When it was reported.
    pub reported_at: Timestamp,
    /// `open` or `closed`.
    pub status: String,
}

/// One of my tasks.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    /// The obligation row.
    #[serde(flatten)]
    pub row: ObligationRow,
    /// Past due now.
    pub overdue: bool,
    /// The title of the obligation's plan point in the case's own plan ("Welfare and
    /// supervision"), so a task never shows a bare point code; empty when the plan is not
    /// loaded (and in the overdue list, which leaves it out).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub point_title: String,
}

impl<S: Store> App<S> {
    async fn log(
        &self,
        actor: &Actor,
        case_id: Option<&CaseId>,
        what: &str,
        why: String,
        now: Timestamp,
    ) -> AppResult<()> {
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.log_id(),
                action: AccessAction::Consult,
                case_id: case_id.cloned(),
                what: what.to_owned(),
                justification: why,
            })
            .await?;
        Ok(())
    }

    /// A case in full, evaluated at `now`.
    pub async fn case(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        now: Timestamp,
        purpose: Option<&str>,
    ) -> AppResult<CaseDetail> {
        let (summary, rel) = self
            .authorise(actor, case_id, CaseAction::View, now)
            .await?;
        let plan = self.plan_of(&summary).await?;
        let plan = plan.as_ref();
        let stored = self
            .store
            .load_case(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let state = CaseState::from_events(&stored.events);
        let meetings = self.meetings_for(plan, &summary.unit).await?;
        let clocks = Clocks {
            calendar: &self.calendar,
            meetings: &meetings,
        };
        let evaluation =
            EvaluationView::new(plan, &state, now, &evaluate(plan, &state, now, &clocks));
        let welfare = decide(actor, CaseAction::ViewWelfareDetail, &rel) == Decision::Allow;
        self.log(
            actor,
            Some(case_id),
            "case",
            Self::purpose(&rel, purpose),
            now,
        )
        .await?;
        let timeline = timeline(&stored.events, welfare);
        let named = summary
            .victims
            .iter()
            .chain([&summary.supervisor])
            .chain(summary.oic.as_ref())
            .chain(timeline.iter().map(|e| &e.by))
            .chain(
                evaluation
                    .points
                    .iter()
                    .flat_map(|p| &p.obligations)
                    .filter_map(|o| o.owner_person.as_ref()),
            );
        let mut people = BTreeMap::new();
        for id in named {
            if !people.contains_key(id) {
                people.insert(id.clone(), self.contact(id).await?);
            }
        }
        let unit_name = self
            .store
            .unit(&summary.unit)
            .await?
            .map(|u| u.name)
            .unwrap_or_else(|| summary.unit.clone());
        Ok(CaseDetail {
            summary,
            evaluation,
            timeline,
            people,
            unit_name,
        })
    }

    /// The victim's view of their own case.
    pub async fn victim_view(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        now: Timestamp,
    ) -> AppResult<VictimView> {
        let (summary, rel) = self
            .authorise(actor, case_id, CaseAction::ViewAsVictim, now)
            .await?;
        let plan = self.plan_of(&summary).await?;
        let plan = plan.as_ref();
        let stored = self
            .store
            .load_case(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let state = CaseState::from_events(&stored.events);
        let meetings = self.meetings_for(plan, &summary.unit).await?;
        let clocks = Clocks {
            calendar: &self.calendar,
            meetings: &meetings,
        };
        let evaluation = evaluate(plan, &state, now, &clocks);
        let mut done = Vec::new();
        let mut next = Vec::new();
        for s in &evaluation.obligations {
            if s.state == State::NotApplicable {
                continue;
            }
            let o = &plan.obligations[s.obligation];
            let p = &plan.points[o.point];
            let promise = VictimPromise {
                obligation: o.id.clone(),
                point: p.number.clone(),
                point_title: p.title.clone(),
                title: o.title.clone(),
                state: s.state,
                due_at: s.due_at,
                done_at: s.completed_at,
            };
            if s.state.is_settled() {
                done.push(promise)
            } else {
                next.push(promise)
            }
        }
        // Each promise once: one still open (the next update, the next key decision) is
        // what happens next, and its earlier instances are not repeated under what has been
        // done; a finished promise shows once, with its latest completion.
        done.retain(|d| !next.iter().any(|n| n.obligation == d.obligation));
        done.sort_by_key(|d| std::cmp::Reverse(d.done_at));
        let mut seen = Vec::new();
        done.retain(|d| {
            let first = !seen.contains(&d.obligation);
            seen.push(d.obligation.clone());
            first
        });
        let mut seen = Vec::new();
        next.sort_by_key(|p| (p.due_at.is_none(), p.due_at));
        next.retain(|n| {
            let first = !seen.contains(&n.obligation);
            seen.push(n.obligation.clone());
            first
        });
        let own_parts = own_parts(plan, &evaluation, &stored.events, actor);
        self.log(
            actor,
            Some(case_id),
            "victim's view",
            Self::purpose(&rel, None),
            now,
        )
        .await?;
        let accessed_by = self.store.access_for_case(case_id).await?;
        let reporter = stored
            .events
            .first()
            .map(|e| e.by.as_str().to_owned())
            .unwrap_or_default();
        let officer = match &summary.oic {
            Some(id) => Some(self.contact(id).await?),
            None => None,
        };
        let mut accessed_by_names = BTreeMap::new();
        for a in &accessed_by {
            let who = &a.entry.actor;
            if !who.starts_with("token:") && !accessed_by_names.contains_key(who) {
                accessed_by_names.insert(who.clone(), self.contact(who).await?.name);
            }
        }
        Ok(VictimView {
            case_id: case_id.clone(),
            plan_title: plan.title.clone(),
            occurred_at: summary.occurred_at,
            reported_at: summary.reported_at,
            reported_by: self.contact(&reporter).await?,
            officer,
            supervisor: self.contact(&summary.supervisor).await?,
            officer_in_case: summary.oic.clone(),
            update_every_days: state.update_every_days(),
            done,
            next,
            accessed_by,
            accessed_by_names,
            own_parts,
        })
    }

    /// A colleague named in the victim's own case, by name: the victim is entitled to know who
    /// is dealing with their case (no directory permission is needed for the people on it).
    async fn contact(&self, id: &str) -> AppResult<Contact> {
        let person = self.store.person(id).await?;
        Ok(Contact {
            id: id.to_owned(),
            name: person
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_else(|| id.to_owned()),
            email: person.and_then(|p| p.email),
        })
    }

    /// Who accessed a case.
    pub async fn access_log(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        now: Timestamp,
    ) -> AppResult<Vec<StoredAccess>> {
        let (_, rel) = self
            .authorise(actor, case_id, CaseAction::ViewAccessLog, now)
            .await?;
        self.log(
            actor,
            Some(case_id),
            "access log",
            Self::purpose(&rel, None),
            now,
        )
        .await?;
        Ok(self.store.access_for_case(case_id).await?)
    }

    /// The open obligations the actor owns, most urgent first.
    pub async fn my_tasks(&self, actor: &Actor, now: Timestamp) -> AppResult<Vec<Task>> {
        let Actor::Person { id, .. } = actor else {
            return Err(AppError::Forbidden(
                "have tasks: tasks belong to people".into(),
            ));
        };
        let rows = self.store.my_tasks(id, 200).await?;
        self.log(
            actor,
            None,
            "my tasks",
            "working on my own tasks".into(),
            now,
        )
        .await?;
        let titles = self.point_titles(&rows).await?;
        Ok(rows
            .into_iter()
            .map(|row| Task {
                overdue: is_overdue(&row, now),
                point_title: titles
                    .get(&row.case_id)
                    .and_then(|t| t.get(&row.point))
                    .cloned()
                    .unwrap_or_default(),
                row,
            })
            .collect())
    }

    /// The titles of the points of the plans the rows' cases are held to, by case and point
    /// number ("Welfare and supervision"), for rows of a list the actor was already given (so
    /// no further access entry). Each case's plan is read once; a case whose plan is not
    /// loaded has none.
    pub async fn point_titles(
        &self,
        rows: &[ObligationRow],
    ) -> AppResult<BTreeMap<CaseId, BTreeMap<String, String>>> {
        let mut titles: BTreeMap<CaseId, BTreeMap<String, String>> = BTreeMap::new();
        for row in rows {
            if titles.contains_key(&row.case_id) {
                continue;
            }
            let points = match self.store.summary(&row.case_id).await? {
                Some(s) => self
                    .plan_of(&s)
                    .await
                    .map(|plan| {
                        plan.points
                            .iter()
                            .map(|p| (p.number.clone(), p.title.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
                None => BTreeMap::new(),
            };
            titles.insert(row.case_id.clone(), points);
        }
        Ok(titles)
    }

    /// The scope of a list for the actor (see [`case_list_scope`]), or Forbidden.
    pub(crate) async fn list_scope(&self, actor: &Actor, list: CaseList) -> AppResult<CaseScope> {
        let chain = match (actor, actor.force()) {
            (
                Actor::Person {
                    unit: Some(unit), ..
                },
                Some(force),
            ) => self.chain_of(force, unit).await?,
            _ => Vec::new(),
        };
        case_list_scope(actor, list, &chain).ok_or_else(|| {
            AppError::Forbidden(match list {
                CaseList::Cases => "list cases".into(),
                CaseList::Overdue => "see overdue work across cases".into(),
            })
        })
    }

    /// Overdue obligations of the cases the actor may view (and a unit), for managers and
    /// leaders, oldest due first.
    pub async fn overdue(
        &self,
        actor: &Actor,
        unit: Option<&str>,
        now: Timestamp,
    ) -> AppResult<Vec<Task>> {
        let scope = self.list_scope(actor, CaseList::Overdue).await?;
        let rows = self.store.overdue(&scope, unit, now, 500).await?;
        self.log(
            actor,
            None,
            "overdue list",
            "line management oversight".into(),
            now,
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| Task {
                overdue: true,
                // Left out here (up to 500 rows); the overview names the rows it shows with
                // `App::point_titles`.
                point_title: String::new(),
                row,
            })
            .collect())
    }

    /// Overdue obligations of the cases the actor may view, counted by unit and plan point in
    /// the database (the overdue list itself is capped; these counts never are).
    pub async fn overdue_counts(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> AppResult<Vec<OverdueCount>> {
        let scope = self.list_scope(actor, CaseList::Overdue).await?;
        let counts = self.store.overdue_counts(&scope, now).await?;
        self.log(
            actor,
            None,
            "overdue counts",
            "line management oversight".into(),
            now,
        )
        .await?;
        Ok(counts)
    }

    /// The cases the actor may view (exactly those the single-case route would show),
    /// newest first.
    pub async fn list_cases(
        &self,
        actor: &Actor,
        filter: CaseFilter,
        now: Timestamp,
    ) -> AppResult<Vec<CaseSummary>> {
        let scope = self.list_scope(actor, CaseList::Cases).await?;
        let cases = self.store.list_cases(&scope, &filter).await?;
        self.log(
            actor,
            None,
            "case list",
            "finding cases to work on".into(),
            now,
        )
        .await?;
        Ok(cases)
    }

    /// The soonest open due time of each case of a list the actor was given by
    /// [`App::list_cases`] (the list's "Next due" column; that read is already logged).
    pub async fn next_due_of(
        &self,
        cases: &[CaseSummary],
    ) -> AppResult<BTreeMap<CaseId, Timestamp>> {
        let ids: Vec<CaseId> = cases.iter().map(|c| c.case_id.clone()).collect();
        Ok(self.store.next_due(&ids).await?.into_iter().collect())
    }

    /// The cases the actor is a victim in, newest first, as links to the victim's view (which
    /// is all a victim may see of their own case).
    pub async fn my_cases_as_victim(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> AppResult<Vec<VictimCase>> {
        let Actor::Person { id, .. } = actor else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for s in self.store.victim_cases(id, 50).await? {
            if decide(
                actor,
                CaseAction::ViewAsVictim,
                &self.relations(actor, &s).await?,
            ) == Decision::Allow
            {
                out.push(VictimCase {
                    case_id: s.case_id,
                    occurred_at: s.occurred_at,
                    reported_at: s.reported_at,
                    status: s.status,
                });
            }
        }
        self.log(
            actor,
            None,
            "my cases as a victim",
            "the victim viewing their own cases".into(),
            now,
        )
        .await?;
        Ok(out)
    }

    /// Whether the actor is a victim in the case (for choosing the page to show).
    pub async fn is_victim_of(&self, actor: &Actor, case_id: &CaseId) -> AppResult<bool> {
        let Some(s) = self.store.summary(case_id).await? else {
            return Ok(false);
        };
        Ok(self.relations(actor, &s).await?.has(Relation::Victim))
    }
}

fn is_overdue(row: &ObligationRow, now: Timestamp) -> bool {
    row.status == RowStatus::Open && row.due_at.is_some_and(|d| d < now)
}

/// The actor's own parts still open: open obligations the victim owns that their own
/// `safety_report_contributed` completes, for systems they have not yet answered for.
fn own_parts(
    plan: &pledge_domain::Plan,
    evaluation: &pledge_domain::Evaluation,
    events: &[pledge_domain::Event],
    actor: &Actor,
) -> Vec<OwnPart> {
    use pledge_domain::plan::Role;
    let Actor::Person { id: me, .. } = actor else {
        return Vec::new();
    };
    let answered = |system: &str| {
        events.iter().any(|e| {
            matches!(&e.kind, pledge_domain::EventKind::SafetyReportContributed { system: s, victim, .. }
                if s.as_str() == system && victim.as_ref().is_none_or(|v| v.as_str() == me))
        })
    };
    let mut parts: Vec<OwnPart> = Vec::new();
    for s in &evaluation.obligations {
        if s.state.is_settled() || s.state == State::NotApplicable {
            continue;
        }
        let o = &plan.obligations[s.obligation];
        if o.owner != Role::Victim {
            continue;
        }
        for c in &o.completed_by {
            if c.event != pledge_domain::EventType::SafetyReportContributed {
                continue;
            }
            let Some(system) = c.qualifier.clone() else {
                continue;
            };
            if answered(&system) || parts.iter().any(|p| p.system == system) {
                continue;
            }
            parts.push(OwnPart {
                system,
                title: o.title.clone(),
                due_at: s.due_at,
            });
        }
    }
    parts
}
