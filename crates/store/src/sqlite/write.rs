//! Writes inside a SQLite write transaction (`BEGIN IMMEDIATE`, see the module docs).

use crate::encode::{self, TOMBSTONE};
use crate::error::{Result, StoreError};
use crate::idempotency::IdempotentResponse;
use crate::model::*;
use crate::rows::Get;
use sqlx::pool::PoolConnection;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

/// The SQL of [`APPEND_READ`] (a macro so [`BEGIN_APPEND_READ`] can extend it).
macro_rules! append_read {
    () => {
        "SELECT l.seq AS log_seq, l.hash AS log_hash, a.seq AS access_seq, a.hash AS access_hash, \
         e.case_version, e.case_hash, EXISTS (SELECT 1 FROM disposal WHERE case_id = ?1) AS disposed, \
         s.force AS s_force, s.unit AS s_unit, s.reported_at AS s_reported_at, \
         (SELECT group_concat(person || char(31) || relation, char(30)) FROM case_person \
          WHERE case_id = ?1) AS people, \
         (SELECT group_concat(obligation_id || char(31) || instance, char(30)) FROM obligation \
          WHERE case_id = ?1) AS obligation_keys, \
         i.request_hash AS i_request_hash, i.status AS i_status, i.body AS i_body, \
         i.created_at AS i_created_at \
         FROM log_head l JOIN access_head a ON a.id = 1 \
         LEFT JOIN (SELECT case_version, case_hash FROM event WHERE case_id = ?1 \
         ORDER BY case_version DESC LIMIT 1) e ON 1 \
         LEFT JOIN case_summary s ON s.case_id = ?1 \
         LEFT JOIN idempotency i ON i.actor = ?2 AND i.key = ?3 WHERE l.id = 1"
    };
}

/// Everything an append reads before it writes, in one statement: the two chain heads, the
/// case's last event (none for a new case), whether the case was disposed of, the parts
/// of its read models that rarely change (so the write can leave them alone), and the
/// record of the idempotency key it claims, if that key was used already (`?2`, `?3`: the
/// actor and the key, NULL when it claims none).
const APPEND_READ: &str = append_read!();

/// [`APPEND_READ`] opening its own write transaction.
const BEGIN_APPEND_READ: &str = concat!("BEGIN IMMEDIATE; ", append_read!());

/// A single append as its own transaction, in two calls to the connection's worker thread:
/// `BEGIN IMMEDIATE` + the read, then the writes + `COMMIT` (see [`append`]). sqlx's
/// `Transaction` would add a call for BEGIN and one for COMMIT; on this path the transaction
/// is opened and closed by hand, so a failure after BEGIN rolls back explicitly, and a
/// connection whose transaction state is unknown (the rollback failed, or the future was
/// dropped half way) is closed rather than returned to the pool (closing rolls back).
/// The caller holds the store's write lock.
pub(super) async fn append_own_tx(
    conn: Conn<'_>,
    a: &Append,
    recorded_at: jiff::Timestamp,
) -> Result<Appended> {
    let mut tx = OwnTx::new(conn);
    let c = tx.conn()?;
    let result = append_sql(&mut *c, a, recorded_at, true).await;
    tx.finish(result).await
}

/// A transaction opened by hand on a [`Conn`] (by the first statement the caller sends, and
/// closed by its last). Dropped while the transaction may still be open (a future dropped
/// half way), the connection is closed (closing rolls back) rather than reused.
pub(super) struct OwnTx<'c> {
    conn: Conn<'c>,
    open: bool,
}

impl<'c> OwnTx<'c> {
    /// Takes the connection the transaction runs on.
    pub(super) fn new(conn: Conn<'c>) -> Self {
        Self { conn, open: true }
    }

    /// The connection, to send the transaction's statements on.
    pub(super) fn conn(&mut self) -> Result<&mut SqliteConnection> {
        self.conn
            .get()
            .ok_or_else(|| StoreError::Invalid("the writer connection is not open".into()))
    }

    /// Ends the transaction with the caller's result: committed by its statements when
    /// `Ok`, rolled back explicitly when `Err` (the connection is dropped if even that fails).
    pub(super) async fn finish<T>(mut self, result: Result<T>) -> Result<T> {
        match result {
            Ok(done) => {
                self.open = false;
                Ok(done)
            }
            Err(e) => {
                if let Some(c) = self.conn.get()
                    && sqlx::query("ROLLBACK").execute(&mut *c).await.is_ok()
                {
                    self.open = false;
                }
                Err(e)
            }
        }
    }
}

impl Drop for OwnTx<'_> {
    fn drop(&mut self) {
        if self.open {
            match &mut self.conn {
                Conn::Own(slot) => **slot = None,
                Conn::Pool(c) => c.close_on_drop(),
            }
        }
    }
}

/// The connection [`append_own_tx`] (or another [`OwnTx`]) runs on.
pub(super) enum Conn<'c> {
    /// The store's own writer connection (always `Some` when passed in); set to `None` when
    /// its transaction state is unknown.
    Own(&'c mut Option<SqliteConnection>),
    /// A pooled connection, closed rather than returned in that case.
    Pool(&'c mut PoolConnection<Sqlite>),
}

impl Conn<'_> {
    fn get(&mut self) -> Option<&mut SqliteConnection> {
        match self {
            Conn::Own(slot) => slot.as_mut(),
            Conn::Pool(c) => Some(&mut **c),
        }
    }
}

