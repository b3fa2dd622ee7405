//! What the store keeps and returns: case ids, stored events, read-model rows, organisation
//! data and access-log entries. Plain data; the backends map it to tables.

use crate::idempotency::IdempotencyReservation;
pub use crate::report::Headcount;
use jiff::Timestamp;
use pledge_domain::Event;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A case's id (the force's reference): 1 to 64 letters, digits, `-`, `_`, `/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseId(String);

impl CaseId {
    /// Parses a case id.
    pub fn parse(s: &str) -> Result<Self, String> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/'));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(format!(
                "a case id is 1 to 64 letters, digits, '-', '_' or '/', got \"{s}\""
            ))
        }
    }
    /// As text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CaseId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}
impl From<CaseId> for String {
    fn from(c: CaseId) -> String {
        c.0
    }
}
impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A SHA-256 hash in the chain.
pub type Hash = [u8; 32];

/// Events to append to one case, with the version the writer read.
#[derive(Debug, Clone)]
pub struct Append {
    /// The case.
    pub case_id: CaseId,
    /// The number of events the writer saw (0 for a new case). A different current version
    /// is a conflict: nothing is written.
    pub expected_version: u64,
    /// New events, in order (at least one).
    pub events: Vec<Event>,
    /// The read models for the case after these events (see [`crate::projection`]).
    pub projection: Projection,
    /// The access-log entry for this change (action `collect` for a new case, else `alter`).
    pub access: AccessEntry,
    /// The idempotency key this append claims, with the answer to keep under it: written in
    /// the same transaction, and if the key is taken nothing is written (see
    /// [`crate::idempotency`]).
    pub idempotency: Option<IdempotencyReservation>,
    /// Notifications (and an escalation level) written in the same transaction.
    pub notify: Option<crate::notify::Outbox>,
}

/// What an acknowledged append wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The case's version after the append.
    pub version: u64,
    /// The global sequence number of the last event written.
    pub last_seq: i64,
    /// The log head hash after the append.
    pub head: Hash,
}

/// A case's events as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCase {
    /// The case.
    pub case_id: CaseId,
    /// Number of events.
    pub version: u64,
    /// The events in order. Empty after disposal.
    pub events: Vec<Event>,
    /// Set when the case's personal data has been disposed of.
    pub disposed: Option<Disposal>,
}

/// The read models of one case, derived from its events; never the source of truth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Projection {
    /// The case summary.
    pub summary: CaseSummary,
    /// One row per obligation (and instance).
    pub obligations: Vec<ObligationRow>,
    /// The per-case report row (the scrutiny pack's facts).
    pub report: crate::report::CaseReport,
    /// The escalation sweep's index: when each reminder and escalation level of each open
    /// obligation of an open case falls due (levels already decided are left out as the
    /// rows are written; see migration 0020).
    pub escalation_due: Vec<EscalationDue>,
}

/// One reminder or escalation level of an open obligation and when it falls due: a row of the
/// sweep's index of next-due times (`escalation_due`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EscalationDue {
    /// The obligation.
    pub obligation_id: String,
    /// Its instance.
    pub instance: u32,
    /// The level (0 reminder, 1 overdue to the owner, 2.. `escalates_to`).
    pub level: u32,
    /// When it falls due.
    pub due_at: Timestamp,
}

/// A case's summary, for lists and search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseSummary {
    /// The case.
    pub case_id: CaseId,
    /// Plan id.
    pub plan_id: String,
    /// Plan version.
    pub plan_version: u32,
    /// Force.
    pub force: String,
    /// Unit.
    pub unit: String,
    /// When the assault happened.
    pub occurred_at: Timestamp,
    /// When it was reported.
    pub reported_at: Timestamp,
    /// Worst injury (`none`, `minor`, `serious`, `critical`).
    pub injury: String,
    /// Any victim hospitalised.
    pub hospitalised: bool,
    /// Hate crime strands (empty: not a hate crime).
    pub hate_crime: Vec<String>,
    /// `open` or `closed`.
    pub status: String,
    /// Officer in the case.
    pub oic: Option<String>,
    /// The victim's supervisor.
    pub supervisor: String,
    /// Victims' person ids.
    pub victims: Vec<String>,
    /// A suspect was arrested.
    pub arrested: bool,
    /// A reason for no arrest was recorded.
    pub no_arrest_reason: bool,
    /// Home Office outcome type, once finalised.
    pub outcome_type: Option<u8>,
    /// Number of events.
    pub version: u64,
}

/// The settled state of an obligation row; open rows are overdue or not by their due time,
/// read against the clock at query time (so rows never go stale as time passes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// Not done yet.
    Open,
    /// Done by the deadline.
    MetOnTime,
    /// Done after the deadline.
    MetLate,
    /// Waived.
    Waived,
    /// Does not apply.
    NotApplicable,
}

impl RowStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Open => "open",
            RowStatus::MetOnTime => "met_on_time",
            RowStatus::MetLate => "met_late",
            RowStatus::Waived => "waived",
            RowStatus::NotApplicable => "not_applicable",
        }
    }
    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Open,
            Self::MetOnTime,
            Self::MetLate,
            Self::Waived,
            Self::NotApplicable,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// One obligation (or instance) of a case: "my tasks" and "overdue in my area" read these.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObligationRow {
    /// The case.
    pub case_id: CaseId,
    /// Obligation id in the plan.
    pub obligation_id: String,
    /// Instance (0 for one-off obligations).
    pub instance: u32,
    /// Plan point number.
    pub point: String,
    /// What must be done.
    pub title: String,
    /// Owner role.
    pub owner_role: String,
    /// Owner, where the case names them.
    pub owner_person: Option<String>,
    /// Force of the case (denormalised for area queries).
    pub force: String,
    /// Unit of the case (denormalised for area queries).
    pub unit: String,
    /// Clock start.
    pub started_at: Option<Timestamp>,
    /// Due time.
    pub due_at: Option<Timestamp>,
    /// Completion time.
    pub completed_at: Option<Timestamp>,
    /// Settled state, or open.
    pub status: RowStatus,
}

/// Which cases a reader may see in a list, as the access policy decides it
/// (`pledge_app::policy::case_list_scope`). Every list query applies it in SQL, so a list never
/// shows a case that the single-case route would refuse, and a page of results is never
/// filtered after the fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseScope {
    /// The reader's force: a scope always names one (a missing force never means "all").
    pub force: String,
    /// Every case of the force (force lead, administrator, a force system's token).
    pub whole_force: bool,
    /// Cases in these units (the reader's chain of command).
    pub units: Vec<String>,
    /// Cases naming this person as supervisor or officer in the case.
    pub named: Option<String>,
    /// Never cases naming this person as a victim: a victim sees their own case only through
    /// the victim's view.
    pub not_victim: Option<String>,
}

impl CaseScope {
    /// Every case of a force (what a force-wide reader may list; for tools and tests).
    pub fn whole_force(force: &str) -> Self {
        Self {
            force: force.to_owned(),
            whole_force: true,
            units: Vec::new(),
            named: None,
            not_victim: None,
        }
    }
}

/// How many obligations are overdue in one unit at one plan point (the leadership overview's
/// table), counted in the database, never from a capped list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueCount {
    /// Unit of the cases.
    pub unit: String,
    /// The plan the cases are held to (a point's code means something only within its plan).
    pub plan_id: String,
    /// The plan's version.
    pub plan_version: u32,
    /// Plan point.
    pub point: String,
    /// Overdue obligations.
    pub count: u64,
}

/// Overdue counts in one order on every backend: by unit, plan (id, then version as a number)
/// and point.
pub(crate) fn sorted_counts(mut counts: Vec<OverdueCount>) -> Vec<OverdueCount> {
    counts.sort_by(|a, b| {
        (&a.unit, &a.plan_id, a.plan_version, &a.point).cmp(&(
            &b.unit,
            &b.plan_id,
            b.plan_version,
            &b.point,
        ))
    });
    counts
}

/// Filters for listing cases, within a [`CaseScope`]; all optional.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Unit.
    pub unit: Option<String>,
    /// `open` or `closed`.
    pub status: Option<String>,
    /// Only hate crimes.
    pub hate_crime: Option<bool>,
    /// Only hospitalised.
    pub hospitalised: Option<bool>,
    /// Occurred at or after.
    pub from: Option<Timestamp>,
    /// Occurred before.
    pub to: Option<Timestamp>,
    /// A case reference (exactly, or its beginning) or a name of a victim or of the officer
    /// in the case as the force directory holds it (any part, either case). Only cases within
    /// the scope are ever matched.
    pub search: Option<String>,
    /// Only cases with an obligation at this plan point overdue at a moment.
    pub overdue_point: Option<OverdueOn>,
    /// The column the list is sorted by (the newest report first by default).
    pub sort: CaseSort,
    /// Ascending or descending; each column's natural order when not given
    /// ([`CaseSort::natural_order`]).
    pub order: Option<SortOrder>,
    /// Page size (default 50, at most 500).
    pub limit: Option<u32>,
    /// Offset.
    pub offset: Option<u32>,
}

/// "Overdue on point ...": an open obligation of an open case at `point`, past due at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueOn {
    /// The plan point's number (`a`, `3`).
    pub point: String,
    /// The moment read against (one moment for every page of a list, so pages agree).
    pub at: Timestamp,
}

/// A column of the case list to sort by; ties are broken by the case reference in the same
/// direction, so pages never overlap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseSort {
    /// When it was reported (the default, newest first).
    #[default]
    Reported,
    /// When the assault happened.
    Occurred,
    /// The case reference.
    Reference,
    /// The unit, by name.
    Unit,
    /// Open or closed.
    Status,
    /// The soonest due time of its open obligations (cases with none last, either way).
    NextDue,
}

impl CaseSort {
    /// Every column, in the order the list shows them.
    pub const ALL: [CaseSort; 6] = [
        CaseSort::Reference,
        CaseSort::Occurred,
        CaseSort::Reported,
        CaseSort::Unit,
        CaseSort::Status,
        CaseSort::NextDue,
    ];

    /// The name in a query string.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseSort::Reported => "reported",
            CaseSort::Occurred => "occurred",
            CaseSort::Reference => "reference",
            CaseSort::Unit => "unit",
            CaseSort::Status => "status",
            CaseSort::NextDue => "next_due",
        }
    }

    /// Reads a name of [`CaseSort::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The order a person expects first: dates newest first, the rest A to Z, soonest due
    /// first.
    pub fn natural_order(self) -> SortOrder {
        match self {
            CaseSort::Reported | CaseSort::Occurred => SortOrder::Desc,
            _ => SortOrder::Asc,
        }
    }
}

