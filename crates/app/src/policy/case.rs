//! Who may do what to a case: account role plus relationship to the case, default deny.
//! Plain rules in one function, so the whole policy reads top to bottom and is tested as a
//! table (every action × role × relationship).

use crate::actor::{AccountRole, Actor, TokenScope};
use pledge_domain::EventType;
use pledge_store::CaseScope;
use serde::Serialize;

/// How the actor relates to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// A victim of the assault.
    Victim,
    /// The victim's supervisor named in the case.
    Supervisor,
    /// The officer in the case.
    OfficerInCase,
    /// A manager or leader over the case's unit (the unit or one above it in the chain of
    /// command), holding the inspector or senior leader role.
    ChainOfCommand,
    /// Same force, and the actor's role works force-wide (force lead, welfare, administrator).
    SameForce,
    /// The person (or system) who recorded the assault: they may see the confirmation of
    /// what they recorded, not the case.
    Recorder,
}

/// The relations an actor has with a case (there may be several, or none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relations(Vec<Relation>);

impl Relations {
    /// From a list.
    pub fn new(rs: impl IntoIterator<Item = Relation>) -> Self {
        let mut v: Vec<Relation> = rs.into_iter().collect();
        v.dedup();
        Self(v)
    }
    /// Whether it includes one.
    pub fn has(&self, r: Relation) -> bool {
        self.0.contains(&r)
    }
    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The relations.
    pub fn iter(&self) -> impl Iterator<Item = Relation> + '_ {
        self.0.iter().copied()
    }
}

/// Groups of plan steps, by who normally records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepGroup {
    /// Supervision and welfare by the line: senior leaders told, H&S report, welfare
    /// meeting, TRiM referral, support, staff association, leaflet, TRM, debrief, lessons,
    /// crime recorded, OIC assigned.
    Supervision,
    /// The investigation: statements, arrest, decisions, victim updates, evidence, file,
    /// outcome, court.
    Investigation,
    /// Confidential welfare detail: TRiM assessments.
    Welfare,
    /// What only the victim chooses: how often they are updated.
    VictimOwn,
    /// The victim's voice: their view on the outcome, and asking to make a Victim Personal
    /// Statement. The victim may give it themself, or the officer who discussed it with them
    /// records it.
    VictimVoice,
    /// Managing the case: waivers, closure, survey, RIDDOR.
    Management,
    /// Written by Pledge itself (escalations); never by a person.
    System,
}

impl StepGroup {
    /// The group an event type belongs to.
    pub fn of(t: EventType) -> StepGroup {
        use EventType::*;
        match t {
            CrimeRecorded
            | OicAssigned
            | SeniorLeadershipInformed
            | FimNotified
            | SafetyReportCompleted
            | DaysLostRecorded
            | WelfareMeetingHeld
            | TrimReferralConsidered
            | SupportReferralMade
            | SupportOptedOut
            | StaffAssociationNotified
            | LeafletGiven
            | RaisedAtTrm
            | DebriefHeld
            | LessonCaptured
            | RepeatVictimReviewed => StepGroup::Supervision,
            StatementTaken
            | SuspectIdentified
            | ArrestMade
            | NoArrestRecorded
            | KeyDecisionMade
            | VictimUpdated
            | InvestigationPlanCompleted
            | VpsOffered
            | ImpactStatementAdded
            | FileSubmitted
            | OutcomeFinalised
            | Charged
            | CourtHearing
            | VerdictGiven
            | Sentenced
            | SentenceReviewed
            | CircumstancesRecorded => StepGroup::Investigation,
            TrimAssessmentHeld => StepGroup::Welfare,
            UpdateFrequencyChosen => StepGroup::VictimOwn,
            VictimViewRecorded | VpsRequested | SafetyReportContributed => StepGroup::VictimVoice,
            ObligationWaived | CaseClosed | SurveySent | RiddorReported => StepGroup::Management,
            ObligationEscalated | AssaultReported => StepGroup::System,
        }
    }
}

/// What an actor wants to do with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "action", content = "group")]
pub enum CaseAction {
    /// Read the full case: summary, obligations, timeline (confidential welfare detail
    /// filtered separately).
    View,
    /// Read the victim's view of their own case.
    ViewAsVictim,
    /// Read who accessed the case.
    ViewAccessLog,
    /// Read confidential welfare detail (TRiM assessments).
    ViewWelfareDetail,
    /// Record a step of a group.
    Record(StepGroup),
    /// See the confirmation of a recorded assault: its reference and what the plan does next
    /// (not the case itself).
    ViewConfirmation,
    /// Attach a record of the force's own crime system (crime reference, classification,
    /// outcome) to the case: the system's token with `cases:write`, an administrator or the
    /// force lead of the force, the case's officer in the case if an investigator.
    ImportFromSource,
    /// See the case as the tasking and resourcing meeting (TRM) is briefed on it: what
    /// happened and where, never who (WMP 8). Welfare and TRiM staff of the force, the
    /// victim's line and chain of command (who sit at the TRM), and the force lead.
    ViewTrmBriefing,
}

/// Whether an actor may act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Allowed.
    Allow,
    /// Not allowed; the actor may see the case exists (answer 403).
    Deny,
    /// Not allowed and the actor has no business knowing the case exists (answer 404).
    Hide,
}