/// Appends one case's events, its read models and its access entry, inside the caller's
/// write transaction.
pub(super) async fn append(
    tx: &mut SqliteConnection,
    a: &Append,
    recorded_at: jiff::Timestamp,
) -> Result<Appended> {
    append_sql(tx, a, recorded_at, false).await
}

/// Every statement is a message to sqlx's SQLite worker thread and back (two thread switches,
/// tens of microseconds on a small machine, far more than the statement itself), so an append
/// is two calls: one statement that reads everything it needs ([`APPEND_READ`]), then one
/// multi-statement string that writes everything (events, log head, read models, access
/// entry, access head), with the hashes computed in between. With `own_tx` the first call
/// also begins the transaction and the second commits it.
async fn append_sql(
    tx: &mut SqliteConnection,
    a: &Append,
    recorded_at: jiff::Timestamp,
    own_tx: bool,
) -> Result<Appended> {
    let r = sqlx::query(if own_tx {
        BEGIN_APPEND_READ
    } else {
        APPEND_READ
    })
    .bind(a.case_id.as_str())
    .bind(a.idempotency.as_ref().map(|k| k.actor.as_str()))
    .bind(a.idempotency.as_ref().map(|k| k.key.as_str()))
    .fetch_one(&mut *tx)
    .await?;
    // A key used already means this command had its one effect: write nothing, replay that.
    if r.opt_text("i_request_hash")?.is_some() {
        return Err(StoreError::KeyUsed(Box::new(IdempotentResponse {
            request_hash: r.text("i_request_hash")?,
            status: encode::uint(r.int("i_status")?, "idempotency status")?,
            body: r.text("i_body")?,
            created_at: encode::timestamp(r.int("i_created_at")?, "idempotency created_at")?,
        })));
    }
    let (head_seq, head_hash) = (
        r.int("log_seq")?,
        encode::hash(&r.bytes("log_hash")?, "log_head hash")?,
    );
    let (actual, prev_case) = match r.opt_int("case_version")? {
        Some(v) => (
            encode::uint::<u64>(v, "case version")?,
            encode::hash(&r.bytes("case_hash")?, "case hash")?,
        ),
        None => (0, crate::chain::GENESIS),
    };
    if actual != a.expected_version {
        return Err(StoreError::Conflict {
            case_id: a.case_id.to_string(),
            expected: a.expected_version,
            actual,
        });
    }
    if r.flag("disposed")? {
        return Err(StoreError::NotFound(format!(
            "{} (its personal data was disposed of)",
            a.case_id
        )));
    }
    let rows = encode::chain_events(
        &a.case_id, actual, prev_case, head_seq, head_hash, &a.events,
    )?;
    let Some(last) = rows.last() else {
        return Err(StoreError::Invalid(format!(
            "an append to case {} has no events",
            a.case_id
        )));
    };
    let access_hash = encode::hash(&r.bytes("access_hash")?, "access_head hash")?;
    let access = encode::chain_access(a.access.clone(), r.int("access_seq")?, &access_hash)?;
    let recorded_at = encode::micros(recorded_at);

    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("");
    // 14 parameters a row; SQLite allows 32766 a statement.
    for chunk in rows.chunks(EVENT_ROWS_PER_INSERT) {
        q.push(
            "INSERT INTO event (seq, case_id, case_version, event_type, at, by_person, body, recorded_at, \
             content_hash, prev_case_hash, case_hash, prev_log_hash, log_hash, disposed) ",
        );
        q.push_values(chunk, |mut b, r| {
            b.push_bind(r.seq)
                .push_bind(a.case_id.as_str())
                .push_bind(r.version)
                .push_bind(r.event_type)
                .push_bind(r.at)
                .push_bind(r.by.as_str())
                .push_bind(r.body.as_str())
                .push_bind(recorded_at)
                .push_bind(&r.content_hash[..])
                .push_bind(&r.prev_case_hash[..])
                .push_bind(&r.case_hash[..])
                .push_bind(&r.prev_log_hash[..])
                .push_bind(&r.log_hash[..])
                .push_bind(0i64);
        });
        q.push(";\n");
    }
    q.push("UPDATE log_head SET seq = ")
        .push_bind(last.seq)
        .push(", hash = ")
        .push_bind(&last.log_hash[..])
        .push(" WHERE id = 1;\n");
    // A new case has no read models yet: nothing to delete first.
    let known = Known {
        area: match (
            r.opt_text("s_force")?,
            r.opt_text("s_unit")?,
            r.opt_int("s_reported_at")?,
        ) {
            (Some(f), Some(u), Some(t)) => Some((f, u, t)),
            _ => None,
        },
        people: r.opt_text("people")?.map(|p| {
            let mut v: Vec<(String, String)> = p
                .split('\u{1e}')
                .filter_map(|x| x.split_once('\u{1f}'))
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                .collect();
            v.sort();
            v
        }),
        obligation_keys: r
            .opt_text("obligation_keys")?
            .map(|k| {
                k.split('\u{1e}')
                    .filter_map(|x| x.split_once('\u{1f}'))
                    .map(|(o, i)| (o.to_owned(), i.parse::<u32>().ok()))
                    .collect()
            })
            .unwrap_or_default(),
    };
    push_projection(&mut q, &a.projection, actual > 0, Some(&known))?;
    push_access(&mut q, std::slice::from_ref(&access));
    if let Some(k) = &a.idempotency {
        let res = &k.response;
        q.push("\nINSERT INTO idempotency (actor, key, request_hash, status, body, created_at) ");
        q.push_values([k], |mut b, k| {
            b.push_bind(k.actor.as_str())
                .push_bind(k.key.as_str())
                .push_bind(res.request_hash.as_str())
                .push_bind(i64::from(res.status))
                .push_bind(res.body.as_str())
                .push_bind(encode::micros(res.created_at));
        });
        q.push(";");
    }
    super::notify::push_outbox(&mut q, &a.case_id, a.notify.as_ref(), recorded_at);
    if own_tx {
        q.push("\nCOMMIT;");
    }
    q.build().execute(&mut *tx).await?;
    Ok(Appended {
        version: actual + a.events.len() as u64,
        last_seq: last.seq,
        head: last.log_hash,
    })
}