/// Ascending or descending (descending by default, the default column's natural order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Smallest (earliest, A) first.
    Asc,
    /// Largest (latest, Z) first.
    #[default]
    Desc,
}

impl SortOrder {
    /// The name in a query string and in SQL.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Asc => "asc",
            SortOrder::Desc => "desc",
        }
    }

    /// Reads `asc` or `desc`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "asc" => Some(SortOrder::Asc),
            "desc" => Some(SortOrder::Desc),
            _ => None,
        }
    }

    /// The other way.
    pub fn flip(self) -> Self {
        match self {
            SortOrder::Asc => SortOrder::Desc,
            SortOrder::Desc => SortOrder::Asc,
        }
    }
}

/// What kind of processing an access-log entry records (Data Protection Act 2018 s62).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessAction {
    /// Collection.
    Collect,
    /// Alteration.
    Alter,
    /// Consultation (reading).
    Consult,
    /// Disclosure (to another system or person).
    Disclose,
    /// Combination with other data.
    Combine,
    /// Erasure.
    Erase,
}

impl AccessAction {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessAction::Collect => "collect",
            AccessAction::Alter => "alter",
            AccessAction::Consult => "consult",
            AccessAction::Disclose => "disclose",
            AccessAction::Combine => "combine",
            AccessAction::Erase => "erase",
        }
    }
    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        use AccessAction::*;
        [Collect, Alter, Consult, Disclose, Combine, Erase]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// One access-log entry: who, when, what, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessEntry {
    /// When.
    pub at: Timestamp,
    /// Who (a person id, or `token:NAME` for a system).
    pub actor: String,
    /// What kind of processing.
    pub action: AccessAction,
    /// The case, when the access is to a case.
    pub case_id: Option<CaseId>,
    /// What was accessed, in words (e.g. `case page`, `timeline`, `export`).
    pub what: String,
    /// The stated justification (purpose).
    pub justification: String,
}

