//! The SQLite backend: the embedded default, one file.
//!
//! # Durability and concurrency
//!
//! The database runs in WAL mode with `synchronous=FULL`, so a commit is on disk (the WAL is
//! fsynced) before `append` returns. Readers never block the writer and see a consistent
//! snapshot. Every write starts with `BEGIN IMMEDIATE`, taking SQLite's write lock at once:
//! a deferred transaction that reads first and writes later can fail with `SQLITE_BUSY` when
//! two of them try to upgrade, and retrying would be on us. Writers in this process also queue
//! on an async mutex first, so they wait in line rather than in SQLite's busy handler; other
//! processes wait up to `busy_timeout` (5 s). Inside the transaction an append reads the log
//! head and the case's version, refuses a stale `expected_version` with
//! [`StoreError::Conflict`], then writes the events, the head, the read models and the access
//! entry — all or nothing. It does so in two statements (one read, one multi-statement write;
//! see `write::append`): each call into sqlx's SQLite worker thread costs far more than the
//! SQL it carries.
//!
//! # Disposal and the chain
//!
//! See [`crate::chain`]: the links are computed over each event's `content_hash`, never its
//! body, so replacing bodies with a tombstone (and keeping the hashes) leaves every link
//! intact; `verify` skips the body check for disposed rows but checks they hold exactly the
//! tombstone and that the case has a disposal record, which is itself in the access chain.

mod access;
mod accounts;
mod directory;
mod feed;
mod idempotency;
mod integrity;
mod notify;
mod notify_settings;
mod on_call;
mod org;
mod panel;
mod plans;
mod read;
mod schedule;
mod webhooks;
mod write;