/// Event rows per INSERT statement.
const EVENT_ROWS_PER_INSERT: usize = 1000;

/// Replaces a case's read models.
pub(super) async fn projection(tx: &mut SqliteConnection, p: &Projection) -> Result<()> {
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("");
    push_projection(&mut q, p, true, None)?;
    q.build().execute(&mut *tx).await?;
    Ok(())
}

/// Pushes the statements (each ending in `;`) that write a case's read models, deleting the
/// old ones first when `replace`.
/// What an append read of a case's current read models (see [`APPEND_READ`]).
struct Known {
    /// The summary's indexed columns: force, unit, reported_at.
    area: Option<(String, String, i64)>,
    /// The case's people rows (person, relation), sorted.
    people: Option<Vec<(String, String)>>,
    /// The keys of the case's obligation rows (an instance that does not parse is `None`,
    /// so it is never found among the new rows).
    obligation_keys: Vec<(String, Option<u32>)>,
}

fn push_projection(
    q: &mut QueryBuilder<Sqlite>,
    p: &Projection,
    replace: bool,
    known: Option<&Known>,
) -> Result<()> {
    let s = &p.summary;
    let (hate, victims) = (encode::list(&s.hate_crime)?, encode::list(&s.victims)?);
    let id = s.case_id.as_str();
    // Replacing touches only what changed: one event rarely changes more than the summary and
    // an obligation row or two, and every page written goes to the WAL (and later through a
    // checkpoint into the database file), which is most of an append's cost. So the summary
    // is upserted, rows no longer there are deleted, and obligation rows are upserted with a
    // WHERE that skips an update that would change nothing. A case with very many
    // obligation rows (never seen in practice) has them deleted and written afresh.
    let diff = replace && p.obligations.len() <= DIFF_ROWS;
    if replace && !diff {
        for sql in [
            "DELETE FROM escalation_due WHERE case_id = ",
            "DELETE FROM obligation WHERE case_id = ",
            "DELETE FROM case_person WHERE case_id = ",
            "DELETE FROM case_report WHERE case_id = ",
            "DELETE FROM case_summary WHERE case_id = ",
        ] {
            q.push(sql).push_bind(id).push(";\n");
        }
    }
    q.push(
        "INSERT INTO case_summary (case_id, plan_id, plan_version, force, unit, occurred_at, reported_at, injury, \
         hospitalised, hate_crime, status, oic, supervisor, victims, arrested, no_arrest_reason, outcome_type, version) ",
    );
    let version = encode::int(s.version, "summary version")?;
    q.push_values([s], |mut b, s| {
        b.push_bind(id)
            .push_bind(s.plan_id.as_str())
            .push_bind(i64::from(s.plan_version))
            .push_bind(s.force.as_str())
            .push_bind(s.unit.as_str())
            .push_bind(encode::micros(s.occurred_at))
            .push_bind(encode::micros(s.reported_at))
            .push_bind(s.injury.as_str())
            .push_bind(s.hospitalised)
            .push_bind(hate.as_str())
            .push_bind(s.status.as_str())
            .push_bind(s.oic.as_deref())
            .push_bind(s.supervisor.as_str())
            .push_bind(victims.as_str())
            .push_bind(s.arrested)
            .push_bind(s.no_arrest_reason)
            .push_bind(s.outcome_type.map(i64::from))
            .push_bind(version);
    });
    if diff {
        // SQLite rewrites every index on a column named in SET, changed or not: the indexed
        // columns (force, unit, reported_at) get their own UPDATE that runs only when they
        // differ (and is left out when an append read them and they have not changed).
        q.push(
            " ON CONFLICT (case_id) DO UPDATE SET plan_id = excluded.plan_id, plan_version = excluded.plan_version, \
             occurred_at = excluded.occurred_at, injury = excluded.injury, hospitalised = excluded.hospitalised, \
             hate_crime = excluded.hate_crime, status = excluded.status, oic = excluded.oic, \
             supervisor = excluded.supervisor, victims = excluded.victims, arrested = excluded.arrested, \
             no_arrest_reason = excluded.no_arrest_reason, outcome_type = excluded.outcome_type, \
             version = excluded.version",
        );
    }
    let reported_at = encode::micros(s.reported_at);
    let area_known = known
        .and_then(|k| k.area.as_ref())
        .is_some_and(|(f, u, t)| *f == s.force && *u == s.unit && *t == reported_at);
    if diff && !area_known {
        q.push(";\nUPDATE case_summary SET force = ");
        q.push_bind(s.force.as_str())
            .push(", unit = ")
            .push_bind(s.unit.as_str())
            .push(", reported_at = ")
            .push_bind(reported_at)
            .push(" WHERE case_id = ")
            .push_bind(id)
            .push(" AND (force, unit, reported_at) IS NOT (")
            .push_bind(s.force.as_str())
            .push(", ")
            .push_bind(s.unit.as_str())
            .push(", ")
            .push_bind(reported_at)
            .push(")");
    }
    q.push(";\n");
    // The report row: rewritten only when its facts or area changed.
    let r = &p.report;
    q.push("INSERT INTO case_report (case_id, force, unit, occurred_at, facts) VALUES (")
        .push_bind(id)
        .push(", ")
        .push_bind(r.force.as_str())
        .push(", ")
        .push_bind(r.unit.as_str())
        .push(", ")
        .push_bind(encode::micros(r.occurred_at))
        .push(", ")
        .push_bind(crate::report::facts_json(r)?)
        .push(
            ") ON CONFLICT (case_id) DO UPDATE SET force = excluded.force, unit = excluded.unit, \
             occurred_at = excluded.occurred_at, facts = excluded.facts \
             WHERE (case_report.force, case_report.unit, case_report.occurred_at, case_report.facts) \
             IS NOT (excluded.force, excluded.unit, excluded.occurred_at, excluded.facts);\n",
        );
    let people = encode::case_people(s);
    let people_known = known.and_then(|k| k.people.as_ref()).is_some_and(|old| {
        let mut new: Vec<(&str, &str)> = people.iter().map(|(p, r)| (p.as_str(), *r)).collect();
        new.sort_unstable();
        new.len() == old.len()
            && new
                .iter()
                .zip(old)
                .all(|((p, r), (op, or))| p == op && r == or)
    });
    if diff && !people_known {
        q.push("DELETE FROM case_person WHERE case_id = ")
            .push_bind(id);
        if !people.is_empty() {
            q.push(" AND (person, relation) NOT IN (");
            q.push_values(&people, |mut b, (person, rel)| {
                b.push_bind(person.as_str()).push_bind(*rel);
            });
            q.push(")");
        }
        q.push(";\n");
    }
    let people_unchanged = diff && people_known;
    if !people.is_empty() && !people_unchanged {
        q.push("INSERT INTO case_person (case_id, person, relation) ");
        q.push_values(people, |mut b, (person, rel)| {
            b.push_bind(id).push_bind(person).push_bind(rel);
        });
        if diff {
            q.push(" ON CONFLICT DO NOTHING");
        }
        q.push(";\n");
    }
    // Rows to delete only if some row is not among the new ones (known from the append's
    // read; always checked in SQL otherwise).
    let none_gone = known.is_some_and(|k| {
        k.obligation_keys.iter().all(|(o, i)| {
            p.obligations
                .iter()
                .any(|n| n.obligation_id == *o && Some(n.instance) == *i)
        })
    });
    if diff && !none_gone {
        q.push("DELETE FROM obligation WHERE case_id = ")
            .push_bind(id);
        if !p.obligations.is_empty() {
            q.push(" AND (obligation_id, instance) NOT IN (");
            q.push_values(&p.obligations, |mut b, o| {
                b.push_bind(o.obligation_id.as_str())
                    .push_bind(i64::from(o.instance));
            });
            q.push(")");
        }
        q.push(";\n");
    }
    let open = encode::case_open(s);
    // 15 parameters a row; SQLite allows 32766 a statement.
    for (chunk_no, chunk) in p.obligations.chunks(1000).enumerate() {
        q.push(
            "INSERT INTO obligation (case_id, obligation_id, instance, ord, point, title, owner_role, owner_person, \
             force, unit, started_at, due_at, completed_at, status, case_open) ",
        );
        q.push_values(chunk.iter().enumerate(), |mut b, (i, o)| {
            b.push_bind(id)
                .push_bind(o.obligation_id.as_str())
                .push_bind(i64::from(o.instance))
                .push_bind((chunk_no * 1000 + i) as i64)
                .push_bind(o.point.as_str())
                .push_bind(o.title.as_str())
                .push_bind(o.owner_role.as_str())
                .push_bind(o.owner_person.as_deref())
                .push_bind(o.force.as_str())
                .push_bind(o.unit.as_str())
                .push_bind(o.started_at.map(encode::micros))
                .push_bind(o.due_at.map(encode::micros))
                .push_bind(o.completed_at.map(encode::micros))
                .push_bind(o.status.as_str())
                .push_bind(open);
        });
        if diff {
            q.push(OBLIGATION_UPSERT);
        }
        q.push(";\n");
    }
    if diff && !p.obligations.is_empty() {
        // The indexed columns of rows that were already there, only where they changed (see
        // OBLIGATION_UPSERT).
        q.push(
            "UPDATE obligation SET owner_person = v.column3, due_at = v.column4, force = v.column5, \
             unit = v.column6, status = v.column7, case_open = v.column8 FROM (",
        );
        q.push_values(&p.obligations, |mut b, o| {
            b.push_bind(o.obligation_id.as_str())
                .push_bind(i64::from(o.instance))
                .push_bind(o.owner_person.as_deref())
                .push_bind(o.due_at.map(encode::micros))
                .push_bind(o.force.as_str())
                .push_bind(o.unit.as_str())
                .push_bind(o.status.as_str())
                .push_bind(open);
        });
        q.push(") AS v WHERE obligation.case_id = ")
            .push_bind(id)
            .push(
                " AND obligation.obligation_id = v.column1 AND obligation.instance = v.column2 \
                 AND (obligation.owner_person, obligation.due_at, obligation.force, obligation.unit, \
                 obligation.status, obligation.case_open) IS NOT \
                 (v.column3, v.column4, v.column5, v.column6, v.column7, v.column8);\n",
            );
    }
    push_escalation_due(q, id, &p.escalation_due, replace);
    Ok(())
}