/// A stored access-log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredAccess {
    /// Sequence number.
    pub seq: i64,
    /// The entry.
    pub entry: AccessEntry,
}

/// A person in the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Person id (collar or staff number).
    pub id: String,
    /// Name.
    pub name: String,
    /// Email for notifications.
    pub email: Option<String>,
    /// Workforce role (`officer`, `staff`, ...).
    pub workforce_role: Option<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Line manager's person id.
    pub line_manager: Option<String>,
    /// Staff association (`federation`, `unison`, `unite`).
    pub staff_association: Option<String>,
}

/// A unit in the chain of command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Unit id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Force.
    pub force: String,
    /// Parent unit (None at the top of the force).
    pub parent: Option<String>,
}

/// A meeting on a calendar (e.g. a unit's TRM).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingDate {
    /// Calendar id (`trm`).
    pub calendar: String,
    /// Unit whose meeting it is.
    pub unit: String,
    /// When.
    pub at: Timestamp,
}

/// A record that a case's personal data was disposed of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disposal {
    /// The case.
    pub case_id: CaseId,
    /// Who authorised it.
    pub by: String,
    /// When.
    pub at: Timestamp,
    /// Why.
    pub reason: String,
}

/// A break in a hash chain found by `verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainProblem {
    /// `events` or `access`.
    pub log: &'static str,
    /// The case (events log only).
    pub case_id: Option<String>,
    /// Position: the case version (events) or sequence number (access / global).
    pub position: i64,
    /// `edited`, `deleted`, `inserted` or `reordered`.
    pub kind: &'static str,
    /// In words.
    pub detail: String,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Events checked.
    pub events: u64,
    /// Access-log entries checked.
    pub access_entries: u64,
    /// The event log's head hash (hex), when there are events.
    pub head: Option<String>,
    /// The access log's head hash (hex).
    pub access_head: Option<String>,
    /// Problems; empty for a clean log.
    pub problems: Vec<ChainProblem>,
}

/// A convenience for stored events.
pub type Events = Vec<Event>;

/// The cases a backtest reads: those of some forces reported in a period. It always names
/// its forces: an empty list selects nothing (a missing force never means "all").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodSelection {
    /// Forces, by code.
    pub forces: Vec<String>,
    /// Reported at or after this.
    pub from: Timestamp,
    /// Reported before this.
    pub to: Timestamp,
}

/// One case of a [`PeriodSelection`] with its events in order (never a disposed case).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodCase {
    /// The case.
    pub case_id: CaseId,
    /// Its events, in order.
    pub events: Vec<Event>,
}
