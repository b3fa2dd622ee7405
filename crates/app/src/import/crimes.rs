//! Crimes from the force's records management system: a record (by the system's own id)
//! attaches a crime reference, the crime classification and the Home Office outcome type
//! (1 to 22) to a Pledge case, found by its Pledge reference or by the crime reference a case
//! already has. Each record is recorded as the events it means (`crime_recorded`,
//! `outcome_finalised`) through `Case::record`, so the plan's rules apply: a record a rule
//! refuses is reported with the plan's words and nothing of it is recorded. A record that
//! matches no case (or more than one) is kept for a person to resolve, never guessed.
//! A record is claimed, by source and id, in the same transaction as its events: importing
//! it again records nothing.

use super::FileErrors;
use super::mapping::Mapping;
use super::parse::{Wanted, read_rows};
use crate::actor::Actor;
use crate::app::App;
use crate::commands::{check_time, person_id};
use crate::error::{AppError, AppResult};
use crate::policy::{CaseAction, OrgAction, decide_org};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use pledge_domain::event::values::OutcomeType;
use pledge_domain::{Case, Clocks, Event, EventKind, EventType};
use pledge_store::{
    AccessAction, AccessEntry, Append, CaseId, DirectoryStore, SourceAppend, SourceRecord, Store,
    UnmatchedRecord, projection,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Read;

/// One record of a crime system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrimeRecord {
    /// The system the record comes from (`niche`, `athena`, ...): records are imported once
    /// per system and record id.
    pub source: String,
    /// The system's own id of the record.
    pub record_id: String,
    /// The Pledge reference of the case (`PL-...`), where the system holds it.
    #[serde(default)]
    pub pledge_reference: Option<String>,
    /// The crime reference.
    pub crime_reference: String,
    /// The crime classification (e.g. the Home Office offence code).
    #[serde(default)]
    pub classification: Option<String>,
    /// The Home Office outcome type, 1 to 22, once finalised.
    #[serde(default)]
    pub outcome_type: Option<u8>,
    /// When the crime was recorded (now when absent; at the case's report when earlier). An
    /// outcome is dated when Pledge receives it.
    #[serde(default)]
    pub recorded_at: Option<Timestamp>,
}

/// What happened to a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CrimeOutcome {
    /// Recorded on the case now.
    Recorded {
        /// The case.
        case_id: CaseId,
        /// The steps recorded (`crime_recorded`, `outcome_finalised`).
        steps: Vec<String>,
    },
    /// Would be recorded (a dry run).
    WouldRecord {
        /// The case.
        case_id: CaseId,
        /// The steps it would record.
        steps: Vec<String>,
    },
    /// Recorded before (the same source and record id): nothing recorded now.
    AlreadyRecorded {
        /// The case.
        case_id: CaseId,
        /// What was recorded then.
        recorded: String,
    },
    /// The case already says all of it: nothing to record.
    NothingNew {
        /// The case.
        case_id: CaseId,
    },
    /// No case matched, or more than one did: kept for a person to resolve.
    Unmatched {
        /// Why, in words.
        reason: String,
    },
    /// The case's plan (or the case as it stands) refuses it: nothing of it was recorded.
    Refused {
        /// The case.
        case_id: CaseId,
        /// The field of the record at fault (`crime_reference`, `outcome_type`).
        field: String,
        /// Why, in the plan's words.
        reason: String,
    },
}

/// A row of a crimes file and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrimeRow {
    /// Row number (header = 1).
    pub row: u64,
    /// The record.
    pub record: CrimeRecord,
    /// What happened.
    pub outcome: CrimeOutcome,
}

/// What a crimes file did (or would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CrimeReport {
    /// Each row and what happened to it (empty when the file has problems).
    pub rows: Vec<CrimeRow>,
    /// The problems with the file: when there is one, nothing is recorded.
    pub errors: FileErrors,
    /// A dry run: nothing was recorded.
    pub dry_run: bool,
}

impl CrimeReport {
    /// Rows whose outcome matches.
    pub fn count(&self, f: impl Fn(&CrimeOutcome) -> bool) -> usize {
        self.rows.iter().filter(|r| f(&r.outcome)).count()
    }
}

fn check_source_id(field: &str, v: &str, max: usize) -> AppResult<()> {
    if v.is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(AppError::invalid(
            field,
            format!("1 to {max} characters, no control characters"),
        ));
    }
    Ok(())
}