/// Pushes the statements that write the sweep's index rows of a case (migration 0020): when
/// replacing, rows no longer wanted (or due at another time) go; new rows are written unless
/// their level is decided already.
fn push_escalation_due(
    q: &mut QueryBuilder<Sqlite>,
    id: &str,
    due: &[EscalationDue],
    replace: bool,
) {
    if replace {
        q.push("DELETE FROM escalation_due WHERE case_id = ")
            .push_bind(id);
        if !due.is_empty() {
            q.push(" AND (obligation_id, instance, level, due_at) NOT IN (");
            q.push_values(due, |mut b, e| {
                b.push_bind(e.obligation_id.as_str())
                    .push_bind(i64::from(e.instance))
                    .push_bind(i64::from(e.level))
                    .push_bind(encode::micros(e.due_at));
            });
            q.push(")");
        }
        q.push(";\n");
    }
    // 4 parameters a row.
    for chunk in due.chunks(5000) {
        q.push(
            "INSERT INTO escalation_due (case_id, obligation_id, instance, level, due_at) SELECT ",
        )
        .push_bind(id)
        .push(", v.column1, v.column2, v.column3, v.column4 FROM (");
        q.push_values(chunk, |mut b, e| {
            b.push_bind(e.obligation_id.as_str())
                .push_bind(i64::from(e.instance))
                .push_bind(i64::from(e.level))
                .push_bind(encode::micros(e.due_at));
        });
        q.push(") AS v WHERE NOT EXISTS (SELECT 1 FROM obligation_escalation x WHERE x.case_id = ")
            .push_bind(id)
            .push(
                " AND x.obligation_id = v.column1 AND x.instance = v.column2 AND x.level = v.column3) \
                 ON CONFLICT DO NOTHING;\n",
            );
    }
}