use crate::Store;
use crate::access_group::AccessGroup;
use crate::encode::{self, PAGE};
use crate::error::{Result, StoreError};
use crate::integrity::{DisposalCheck, Heads, StoredReadModel, VerifyOptions};
use crate::model::*;
use crate::rows;
use crate::verify::{self, EventWalk, SeqChain};
use jiff::Timestamp;
use sqlx::Connection;
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::collections::HashSet;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// The SQLite migrations, embedded.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// The store on SQLite.
#[derive(Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Writers in this process queue here before `BEGIN IMMEDIATE`. It also holds the
    /// connection single appends use (opened on first use; `None` again after a failure
    /// that leaves its state unknown), kept out of the pool so its page cache stays valid
    /// from one append to the next and no pool checkout and return is paid per append.
    write_lock: Arc<tokio::sync::Mutex<Option<sqlx::SqliteConnection>>>,
    /// How to open that connection; `None` for an in-memory database, whose appends use the
    /// pool's single connection (another connection would be another database).
    writer_options: Option<Arc<SqliteConnectOptions>>,
    /// Reads' access entries, committed in groups on the same writer connection.
    access: AccessGroup<access::AccessWriter>,
    /// Reads' entries one transaction each (see [`crate::access_group::UNGROUPED_ENV`]).
    ungrouped: bool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at a `sqlite://PATH` URL; `sqlite::memory:`
    /// gives a private in-memory database (for tests). Does not migrate.
    pub async fn open(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Invalid(format!("not a SQLite database URL ({url}): {e}")))?;
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        Self::connect_with(options, memory).await
    }

    /// Opens a database with the given options (durability settings are applied on top).
    /// An in-memory database gets a single connection that is never closed.
    pub async fn connect_with(options: SqliteConnectOptions, in_memory: bool) -> Result<Self> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            // 64 MiB of page cache a connection (the default is 2 MiB): large transactions
            // (bulk import) otherwise spill dirty pages to the WAL early and re-read index
            // pages from the OS for every row.
            .pragma("cache_size", "-65536")
            // Statement journals (a multi-row statement that might fail half way) in memory,
            // not a temporary file opened and deleted on every append.
            .pragma("temp_store", "MEMORY");
        let writer_options = (!in_memory).then(|| Arc::new(options.clone()));
        let pool = if in_memory {
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options)
                .await?
        } else {
            SqlitePoolOptions::new()
                .max_connections(8)
                // No ping before handing out a connection: a SQLite connection is a local
                // file that cannot go away, and the ping is one more round trip to the
                // connection's worker thread on every read and every append.
                .test_before_acquire(false)
                .connect_with(options)
                .await?
        };
        let write_lock = Arc::new(tokio::sync::Mutex::new(None));
        let access = AccessGroup::new(access::AccessWriter {
            pool: pool.clone(),
            lock: Arc::clone(&write_lock),
            options: writer_options.clone(),
        });
        Ok(Self {
            pool,
            write_lock,
            writer_options,
            access,
            ungrouped: crate::access_group::ungrouped(),
        })
    }

    /// The connection pool (for other stores sharing the database, e.g. accounts).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes the pool and the writer connection, waiting for connections to finish.
    pub async fn close(&self) {
        self.access.stop();
        let writer = self.write_lock.lock().await.take();
        if let Some(conn) = writer {
            let _ = sqlx::Connection::close(conn).await;
        }
        self.pool.close().await;
    }

    /// Runs raw SQL (tests use it to tamper with the log). Not for application use.
    #[doc(hidden)]
    pub async fn raw_execute(&self, sql: &str) -> Result<u64> {
        let mut conn = self.pool.acquire().await?;
        let done = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&mut *conn)
            .await?;
        Ok(done.rows_affected())
    }

    async fn begin_write(
        &self,
    ) -> Result<(
        tokio::sync::MutexGuard<'_, Option<sqlx::SqliteConnection>>,
        sqlx::Transaction<'static, sqlx::Sqlite>,
    )> {
        let guard = self.write_lock.lock().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok((guard, tx))
    }

    async fn current_version(&self, case_id: &CaseId) -> Result<u64> {
        let v: Option<i64> =
            sqlx::query_scalar("SELECT MAX(case_version) FROM event WHERE case_id = ?")
                .bind(case_id.as_str())
                .fetch_one(&self.pool)
                .await?;
        encode::uint(v.unwrap_or(0), "case version")
    }

    /// Turns a unique violation (a racing writer got there first) into a conflict.
    async fn conflict_or(&self, e: StoreError, appends: &[&Append]) -> StoreError {
        let unique =
            matches!(&e, StoreError::Database(sqlx::Error::Database(d)) if d.is_unique_violation());
        if !unique {
            return e;
        }
        let mut seen = HashSet::new();
        for a in appends {
            if !seen.insert(a.case_id.clone()) {
                continue;
            }
            match self.current_version(&a.case_id).await {
                Ok(actual) if actual != a.expected_version => {
                    return StoreError::Conflict {
                        case_id: a.case_id.to_string(),
                        expected: a.expected_version,
                        actual,
                    };
                }
                Ok(_) => {}
                Err(e) => return e,
            }
        }
        e
    }
}

/// The newest migration this binary knows.
fn known_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

fn migrate_error(e: MigrateError) -> StoreError {
    match e {
        MigrateError::VersionMissing(v) if v > known_version() => StoreError::TooNew(v),
        e => StoreError::Migrate(e),
    }
}

impl Store for SqliteStore {
    async fn migrate(&self) -> Result<()> {
        let _guard = self.write_lock.lock().await;
        let mut conn = self.pool.acquire().await?;
        // Refuse a database from a newer Pledge before the migrator takes its lock.
        let table: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_one(&mut *conn)
        .await?;
        if table > 0 {
            let newest: Option<i64> =
                sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
                    .fetch_one(&mut *conn)
                    .await?;
            if let Some(v) = newest.filter(|v| *v > known_version()) {
                return Err(StoreError::TooNew(v));
            }
        }
        // `run_direct` is `Migrator::run` on a connection we hold (`run` itself cannot be used
        // on one inside a `Send` future: "implementation of `Acquire` is not general enough").
        let result = MIGRATOR.run_direct(None, &mut *conn, false).await;
        if result.is_err() {
            // The migrator may leave its lock held on a failure: close the connection rather
            // than return it to the pool.
            let _ = conn.detach().close().await;
        }
        result.map_err(migrate_error)
    }

