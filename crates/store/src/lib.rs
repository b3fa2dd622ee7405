//! Pledge's durable store: a tamper-evident, append-only case log with read models and the
//! access log, behind one trait with two backends: SQLite (embedded, the default) and
//! PostgreSQL (several application servers sharing one database).

mod access_group;
pub mod accounts;
pub mod any;
mod case_list;
pub mod chain;
pub mod directory;
mod encode;
mod error;
mod feed;
pub mod idempotency;
pub mod integrity;
pub mod model;
pub mod notify;
pub mod notify_settings;
pub mod on_call;
pub mod panel;
mod period;
pub mod plans;
pub mod postgres;
pub mod projection;
pub mod rebuild;
pub mod report;
mod rows;
pub mod schedule;
mod scope;
pub mod sqlite;
mod verify;
pub mod webhooks;

pub use accounts::{Account, AccountStore, ApiToken, Failures, LoginFailures, Session};
pub use any::{AnyStore, open};
pub use directory::{
    DirectoryImport, DirectoryImported, DirectoryStore, ImportUpload, Leaver, SourceAppend,
    SourceRecord, UnmatchedRecord,
};
pub use error::{Result, StoreError};
pub use feed::{CaseChunk, CaseFeed, RawCase};
pub use idempotency::{IdempotencyReservation, IdempotencyStore, IdempotentResponse};
pub use integrity::{
    ExpectedHead, Heads, StoredReadModel, VerifyOptions, first_difference, verify_read_models,
    verify_read_models_with,
};
pub use model::*;
pub use notify::NotificationStore;
pub use notify_settings::{NotificationSettings, NotificationSettingsStore};
pub use on_call::{OnCallShift, OnCallStore};
pub use panel::{PanelReview, PanelReviewStore};
pub use plans::{NewPlanEntry, PlanEntry, PlanStore, verify_plan_register};
pub use postgres::PostgresStore;
pub use rebuild::{rebuild, rebuild_with};
pub use report::{
    CaseFacts, CaseKept, CaseReport, FirstApplied, HEADCOUNT_ROLES, Headcount, ObligationKept,
    ReportScope, VictimFact,
};
pub use schedule::{MeetingSchedule, MeetingScheduleStore};
pub use sqlite::SqliteStore;
pub use webhooks::WebhookStore;

use jiff::Timestamp;
use std::future::Future;