/// Obligation rows up to which a replacement writes only the rows that changed.
const DIFF_ROWS: usize = 1000;

/// Turns an obligation INSERT into an upsert that leaves an unchanged row alone (no write).
/// It sets only the columns no index covers: SQLite rewrites the entries of every index on a
/// column named in SET (or in a partial index's WHERE) whether or not the value changed, and
/// `ord` shifts for every later row when a new instance appears. The indexed columns are
/// updated by a separate UPDATE that touches only rows where they differ.
const OBLIGATION_UPSERT: &str = " ON CONFLICT (case_id, obligation_id, instance) DO UPDATE SET \
     ord = excluded.ord, point = excluded.point, title = excluded.title, owner_role = excluded.owner_role, \
     started_at = excluded.started_at, completed_at = excluded.completed_at \
     WHERE (ord, point, title, owner_role, started_at, completed_at) IS NOT (excluded.ord, excluded.point, \
     excluded.title, excluded.owner_role, excluded.started_at, excluded.completed_at)";

/// Pushes the statements that insert chained access entries (in chain order) and advance the
/// access head to the last; nothing for none. A command's own entry and a group of readers'
/// entries (`access.rs`) are written by this one function.
pub(super) fn push_access(q: &mut QueryBuilder<Sqlite>, rows: &[encode::NewAccess]) {
    let Some(last) = rows.last() else {
        return;
    };
    q.push(
        "INSERT INTO access_log (seq, at, actor, action, case_id, what, justification, prev_hash, hash) ",
    );
    q.push_values(rows, |mut b, n| {
        let e = &n.entry;
        b.push_bind(n.seq)
            .push_bind(encode::micros(e.at))
            .push_bind(e.actor.as_str())
            .push_bind(e.action.as_str())
            .push_bind(e.case_id.as_ref().map(CaseId::as_str))
            .push_bind(e.what.as_str())
            .push_bind(e.justification.as_str())
            .push_bind(&n.prev_hash[..])
            .push_bind(&n.hash[..]);
    });
    q.push(";\nUPDATE access_head SET seq = ")
        .push_bind(last.seq)
        .push(", hash = ")
        .push_bind(&last.hash[..])
        .push(" WHERE id = 1;");
}