    async fn append(&self, append: Append) -> Result<Appended> {
        encode::check_append(&append)?;
        let result = async {
            let mut writer = self.write_lock.lock().await;
            match &self.writer_options {
                Some(options) => {
                    if writer.is_none() {
                        *writer = Some(sqlx::SqliteConnection::connect_with(options).await?);
                    }
                    let slot = write::Conn::Own(&mut writer);
                    write::append_own_tx(slot, &append, Timestamp::now()).await
                }
                None => {
                    let mut conn = self.pool.acquire().await?;
                    let slot = write::Conn::Pool(&mut conn);
                    write::append_own_tx(slot, &append, Timestamp::now()).await
                }
            }
        }
        .await;
        match result {
            Err(e) => Err(self.conflict_or(e, &[&append]).await),
            ok => ok,
        }
    }

    async fn append_batch(&self, batch: Vec<Append>) -> Result<Option<Appended>> {
        crate::idempotency::refuse_in_batch(&batch)?;
        for a in &batch {
            encode::check_append(a)?;
        }
        let result = async {
            let (_guard, mut tx) = self.begin_write().await?;
            let last = write::append_many(&mut tx, &batch, Timestamp::now()).await?;
            tx.commit().await?;
            Ok(last)
        }
        .await;
        match result {
            Err(e) => Err(self.conflict_or(e, &batch.iter().collect::<Vec<_>>()).await),
            ok => ok,
        }
    }

    async fn load_case(&self, case_id: &CaseId) -> Result<Option<StoredCase>> {
        let mut conn = self.pool.acquire().await?;
        let mut tx = conn.begin().await?;
        let rows = sqlx::query("SELECT case_version, body, disposed FROM event WHERE case_id = ? ORDER BY case_version")
            .bind(case_id.as_str())
            .fetch_all(&mut *tx)
            .await?;
        let disposal =
            sqlx::query("SELECT case_id, by_person, at, reason FROM disposal WHERE case_id = ?")
                .bind(case_id.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| rows::disposal(&r))
                .transpose()?;
        tx.commit().await?;
        let rows = rows
            .iter()
            .map(|r| Ok((r.int("case_version")?, r.text("body")?, r.flag("disposed")?)))
            .collect::<Result<Vec<_>>>()?;
        rows::stored_case(case_id, rows, disposal)
    }

    async fn visit_period_cases(
        &self,
        selection: &PeriodSelection,
        visit: &mut (dyn FnMut(PeriodCase) -> Result<()> + Send),
    ) -> Result<u64> {
        use futures_util::TryStreamExt;
        use sqlx::Row;
        if crate::period::is_empty(selection) {
            return Ok(0);
        }
        let mut q = crate::period::query(selection, crate::period::Join::GroupConcat);
        // One read transaction: a consistent snapshot while the rows stream.
        let mut conn = self.pool.acquire().await?;
        let mut tx = conn.begin().await?;
        let mut visited = 0;
        {
            let mut rows = q.build().fetch(&mut *tx);
            while let Some(row) = rows.try_next().await? {
                let case_id: &str = row.try_get(0)?;
                let events: Option<&str> = row.try_get(1)?;
                crate::period::visit_row(visit, case_id, events)?;
                visited += 1;
            }
        }
        tx.commit().await?;
        Ok(visited)
    }

