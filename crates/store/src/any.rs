//! One store type for either backend, chosen by the database URL at run time.

use crate::Store;
use crate::accounts::{Account, AccountStore, ApiToken, LoginFailures, Session};
use crate::error::{Result, StoreError};
use crate::idempotency::{IdempotencyStore, IdempotentResponse};
use crate::integrity::{Heads, StoredReadModel, VerifyOptions};
use crate::model::*;
use crate::postgres::PostgresStore;
use crate::sqlite::SqliteStore;
use jiff::Timestamp;
use std::path::Path;

/// Either backend.
#[derive(Debug)]
pub enum AnyStore {
    /// SQLite (embedded).
    Sqlite(SqliteStore),
    /// PostgreSQL.
    Postgres(PostgresStore),
}

/// Opens the store at a URL: `sqlite://PATH` (the file is created if missing),
/// `sqlite::memory:` (a private in-memory database, for tests), or `postgres://...` /
/// `postgresql://...`. Does not migrate (see [`Store::migrate`]).
pub async fn open(url: &str) -> Result<AnyStore> {
    match url.split_once(':').map(|(scheme, _)| scheme) {
        Some("sqlite") => Ok(AnyStore::Sqlite(SqliteStore::open(url).await?)),
        Some("postgres" | "postgresql") => Ok(AnyStore::Postgres(PostgresStore::open(url).await?)),
        Some(scheme) => Err(StoreError::Invalid(format!(
            "unsupported database URL scheme \"{}\": use sqlite://PATH or postgres://USER@HOST/DATABASE",
            scheme.chars().take(32).collect::<String>()
        ))),
        None => Err(StoreError::Invalid(
            "a database URL names its kind: sqlite://PATH or postgres://USER@HOST/DATABASE"
                .to_owned(),
        )),
    }
}

macro_rules! delegate {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            AnyStore::Sqlite($s) => $e.await,
            AnyStore::Postgres($s) => $e.await,
        }
    };
}