async fn delete_read_models(tx: &mut SqliteConnection, id: &str) -> Result<()> {
    for sql in [
        "DELETE FROM escalation_due WHERE case_id = ?",
        "DELETE FROM obligation WHERE case_id = ?",
        "DELETE FROM case_person WHERE case_id = ?",
        "DELETE FROM case_report WHERE case_id = ?",
        "DELETE FROM case_summary WHERE case_id = ?",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    Ok(())
}

/// Appends an access entry to its chain; returns its seq.
pub(super) async fn access(tx: &mut SqliteConnection, entry: AccessEntry) -> Result<i64> {
    let head = sqlx::query("SELECT seq, hash FROM access_head WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let head_hash = encode::hash(&head.bytes("hash")?, "access_head hash")?;
    let n = encode::chain_access(entry, head.int("seq")?, &head_hash)?;
    let e = &n.entry;
    sqlx::query(
        "INSERT INTO access_log (seq, at, actor, action, case_id, what, justification, prev_hash, hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(n.seq)
    .bind(encode::micros(e.at))
    .bind(&e.actor)
    .bind(e.action.as_str())
    .bind(e.case_id.as_ref().map(CaseId::as_str))
    .bind(&e.what)
    .bind(&e.justification)
    .bind(&n.prev_hash[..])
    .bind(&n.hash[..])
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE access_head SET seq = ?, hash = ? WHERE id = 1")
        .bind(n.seq)
        .bind(&n.hash[..])
        .execute(&mut *tx)
        .await?;
    Ok(n.seq)
}

/// Checks a disposal request before touching the database.
pub(crate) fn check_disposal(d: &Disposal) -> Result<()> {
    if d.by.trim().is_empty() {
        return Err(StoreError::Invalid(
            "a disposal must say who authorised it".into(),
        ));
    }
    if d.reason.trim().is_empty() {
        return Err(StoreError::Invalid("a disposal needs a reason".into()));
    }
    Ok(())
}

/// Disposes of a case's personal data (see the module docs).
pub(super) async fn dispose(tx: &mut SqliteConnection, d: &Disposal) -> Result<()> {
    let id = d.case_id.as_str();
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM event WHERE case_id = ? LIMIT 1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(StoreError::NotFound(id.to_owned()));
    }
    let done: Option<i64> = sqlx::query_scalar("SELECT 1 FROM disposal WHERE case_id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    if done.is_some() {
        return Err(StoreError::Invalid(format!(
            "case {id} has already been disposed of"
        )));
    }
    sqlx::query("UPDATE event SET body = ?, by_person = '', disposed = 1 WHERE case_id = ?")
        .bind(TOMBSTONE)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    delete_read_models(tx, id).await?;
    // Notifications name the person told: they go with the case's other personal data, and
    // their webhook deliveries with them.
    for sql in [
        "DELETE FROM webhook_delivery WHERE case_id = ?",
        "DELETE FROM notification WHERE case_id = ?",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    sqlx::query("INSERT INTO disposal (case_id, by_person, at, reason) VALUES (?, ?, ?, ?)")
        .bind(id)
        .bind(&d.by)
        .bind(encode::micros(d.at))
        .bind(&d.reason)
        .execute(&mut *tx)
        .await?;
    access(tx, encode::disposal_access(d)).await?;
    Ok(())
}

/// Rows per multi-row INSERT in [`append_many`] (at most 18 parameters a row; SQLite allows
/// 32766 a statement).
const BULK_ROWS: usize = 1000;

/// Appends to many cases in one transaction (bulk import), with the same checks and rows as
/// [`append`] one by one but in a few dozen statements per batch rather than a dozen per
/// case: the log head and access head are read and written once, the cases' current versions
/// are read a chunk of ids at a time, and events, read models and access entries go in as
/// multi-row INSERTs. A batch naming a case twice takes the one-by-one path.
pub(super) async fn append_many(
    tx: &mut SqliteConnection,
    batch: &[Append],
    recorded_at: jiff::Timestamp,
) -> Result<Option<Appended>> {
    let mut seen = std::collections::HashSet::new();
    if !batch.iter().all(|a| seen.insert(a.case_id.as_str())) {
        let mut last = None;
        for a in batch {
            last = Some(append(tx, a, recorded_at).await?);
        }
        return Ok(last);
    }
    // Which of the cases already have events.
    let mut existing = std::collections::HashSet::new();
    for chunk in batch.chunks(BULK_ROWS) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT DISTINCT case_id FROM event WHERE case_id IN (");
        let mut list = q.separated(", ");
        for a in chunk {
            list.push_bind(a.case_id.as_str());
        }
        q.push(")");
        for r in q.build().fetch_all(&mut *tx).await? {
            existing.insert(r.text("case_id")?);
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM log_head WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let (mut head_seq, mut head_hash) = (
        head.int("seq")?,
        encode::hash(&head.bytes("hash")?, "log_head hash")?,
    );
    let mut rows = Vec::new();
    let mut last = None;
    for (i, a) in batch.iter().enumerate() {
        let (actual, prev_case) = if existing.contains(a.case_id.as_str()) {
            let r = sqlx::query("SELECT case_version, case_hash FROM event WHERE case_id = ? ORDER BY case_version DESC LIMIT 1")
                .bind(a.case_id.as_str())
                .fetch_one(&mut *tx)
                .await?;
            let disposed: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM disposal WHERE case_id = ?")
                    .bind(a.case_id.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            if disposed.is_some() {
                return Err(StoreError::NotFound(format!(
                    "{} (its personal data was disposed of)",
                    a.case_id
                )));
            }
            (
                encode::uint::<u64>(r.int("case_version")?, "case version")?,
                encode::hash(&r.bytes("case_hash")?, "case hash")?,
            )
        } else {
            (0, crate::chain::GENESIS)
        };
        if actual != a.expected_version {
            return Err(StoreError::Conflict {
                case_id: a.case_id.to_string(),
                expected: a.expected_version,
                actual,
            });
        }
        let chained = encode::chain_events(
            &a.case_id, actual, prev_case, head_seq, head_hash, &a.events,
        )?;
        let Some(end) = chained.last() else {
            return Err(StoreError::Invalid(format!(
                "an append to case {} has no events",
                a.case_id
            )));
        };
        (head_seq, head_hash) = (end.seq, end.log_hash);
        last = Some(Appended {
            version: actual + a.events.len() as u64,
            last_seq: end.seq,
            head: end.log_hash,
        });
        rows.extend(chained.into_iter().map(|r| (i, r)));
    }
    let recorded_at = encode::micros(recorded_at);
    for chunk in rows.chunks(BULK_ROWS) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO event (seq, case_id, case_version, event_type, at, by_person, body, recorded_at, \
             content_hash, prev_case_hash, case_hash, prev_log_hash, log_hash, disposed) ",
        );
        q.push_values(chunk, |mut b, (i, r)| {
            b.push_bind(r.seq)
                .push_bind(batch[*i].case_id.as_str())
                .push_bind(r.version)
                .push_bind(r.event_type)
                .push_bind(r.at)
                .push_bind(r.by.as_str())
                .push_bind(r.body.as_str())
                .push_bind(recorded_at)
                .push_bind(&r.content_hash[..])
                .push_bind(&r.prev_case_hash[..])
                .push_bind(&r.case_hash[..])
                .push_bind(&r.prev_log_hash[..])
                .push_bind(&r.log_hash[..])
                .push_bind(0i64);
        });
        q.build().execute(&mut *tx).await?;
    }
    if last.is_some() {
        sqlx::query("UPDATE log_head SET seq = ?, hash = ? WHERE id = 1")
            .bind(head_seq)
            .bind(&head_hash[..])
            .execute(&mut *tx)
            .await?;
    }
    bulk_read_models(tx, batch, &existing).await?;
    super::notify::write_batch_outbox(tx, batch, &existing, recorded_at).await?;
    bulk_access(tx, batch).await?;
    Ok(last)
}

/// The read models of a batch of appends (each case once), as multi-row INSERTs.
async fn bulk_read_models(
    tx: &mut SqliteConnection,
    batch: &[Append],
    existing: &std::collections::HashSet<String>,
) -> Result<()> {
    for a in batch {
        if existing.contains(a.case_id.as_str()) {
            delete_read_models(tx, a.case_id.as_str()).await?;
        }
    }
    struct Summary<'a> {
        s: &'a CaseSummary,
        hate: String,
        victims: String,
        version: i64,
    }
    let summaries = batch
        .iter()
        .map(|a| {
            let s = &a.projection.summary;
            Ok(Summary {
                s,
                hate: encode::list(&s.hate_crime)?,
                victims: encode::list(&s.victims)?,
                version: encode::int(s.version, "summary version")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    for chunk in summaries.chunks(BULK_ROWS) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO case_summary (case_id, plan_id, plan_version, force, unit, occurred_at, reported_at, injury, \
             hospitalised, hate_crime, status, oic, supervisor, victims, arrested, no_arrest_reason, outcome_type, version) ",
        );
        q.push_values(chunk, |mut b, x| {
            let s = x.s;
            b.push_bind(s.case_id.as_str())
                .push_bind(s.plan_id.as_str())
                .push_bind(i64::from(s.plan_version))
                .push_bind(s.force.as_str())
                .push_bind(s.unit.as_str())
                .push_bind(encode::micros(s.occurred_at))
                .push_bind(encode::micros(s.reported_at))
                .push_bind(s.injury.as_str())
                .push_bind(s.hospitalised)
                .push_bind(x.hate.as_str())
                .push_bind(s.status.as_str())
                .push_bind(s.oic.as_deref())
                .push_bind(s.supervisor.as_str())
                .push_bind(x.victims.as_str())
                .push_bind(s.arrested)
                .push_bind(s.no_arrest_reason)
                .push_bind(s.outcome_type.map(i64::from))
                .push_bind(x.version);
        });
        q.build().execute(&mut *tx).await?;
    }
    let reports = batch
        .iter()
        .map(|a| {
            let r = &a.projection.report;
            Ok((r, crate::report::facts_json(r)?))
        })
        .collect::<Result<Vec<_>>>()?;
    for chunk in reports.chunks(BULK_ROWS) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO case_report (case_id, force, unit, occurred_at, facts) ",
        );
        q.push_values(chunk, |mut b, (r, facts)| {
            b.push_bind(r.case_id.as_str())
                .push_bind(r.force.as_str())
                .push_bind(r.unit.as_str())
                .push_bind(encode::micros(r.occurred_at))
                .push_bind(facts.as_str());
        });
        q.build().execute(&mut *tx).await?;
    }
    let people: Vec<(&str, String, &str)> = batch
        .iter()
        .flat_map(|a| {
            let id = a.case_id.as_str();
            encode::case_people(&a.projection.summary)
                .into_iter()
                .map(move |(p, rel)| (id, p, rel))
        })
        .collect();
    for chunk in people.chunks(BULK_ROWS * 3) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO case_person (case_id, person, relation) ");
        q.push_values(chunk, |mut b, (id, person, rel)| {
            b.push_bind(*id).push_bind(person.as_str()).push_bind(*rel);
        });
        q.build().execute(&mut *tx).await?;
    }
    let obligations: Vec<(&str, i64, bool, &ObligationRow)> = batch
        .iter()
        .flat_map(|a| {
            let id = a.case_id.as_str();
            let open = encode::case_open(&a.projection.summary);
            a.projection
                .obligations
                .iter()
                .enumerate()
                .map(move |(ord, o)| (id, ord as i64, open, o))
        })
        .collect();
    for chunk in obligations.chunks(BULK_ROWS * 2) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO obligation (case_id, obligation_id, instance, ord, point, title, owner_role, owner_person, \
             force, unit, started_at, due_at, completed_at, status, case_open) ",
        );
        q.push_values(chunk, |mut b, (id, ord, open, o)| {
            b.push_bind(*id)
                .push_bind(o.obligation_id.as_str())
                .push_bind(i64::from(o.instance))
                .push_bind(*ord)
                .push_bind(o.point.as_str())
                .push_bind(o.title.as_str())
                .push_bind(o.owner_role.as_str())
                .push_bind(o.owner_person.as_deref())
                .push_bind(o.force.as_str())
                .push_bind(o.unit.as_str())
                .push_bind(o.started_at.map(encode::micros))
                .push_bind(o.due_at.map(encode::micros))
                .push_bind(o.completed_at.map(encode::micros))
                .push_bind(o.status.as_str())
                .push_bind(*open);
        });
        q.build().execute(&mut *tx).await?;
    }
    // The sweep's index. A new case has no level decided yet: its rows go in as multi-row
    // INSERTs; a case written before keeps out the levels it has decided.
    // A level the append itself decides (generated history) is left out here; its key is
    // written by `write_batch_outbox`.
    let fresh: Vec<(&str, &EscalationDue)> = batch
        .iter()
        .filter(|a| !existing.contains(a.case_id.as_str()))
        .flat_map(|a| {
            let id = a.case_id.as_str();
            let decided = a.notify.as_ref().map_or(&[][..], |n| &n.escalations[..]);
            a.projection
                .escalation_due
                .iter()
                .filter(move |e| {
                    !decided.iter().any(|k| {
                        k.obligation_id == e.obligation_id
                            && k.instance == e.instance
                            && k.level == e.level
                    })
                })
                .map(move |e| (id, e))
        })
        .collect();
    for chunk in fresh.chunks(BULK_ROWS * 5) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO escalation_due (case_id, obligation_id, instance, level, due_at) ",
        );
        q.push_values(chunk, |mut b, (id, e)| {
            b.push_bind(*id)
                .push_bind(e.obligation_id.as_str())
                .push_bind(i64::from(e.instance))
                .push_bind(i64::from(e.level))
                .push_bind(encode::micros(e.due_at));
        });
        q.build().execute(&mut *tx).await?;
    }
    for a in batch
        .iter()
        .filter(|a| existing.contains(a.case_id.as_str()))
    {
        if a.projection.escalation_due.is_empty() {
            continue;
        }
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("");
        push_escalation_due(
            &mut q,
            a.case_id.as_str(),
            &a.projection.escalation_due,
            false,
        );
        q.build().execute(&mut *tx).await?;
    }
    Ok(())
}