/// Decides a case action. Default deny; a colleague with no relationship sees nothing.
pub fn decide(actor: &Actor, action: CaseAction, rel: &Relations) -> Decision {
    use CaseAction::*;
    use Relation::*;
    use StepGroup as G;

    let allowed = match actor {
        Actor::System { .. } => match action {
            // Systems act force-wide within their scopes; never as a victim, never on
            // confidential welfare detail.
            View | ViewAccessLog => rel.has(SameForce) && actor.scoped(TokenScope::CasesRead),
            ViewConfirmation => {
                rel.has(Recorder) || (rel.has(SameForce) && actor.scoped(TokenScope::CasesRead))
            }
            Record(G::Supervision | G::Investigation | G::VictimVoice | G::Management) => {
                rel.has(SameForce) && actor.scoped(TokenScope::CasesWrite)
            }
            ImportFromSource => rel.has(SameForce) && actor.scoped(TokenScope::CasesWrite),
            ViewTrmBriefing => false,
            ViewAsVictim | ViewWelfareDetail | Record(G::Welfare | G::VictimOwn | G::System) => {
                false
            }
        },
        // A victim acts on their own case only as its victim, whatever else they are: never
        // investigating or supervising their own assault, never reading restricted material.
        Actor::Person { .. } if rel.has(Victim) => {
            matches!(
                action,
                ViewAsVictim
                    | ViewAccessLog
                    | ViewWelfareDetail
                    | Record(G::VictimOwn | G::VictimVoice)
            ) || (action == ViewConfirmation && rel.has(Recorder))
        }
        Actor::Person { .. } => {
            let lead = rel.has(SameForce) && actor.has(AccountRole::ForceLead);
            let admin = rel.has(SameForce) && actor.has(AccountRole::Administrator);
            let welfare = rel.has(SameForce) && actor.has(AccountRole::Welfare);
            let line = rel.has(Supervisor) || rel.has(ChainOfCommand);
            let view = line || rel.has(OfficerInCase) || lead || admin;
            match action {
                View => view,
                ViewConfirmation => view || rel.has(Recorder),
                ViewAccessLog => line || lead || admin,
                ViewWelfareDetail => welfare,
                Record(G::Supervision) => line || lead,
                Record(G::Investigation | G::VictimVoice) => rel.has(OfficerInCase) || line || lead,
                Record(G::Welfare) => welfare,
                ViewAsVictim | Record(G::VictimOwn) => false,
                Record(G::Management) => rel.has(ChainOfCommand) || lead,
                Record(G::System) => false,
                ImportFromSource => {
                    admin
                        || lead
                        || (rel.has(OfficerInCase) && actor.has(AccountRole::Investigator))
                }
                ViewTrmBriefing => welfare || line || lead,
            }
        }
    };
    if allowed {
        return Decision::Allow;
    }
    // May the actor know the case exists? Anyone with a relationship to it, and welfare
    // staff (who see that a colleague needs support, not the investigation).
    let can_know = !rel.is_empty()
        && (rel.iter().any(|r| r != SameForce) || {
            actor.has(AccountRole::ForceLead)
                || actor.has(AccountRole::Administrator)
                || actor.has(AccountRole::Welfare)
                || matches!(actor, Actor::System { scopes, .. } if !scopes.is_empty())
        });
    if can_know {
        Decision::Deny
    } else {
        Decision::Hide
    }
}

/// Which list of cases an actor asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseList {
    /// Case summaries (`GET /cases`).
    Cases,
    /// Overdue obligations across cases: a management view (inspectors, senior leaders, the
    /// force lead, administrators).
    Overdue,
}

/// The cases an actor may see in a list, as a scope the store applies in its query: exactly
/// the cases for which [`decide`] allows [`CaseAction::View`] (the relations being those
/// `App::relations` finds), so a list never shows a case its single-case route would refuse.
/// `chain` is the actor's unit and every unit below it in the chain of command. `None`: the
/// actor may list nothing.
pub fn case_list_scope(actor: &Actor, list: CaseList, chain: &[String]) -> Option<CaseScope> {
    let force = actor.force().filter(|f| !f.is_empty())?.to_owned();
    let manager = [
        AccountRole::Inspector,
        AccountRole::SeniorLeader,
        AccountRole::ForceLead,
        AccountRole::Administrator,
    ]
    .into_iter()
    .any(|r| actor.has(r));
    if list == CaseList::Overdue && !manager && !actor.scoped(TokenScope::CasesRead) {
        return None;
    }
    match actor {
        // View for a system: same force and `cases:read`.
        Actor::System { .. } => actor.scoped(TokenScope::CasesRead).then(|| CaseScope {
            force,
            whole_force: true,
            units: Vec::new(),
            named: None,
            not_victim: None,
        }),
        // View for a person: never as a victim; otherwise supervisor, officer in the case,
        // chain of command (inspector or senior leader over the case's unit), or force-wide
        // (force lead, administrator).
        Actor::Person { id, .. } => Some(CaseScope {
            force,
            whole_force: actor.has(AccountRole::ForceLead) || actor.has(AccountRole::Administrator),
            units: if actor.has(AccountRole::Inspector) || actor.has(AccountRole::SeniorLeader) {
                chain.to_vec()
            } else {
                Vec::new()
            },
            named: Some(id.clone()),
            not_victim: Some(id.clone()),
        }),
    }
}