impl Store for AnyStore {
    async fn migrate(&self) -> Result<()> {
        delegate!(self, s => s.migrate())
    }
    async fn append(&self, append: Append) -> Result<Appended> {
        delegate!(self, s => s.append(append))
    }
    async fn append_batch(&self, batch: Vec<Append>) -> Result<Option<Appended>> {
        delegate!(self, s => s.append_batch(batch))
    }
    async fn load_case(&self, case_id: &CaseId) -> Result<Option<StoredCase>> {
        delegate!(self, s => s.load_case(case_id))
    }
    async fn visit_period_cases(
        &self,
        selection: &PeriodSelection,
        visit: &mut (dyn FnMut(PeriodCase) -> Result<()> + Send),
    ) -> Result<u64> {
        delegate!(self, s => s.visit_period_cases(selection, visit))
    }
    async fn case_ids(&self, after: Option<&CaseId>, limit: u32) -> Result<Vec<CaseId>> {
        delegate!(self, s => s.case_ids(after, limit))
    }
    async fn summary(&self, case_id: &CaseId) -> Result<Option<CaseSummary>> {
        delegate!(self, s => s.summary(case_id))
    }
    async fn list_cases(&self, scope: &CaseScope, filter: &CaseFilter) -> Result<Vec<CaseSummary>> {
        delegate!(self, s => s.list_cases(scope, filter))
    }
    async fn next_due(&self, cases: &[CaseId]) -> Result<Vec<(CaseId, Timestamp)>> {
        delegate!(self, s => s.next_due(cases))
    }
    async fn overdue_counts(&self, scope: &CaseScope, now: Timestamp) -> Result<Vec<OverdueCount>> {
        delegate!(self, s => s.overdue_counts(scope, now))
    }
    async fn victim_cases(&self, person: &str, limit: u32) -> Result<Vec<CaseSummary>> {
        delegate!(self, s => s.victim_cases(person, limit))
    }
    async fn case_obligations(&self, case_id: &CaseId) -> Result<Vec<ObligationRow>> {
        delegate!(self, s => s.case_obligations(case_id))
    }
    async fn my_tasks(&self, person: &str, limit: u32) -> Result<Vec<ObligationRow>> {
        delegate!(self, s => s.my_tasks(person, limit))
    }
    async fn overdue(
        &self,
        scope: &CaseScope,
        unit: Option<&str>,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<ObligationRow>> {
        delegate!(self, s => s.overdue(scope, unit, now, limit))
    }
    async fn replace_projection(&self, projection: &Projection) -> Result<()> {
        delegate!(self, s => s.replace_projection(projection))
    }
    async fn dump_read_models(&self) -> Result<(Vec<CaseSummary>, Vec<ObligationRow>)> {
        delegate!(self, s => s.dump_read_models())
    }
    async fn record_access(&self, entry: AccessEntry) -> Result<i64> {
        delegate!(self, s => s.record_access(entry))
    }
    async fn access_for_case(&self, case_id: &CaseId) -> Result<Vec<StoredAccess>> {
        delegate!(self, s => s.access_for_case(case_id))
    }
    async fn access_by_actor(&self, actor: &str) -> Result<Vec<StoredAccess>> {
        delegate!(self, s => s.access_by_actor(actor))
    }
    async fn save_person(&self, person: &Person, expected: Option<u64>) -> Result<u64> {
        delegate!(self, s => s.save_person(person, expected))
    }
    async fn person_version(&self, id: &str) -> Result<Option<u64>> {
        delegate!(self, s => s.person_version(id))
    }
    async fn person(&self, id: &str) -> Result<Option<Person>> {
        delegate!(self, s => s.person(id))
    }
    async fn people(&self) -> Result<Vec<Person>> {
        delegate!(self, s => s.people())
    }
    async fn save_unit(&self, unit: &Unit, expected: Option<u64>) -> Result<u64> {
        delegate!(self, s => s.save_unit(unit, expected))
    }
    async fn unit_version(&self, id: &str) -> Result<Option<u64>> {
        delegate!(self, s => s.unit_version(id))
    }
    async fn units(&self) -> Result<Vec<Unit>> {
        delegate!(self, s => s.units())
    }
    async fn unit(&self, id: &str) -> Result<Option<Unit>> {
        delegate!(self, s => s.unit(id))
    }
    async fn add_meeting(&self, meeting: &MeetingDate) -> Result<()> {
        delegate!(self, s => s.add_meeting(meeting))
    }
    async fn meetings(&self, calendar: &str, unit: Option<&str>) -> Result<Vec<MeetingDate>> {
        delegate!(self, s => s.meetings(calendar, unit))
    }
    async fn set_headcount(&self, headcount: &Headcount) -> Result<()> {
        delegate!(self, s => s.set_headcount(headcount))
    }
    async fn headcounts_on(&self, force: &str, on: jiff::civil::Date) -> Result<Vec<Headcount>> {
        delegate!(self, s => s.headcounts_on(force, on))
    }
    async fn report_rows(&self, scope: &crate::ReportScope) -> Result<Vec<crate::CaseReport>> {
        delegate!(self, s => s.report_rows(scope))
    }
    async fn report_obligations(&self, scope: &crate::ReportScope) -> Result<Vec<ObligationRow>> {
        delegate!(self, s => s.report_obligations(scope))
    }
    async fn report_kept_by_obligation(
        &self,
        scope: &crate::ReportScope,
    ) -> Result<Vec<crate::ObligationKept>> {
        delegate!(self, s => s.report_kept_by_obligation(scope))
    }
    async fn report_kept_by_case(
        &self,
        scope: &crate::ReportScope,
    ) -> Result<Vec<crate::CaseKept>> {
        delegate!(self, s => s.report_kept_by_case(scope))
    }
    async fn due_for_review(
        &self,
        reported_before: Timestamp,
        limit: u32,
    ) -> Result<Vec<CaseSummary>> {
        delegate!(self, s => s.due_for_review(reported_before, limit))
    }
    async fn dispose(&self, disposal: &Disposal) -> Result<()> {
        delegate!(self, s => s.dispose(disposal))
    }
    async fn disposals(&self) -> Result<Vec<Disposal>> {
        delegate!(self, s => s.disposals())
    }
    async fn backup(&self, path: &Path) -> Result<()> {
        delegate!(self, s => s.backup(path))
    }
    async fn remove_meeting(&self, meeting: &MeetingDate) -> Result<bool> {
        delegate!(self, s => s.remove_meeting(meeting))
    }
    async fn verify_with(&self, options: VerifyOptions) -> Result<VerifyReport> {
        delegate!(self, s => s.verify_with(options))
    }
    async fn heads(&self) -> Result<Heads> {
        delegate!(self, s => s.heads())
    }
    async fn read_models(&self, ids: &[CaseId]) -> Result<Vec<StoredReadModel>> {
        delegate!(self, s => s.read_models(ids))
    }
    async fn case_feed(&self, chunk: u32) -> Result<crate::feed::CaseFeed> {
        delegate!(self, s => s.case_feed(chunk))
    }
    async fn replace_projections(&self, projections: &[Projection]) -> Result<Vec<CaseId>> {
        delegate!(self, s => s.replace_projections(projections))
    }
    async fn orphan_read_models(&self, limit: u32) -> Result<Vec<CaseId>> {
        delegate!(self, s => s.orphan_read_models(limit))
    }
}

impl AccountStore for AnyStore {
    async fn create_account(&self, account: &Account) -> Result<bool> {
        delegate!(self, s => s.create_account(account))
    }
    async fn update_account(&self, account: &Account) -> Result<bool> {
        delegate!(self, s => s.update_account(account))
    }
    async fn use_totp_step(&self, person_id: &str, step: u64) -> Result<bool> {
        delegate!(self, s => s.use_totp_step(person_id, step))
    }
    async fn account(&self, person_id: &str) -> Result<Option<Account>> {
        delegate!(self, s => s.account(person_id))
    }
    async fn accounts(&self) -> Result<Vec<Account>> {
        delegate!(self, s => s.accounts())
    }
    async fn record_login_attempt(
        &self,
        person_id: &str,
        address: &str,
        succeeded: bool,
        at: Timestamp,
    ) -> Result<()> {
        delegate!(self, s => s.record_login_attempt(person_id, address, succeeded, at))
    }
    async fn login_failures(
        &self,
        person_id: &str,
        address: &str,
        since: Timestamp,
    ) -> Result<LoginFailures> {
        delegate!(self, s => s.login_failures(person_id, address, since))
    }
    async fn clear_login_failures(&self, person_id: &str) -> Result<u64> {
        delegate!(self, s => s.clear_login_failures(person_id))
    }
    async fn create_session(&self, session: &Session) -> Result<()> {
        delegate!(self, s => s.create_session(session))
    }
    async fn session(&self, id_hash: &str) -> Result<Option<Session>> {
        delegate!(self, s => s.session(id_hash))
    }
    async fn complete_second_factor(&self, id_hash: &str) -> Result<()> {
        delegate!(self, s => s.complete_second_factor(id_hash))
    }
    async fn set_totp_pending(&self, id_hash: &str, secret: Option<&str>) -> Result<()> {
        delegate!(self, s => s.set_totp_pending(id_hash, secret))
    }
    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        delegate!(self, s => s.delete_session(id_hash))
    }
    async fn delete_sessions_of(&self, person_id: &str, except: Option<&str>) -> Result<u64> {
        delegate!(self, s => s.delete_sessions_of(person_id, except))
    }
    async fn expire_sessions(&self, now: Timestamp) -> Result<u64> {
        delegate!(self, s => s.expire_sessions(now))
    }
    async fn prune_login_attempts(&self, before: Timestamp) -> Result<u64> {
        delegate!(self, s => s.prune_login_attempts(before))
    }
    async fn create_token(&self, token: &ApiToken) -> Result<()> {
        delegate!(self, s => s.create_token(token))
    }
    async fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>> {
        delegate!(self, s => s.token_by_hash(hash))
    }
    async fn tokens(&self) -> Result<Vec<ApiToken>> {
        delegate!(self, s => s.tokens())
    }
    async fn revoke_token(&self, name: &str, at: Timestamp) -> Result<bool> {
        delegate!(self, s => s.revoke_token(name, at))
    }
    async fn oidc_person(&self, issuer: &str, subject: &str) -> Result<Option<String>> {
        delegate!(self, s => s.oidc_person(issuer, subject))
    }
    async fn link_oidc(
        &self,
        issuer: &str,
        subject: &str,
        person_id: &str,
        at: Timestamp,
    ) -> Result<bool> {
        delegate!(self, s => s.link_oidc(issuer, subject, person_id, at))
    }
}

