//! Commands: recording an assault and recording a step. Both check the access policy, then
//! the domain (`Case::record`: the plan's rules), then append events, read models and the
//! access entry in one transaction.

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::idempotency::{IdempotentRequest, Once};
use crate::policy::{CaseAction, OrgAction, StepGroup, decide_org};
use jiff::{SignedDuration, Timestamp};
use pledge_domain::event::values::{PersonId, WorkforceRole};
use pledge_domain::{Case, Clocks, Event, EventKind, EventType};
use pledge_store::{AccessAction, AccessEntry, Append, CaseId, CaseSummary, Store, projection};
use serde::Serialize;

/// Events may be dated a little ahead of the server's clock (clock skew), not more.
const FUTURE_TOLERANCE: SignedDuration = SignedDuration::from_mins(5);

/// A new assault to record.
#[derive(Debug, Clone)]
pub struct NewAssault {
    /// The case id; Pledge makes one when absent.
    pub case_id: Option<CaseId>,
    /// The report (`EventKind::AssaultReported`). Its plan is replaced by the plan in force
    /// when `plan_in_force` is true.
    pub report: EventKind,
    /// When it was reported; now when absent.
    pub at: Option<Timestamp>,
    /// Use the force's plan in force rather than the plan named in `report`.
    pub plan_in_force: bool,
    /// Answers given with the report, recorded with it in the same transaction, at the same
    /// time, by the same person (today: whether a suspect was arrested — `arrest_made` or
    /// `no_arrest_recorded` — so the answer can never be lost while the case is saved).
    pub answers: Vec<EventKind>,
}

/// What recording a step produced.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedStep {
    /// The case.
    pub case_id: CaseId,
    /// Its version now.
    pub version: u64,
    /// The event recorded.
    pub event: Event,
}

pub(crate) fn person_id(actor: &Actor) -> AppResult<PersonId> {
    PersonId::parse(&actor.log_id()).map_err(|e| AppError::Internal(format!("actor id: {e}")))
}

pub(crate) fn check_time(at: Timestamp, now: Timestamp) -> AppResult<()> {
    if at > now + FUTURE_TOLERANCE {
        return Err(AppError::invalid("at", format!("{at} is in the future")));
    }
    Ok(())
}

impl<S: Store> App<S> {
    /// Records an assault: the case and its obligations exist once this returns.
    pub async fn record_assault(
        &self,
        actor: &Actor,
        new: NewAssault,
        now: Timestamp,
    ) -> AppResult<CaseSummary> {
        self.open_case(actor, new, None, now).await?.done()
    }