impl<S: Store + DirectoryStore> App<S> {
    /// Records one crime system record on its case (see the module). `dry_run` says what
    /// would happen and writes nothing.
    pub async fn record_crime(
        &self,
        actor: &Actor,
        record: &CrimeRecord,
        dry_run: bool,
        now: Timestamp,
    ) -> AppResult<CrimeOutcome> {
        let Some(force) = actor
            .force()
            .filter(|f| decide_org(actor, OrgAction::ImportCrimes, f))
            .map(str::to_owned)
        else {
            return Err(AppError::Forbidden("import crime records".into()));
        };
        // An empty optional field is an absent one.
        let record = &CrimeRecord {
            pledge_reference: record.pledge_reference.clone().filter(|r| !r.is_empty()),
            classification: record.classification.clone().filter(|c| !c.is_empty()),
            ..record.clone()
        };
        check_source_id("source", &record.source, 64)?;
        check_source_id("record_id", &record.record_id, 128)?;
        check_source_id("crime_reference", &record.crime_reference, 64)?;
        if let Some(c) = &record.classification {
            check_source_id("classification", c, 64)?;
        }
        if let Some(r) = &record.pledge_reference
            && r.chars().count() > 64
        {
            return Err(AppError::invalid(
                "pledge_reference",
                "at most 64 characters",
            ));
        }
        let outcome = record
            .outcome_type
            .map(OutcomeType::new)
            .transpose()
            .map_err(|e| AppError::invalid("outcome_type", e))?;
        let at = record.recorded_at.unwrap_or(now);
        check_time(at, now)?;
        if let Some(done) = self
            .store
            .source_record(&record.source, &record.record_id)
            .await?
        {
            return Ok(CrimeOutcome::AlreadyRecorded {
                case_id: done.case_id,
                recorded: done.recorded,
            });
        }
        for attempt in 0..4 {
            let case_id = match self.match_case(&force, record).await? {
                Ok(id) => id,
                Err(reason) => {
                    if !dry_run {
                        self.store
                            .keep_unmatched(&UnmatchedRecord {
                                source: record.source.clone(),
                                record_id: record.record_id.clone(),
                                force: force.clone(),
                                crime_reference: record.crime_reference.clone(),
                                pledge_reference: record.pledge_reference.clone(),
                                reason: reason.clone(),
                                received_at: now,
                            })
                            .await?;
                    }
                    return Ok(CrimeOutcome::Unmatched { reason });
                }
            };
            let (summary, rel) = match self
                .authorise(actor, &case_id, CaseAction::ImportFromSource, now)
                .await
            {
                Ok(x) => x,
                // A case the actor may not know of is no match.
                Err(AppError::NotFound) => {
                    return Ok(CrimeOutcome::Unmatched {
                        reason: "no case with that reference in your force".into(),
                    });
                }
                Err(e) => return Err(e),
            };
            let plan = self.plan_of(&summary).await?;
            let plan = plan.as_ref();
            let stored = self
                .store
                .load_case(&case_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let known: Vec<&str> = stored
                .events
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::CrimeRecorded {
                        crime_reference, ..
                    } => Some(crime_reference.as_str()),
                    _ => None,
                })
                .collect();
            let mut case = Case::restore(plan, stored.events.clone());
            let by = person_id(actor)?;
            // The crime is dated when the system recorded it (a day may name a time before
            // the report: then at the report); the outcome when Pledge learns it, so an
            // outcome finalised after the victim's view was heard is not dated before it.
            let reported = case.state().report().map(|r| r.reported_at);
            let crime_at = reported.map_or(at, |r| at.max(r)).min(now);
            let mut events = Vec::new();
            if let Some(other) = known.iter().find(|r| **r != record.crime_reference) {
                return Ok(CrimeOutcome::Refused {
                    case_id,
                    field: "crime_reference".into(),
                    reason: format!(
                        "the case already has the crime reference {other}, not {}",
                        record.crime_reference
                    ),
                });
            }
            if known.is_empty() {
                events.push(Event {
                    at: crime_at,
                    by: by.clone(),
                    kind: EventKind::CrimeRecorded {
                        crime_reference: record.crime_reference.clone(),
                        safety_reference: None,
                        classification: record.classification.clone(),
                    },
                });
            }
            if let Some(o) = outcome {
                match case.state().outcome() {
                    Some(had) if had == o => {}
                    Some(had) => {
                        return Ok(CrimeOutcome::Refused {
                            case_id,
                            field: "outcome_type".into(),
                            reason: format!(
                                "the outcome is already finalised as type {}, not {}",
                                had.get(),
                                o.get()
                            ),
                        });
                    }
                    None => events.push(Event {
                        at: now,
                        by: by.clone(),
                        kind: EventKind::OutcomeFinalised { outcome_type: o },
                    }),
                }
            }
            if events.is_empty() {
                return Ok(CrimeOutcome::NothingNew { case_id });
            }
            for e in &events {
                if let Err(refusal) = case.record(e.clone()) {
                    let field = match e.event_type() {
                        EventType::OutcomeFinalised => "outcome_type",
                        _ => "crime_reference",
                    };
                    return Ok(CrimeOutcome::Refused {
                        case_id,
                        field: field.into(),
                        reason: refusal.to_string(),
                    });
                }
            }
            let steps: Vec<String> = events
                .iter()
                .map(|e| e.event_type().as_str().to_owned())
                .collect();
            if dry_run {
                return Ok(CrimeOutcome::WouldRecord { case_id, steps });
            }
            let meetings = self.meetings_for(plan, &summary.unit).await?;
            let clocks = Clocks {
                calendar: &self.calendar,
                meetings: &meetings,
            };
            let projection = projection::project(&case_id, plan, case.state(), &clocks)
                .ok_or_else(|| AppError::Internal("case without a report".into()))?;
            let notify = self
                .outbox_for_events(plan, case.state(), &events, now)
                .await?;
            let what = format!(
                "{} from {} record {}",
                steps.join(" and "),
                record.source,
                record.record_id
            );
            let append = Append {
                case_id: case_id.clone(),
                expected_version: stored.version,
                events,
                projection,
                access: AccessEntry {
                    at: now,
                    actor: actor.log_id(),
                    action: AccessAction::Alter,
                    case_id: Some(case_id.clone()),
                    what: format!("recorded {what}"),
                    justification: Self::purpose(&rel, None),
                },
                idempotency: None,
                notify,
            };
            let claim = SourceRecord {
                source: record.source.clone(),
                record_id: record.record_id.clone(),
                case_id: case_id.clone(),
                recorded: what,
                recorded_at: now,
            };
            match self.store.append_from_source(append, claim).await {
                Ok(SourceAppend::Appended(_)) => {
                    return Ok(CrimeOutcome::Recorded { case_id, steps });
                }
                Ok(SourceAppend::AlreadyRecorded(done)) => {
                    return Ok(CrimeOutcome::AlreadyRecorded {
                        case_id: done.case_id,
                        recorded: done.recorded,
                    });
                }
                // The case moved on meanwhile: look again.
                Err(pledge_store::StoreError::Conflict { .. }) if attempt < 3 => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Internal(
            "the case kept changing; try again".into(),
        ))
    }