    async fn case_ids(&self, after: Option<&CaseId>, limit: u32) -> Result<Vec<CaseId>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT case_id FROM event WHERE case_id > ? ORDER BY case_id LIMIT ?",
        )
        .bind(after.map(CaseId::as_str).unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        ids.into_iter().map(encode::case_id).collect()
    }

    async fn summary(&self, case_id: &CaseId) -> Result<Option<CaseSummary>> {
        read::summary(&self.pool, case_id).await
    }

    async fn list_cases(&self, scope: &CaseScope, filter: &CaseFilter) -> Result<Vec<CaseSummary>> {
        read::list_cases(&self.pool, scope, filter).await
    }

    async fn next_due(&self, cases: &[CaseId]) -> Result<Vec<(CaseId, Timestamp)>> {
        read::next_due(&self.pool, cases).await
    }

    async fn overdue_counts(&self, scope: &CaseScope, now: Timestamp) -> Result<Vec<OverdueCount>> {
        read::overdue_counts(&self.pool, scope, now).await
    }

    async fn victim_cases(&self, person: &str, limit: u32) -> Result<Vec<CaseSummary>> {
        read::victim_cases(&self.pool, person, limit).await
    }

    async fn case_obligations(&self, case_id: &CaseId) -> Result<Vec<ObligationRow>> {
        read::case_obligations(&self.pool, case_id).await
    }

    async fn my_tasks(&self, person: &str, limit: u32) -> Result<Vec<ObligationRow>> {
        read::my_tasks(&self.pool, person, limit).await
    }

    async fn overdue(
        &self,
        scope: &CaseScope,
        unit: Option<&str>,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<ObligationRow>> {
        read::overdue(&self.pool, scope, unit, now, limit).await
    }

    async fn replace_projection(&self, projection: &Projection) -> Result<()> {
        encode::check_projection(projection)?;
        let (_guard, mut tx) = self.begin_write().await?;
        let case_id = &projection.summary.case_id;
        let version: Option<i64> =
            sqlx::query_scalar("SELECT MAX(case_version) FROM event WHERE case_id = ?")
                .bind(case_id.as_str())
                .fetch_one(&mut *tx)
                .await?;
        let disposed: Option<i64> = sqlx::query_scalar("SELECT 1 FROM disposal WHERE case_id = ?")
            .bind(case_id.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(version) = version.filter(|_| disposed.is_none()) else {
            return Err(StoreError::NotFound(case_id.to_string()));
        };
        let actual = encode::uint::<u64>(version, "case version")?;
        if actual != projection.summary.version {
            // Appended to since the projection was computed: it is stale.
            return Err(StoreError::Conflict {
                case_id: case_id.to_string(),
                expected: projection.summary.version,
                actual,
            });
        }
        write::projection(&mut tx, projection).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn case_feed(&self, chunk: u32) -> Result<crate::feed::CaseFeed> {
        feed::case_feed(&self.pool, chunk).await
    }

    async fn replace_projections(&self, projections: &[Projection]) -> Result<Vec<CaseId>> {
        for p in projections {
            encode::check_projection(p)?;
        }
        if projections.is_empty() {
            return Ok(Vec::new());
        }
        match &self.writer_options {
            // The writer connection, as appends use: one page cache for every batch.
            Some(options) => {
                let mut writer = self.write_lock.lock().await;
                if writer.is_none() {
                    *writer = Some(sqlx::SqliteConnection::connect_with(options).await?);
                }
                let Some(conn) = writer.as_mut() else {
                    return Err(StoreError::Invalid(
                        "the writer connection is not open".into(),
                    ));
                };
                let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
                let stale = feed::replace_projections(&mut tx, projections).await?;
                tx.commit().await?;
                Ok(stale)
            }
            None => {
                let (_guard, mut tx) = self.begin_write().await?;
                let stale = feed::replace_projections(&mut tx, projections).await?;
                tx.commit().await?;
                Ok(stale)
            }
        }
    }

    async fn dump_read_models(&self) -> Result<(Vec<CaseSummary>, Vec<ObligationRow>)> {
        let mut conn = self.pool.acquire().await?;
        let mut tx = conn.begin().await?;
        let summaries = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM case_summary ORDER BY case_id",
            rows::SUMMARY_COLS
        )))
        .fetch_all(&mut *tx)
        .await?;
        let obligations = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM obligation ORDER BY case_id, obligation_id, instance",
            rows::OBLIGATION_COLS
        )))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((
            summaries.iter().map(rows::summary).collect::<Result<_>>()?,
            obligations
                .iter()
                .map(rows::obligation)
                .collect::<Result<_>>()?,
        ))
    }

    async fn record_access(&self, entry: AccessEntry) -> Result<i64> {
        if self.ungrouped {
            // One transaction an entry, as before group commit (benchmarks only).
            let (_guard, mut tx) = self.begin_write().await?;
            let seq = write::access(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(seq)
        } else {
            self.access.record(entry).await
        }
    }

    async fn access_for_case(&self, case_id: &CaseId) -> Result<Vec<StoredAccess>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM access_log WHERE case_id = ? ORDER BY seq",
            rows::ACCESS_COLS
        )))
        .bind(case_id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::access).collect()
    }

    async fn access_by_actor(&self, actor: &str) -> Result<Vec<StoredAccess>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM access_log WHERE actor = ? ORDER BY seq",
            rows::ACCESS_COLS
        )))
        .bind(actor)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::access).collect()
    }

    async fn verify_with(&self, options: VerifyOptions) -> Result<VerifyReport> {
        let mut conn = self.pool.acquire().await?;
        // One read transaction: in WAL mode, a consistent snapshot while writers carry on.
        let mut tx = conn.begin().await?;
        let head = sqlx::query("SELECT seq, hash FROM log_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let disposals = sqlx::query("SELECT case_id, by_person, at, reason FROM disposal")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(rows::disposal)
            .collect::<Result<Vec<_>>>()?;
        let mut disposal_check = DisposalCheck::new(disposals);
        let mut walk = EventWalk::new(
            head.int("seq")?,
            head.bytes("hash")?,
            disposal_check.cases(),
            &options.expect_heads,
        );
        let mut after = i64::MIN;
        loop {
            let page = sqlx::query(
                "SELECT seq, case_id, case_version, event_type, at, by_person, body, disposed, content_hash, \
                 case_hash, prev_log_hash, log_hash FROM event WHERE seq > ? ORDER BY seq LIMIT ?",
            )
            .bind(after)
            .bind(PAGE)
            .fetch_all(&mut *tx)
            .await?;
            let mut rows = Vec::with_capacity(page.len());
            for r in &page {
                after = r.int("seq")?;
                rows.push(event_row(r)?);
            }
            walk.push_page(rows);
            if (page.len() as i64) < PAGE {
                break;
            }
        }
        let (events, head_hex) = (walk.count(), walk.head_hex());
        let (mut problems, beyond_head) = walk.finish();

        let mut cases = verify::CaseWalk::new(beyond_head);
        let (mut after_case, mut after_version) = (String::new(), i64::MIN);
        loop {
            let page = sqlx::query(
                "SELECT seq, case_id, case_version, content_hash, prev_case_hash, case_hash FROM event \
                 WHERE (case_id, case_version) > (?, ?) ORDER BY case_id, case_version LIMIT ?",
            )
            .bind(&after_case)
            .bind(after_version)
            .bind(PAGE)
            .fetch_all(&mut *tx)
            .await?;
            for r in &page {
                let row = case_row(r)?;
                after_case.clone_from(&row.case_id);
                after_version = row.case_version;
                cases.push(row);
            }
            if (page.len() as i64) < PAGE {
                break;
            }
        }
        problems.extend(cases.finish());

        let head = sqlx::query("SELECT seq, hash FROM access_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let mut access = SeqChain::new("access", head.int("seq")?, head.bytes("hash")?)
            .expect(&options.expect_access_heads);
        let mut access_problems = Vec::new();
        let mut after = i64::MIN;
        loop {
            let page = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {}, prev_hash, hash FROM access_log WHERE seq > ? ORDER BY seq LIMIT ?",
                rows::ACCESS_COLS
            )))
            .bind(after)
            .bind(PAGE)
            .fetch_all(&mut *tx)
            .await?;
            for r in &page {
                after = r.int("seq")?;
                verify::push_access(
                    &mut access,
                    access_row(r)?,
                    &mut disposal_check,
                    &mut access_problems,
                );
            }
            if (page.len() as i64) < PAGE {
                break;
            }
        }
        tx.commit().await?;
        let (access_entries, access_head) = (access.count(), access.head_hex());
        problems.extend(access.finish());
        problems.extend(access_problems);
        problems.extend(disposal_check.finish());
        Ok(VerifyReport {
            events,
            access_entries,
            head: head_hex,
            access_head,
            problems: verify::merge(problems),
        })
    }

    async fn save_person(&self, p: &Person, expected: Option<u64>) -> Result<u64> {
        org::save_person(&mut *self.pool.acquire().await?, p, expected).await
    }

    async fn person_version(&self, id: &str) -> Result<Option<u64>> {
        org::version_of(&self.pool, "person", id).await
    }

    async fn person(&self, id: &str) -> Result<Option<Person>> {
        sqlx::query("SELECT * FROM person WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| rows::person(&r))
            .transpose()
    }

    async fn people(&self) -> Result<Vec<Person>> {
        let rows = sqlx::query("SELECT * FROM person ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::person).collect()
    }

    async fn save_unit(&self, u: &Unit, expected: Option<u64>) -> Result<u64> {
        org::save_unit(&mut *self.pool.acquire().await?, u, expected).await
    }

    async fn unit_version(&self, id: &str) -> Result<Option<u64>> {
        org::version_of(&self.pool, "unit", id).await
    }

    async fn units(&self) -> Result<Vec<Unit>> {
        let rows = sqlx::query("SELECT * FROM unit ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::unit).collect()
    }

    async fn unit(&self, id: &str) -> Result<Option<Unit>> {
        sqlx::query("SELECT * FROM unit WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| rows::unit(&r))
            .transpose()
    }

    async fn add_meeting(&self, m: &MeetingDate) -> Result<()> {
        sqlx::query(
            "INSERT INTO meeting (calendar, unit, at) VALUES (?, ?, ?) ON CONFLICT (calendar, unit, at) DO UPDATE SET from_schedule = 0",
        )
        .bind(&m.calendar)
        .bind(&m.unit)
        .bind(encode::micros(m.at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn meetings(&self, calendar: &str, unit: Option<&str>) -> Result<Vec<MeetingDate>> {
        let rows = match unit {
            Some(unit) => {
                sqlx::query("SELECT * FROM meeting WHERE calendar = ? AND unit = ? ORDER BY at")
                    .bind(calendar)
                    .bind(unit)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("SELECT * FROM meeting WHERE calendar = ? ORDER BY at, unit")
                    .bind(calendar)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(rows::meeting).collect()
    }

    async fn set_headcount(&self, h: &Headcount) -> Result<()> {
        crate::report::check_headcount(h)?;
        let force: Option<String> = sqlx::query_scalar("SELECT force FROM unit WHERE id = ?")
            .bind(&h.unit)
            .fetch_optional(&self.pool)
            .await?;
        if force.as_deref() != Some(h.force.as_str()) {
            return Err(StoreError::Refused {
                field: "unit".into(),
                message: format!("there is no unit \"{}\" in force \"{}\"", h.unit, h.force),
            });
        }
        sqlx::query(
            "INSERT INTO headcount (force, unit, on_date, role, count) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (force, unit, role, on_date) DO UPDATE SET count = excluded.count",
        )
        .bind(&h.force)
        .bind(&h.unit)
        .bind(h.on.to_string())
        .bind(&h.role)
        .bind(i64::from(h.count))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn headcounts_on(&self, force: &str, on: jiff::civil::Date) -> Result<Vec<Headcount>> {
        let rows = sqlx::query(
            "SELECT force, unit, on_date, role, count FROM headcount \
             WHERE force = ? AND on_date <= ? ORDER BY unit, role, on_date",
        )
        .bind(force)
        .bind(on.to_string())
        .fetch_all(&self.pool)
        .await?;
        let all = rows
            .iter()
            .map(rows::headcount)
            .collect::<Result<Vec<_>>>()?;
        Ok(crate::report::latest_per_unit_role(all))
    }

    async fn report_rows(
        &self,
        scope: &crate::report::ReportScope,
    ) -> Result<Vec<crate::report::CaseReport>> {
        let mut q: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(format!(
            "SELECT {} FROM case_report WHERE force = ",
            rows::REPORT_COLS
        ));
        push_report_scope(&mut q, scope);
        q.push(" ORDER BY occurred_at, case_id");
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter().map(rows::case_report).collect()
    }

    async fn report_obligations(
        &self,
        scope: &crate::report::ReportScope,
    ) -> Result<Vec<ObligationRow>> {
        let mut q: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(format!(
            "SELECT {} FROM obligation WHERE case_id IN (SELECT case_id FROM case_report WHERE force = ",
            rows::OBLIGATION_COLS
        ));
        push_report_scope(&mut q, scope);
        q.push(") ORDER BY case_id, ord");
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter().map(rows::obligation).collect()
    }

    async fn report_kept_by_obligation(
        &self,
        scope: &crate::report::ReportScope,
    ) -> Result<Vec<crate::report::ObligationKept>> {
        let (head, tail) = crate::report::kept_by_obligation_sql("case_open = 0");
        let mut q: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(head);
        push_report_scope(&mut q, scope);
        q.push(tail);
        let rows = q.build().fetch_all(&self.pool).await?;
        let (head, tail) = crate::report::kept_percentiles_sql();
        let mut q: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(head);
        push_report_scope(&mut q, scope);
        q.push(tail);
        let percentiles = q.build().fetch_all(&self.pool).await?;
        crate::report::kept_by_obligation(&rows, &percentiles)
    }

    async fn report_kept_by_case(
        &self,
        scope: &crate::report::ReportScope,
    ) -> Result<Vec<crate::report::CaseKept>> {
        let (head, tail) = crate::report::kept_by_case_sql("case_open = 0");
        let mut q: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(head);
        push_report_scope(&mut q, scope);
        q.push(tail);
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter().map(crate::report::case_kept).collect()
    }

    async fn due_for_review(
        &self,
        reported_before: Timestamp,
        limit: u32,
    ) -> Result<Vec<CaseSummary>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM case_summary WHERE reported_at < ? \
             AND case_id NOT IN (SELECT case_id FROM disposal) ORDER BY reported_at, case_id LIMIT ?",
            rows::SUMMARY_COLS
        )))
        .bind(encode::micros(reported_before))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::summary).collect()
    }

    async fn dispose(&self, disposal: &Disposal) -> Result<()> {
        write::check_disposal(disposal)?;
        let (_guard, mut tx) = self.begin_write().await?;
        write::dispose(&mut tx, disposal).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn disposals(&self) -> Result<Vec<Disposal>> {
        let rows =
            sqlx::query("SELECT case_id, by_person, at, reason FROM disposal ORDER BY at, case_id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(rows::disposal).collect()
    }

    async fn backup(&self, path: &Path) -> Result<()> {
        if path.exists() {
            return Err(StoreError::Invalid(format!(
                "{} already exists; back up to a new file",
                path.display()
            )));
        }
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Invalid(format!("{} is not a UTF-8 path", path.display())))?
            .to_owned();
        // VACUUM INTO writes a consistent, compacted snapshot while others keep reading and
        // writing (it reads inside one transaction).
        let mut conn = self.pool.acquire().await?;
        sqlx::query("VACUUM INTO ?")
            .bind(&target)
            .execute(&mut *conn)
            .await?;
        drop(conn);
        // Make the copy durable before reporting success.
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            std::fs::File::open(&path)?.sync_all()?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                // Directories cannot be opened for syncing on every platform; best effort.
                if let Ok(d) = std::fs::File::open(dir) {
                    let _ = d.sync_all();
                }
            }
            Ok(())
        })
        .await
        .map_err(|e| StoreError::Invalid(format!("backup: the sync task failed: {e}")))?
        .map_err(|e| StoreError::Invalid(format!("backup: cannot sync {target}: {e}")))?;
        Ok(())
    }

    async fn remove_meeting(&self, m: &MeetingDate) -> Result<bool> {
        let done = sqlx::query("DELETE FROM meeting WHERE calendar = ? AND unit = ? AND at = ?")
            .bind(&m.calendar)
            .bind(&m.unit)
            .bind(encode::micros(m.at))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn heads(&self) -> Result<Heads> {
        integrity::heads(&self.pool).await
    }

    async fn read_models(&self, ids: &[CaseId]) -> Result<Vec<StoredReadModel>> {
        integrity::read_models(&self.pool, ids).await
    }

    async fn orphan_read_models(&self, limit: u32) -> Result<Vec<CaseId>> {
        integrity::orphans(&self.pool, limit).await
    }
}

use rows::{Get, access_row, case_row, event_row};

impl SqliteStore {
    /// The query plans of the hot read-model queries (`EXPLAIN QUERY PLAN`), by name, for
    /// tests that check they are index range scans.
    #[doc(hidden)]
    pub async fn explain_hot_queries(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        // (name, query, text parameters, then integer parameters)
        for (name, sql, texts, ints) in [
            ("my_tasks (dated)", read::MY_TASKS_DUE, 1, 1),
            ("my_tasks (undated)", read::MY_TASKS_UNDATED, 1, 1),
        ] {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")));
            for _ in 0..texts {
                q = q.bind("x");
            }
            for _ in 0..ints {
                q = q.bind(10i64);
            }
            let rows = q.fetch_all(&self.pool).await?;
            let plan = rows
                .iter()
                .map(|r| r.text("detail"))
                .collect::<Result<Vec<_>>>()?
                .join("\n");
            out.push((name.to_owned(), plan));
        }
        // The overdue list of a force lead (the whole force) and of a unit.
        let scope = CaseScope {
            force: "x".into(),
            whole_force: true,
            units: Vec::new(),
            named: None,
            not_victim: None,
        };
        let now = jiff::Timestamp::UNIX_EPOCH;
        for (name, unit) in [("overdue (unit)", Some("x")), ("overdue (force)", None)] {
            let mut q = read::overdue_query("EXPLAIN QUERY PLAN ", &scope, unit, now, 10);
            let rows = q.build().fetch_all(&self.pool).await?;
            let plan = rows
                .iter()
                .map(|r| r.text("detail"))
                .collect::<Result<Vec<_>>>()?
                .join("\n");
            out.push((name.to_owned(), plan));
        }
        Ok(out)
    }
}

impl SqliteStore {
    /// `EXPLAIN QUERY PLAN` of the case list's query for a scope and filter, one line per
    /// step (for tests and docs/performance.md).
    #[doc(hidden)]
    pub async fn explain_case_list(&self, scope: &CaseScope, f: &CaseFilter) -> Result<String> {
        let mut q: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(format!(
            "EXPLAIN QUERY PLAN SELECT {} FROM case_summary WHERE 1 = 1",
            crate::rows::SUMMARY_COLS
        ));
        crate::case_list::push_list(&mut q, scope, f, "case_open = 1");
        let rows = q.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| r.text("detail"))
            .collect::<Result<Vec<_>>>()?
            .join("\n"))
    }

    /// The durability settings as a pooled connection sees them: `(journal_mode,
    /// synchronous, busy_timeout_ms, foreign_keys)`, for tests.
    #[doc(hidden)]
    pub async fn durability_settings(&self) -> Result<(String, i64, i64, i64)> {
        let mut conn = self.pool.acquire().await?;
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await?;
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await?;
        let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&mut *conn)
            .await?;
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *conn)
            .await?;
        Ok((journal, synchronous, busy, fk))
    }
}

/// The force, units and period of a report query, after `WHERE force = `.
fn push_report_scope(q: &mut sqlx::QueryBuilder<sqlx::Sqlite>, scope: &crate::report::ReportScope) {
    q.push_bind(scope.force.clone());
    if let Some(units) = &scope.units {
        q.push(" AND unit IN (");
        if units.is_empty() {
            q.push("NULL");
        }
        let mut sep = q.separated(", ");
        for u in units {
            sep.push_bind(u.clone());
        }
        q.push(")");
    }
    q.push(" AND occurred_at >= ")
        .push_bind(encode::micros(scope.from))
        .push(" AND occurred_at < ")
        .push_bind(encode::micros(scope.to));
}