/// The store. Both backends pass the same conformance suite (`tests/conformance.rs`).
///
/// Every method that returns case data is a read the caller must log (see
/// [`Store::record_access`]); appends log their own access entry in the same transaction.
pub trait Store:
    PlanStore
    + OnCallStore
    + PanelReviewStore
    + WebhookStore
    + MeetingScheduleStore
    + NotificationSettingsStore
    + Send
    + Sync
{
    /// Applies embedded migrations; refuses a database from a newer Pledge.
    fn migrate(&self) -> impl Future<Output = Result<()>> + Send;

    /// Appends events to one case atomically, with optimistic concurrency, updating the read
    /// models and writing the access entry in the same transaction. Durable on return.
    fn append(&self, append: Append) -> impl Future<Output = Result<Appended>> + Send;

    /// Appends to many cases in one transaction (bulk import): all or nothing.
    fn append_batch(
        &self,
        batch: Vec<Append>,
    ) -> impl Future<Output = Result<Option<Appended>>> + Send;

    /// A case's events, or `None` if there is no such case.
    fn load_case(
        &self,
        case_id: &CaseId,
    ) -> impl Future<Output = Result<Option<StoredCase>>> + Send;

    /// Every case of a selection with its events, in case-id order, handed to `visit` one
    /// case at a time as one ordered query streams them (a backtest holds only the case being
    /// read). Disposed cases are not included; an empty list of forces selects nothing.
    /// Returns how many cases were visited; an error from `visit` stops the read.
    fn visit_period_cases(
        &self,
        selection: &PeriodSelection,
        visit: &mut (dyn FnMut(PeriodCase) -> Result<()> + Send),
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Case ids in order, after `after`, at most `limit` (for paging through every case).
    fn case_ids(
        &self,
        after: Option<&CaseId>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<CaseId>>> + Send;

    /// One case's summary.
    fn summary(&self, case_id: &CaseId)
    -> impl Future<Output = Result<Option<CaseSummary>>> + Send;

    /// Case summaries within the reader's scope matching a filter, in the filter's order
    /// (newest report first by default).
    fn list_cases(
        &self,
        scope: &CaseScope,
        filter: &CaseFilter,
    ) -> impl Future<Output = Result<Vec<CaseSummary>>> + Send;

    /// The soonest due time of each case's open obligations (cases with none are left out),
    /// for a page of a list the reader was already allowed: the case list's "Next due".
    fn next_due(
        &self,
        cases: &[CaseId],
    ) -> impl Future<Output = Result<Vec<(CaseId, Timestamp)>>> + Send;

    /// Overdue obligations at `now` within the reader's scope, counted by unit and plan point.
    fn overdue_counts(
        &self,
        scope: &CaseScope,
        now: Timestamp,
    ) -> impl Future<Output = Result<Vec<OverdueCount>>> + Send;

    /// Cases naming a person as a victim, newest first (for the victim's own list).
    fn victim_cases(
        &self,
        person: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<CaseSummary>>> + Send;

    /// One case's obligation rows in plan order.
    fn case_obligations(
        &self,
        case_id: &CaseId,
    ) -> impl Future<Output = Result<Vec<ObligationRow>>> + Send;

    /// Open obligations owned by a person, most urgent first (no due time last).
    fn my_tasks(
        &self,
        person: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<ObligationRow>>> + Send;

    /// Open obligations past due at `now` within the reader's scope (and a unit), oldest due
    /// first.
    fn overdue(
        &self,
        scope: &CaseScope,
        unit: Option<&str>,
        now: Timestamp,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<ObligationRow>>> + Send;

    /// Replaces a case's read models (used by rebuild). A projection of an older version than
    /// the case's is stale and refused with [`StoreError::Conflict`]; an unknown or disposed
    /// case is [`StoreError::NotFound`].
    fn replace_projection(
        &self,
        projection: &Projection,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Every case in case-id order, `chunk` cases at a time, each chunk with its cases' stored
    /// read models, read in one read transaction by a task of its own while the caller works
    /// on the chunk before (see [`feed`]; `pledge rebuild` and `pledge verify`).
    fn case_feed(&self, chunk: u32) -> impl Future<Output = Result<CaseFeed>> + Send;

    /// Replaces the read models of many cases in one transaction (rebuild). Projections of an
    /// older version than their case's are stale: they are not written, and their case ids
    /// are returned. Unknown and disposed cases are skipped.
    fn replace_projections(
        &self,
        projections: &[Projection],
    ) -> impl Future<Output = Result<Vec<CaseId>>> + Send;

    /// Every summary and obligation row, ordered, for comparing live and rebuilt read models.
    fn dump_read_models(
        &self,
    ) -> impl Future<Output = Result<(Vec<CaseSummary>, Vec<ObligationRow>)>> + Send;

    /// Writes an access-log entry (hash-chained); returns its sequence number.
    fn record_access(&self, entry: AccessEntry) -> impl Future<Output = Result<i64>> + Send;

    /// Access entries about a case ("who looked at my case?").
    fn access_for_case(
        &self,
        case_id: &CaseId,
    ) -> impl Future<Output = Result<Vec<StoredAccess>>> + Send;

    /// Access entries made by a person.
    fn access_by_actor(
        &self,
        actor: &str,
    ) -> impl Future<Output = Result<Vec<StoredAccess>>> + Send;

    /// Walks both hash chains and reports every break ([`Store::verify_with`] with no
    /// published heads).
    fn verify(&self) -> impl Future<Output = Result<VerifyReport>> + Send {
        self.verify_with(VerifyOptions::default())
    }

    /// Adds or changes a person; returns the row's new version. With `expected_version`, only
    /// changes the row if it is still at that version ([`StoreError::Stale`] otherwise). A
    /// person never moves to another force: a save that would (or that comes from another
    /// force) is [`StoreError::Refused`] naming `id`.
    fn save_person(
        &self,
        person: &Person,
        expected_version: Option<u64>,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Adds or changes a person, whatever its version (imports, the demo, tests); a person
    /// still never moves to another force.
    fn upsert_person(&self, person: &Person) -> impl Future<Output = Result<()>> + Send {
        async move { self.save_person(person, None).await.map(|_| ()) }
    }
    /// A person's version, or None when there is no such person.
    fn person_version(&self, id: &str) -> impl Future<Output = Result<Option<u64>>> + Send;
    /// A person.
    fn person(&self, id: &str) -> impl Future<Output = Result<Option<Person>>> + Send;
    /// Everyone, by id.
    fn people(&self) -> impl Future<Output = Result<Vec<Person>>> + Send;
    /// Adds or changes a unit; returns its new version. A unit never changes force: saving a
    /// unit id that belongs to another force is [`StoreError::Refused`] naming `id`. With
    /// `expected_version`, only changes the row if it is still at that version.
    fn save_unit(
        &self,
        unit: &Unit,
        expected_version: Option<u64>,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Adds or changes a unit, whatever its version; it still never changes force.
    fn upsert_unit(&self, unit: &Unit) -> impl Future<Output = Result<()>> + Send {
        async move { self.save_unit(unit, None).await.map(|_| ()) }
    }
    /// A unit's version, or None when there is no such unit.
    fn unit_version(&self, id: &str) -> impl Future<Output = Result<Option<u64>>> + Send;
    /// Every unit, by id.
    fn units(&self) -> impl Future<Output = Result<Vec<Unit>>> + Send;
    /// One unit, or None when there is no such unit (one row, where a request needs a unit's
    /// name or force: reading every unit cost each case read and each signed-in request).
    fn unit(&self, id: &str) -> impl Future<Output = Result<Option<Unit>>> + Send {
        async move { Ok(self.units().await?.into_iter().find(|u| u.id == id)) }
    }
    /// Adds a meeting date.
    fn add_meeting(&self, meeting: &MeetingDate) -> impl Future<Output = Result<()>> + Send;
    /// Meetings of a calendar, by time (all units when `unit` is None).
    fn meetings(
        &self,
        calendar: &str,
        unit: Option<&str>,
    ) -> impl Future<Output = Result<Vec<MeetingDate>>> + Send;
    /// Sets how many people of a workforce role a unit has from a date (replacing a figure
    /// for the same unit, date and role). A unit of another force is refused naming `unit`.
    fn set_headcount(&self, headcount: &Headcount) -> impl Future<Output = Result<()>> + Send;
    /// A force's headcounts in force on a date: for each unit and role, the latest figure
    /// dated on or before it.
    fn headcounts_on(
        &self,
        force: &str,
        on: jiff::civil::Date,
    ) -> impl Future<Output = Result<Vec<Headcount>>> + Send;
    /// The report rows of the cases in a scope, by occurrence time.
    fn report_rows(
        &self,
        scope: &ReportScope,
    ) -> impl Future<Output = Result<Vec<CaseReport>>> + Send;
    /// The obligation rows of the cases in a scope, by case and plan order.
    fn report_obligations(
        &self,
        scope: &ReportScope,
    ) -> impl Future<Output = Result<Vec<ObligationRow>>> + Send;
    /// How each obligation of the cases in a scope was kept, counted by the database (the
    /// pack's point by point; the same figures as counting [`Store::report_obligations`]), in
    /// the order the obligations first applied (by case id, then plan order).
    fn report_kept_by_obligation(
        &self,
        scope: &ReportScope,
    ) -> impl Future<Output = Result<Vec<report::ObligationKept>>> + Send;
    /// How each case of a scope kept its obligations (the pack's trends), counted by the
    /// database; cases without obligation rows are left out.
    fn report_kept_by_case(
        &self,
        scope: &ReportScope,
    ) -> impl Future<Output = Result<Vec<report::CaseKept>>> + Send;

    /// Cases reported before `reported_before` and not yet disposed of (retention review).
    fn due_for_review(
        &self,
        reported_before: Timestamp,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<CaseSummary>>> + Send;

    /// Disposes of a case's personal data: event bodies become tombstones (hashes kept), read
    /// models are deleted, the disposal is recorded and logged (action `erase`).
    fn dispose(&self, disposal: &Disposal) -> impl Future<Output = Result<()>> + Send;

    /// Disposal records.
    fn disposals(&self) -> impl Future<Output = Result<Vec<Disposal>>> + Send;

    /// Writes a consistent copy of the database to `path` while it is in use (SQLite only).
    fn backup(&self, path: &std::path::Path) -> impl Future<Output = Result<()>> + Send;

    /// Removes a meeting date from a unit's calendar; false when there was no such date.
    fn remove_meeting(&self, meeting: &MeetingDate) -> impl Future<Output = Result<bool>> + Send;

    /// Walks both hash chains and reports every break, checks each disposal record against
    /// its erase entry in the access log, and checks that each published head in `options` is
    /// still in its chain (see [`integrity`]).
    fn verify_with(
        &self,
        options: VerifyOptions,
    ) -> impl Future<Output = Result<VerifyReport>> + Send;

    /// The two chains' head records (cheap: two rows), for publishing the head.
    fn heads(&self) -> impl Future<Output = Result<Heads>> + Send;

    /// The stored read-model rows of these cases, in the order given (for comparing with
    /// read models rebuilt from the events).
    fn read_models(
        &self,
        ids: &[CaseId],
    ) -> impl Future<Output = Result<Vec<StoredReadModel>>> + Send;

    /// Cases that have read-model rows but no events, or were disposed of (at most `limit`).
    fn orphan_read_models(&self, limit: u32) -> impl Future<Output = Result<Vec<CaseId>>> + Send;
}