impl IdempotencyStore for AnyStore {
    async fn idempotent_response(
        &self,
        actor: &str,
        key: &str,
    ) -> Result<Option<IdempotentResponse>> {
        delegate!(self, s => s.idempotent_response(actor, key))
    }
    async fn prune_idempotent_responses(&self, before: Timestamp) -> Result<u64> {
        delegate!(self, s => s.prune_idempotent_responses(before))
    }
}

impl crate::plans::PlanStore for AnyStore {
    async fn record_plan(
        &self,
        entry: crate::plans::NewPlanEntry,
    ) -> Result<crate::plans::PlanEntry> {
        delegate!(self, s => s.record_plan(entry))
    }
    async fn plan_register(&self) -> Result<Vec<crate::plans::PlanEntry>> {
        delegate!(self, s => s.plan_register())
    }
    async fn plan_adoptions(&self, force: &str) -> Result<Vec<crate::plans::PlanEntry>> {
        delegate!(self, s => s.plan_adoptions(force))
    }
}

impl crate::on_call::OnCallStore for AnyStore {
    async fn add_shifts(&self, shifts: &[crate::on_call::OnCallShift]) -> Result<Vec<i64>> {
        delegate!(self, s => s.add_shifts(shifts))
    }
    async fn remove_shift(&self, force: &str, id: i64) -> Result<bool> {
        delegate!(self, s => s.remove_shift(force, id))
    }
    async fn on_call_at(
        &self,
        force: &str,
        role: &str,
        at: Timestamp,
    ) -> Result<Vec<crate::on_call::OnCallShift>> {
        delegate!(self, s => s.on_call_at(force, role, at))
    }
    async fn shifts_between(
        &self,
        force: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<crate::on_call::OnCallShift>> {
        delegate!(self, s => s.shifts_between(force, from, to))
    }
}

impl crate::panel::PanelReviewStore for AnyStore {
    async fn record_panel_review(&self, review: &crate::panel::PanelReview) -> Result<i64> {
        delegate!(self, s => s.record_panel_review(review))
    }
    async fn panel_reviews(&self, force: &str) -> Result<Vec<crate::panel::PanelReview>> {
        delegate!(self, s => s.panel_reviews(force))
    }
}

impl crate::directory::DirectoryStore for AnyStore {
    async fn import_directory(
        &self,
        import: &crate::directory::DirectoryImport,
    ) -> Result<crate::directory::DirectoryImported> {
        delegate!(self, s => s.import_directory(import))
    }
    async fn leavers(&self) -> Result<Vec<crate::directory::Leaver>> {
        delegate!(self, s => s.leavers())
    }
    async fn leavers_open_obligations(
        &self,
        force: &str,
        limit: u32,
    ) -> Result<Vec<ObligationRow>> {
        delegate!(self, s => s.leavers_open_obligations(force, limit))
    }
    async fn cases_with_crime_reference(&self, reference: &str) -> Result<Vec<CaseId>> {
        delegate!(self, s => s.cases_with_crime_reference(reference))
    }
    async fn append_from_source(
        &self,
        append: Append,
        record: crate::directory::SourceRecord,
    ) -> Result<crate::directory::SourceAppend> {
        delegate!(self, s => s.append_from_source(append, record))
    }
    async fn source_record(
        &self,
        source: &str,
        record_id: &str,
    ) -> Result<Option<crate::directory::SourceRecord>> {
        delegate!(self, s => s.source_record(source, record_id))
    }
    async fn keep_unmatched(&self, record: &crate::directory::UnmatchedRecord) -> Result<()> {
        delegate!(self, s => s.keep_unmatched(record))
    }
    async fn unmatched(
        &self,
        force: &str,
        limit: u32,
    ) -> Result<Vec<crate::directory::UnmatchedRecord>> {
        delegate!(self, s => s.unmatched(force, limit))
    }
    async fn keep_upload(&self, upload: &crate::directory::ImportUpload) -> Result<()> {
        delegate!(self, s => s.keep_upload(upload))
    }
    async fn upload(
        &self,
        id: &str,
        actor: &str,
    ) -> Result<Option<crate::directory::ImportUpload>> {
        delegate!(self, s => s.upload(id, actor))
    }
    async fn remove_uploads(&self, id: &str, before: Timestamp) -> Result<u64> {
        delegate!(self, s => s.remove_uploads(id, before))
    }
}

impl crate::schedule::MeetingScheduleStore for AnyStore {
    async fn set_meeting_schedule(
        &self,
        schedule: &crate::schedule::MeetingSchedule,
        meetings: &[Timestamp],
        now: Timestamp,
    ) -> Result<()> {
        delegate!(self, s => s.set_meeting_schedule(schedule, meetings, now))
    }
    async fn clear_meeting_schedule(
        &self,
        calendar: &str,
        unit: &str,
        now: Timestamp,
    ) -> Result<bool> {
        delegate!(self, s => s.clear_meeting_schedule(calendar, unit, now))
    }
    async fn meeting_schedules(&self) -> Result<Vec<crate::schedule::MeetingSchedule>> {
        delegate!(self, s => s.meeting_schedules())
    }
}