    /// Records an assault, claiming `key` in the same transaction (see [`crate::idempotency`]).
    pub(crate) async fn open_case(
        &self,
        actor: &Actor,
        new: NewAssault,
        key: Option<&IdempotentRequest>,
        now: Timestamp,
    ) -> AppResult<Once<CaseSummary>> {
        let NewAssault {
            case_id,
            mut report,
            at,
            plan_in_force,
            answers,
        } = new;
        let EventKind::AssaultReported { plan, force, .. } = &mut report else {
            return Err(AppError::invalid(
                "type",
                "a case opens with assault_reported",
            ));
        };
        if plan_in_force {
            *plan = self.plan_in_force(force, now).await?;
        }
        if !decide_org(actor, OrgAction::RecordAssault, force) {
            return Err(AppError::Forbidden(format!(
                "record an assault in the force \"{force}\""
            )));
        }
        let plan = self.plan_for_case(force, plan).await?;
        let plan = plan.as_ref();
        let at = at.unwrap_or(now);
        check_time(at, now)?;
        self.check_named_in_force(&report, force_of(&report))
            .await?;
        self.workforce_roles_from_directory(&mut report).await?;
        let event = Event {
            at,
            by: person_id(actor)?,
            kind: report,
        };
        let mut case = Case::new(plan);
        case.record(event.clone())?;
        let mut events = vec![event.clone()];
        for kind in answers {
            if !matches!(
                kind.event_type(),
                EventType::ArrestMade | EventType::NoArrestRecorded
            ) {
                return Err(AppError::invalid(
                    "answers",
                    format!(
                        "{} is recorded as a step of the case, not with the report",
                        kind.event_type().as_str()
                    ),
                ));
            }
            let answer = Event {
                at,
                by: event.by.clone(),
                kind,
            };
            case.record(answer.clone())?;
            events.push(answer);
        }
        let unit = case
            .state()
            .report()
            .map(|r| r.unit.clone())
            .unwrap_or_default();
        let meetings = self.meetings_for(plan, &unit).await?;
        let clocks = Clocks {
            calendar: &self.calendar,
            meetings: &meetings,
        };
        let notify = self
            .outbox_for_events(plan, case.state(), &events, now)
            .await?;
        // A made-up id can collide with an existing case: try a few.
        for attempt in 0..5u32 {
            let id = match &case_id {
                Some(id) => id.clone(),
                None => generated_id(now, attempt)?,
            };
            let projection = projection::project(&id, plan, case.state(), &clocks)
                .ok_or_else(|| AppError::Internal("the report did not open the case".into()))?;
            let summary = projection.summary.clone();
            let idempotency = key.map(|k| k.reserve(actor, &summary, now)).transpose()?;
            let append = Append {
                case_id: id.clone(),
                expected_version: 0,
                events: events.clone(),
                projection,
                access: AccessEntry {
                    at: now,
                    actor: actor.log_id(),
                    action: AccessAction::Collect,
                    case_id: Some(id.clone()),
                    what: "assault reported".into(),
                    justification: "recording an assault on a colleague".into(),
                },
                idempotency,
                notify: notify.clone(),
            };
            match self.store.append(append).await {
                Ok(_) => return Ok(Once::Done(summary)),
                Err(pledge_store::StoreError::KeyUsed(stored)) => {
                    return Ok(Once::Replayed(*stored));
                }
                Err(pledge_store::StoreError::Conflict { .. }) if case_id.is_none() => continue,
                Err(pledge_store::StoreError::Conflict { .. }) => {
                    return Err(AppError::invalid(
                        "case_id",
                        format!("a case {id} already exists"),
                    ));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Internal("could not find a free case id".into()))
    }

    /// Records one step in a case. `expected_version`, when given, must match the case's
    /// version (optimistic concurrency for clients that show a case and then act on it).
    /// Without it, a concurrent change to the case is absorbed: the step is checked again
    /// against the case as it now stands (the plan's rules included) and appended, a few
    /// times at most.
    pub async fn record_step(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        expected_version: Option<u64>,
        at: Option<Timestamp>,
        kind: EventKind,
        now: Timestamp,
    ) -> AppResult<RecordedStep> {
        self.record_step_retrying(actor, case_id, expected_version, at, kind, None, now)
            .await?
            .done()
    }

    /// [`App::record_step`], claiming `key` in the same transaction as the step (see
    /// [`crate::idempotency`]): an attempt after a conflict finds the key if a twin request
    /// recorded the step meanwhile, and records nothing.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn record_step_retrying(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        expected_version: Option<u64>,
        at: Option<Timestamp>,
        kind: EventKind,
        key: Option<&IdempotentRequest>,
        now: Timestamp,
    ) -> AppResult<Once<RecordedStep>> {
        const ATTEMPTS: u32 = 4;
        let mut attempt = 1;
        loop {
            match self
                .record_step_once(actor, case_id, expected_version, at, kind.clone(), key, now)
                .await
            {
                Err(AppError::Conflict { .. })
                    if expected_version.is_none() && attempt < ATTEMPTS =>
                {
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn record_step_once(
        &self,
        actor: &Actor,
        case_id: &CaseId,
        expected_version: Option<u64>,
        at: Option<Timestamp>,
        kind: EventKind,
        key: Option<&IdempotentRequest>,
        now: Timestamp,
    ) -> AppResult<Once<RecordedStep>> {
        let t = kind.event_type();
        if t == EventType::AssaultReported {
            return Err(AppError::invalid("type", "the case is already open"));
        }
        let (summary, rel) = self
            .authorise(actor, case_id, CaseAction::Record(StepGroup::of(t)), now)
            .await?;
        let plan = self.plan_of(&summary).await?;
        let plan = plan.as_ref();
        let stored = self
            .store
            .load_case(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if let Some(v) = expected_version
            && v != stored.version
        {
            return Err(AppError::Conflict {
                expected: v,
                actual: stored.version,
            });
        }
        // Stored events were checked when recorded; a rule tightened since (a plan's wording
        // read more exactly) must not make an existing case unreadable.
        let mut case = Case::restore(plan, stored.events);
        let at = at.unwrap_or(now);
        check_time(at, now)?;
        let event = Event {
            at,
            by: person_id(actor)?,
            kind,
        };
        self.check_named_in_force(&event.kind, &summary.force)
            .await?;
        case.record(event.clone())?;
        let meetings = self.meetings_for(plan, &summary.unit).await?;
        let clocks = Clocks {
            calendar: &self.calendar,
            meetings: &meetings,
        };
        let projection = projection::project(case_id, plan, case.state(), &clocks)
            .ok_or_else(|| AppError::Internal("case without a report".into()))?;
        let notify = self
            .outbox_for_events(plan, case.state(), std::slice::from_ref(&event), now)
            .await?;
        // The answer is known before the append (one event: the next version), so it can be
        // stored with the step under the key.
        let recorded = RecordedStep {
            case_id: case_id.clone(),
            version: stored.version + 1,
            event,
        };
        let idempotency = key.map(|k| k.reserve(actor, &recorded, now)).transpose()?;
        let appended = self
            .store
            .append(Append {
                case_id: case_id.clone(),
                expected_version: stored.version,
                events: vec![recorded.event.clone()],
                projection,
                access: AccessEntry {
                    at: now,
                    actor: actor.log_id(),
                    action: AccessAction::Alter,
                    case_id: Some(case_id.clone()),
                    what: format!("recorded {}", t.as_str()),
                    justification: Self::purpose(&rel, None),
                },
                idempotency,
                notify,
            })
            .await;
        match appended {
            // The answer given is the one stored under the key.
            Ok(_) => Ok(Once::Done(recorded)),
            Err(pledge_store::StoreError::KeyUsed(stored)) => Ok(Once::Replayed(*stored)),
            Err(e) => Err(e.into()),
        }
    }
}

impl<S: Store> App<S> {
    /// Each victim's workforce role as the force's directory holds it (the directory is the
    /// authority; the report's own answer stands only where the directory has none).
    async fn workforce_roles_from_directory(&self, report: &mut EventKind) -> AppResult<()> {
        let EventKind::AssaultReported { victims, .. } = report else {
            return Ok(());
        };
        for v in victims.iter_mut() {
            if let Some(role) = self
                .store
                .person(v.person.as_str())
                .await?
                .and_then(|p| p.workforce_role)
                .and_then(|r| WorkforceRole::parse(&r).ok())
            {
                v.workforce_role = role;
            }
        }
        Ok(())
    }

    /// Every unit and person an event names as part of the force's organisation (the unit
    /// of a new case, its supervisor and victims, the officer in the case) must exist and
    /// belong to the case's force: a case recorded into another force's unit would be
    /// disclosed to that force, and a made-up person would sit outside any chain of command.
    async fn check_named_in_force(&self, kind: &EventKind, force: &str) -> AppResult<()> {
        let (unit, people): (Option<&str>, Vec<(String, &PersonId)>) = match kind {
            EventKind::AssaultReported {
                unit,
                supervisor,
                victims,
                ..
            } => {
                let mut people = vec![("supervisor".to_owned(), supervisor)];
                people.extend(
                    victims
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (format!("victims[{i}].person"), &v.person)),
                );
                (Some(unit.as_str()), people)
            }
            EventKind::OicAssigned { officer } => (None, vec![("officer".to_owned(), officer)]),
            _ => return Ok(()),
        };
        let units = self.store.units().await?;
        let in_force = |u: &str| units.iter().any(|x| x.id == u && x.force == force);
        if let Some(u) = unit
            && !in_force(u)
        {
            return Err(AppError::invalid(
                "unit",
                format!("no unit \"{u}\" in the force \"{force}\""),
            ));
        }
        for (field, id) in people {
            let known = self
                .store
                .person(id.as_str())
                .await?
                .is_some_and(|p| p.unit.as_deref().is_some_and(in_force));
            if !known {
                return Err(AppError::invalid(
                    &field,
                    format!("no person \"{id}\" in the force \"{force}\""),
                ));
            }
        }
        Ok(())
    }
}

/// The force a report names.
fn force_of(kind: &EventKind) -> &str {
    match kind {
        EventKind::AssaultReported { force, .. } => force,
        _ => "",
    }
}

/// A case id for a new case: the date and a number from the clock, varied per attempt.
fn generated_id(now: Timestamp, attempt: u32) -> AppResult<CaseId> {
    let n = (now.as_microsecond().rem_euclid(1_000_000) + i64::from(attempt) * 7919) % 1_000_000;
    CaseId::parse(&format!("PL-{}-{n:06}", now.strftime("%Y%m%d"))).map_err(AppError::Internal)
}