/// The access entries of a batch of appends, chained in order, as multi-row INSERTs.
async fn bulk_access(tx: &mut SqliteConnection, batch: &[Append]) -> Result<()> {
    let head = sqlx::query("SELECT seq, hash FROM access_head WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let (mut seq, mut hash) = (
        head.int("seq")?,
        encode::hash(&head.bytes("hash")?, "access_head hash")?,
    );
    let mut entries = Vec::with_capacity(batch.len());
    for a in batch {
        let n = encode::chain_access(a.access.clone(), seq, &hash)?;
        (seq, hash) = (n.seq, n.hash);
        entries.push(n);
    }
    for chunk in entries.chunks(BULK_ROWS) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO access_log (seq, at, actor, action, case_id, what, justification, prev_hash, hash) ",
        );
        q.push_values(chunk, |mut b, n| {
            let e = &n.entry;
            b.push_bind(n.seq)
                .push_bind(encode::micros(e.at))
                .push_bind(e.actor.as_str())
                .push_bind(e.action.as_str())
                .push_bind(e.case_id.as_ref().map(CaseId::as_str))
                .push_bind(e.what.as_str())
                .push_bind(e.justification.as_str())
                .push_bind(&n.prev_hash[..])
                .push_bind(&n.hash[..]);
        });
        q.build().execute(&mut *tx).await?;
    }
    if !entries.is_empty() {
        sqlx::query("UPDATE access_head SET seq = ?, hash = ? WHERE id = 1")
            .bind(seq)
            .bind(&hash[..])
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}