    /// The case a record belongs to, or why none is chosen.
    async fn match_case(
        &self,
        force: &str,
        record: &CrimeRecord,
    ) -> AppResult<Result<CaseId, String>> {
        if let Some(r) = record.pledge_reference.as_deref().filter(|r| !r.is_empty()) {
            let found = match CaseId::parse(r) {
                Ok(id) => self.store.summary(&id).await?.filter(|s| s.force == force),
                Err(_) => None,
            };
            return Ok(match found {
                Some(s) => Ok(s.case_id),
                None => Err(format!(
                    "no case with the Pledge reference {r} in your force"
                )),
            });
        }
        let mut ids = Vec::new();
        for id in self
            .store
            .cases_with_crime_reference(&record.crime_reference)
            .await?
        {
            if self
                .store
                .summary(&id)
                .await?
                .is_some_and(|s| s.force == force)
            {
                ids.push(id);
            }
        }
        Ok(match ids.len() {
            1 => Ok(ids.remove(0)),
            0 => Err(format!(
                "no case has the crime reference {} yet: give the case's Pledge reference",
                record.crime_reference
            )),
            n => Err(format!(
                "{n} cases have the crime reference {}: give the case's Pledge reference",
                record.crime_reference
            )),
        })
    }

    /// Imports a crimes file (see the module). A file with problems (a missing column, a row
    /// that cannot be read, a duplicate record id, an outcome type out of range) records
    /// nothing; otherwise each row is recorded, refused or left unmatched on its own.
    pub async fn import_crimes<R: Read + Send>(
        &self,
        actor: &Actor,
        input: R,
        mapping: &Mapping,
        dry_run: bool,
        now: Timestamp,
    ) -> AppResult<CrimeReport> {
        if !actor
            .force()
            .is_some_and(|f| decide_org(actor, OrgAction::ImportCrimes, f))
        {
            return Err(AppError::Forbidden("import crime records".into()));
        }
        let c = &mapping.crimes;
        fn w(header: &str, required: bool) -> Wanted<'_> {
            Wanted { header, required }
        }
        let wanted = [
            w(&c.record_id, true),
            w(&c.pledge_reference, false),
            w(&c.crime_reference, true),
            w(&c.classification, false),
            w(&c.outcome, false),
            w(&c.recorded_on, false),
        ];
        let london = TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC);
        let mut records: Vec<(u64, CrimeRecord)> = Vec::new();
        let mut seen: HashMap<String, u64> = HashMap::new();
        let errors = read_rows(input, &wanted, |row, cells, errors| {
            let before = errors.total;
            let [id, pledge, crime, class, outcome, day] =
                <[String; 6]>::try_from(cells).unwrap_or_else(|_| Default::default());
            if id.is_empty() || id.chars().count() > 128 {
                errors.at(row, &c.record_id, "required: 1 to 128 characters");
            } else if let Some(first) = seen.insert(id.clone(), row) {
                errors.at(
                    row,
                    &c.record_id,
                    format!("\"{id}\" is also on row {first}: each record once"),
                );
            }
            if crime.is_empty() || crime.chars().count() > 64 {
                errors.at(row, &c.crime_reference, "required: 1 to 64 characters");
            }
            if class.chars().count() > 64 {
                errors.at(row, &c.classification, "at most 64 characters");
            }
            let outcome_type = if outcome.is_empty() {
                None
            } else {
                match outcome.parse::<u8>().ok().filter(|n| (1..=22).contains(n)) {
                    Some(n) => Some(n),
                    None => {
                        errors.at(
                            row,
                            &c.outcome,
                            format!("\"{outcome}\" is not a Home Office outcome type (1 to 22)"),
                        );
                        None
                    }
                }
            };
            let recorded_at = if day.is_empty() {
                None
            } else {
                match Date::strptime(c.date_format.as_str(), &day)
                    .ok()
                    .and_then(|d| d.to_zoned(london.clone()).ok())
                {
                    Some(z) => Some(z.timestamp().min(now)),
                    None => {
                        errors.at(
                            row,
                            &c.recorded_on,
                            format!(
                                "\"{day}\" is not a date written as {} (the mapping's date_format)",
                                c.date_format
                            ),
                        );
                        None
                    }
                }
            };
            if errors.total == before {
                records.push((
                    row,
                    CrimeRecord {
                        source: c.source.clone(),
                        record_id: id,
                        pledge_reference: Some(pledge).filter(|p| !p.is_empty()),
                        crime_reference: crime,
                        classification: Some(class).filter(|p| !p.is_empty()),
                        outcome_type,
                        recorded_at,
                    },
                ));
            }
        });
        let mut report = CrimeReport {
            rows: Vec::new(),
            errors,
            dry_run,
        };
        if !report.errors.is_empty() {
            return Ok(report);
        }
        for (row, record) in records {
            let outcome = self.record_crime(actor, &record, dry_run, now).await?;
            report.rows.push(CrimeRow {
                row,
                record,
                outcome,
            });
        }
        Ok(report)
    }

    /// The records of the actor's force that no case matched, newest first.
    pub async fn unmatched_crimes(
        &self,
        actor: &Actor,
        limit: u32,
    ) -> AppResult<Vec<UnmatchedRecord>> {
        let Some(force) = actor
            .force()
            .filter(|f| crate::policy::decide_org(actor, crate::policy::OrgAction::Maintain, f))
        else {
            return Err(AppError::Forbidden("see unmatched crime records".into()));
        };
        Ok(self.store.unmatched(force, limit).await?)
    }
}
