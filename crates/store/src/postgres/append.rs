//! Appends on PostgreSQL in few round trips, and concurrent appends committed in groups.
//!
//! A transaction of appends makes three round trips to the server (four when an append
//! claims an idempotency key), however many appends it holds:
//!
//! 1. one simple query that opens the transaction, locks `log_head` then `access_head` (in
//!    that order, as everywhere), and reads the last event of every case appended to and
//!    whether it was disposed of. The case read is its own statement, after the locks, so
//!    under READ COMMITTED it sees every append committed before the lock was granted. Case
//!    ids are written into this query as literals (a [`CaseId`] is only letters, digits, `-`,
//!    `_` and `/`, and is checked again here), as the simple protocol takes no parameters;
//! 2. (only when a key is claimed) the idempotency records of the keys claimed;
//! 3. one statement with every write: events, both chain heads, access entries, read models
//!    (rows that changed upserted, rows unchanged left alone — not even locked — and rows a
//!    case no longer has deleted), escalation keys and the sweep's
//!    index, idempotency records, notifications and their webhook deliveries, each a
//!    data-modifying CTE over arrays (`UNNEST`), so the text is the same whatever the number
//!    of rows and the statement is prepared once per connection;
//! 4. `COMMIT`.
//!
//! The checks are those of an append one at a time, made in order against what the
//! transaction read plus the appends before it: an idempotency key used already (by a
//! committed append or an earlier one in the group: [`StoreError::KeyUsed`]), then the
//! version ([`StoreError::Conflict`]), then disposal. Hashes are chained with
//! [`encode::chain_events`] and [`encode::chain_access`] exactly as before.
//!
//! Single appends go through [`AppendGroup`]: one writer task per store, on a connection of
//! its own, takes every append waiting and writes them in one transaction (one fsync), then
//! answers each caller once committed. An append refused by its checks fails alone; if the
//! group's write fails (e.g. an escalation level decided twice), the group is rolled back and
//! each of its appends tried again in a transaction of its own, so only the one at fault
//! fails. With no queue an append waits for nothing: the writer takes it at once.

use crate::encode::{self, NewAccess, NewEvent};
use crate::error::{Result, StoreError};
use crate::idempotency::{IdempotentResponse, idempotent_row};
use crate::model::*;
use crate::notify::{first_attempt, initial_status};
use crate::rows::Get;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{mpsc, oneshot};

/// The most appends one group transaction takes.
const MAX_GROUP: usize = 256;

/// Appends that may wait for the writer; past that, callers wait to hand theirs in.
const QUEUE: usize = 1024;

/// The most appends written by one statement (a batch import writes several).
const WRITE_CHUNK: usize = 500;

/// A case as the transaction found it (or as the appends before left it).
#[derive(Clone, Copy)]
struct CaseState {
    version: u64,
    hash: Hash,
    disposed: bool,
}

const NEW_CASE: CaseState = CaseState {
    version: 0,
    hash: crate::chain::GENESIS,
    disposed: false,
};

/// The heads of both chains.
#[derive(Clone, Copy)]
struct Heads {
    log_seq: i64,
    log_hash: Hash,
    access_seq: i64,
    access_hash: Hash,
}

/// A case id as an SQL literal (see the module docs).
fn literal(id: &CaseId) -> Result<String> {
    let s = id.as_str();
    let safe = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'/'));
    if !safe {
        return Err(StoreError::Invalid(format!(
            "case id {s:?} cannot be written into a query"
        )));
    }
    Ok(format!("('{s}')"))
}

/// Locks both heads (log first) and reads the cases' last events and disposals, in one round
/// trip; with `begin`, the same query opens the transaction.
async fn lock_and_read(
    conn: &mut PgConnection,
    appends: &[&Append],
    begin: bool,
) -> Result<(Heads, HashMap<String, CaseState>)> {
    let mut sql = String::with_capacity(400 + appends.len() * 24);
    if begin {
        sql.push_str("BEGIN; ");
    }
    sql.push_str(
        "SELECT 'log' AS what, seq, hash FROM log_head WHERE id = 1 FOR UPDATE; \
         SELECT 'access' AS what, seq, hash FROM access_head WHERE id = 1 FOR UPDATE",
    );
    let mut seen = std::collections::HashSet::new();
    for a in appends {
        if seen.insert(a.case_id.as_str()) {
            sql.push_str(if seen.len() == 1 {
                "; SELECT 'case' AS what, c.id AS case_id, e.case_version, e.case_hash, \
                 EXISTS (SELECT 1 FROM disposal d WHERE d.case_id = c.id) AS disposed \
                 FROM (VALUES "
            } else {
                ", "
            });
            sql.push_str(&literal(&a.case_id)?);
        }
    }
    if !seen.is_empty() {
        sql.push_str(
            ") AS c(id) JOIN LATERAL (SELECT case_version, case_hash FROM event \
             WHERE case_id = c.id ORDER BY case_version DESC LIMIT 1) e ON TRUE",
        );
    }
    let rows = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await?;
    let (mut log, mut access, mut cases) = (None, None, HashMap::new());
    for r in &rows {
        match r.text("what")?.as_str() {
            "log" => {
                log = Some((
                    r.int("seq")?,
                    encode::hash(&r.bytes("hash")?, "log_head hash")?,
                ))
            }
            "access" => {
                access = Some((
                    r.int("seq")?,
                    encode::hash(&r.bytes("hash")?, "access_head hash")?,
                ));
            }
            _ => {
                cases.insert(
                    r.text("case_id")?,
                    CaseState {
                        version: encode::uint(r.int("case_version")?, "case version")?,
                        hash: encode::hash(&r.bytes("case_hash")?, "case hash")?,
                        disposed: r.flag("disposed")?,
                    },
                );
            }
        }
    }
    let (Some((log_seq, log_hash)), Some((access_seq, access_hash))) = (log, access) else {
        return Err(StoreError::Corrupt(
            "the log_head or access_head row is missing".into(),
        ));
    };
    Ok((
        Heads {
            log_seq,
            log_hash,
            access_seq,
            access_hash,
        },
        cases,
    ))
}

/// The stored answers of the idempotency keys the appends claim that were used already.
async fn used_keys(
    conn: &mut PgConnection,
    appends: &[&Append],
) -> Result<HashMap<(String, String), IdempotentResponse>> {
    let (actors, keys): (Vec<&str>, Vec<&str>) = appends
        .iter()
        .filter_map(|a| a.idempotency.as_ref())
        .map(|k| (k.actor.as_str(), k.key.as_str()))
        .unzip();
    let mut used = HashMap::new();
    if actors.is_empty() {
        return Ok(used);
    }
    let rows = sqlx::query(
        "SELECT i.actor, i.key, i.request_hash, i.status, i.body, i.created_at FROM idempotency i \
         JOIN UNNEST($1::text[], $2::text[]) AS k(actor, key) ON i.actor = k.actor AND i.key = k.key",
    )
    .bind(&actors)
    .bind(&keys)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        used.insert((r.text("actor")?, r.text("key")?), idempotent_row(r)?);
    }
    Ok(used)
}

/// An append that passed its checks, chained.
struct Accepted<'a> {
    append: &'a Append,
    events: Vec<NewEvent>,
    access: NewAccess,
    done: Appended,
}

/// Checks and chains the appends in order (see the module docs): each is accepted or refused.
fn chain<'a>(
    appends: &[&'a Append],
    mut heads: Heads,
    mut cases: HashMap<String, CaseState>,
    mut used: HashMap<(String, String), IdempotentResponse>,
) -> Result<Vec<Result<Accepted<'a>>>> {
    let mut out = Vec::with_capacity(appends.len());
    for &a in appends {
        if let Some(k) = &a.idempotency
            && let Some(r) = used.get(&(k.actor.clone(), k.key.clone()))
        {
            // A key used already means this command had its one effect: write nothing.
            out.push(Err(StoreError::KeyUsed(Box::new(r.clone()))));
            continue;
        }
        let case = cases.get(a.case_id.as_str()).copied().unwrap_or(NEW_CASE);
        if case.version != a.expected_version {
            out.push(Err(StoreError::Conflict {
                case_id: a.case_id.to_string(),
                expected: a.expected_version,
                actual: case.version,
            }));
            continue;
        }
        if case.disposed {
            out.push(Err(StoreError::NotFound(format!(
                "{} (its personal data was disposed of)",
                a.case_id
            ))));
            continue;
        }
        let events = encode::chain_events(
            &a.case_id,
            case.version,
            case.hash,
            heads.log_seq,
            heads.log_hash,
            &a.events,
        )?;
        let Some(last) = events.last() else {
            out.push(Err(StoreError::Invalid(format!(
                "an append to case {} has no events",
                a.case_id
            ))));
            continue;
        };
        let access = encode::chain_access(a.access.clone(), heads.access_seq, &heads.access_hash)?;
        let done = Appended {
            version: case.version + a.events.len() as u64,
            last_seq: last.seq,
            head: last.log_hash,
        };
        heads.log_seq = last.seq;
        heads.log_hash = last.log_hash;
        heads.access_seq = access.seq;
        heads.access_hash = access.hash;
        cases.insert(
            a.case_id.as_str().to_owned(),
            CaseState {
                version: done.version,
                hash: last.case_hash,
                disposed: false,
            },
        );
        if let Some(k) = &a.idempotency {
            let mut r = k.response.clone();
            r.created_at = encode::truncate(r.created_at);
            used.insert((k.actor.clone(), k.key.clone()), r);
        }
        out.push(Ok(Accepted {
            append: a,
            events,
            access,
            done,
        }));
    }
    Ok(out)
}

/// Every write of a group of accepted appends in one statement (see [`Writes::write`]).
const WRITE: &str = "WITH \
ev AS (INSERT INTO event (seq, case_id, case_version, event_type, at, by_person, body, recorded_at, \
  content_hash, prev_case_hash, case_hash, prev_log_hash, log_hash, disposed) \
  SELECT s, c, v, t, a, b, bd, $1, h1, h2, h3, h4, h5, FALSE \
  FROM UNNEST($2::int8[], $3::text[], $4::int8[], $5::text[], $6::int8[], $7::text[], $8::text[], \
  $9::bytea[], $10::bytea[], $11::bytea[], $12::bytea[], $13::bytea[]) \
  AS x(s, c, v, t, a, b, bd, h1, h2, h3, h4, h5)), \
lh AS (UPDATE log_head SET seq = $14, hash = $15 WHERE id = 1), \
al AS (INSERT INTO access_log (seq, at, actor, action, case_id, what, justification, prev_hash, hash) \
  SELECT * FROM UNNEST($16::int8[], $17::int8[], $18::text[], $19::text[], $20::text[], $21::text[], \
  $22::text[], $23::bytea[], $24::bytea[])), \
ah AS (UPDATE access_head SET seq = $25, hash = $26 WHERE id = 1), \
sm AS (INSERT INTO case_summary (case_id, plan_id, plan_version, force, unit, occurred_at, reported_at, \
  injury, hospitalised, hate_crime, status, oic, supervisor, victims, arrested, no_arrest_reason, \
  outcome_type, version) \
  SELECT * FROM UNNEST($27::text[], $28::text[], $29::int8[], $30::text[], $31::text[], $32::int8[], \
  $33::int8[], $34::text[], $35::bool[], $36::text[], $37::text[], $38::text[], $39::text[], $40::text[], \
  $41::bool[], $42::bool[], $43::int8[], $44::int8[]) \
  ON CONFLICT (case_id) DO UPDATE SET plan_id = excluded.plan_id, plan_version = excluded.plan_version, \
  force = excluded.force, unit = excluded.unit, occurred_at = excluded.occurred_at, \
  reported_at = excluded.reported_at, injury = excluded.injury, hospitalised = excluded.hospitalised, \
  hate_crime = excluded.hate_crime, status = excluded.status, oic = excluded.oic, \
  supervisor = excluded.supervisor, victims = excluded.victims, arrested = excluded.arrested, \
  no_arrest_reason = excluded.no_arrest_reason, outcome_type = excluded.outcome_type, \
  version = excluded.version), \
rp AS (INSERT INTO case_report (case_id, force, unit, occurred_at, facts) \
  SELECT * FROM UNNEST($45::text[], $46::text[], $47::text[], $48::int8[], $49::text[]) \
  ON CONFLICT (case_id) DO UPDATE SET force = excluded.force, unit = excluded.unit, \
  occurred_at = excluded.occurred_at, facts = excluded.facts \
  WHERE (case_report.force, case_report.unit, case_report.occurred_at, case_report.facts) \
  IS DISTINCT FROM (excluded.force, excluded.unit, excluded.occurred_at, excluded.facts)), \
np AS (SELECT * FROM UNNEST($50::text[], $51::text[], $52::text[]) AS x(case_id, person, relation)), \
pd AS (DELETE FROM case_person p USING UNNEST($27::text[]) AS pc(id) WHERE p.case_id = pc.id AND NOT EXISTS \
  (SELECT 1 FROM np WHERE np.case_id = p.case_id AND np.person = p.person AND np.relation = p.relation)), \
pi AS (INSERT INTO case_person (case_id, person, relation) SELECT * FROM np WHERE NOT EXISTS \
  (SELECT 1 FROM case_person p WHERE p.case_id = np.case_id AND p.person = np.person \
  AND p.relation = np.relation) ON CONFLICT DO NOTHING), \
nob AS (SELECT * FROM UNNEST($53::text[], $54::text[], $55::int8[], $56::int8[], $57::text[], $58::text[], \
  $59::text[], $60::text[], $61::text[], $62::text[], $63::int8[], $64::int8[], $65::int8[], $66::text[], \
  $67::bool[]) AS x(case_id, obligation_id, instance, ord, point, title, owner_role, owner_person, force, \
  unit, started_at, due_at, completed_at, status, case_open)), \
od AS (DELETE FROM obligation o USING UNNEST($27::text[]) AS oc(id) WHERE o.case_id = oc.id AND NOT EXISTS (SELECT 1 FROM nob \
  WHERE nob.case_id = o.case_id AND nob.obligation_id = o.obligation_id AND nob.instance = o.instance)), \
oi AS (INSERT INTO obligation (case_id, obligation_id, instance, ord, point, title, owner_role, \
  owner_person, force, unit, started_at, due_at, completed_at, status, case_open) SELECT * FROM nob \
  WHERE NOT EXISTS (SELECT 1 FROM obligation o WHERE o.case_id = nob.case_id \
  AND o.obligation_id = nob.obligation_id AND o.instance = nob.instance \
  AND (o.ord, o.point, o.title, o.owner_role, o.owner_person, o.force, o.unit, o.started_at, o.due_at, \
  o.completed_at, o.status, o.case_open) IS NOT DISTINCT FROM (nob.ord, nob.point, nob.title, \
  nob.owner_role, nob.owner_person, nob.force, nob.unit, nob.started_at, nob.due_at, nob.completed_at, \
  nob.status, nob.case_open)) \
  ON CONFLICT (case_id, obligation_id, instance) DO UPDATE SET ord = excluded.ord, \
  point = excluded.point, title = excluded.title, owner_role = excluded.owner_role, \
  owner_person = excluded.owner_person, force = excluded.force, unit = excluded.unit, \
  started_at = excluded.started_at, due_at = excluded.due_at, completed_at = excluded.completed_at, \
  status = excluded.status, case_open = excluded.case_open \
  WHERE (obligation.ord, obligation.point, obligation.title, obligation.owner_role, \
  obligation.owner_person, obligation.force, obligation.unit, obligation.started_at, obligation.due_at, \
  obligation.completed_at, obligation.status, obligation.case_open) IS DISTINCT FROM (excluded.ord, \
  excluded.point, excluded.title, excluded.owner_role, excluded.owner_person, excluded.force, \
  excluded.unit, excluded.started_at, excluded.due_at, excluded.completed_at, excluded.status, \
  excluded.case_open)), \
nk AS (SELECT * FROM UNNEST($68::text[], $69::text[], $70::int8[], $71::int8[], $72::bool[]) \
  AS x(case_id, obligation_id, instance, level, final_level)), \
ek AS (INSERT INTO obligation_escalation (case_id, obligation_id, instance, level, final_level, decided_at) \
  SELECT case_id, obligation_id, instance, level, final_level, $1 FROM nk), \
want AS (SELECT * FROM UNNEST($73::text[], $74::text[], $75::int8[], $76::int8[], $77::int8[]) \
  AS d(case_id, obligation_id, instance, level, due_at) \
  WHERE NOT EXISTS (SELECT 1 FROM obligation_escalation x WHERE x.case_id = d.case_id \
  AND x.obligation_id = d.obligation_id AND x.instance = d.instance AND x.level = d.level) \
  AND NOT EXISTS (SELECT 1 FROM nk WHERE nk.case_id = d.case_id AND nk.obligation_id = d.obligation_id \
  AND nk.instance = d.instance AND nk.level = d.level)), \
dd AS (DELETE FROM escalation_due e USING UNNEST($27::text[]) AS ec(id) WHERE e.case_id = ec.id AND NOT EXISTS (SELECT 1 FROM want w \
  WHERE w.case_id = e.case_id AND w.obligation_id = e.obligation_id AND w.instance = e.instance \
  AND w.level = e.level)), \
di AS (INSERT INTO escalation_due (case_id, obligation_id, instance, level, due_at) SELECT * FROM want w \
  WHERE NOT EXISTS (SELECT 1 FROM escalation_due e WHERE e.case_id = w.case_id \
  AND e.obligation_id = w.obligation_id AND e.instance = w.instance AND e.level = w.level \
  AND e.due_at = w.due_at) \
  ON CONFLICT (case_id, obligation_id, instance, level) DO UPDATE SET due_at = excluded.due_at \
  WHERE escalation_due.due_at <> excluded.due_at), \
ik AS (INSERT INTO idempotency (actor, key, request_hash, status, body, created_at) \
  SELECT * FROM UNNEST($78::text[], $79::text[], $80::text[], $81::int8[], $82::text[], $83::int8[])), \
nt AS (INSERT INTO notification (case_id, person, role, kind, obligation_id, instance, level, mandatory, \
  urgent, headline, body, created_at, email, email_status, next_attempt_at, attempts) \
  SELECT c, p, r, k, o, i, l, m, u, h, b, $1, e, s, n, 0 FROM UNNEST($84::text[], $85::text[], \
  $86::text[], $87::text[], $88::text[], $89::int8[], $90::int8[], $91::bool[], $92::bool[], $93::text[], \
  $94::text[], $95::text[], $96::text[], $97::int8[]) AS x(c, p, r, k, o, i, l, m, u, h, b, e, s, n) \
  RETURNING id, case_id, kind, created_at), \
wd AS (INSERT INTO webhook_delivery (endpoint_id, notification_id, case_id, status, attempts, \
  next_attempt_at, created_at) \
  SELECT e.id, n.id, n.case_id, 'pending', 0, n.created_at, n.created_at FROM nt n \
  JOIN UNNEST($27::text[], $30::text[]) AS s(case_id, force) ON s.case_id = n.case_id \
  JOIN webhook_endpoint e ON e.force = s.force AND e.active \
  WHERE n.kind <> 'victim_update' \
  AND (e.kinds = '' OR strpos(',' || e.kinds || ',', ',' || n.kind || ',') > 0) \
  ON CONFLICT DO NOTHING) \
SELECT 1";

/// The columns of [`WRITE`], one array each.
#[derive(Default)]
struct Writes<'a> {
    // event
    ev_seq: Vec<i64>,
    ev_case: Vec<&'a str>,
    ev_version: Vec<i64>,
    ev_type: Vec<&'static str>,
    ev_at: Vec<i64>,
    ev_by: Vec<String>,
    ev_body: Vec<String>,
    ev_content: Vec<Vec<u8>>,
    ev_prev_case: Vec<Vec<u8>>,
    ev_case_hash: Vec<Vec<u8>>,
    ev_prev_log: Vec<Vec<u8>>,
    ev_log: Vec<Vec<u8>>,
    // access_log
    ac_seq: Vec<i64>,
    ac_at: Vec<i64>,
    ac_actor: Vec<String>,
    ac_action: Vec<&'static str>,
    ac_case: Vec<Option<String>>,
    ac_what: Vec<String>,
    ac_justification: Vec<String>,
    ac_prev: Vec<Vec<u8>>,
    ac_hash: Vec<Vec<u8>>,
    // case_summary
    s_case: Vec<&'a str>,
    s_plan: Vec<&'a str>,
    s_plan_version: Vec<i64>,
    s_force: Vec<&'a str>,
    s_unit: Vec<&'a str>,
    s_occurred: Vec<i64>,
    s_reported: Vec<i64>,
    s_injury: Vec<&'a str>,
    s_hospitalised: Vec<bool>,
    s_hate: Vec<String>,
    s_status: Vec<&'a str>,
    s_oic: Vec<Option<&'a str>>,
    s_supervisor: Vec<&'a str>,
    s_victims: Vec<String>,
    s_arrested: Vec<bool>,
    s_no_arrest: Vec<bool>,
    s_outcome: Vec<Option<i64>>,
    s_version: Vec<i64>,
    // case_report
    r_case: Vec<&'a str>,
    r_force: Vec<&'a str>,
    r_unit: Vec<&'a str>,
    r_occurred: Vec<i64>,
    r_facts: Vec<String>,
    // case_person
    p_case: Vec<&'a str>,
    p_person: Vec<String>,
    p_relation: Vec<&'static str>,
    // obligation
    o_case: Vec<&'a str>,
    o_id: Vec<&'a str>,
    o_instance: Vec<i64>,
    o_ord: Vec<i64>,
    o_point: Vec<&'a str>,
    o_title: Vec<&'a str>,
    o_role: Vec<&'a str>,
    o_person: Vec<Option<&'a str>>,
    o_force: Vec<&'a str>,
    o_unit: Vec<&'a str>,
    o_started: Vec<Option<i64>>,
    o_due: Vec<Option<i64>>,
    o_completed: Vec<Option<i64>>,
    o_status: Vec<&'static str>,
    o_open: Vec<bool>,
    // obligation_escalation
    k_case: Vec<&'a str>,
    k_id: Vec<&'a str>,
    k_instance: Vec<i64>,
    k_level: Vec<i64>,
    k_final: Vec<bool>,
    // escalation_due
    d_case: Vec<&'a str>,
    d_id: Vec<&'a str>,
    d_instance: Vec<i64>,
    d_level: Vec<i64>,
    d_due: Vec<i64>,
    // idempotency
    i_actor: Vec<&'a str>,
    i_key: Vec<&'a str>,
    i_hash: Vec<&'a str>,
    i_status: Vec<i64>,
    i_body: Vec<&'a str>,
    i_created: Vec<i64>,
    // notification
    n_case: Vec<&'a str>,
    n_person: Vec<Option<&'a str>>,
    n_role: Vec<Option<&'a str>>,
    n_kind: Vec<&'a str>,
    n_obligation: Vec<Option<&'a str>>,
    n_instance: Vec<i64>,
    n_level: Vec<i64>,
    n_mandatory: Vec<bool>,
    n_urgent: Vec<bool>,
    n_headline: Vec<&'a str>,
    n_body: Vec<&'a str>,
    n_email: Vec<Option<&'a str>>,
    n_status: Vec<&'static str>,
    n_next: Vec<Option<i64>>,
}

impl<'a> Writes<'a> {
    /// The rows of `accepted` (in order; a case's read models are those of its last append).
    fn of(accepted: &[&Accepted<'a>]) -> Result<Self> {
        let mut w = Self::default();
        let mut last: HashMap<&str, &'a Projection> = HashMap::new();
        let mut order: Vec<&str> = Vec::new();
        for acc in accepted {
            let a = acc.append;
            let id = a.case_id.as_str();
            for e in &acc.events {
                w.ev_seq.push(e.seq);
                w.ev_case.push(id);
                w.ev_version.push(e.version);
                w.ev_type.push(e.event_type);
                w.ev_at.push(e.at);
                w.ev_by.push(e.by.clone());
                w.ev_body.push(e.body.clone());
                w.ev_content.push(e.content_hash.to_vec());
                w.ev_prev_case.push(e.prev_case_hash.to_vec());
                w.ev_case_hash.push(e.case_hash.to_vec());
                w.ev_prev_log.push(e.prev_log_hash.to_vec());
                w.ev_log.push(e.log_hash.to_vec());
            }
            let n = &acc.access;
            w.ac_seq.push(n.seq);
            w.ac_at.push(encode::micros(n.entry.at));
            w.ac_actor.push(n.entry.actor.clone());
            w.ac_action.push(n.entry.action.as_str());
            w.ac_case
                .push(n.entry.case_id.as_ref().map(|c| c.as_str().to_owned()));
            w.ac_what.push(n.entry.what.clone());
            w.ac_justification.push(n.entry.justification.clone());
            w.ac_prev.push(n.prev_hash.to_vec());
            w.ac_hash.push(n.hash.to_vec());
            if last.insert(id, &a.projection).is_none() {
                order.push(id);
            }
            if let Some(k) = &a.idempotency {
                w.i_actor.push(&k.actor);
                w.i_key.push(&k.key);
                w.i_hash.push(&k.response.request_hash);
                w.i_status.push(i64::from(k.response.status));
                w.i_body.push(&k.response.body);
                w.i_created.push(encode::micros(k.response.created_at));
            }
            if let Some(outbox) = &a.notify {
                for k in &outbox.escalations {
                    w.k_case.push(id);
                    w.k_id.push(&k.obligation_id);
                    w.k_instance.push(i64::from(k.instance));
                    w.k_level.push(i64::from(k.level));
                    w.k_final.push(k.final_level);
                }
                for n in &outbox.notifications {
                    let status = initial_status(n);
                    w.n_case.push(id);
                    w.n_person.push(n.person.as_deref());
                    w.n_role.push(n.role.as_deref());
                    w.n_kind.push(&n.kind);
                    w.n_obligation.push(n.obligation_id.as_deref());
                    w.n_instance.push(i64::from(n.instance));
                    w.n_level.push(i64::from(n.level));
                    w.n_mandatory.push(n.mandatory);
                    w.n_urgent.push(n.urgent);
                    w.n_headline.push(&n.headline);
                    w.n_body.push(&n.body);
                    w.n_email.push(n.email.as_deref());
                    w.n_status.push(status);
                    w.n_next.push(first_attempt(n, status));
                }
            }
        }
        for id in order {
            let Some(p) = last.get(id) else { continue };
            w.projection(p)?;
        }
        Ok(w)
    }

    /// A case's read models.
    fn projection(&mut self, p: &'a Projection) -> Result<()> {
        let s = &p.summary;
        let id = s.case_id.as_str();
        self.s_case.push(id);
        self.s_plan.push(&s.plan_id);
        self.s_plan_version.push(i64::from(s.plan_version));
        self.s_force.push(&s.force);
        self.s_unit.push(&s.unit);
        self.s_occurred.push(encode::micros(s.occurred_at));
        self.s_reported.push(encode::micros(s.reported_at));
        self.s_injury.push(&s.injury);
        self.s_hospitalised.push(s.hospitalised);
        self.s_hate.push(encode::list(&s.hate_crime)?);
        self.s_status.push(&s.status);
        self.s_oic.push(s.oic.as_deref());
        self.s_supervisor.push(&s.supervisor);
        self.s_victims.push(encode::list(&s.victims)?);
        self.s_arrested.push(s.arrested);
        self.s_no_arrest.push(s.no_arrest_reason);
        self.s_outcome.push(s.outcome_type.map(i64::from));
        self.s_version
            .push(encode::int(s.version, "summary version")?);
        let r = &p.report;
        self.r_case.push(id);
        self.r_force.push(&r.force);
        self.r_unit.push(&r.unit);
        self.r_occurred.push(encode::micros(r.occurred_at));
        self.r_facts.push(crate::report::facts_json(r)?);
        for (person, relation) in encode::case_people(s) {
            self.p_case.push(id);
            self.p_person.push(person);
            self.p_relation.push(relation);
        }
        // Rows of a closed case stay but leave "my tasks" and the overdue lists (migration 0003).
        let open = encode::case_open(s);
        for (ord, o) in (0i64..).zip(&p.obligations) {
            self.o_case.push(id);
            self.o_id.push(&o.obligation_id);
            self.o_instance.push(i64::from(o.instance));
            self.o_ord.push(ord);
            self.o_point.push(&o.point);
            self.o_title.push(&o.title);
            self.o_role.push(&o.owner_role);
            self.o_person.push(o.owner_person.as_deref());
            self.o_force.push(&o.force);
            self.o_unit.push(&o.unit);
            self.o_started.push(o.started_at.map(encode::micros));
            self.o_due.push(o.due_at.map(encode::micros));
            self.o_completed.push(o.completed_at.map(encode::micros));
            self.o_status.push(o.status.as_str());
            self.o_open.push(open);
        }
        for e in &p.escalation_due {
            self.d_case.push(id);
            self.d_id.push(&e.obligation_id);
            self.d_instance.push(i64::from(e.instance));
            self.d_level.push(i64::from(e.level));
            self.d_due.push(encode::micros(e.due_at));
        }
        Ok(())
    }

    /// Runs [`WRITE`] with the new heads.
    async fn write(self, conn: &mut PgConnection, recorded_at: i64, heads: Heads) -> Result<()> {
        sqlx::query(WRITE)
            .bind(recorded_at)
            .bind(self.ev_seq)
            .bind(self.ev_case)
            .bind(self.ev_version)
            .bind(self.ev_type)
            .bind(self.ev_at)
            .bind(self.ev_by)
            .bind(self.ev_body)
            .bind(self.ev_content)
            .bind(self.ev_prev_case)
            .bind(self.ev_case_hash)
            .bind(self.ev_prev_log)
            .bind(self.ev_log)
            .bind(heads.log_seq)
            .bind(heads.log_hash.to_vec())
            .bind(self.ac_seq)
            .bind(self.ac_at)
            .bind(self.ac_actor)
            .bind(self.ac_action)
            .bind(self.ac_case)
            .bind(self.ac_what)
            .bind(self.ac_justification)
            .bind(self.ac_prev)
            .bind(self.ac_hash)
            .bind(heads.access_seq)
            .bind(heads.access_hash.to_vec())
            .bind(self.s_case)
            .bind(self.s_plan)
            .bind(self.s_plan_version)
            .bind(self.s_force)
            .bind(self.s_unit)
            .bind(self.s_occurred)
            .bind(self.s_reported)
            .bind(self.s_injury)
            .bind(self.s_hospitalised)
            .bind(self.s_hate)
            .bind(self.s_status)
            .bind(self.s_oic)
            .bind(self.s_supervisor)
            .bind(self.s_victims)
            .bind(self.s_arrested)
            .bind(self.s_no_arrest)
            .bind(self.s_outcome)
            .bind(self.s_version)
            .bind(self.r_case)
            .bind(self.r_force)
            .bind(self.r_unit)
            .bind(self.r_occurred)
            .bind(self.r_facts)
            .bind(self.p_case)
            .bind(self.p_person)
            .bind(self.p_relation)
            .bind(self.o_case)
            .bind(self.o_id)
            .bind(self.o_instance)
            .bind(self.o_ord)
            .bind(self.o_point)
            .bind(self.o_title)
            .bind(self.o_role)
            .bind(self.o_person)
            .bind(self.o_force)
            .bind(self.o_unit)
            .bind(self.o_started)
            .bind(self.o_due)
            .bind(self.o_completed)
            .bind(self.o_status)
            .bind(self.o_open)
            .bind(self.k_case)
            .bind(self.k_id)
            .bind(self.k_instance)
            .bind(self.k_level)
            .bind(self.k_final)
            .bind(self.d_case)
            .bind(self.d_id)
            .bind(self.d_instance)
            .bind(self.d_level)
            .bind(self.d_due)
            .bind(self.i_actor)
            .bind(self.i_key)
            .bind(self.i_hash)
            .bind(self.i_status)
            .bind(self.i_body)
            .bind(self.i_created)
            .bind(self.n_case)
            .bind(self.n_person)
            .bind(self.n_role)
            .bind(self.n_kind)
            .bind(self.n_obligation)
            .bind(self.n_instance)
            .bind(self.n_level)
            .bind(self.n_mandatory)
            .bind(self.n_urgent)
            .bind(self.n_headline)
            .bind(self.n_body)
            .bind(self.n_email)
            .bind(self.n_status)
            .bind(self.n_next)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}

/// Writes the accepted appends, [`WRITE_CHUNK`] a statement.
async fn write_accepted(
    conn: &mut PgConnection,
    accepted: &[&Accepted<'_>],
    recorded_at: i64,
) -> Result<()> {
    for chunk in accepted.chunks(WRITE_CHUNK) {
        let (Some(last), Some(last_event)) =
            (chunk.last(), chunk.last().and_then(|a| a.events.last()))
        else {
            continue;
        };
        let heads = Heads {
            log_seq: last_event.seq,
            log_hash: last_event.log_hash,
            access_seq: last.access.seq,
            access_hash: last.access.hash,
        };
        Writes::of(chunk)?.write(conn, recorded_at, heads).await?;
    }
    Ok(())
}

/// Appends a batch in the caller's transaction, all or nothing: locks, reads, checks and
/// chains every append, then writes them with a few statements. Returns the last append's
/// result (`None` for an empty batch), or the first refusal.
pub(super) async fn append_batch(
    tx: &mut PgConnection,
    batch: &[Append],
    recorded_at: jiff::Timestamp,
) -> Result<Option<Appended>> {
    let appends: Vec<&Append> = batch.iter().collect();
    let (heads, cases) = lock_and_read(tx, &appends, false).await?;
    let used = used_keys(tx, &appends).await?;
    let mut accepted = Vec::with_capacity(appends.len());
    for a in chain(&appends, heads, cases, used)? {
        accepted.push(a?);
    }
    let refs: Vec<&Accepted<'_>> = accepted.iter().collect();
    write_accepted(tx, &refs, encode::micros(recorded_at)).await?;
    Ok(accepted.last().map(|a| a.done.clone()))
}

/// Where a group's transaction failed.
enum Failed {
    /// Before COMMIT was sent: nothing was written (rolled back).
    Before(StoreError),
    /// At COMMIT: whether it was written is not known.
    Commit(StoreError),
}

/// One group in a transaction of its own on `conn`: each append's answer, or where the
/// transaction failed. `conn` has no transaction open on return, unless the returned flag
/// says it may be broken (a rollback failed): then the caller closes it.
async fn group_transaction(
    conn: &mut PgConnection,
    appends: &[&Append],
    recorded_at: jiff::Timestamp,
) -> (std::result::Result<Vec<Result<Appended>>, Failed>, bool) {
    let result = async {
        let (heads, cases) = lock_and_read(conn, appends, true)
            .await
            .map_err(Failed::Before)?;
        let used = used_keys(conn, appends).await.map_err(Failed::Before)?;
        let chained = chain(appends, heads, cases, used).map_err(Failed::Before)?;
        let accepted: Vec<&Accepted<'_>> = chained.iter().filter_map(|r| r.as_ref().ok()).collect();
        write_accepted(conn, &accepted, encode::micros(recorded_at))
            .await
            .map_err(Failed::Before)?;
        sqlx::raw_sql("COMMIT")
            .execute(&mut *conn)
            .await
            .map_err(|e| Failed::Commit(e.into()))?;
        Ok(chained
            .into_iter()
            .map(|r| r.map(|a| a.done))
            .collect::<Vec<_>>())
    }
    .await;
    let broken = match &result {
        Ok(_) => false,
        // Rolled back by the server, or the connection is gone; a ROLLBACK outside a
        // transaction only warns.
        Err(_) => sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await.is_err(),
    };
    (result, broken)
}

/// Writes a group on the writer's connection (opened if there is none) and answers each
/// append. A group whose write failed is tried again one append a transaction.
async fn write_group(
    slot: &mut Option<PgConnection>,
    options: &PgConnectOptions,
    appends: &[Append],
) -> Vec<Result<Appended>> {
    let refs: Vec<&Append> = appends.iter().collect();
    let mut tries = 0;
    let (result, broken) = loop {
        let conn = match slot {
            Some(c) => c,
            None => match PgConnection::connect_with(options).await {
                Ok(c) => slot.insert(c),
                Err(e) => return copies(e.into(), appends.len()),
            },
        };
        let (result, broken) = group_transaction(conn, &refs, jiff::Timestamp::now()).await;
        if broken {
            *slot = None;
        }
        tries += 1;
        // A connection lost before COMMIT (the server restarted since the last group, say)
        // wrote nothing: the group is tried once more on a new connection.
        if broken && tries < 2 && matches!(result, Err(Failed::Before(_))) {
            continue;
        }
        break (result, broken);
    };
    match result {
        Ok(answers) => answers,
        Err(Failed::Commit(e)) => copies(e, appends.len()),
        Err(Failed::Before(e)) if appends.len() == 1 || broken => copies(e, appends.len()),
        Err(Failed::Before(_)) => {
            // One append spoilt the group's write: each alone, so only it fails.
            let mut answers = Vec::with_capacity(appends.len());
            for a in &refs {
                let Some(conn) = slot.as_mut() else {
                    answers.push(Err(StoreError::Invalid(
                        "the append writer's connection was lost".into(),
                    )));
                    continue;
                };
                let (result, broken) =
                    group_transaction(conn, std::slice::from_ref(a), jiff::Timestamp::now()).await;
                if broken {
                    *slot = None;
                }
                answers.push(match result {
                    Ok(mut one) => one.pop().unwrap_or_else(|| {
                        Err(StoreError::Invalid("an append was not answered".into()))
                    }),
                    Err(Failed::Before(e) | Failed::Commit(e)) => Err(e),
                });
            }
            answers
        }
    }
}

/// `n` answers carrying one error (the first as it is, the others as its text).
fn copies(e: StoreError, n: usize) -> Vec<Result<Appended>> {
    let text = match &e {
        StoreError::Database(d) => d.to_string(),
        other => other.to_string(),
    };
    let mut out = Vec::with_capacity(n);
    out.push(Err(e));
    while out.len() < n {
        out.push(Err(StoreError::Database(sqlx::Error::Io(
            std::io::Error::other(text.clone()),
        ))));
    }
    out
}

/// An append waiting for the writer, with the caller to answer once committed.
struct Pending {
    append: Append,
    done: oneshot::Sender<Result<Appended>>,
}

/// The append group committer of one store (see the module docs).
pub(super) struct AppendGroup {
    /// Behind an `Arc`: the options are large, and a store is moved about.
    options: Arc<PgConnectOptions>,
    /// The writer task's queue, started on first use on the caller's runtime (and again if
    /// that runtime has gone, as between tests).
    queue: Mutex<Option<mpsc::Sender<Pending>>>,
}

impl std::fmt::Debug for AppendGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppendGroup").finish_non_exhaustive()
    }
}

impl AppendGroup {
    /// A group committer connecting with `options`.
    pub(super) fn new(options: PgConnectOptions) -> Self {
        Self {
            // Planned at every execution (PostgreSQL's default for the first runs, and kept
            // here): a generic plan, made once per connection, cannot see how many rows the
            // arrays hold, and at 100,000 cases it turned single appends into 1–2.5 s scans.
            options: Arc::new(options.options([("plan_cache_mode", "force_custom_plan")])),
            queue: Mutex::new(None),
        }
    }

    /// Hands an append to the writer and waits for its answer, given once it is committed
    /// (or refused). The append back when there is no Tokio runtime to run the writer on (the
    /// caller then writes it alone).
    pub(super) async fn append(
        &self,
        append: Append,
    ) -> std::result::Result<Result<Appended>, Append> {
        let mut append = append;
        // A second try only when the writer had gone (its runtime shut down) between taking
        // the queue and sending: the append was not taken, so nothing is written twice.
        for _ in 0..2 {
            let Some(queue) = self.queue() else {
                return Err(append);
            };
            let (done, answer) = oneshot::channel();
            match queue.send(Pending { append, done }).await {
                Ok(()) => {
                    return Ok(answer.await.unwrap_or_else(|_| {
                        Err(StoreError::Invalid(
                            "the append writer stopped before the append was answered".into(),
                        ))
                    }));
                }
                Err(mpsc::error::SendError(back)) => append = back.append,
            }
        }
        Err(append)
    }

    /// Stops the writer once it has written what is queued (closing the store).
    pub(super) fn stop(&self) {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    fn queue(&self) -> Option<mpsc::Sender<Pending>> {
        let mut slot = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(queue) = slot.as_ref().filter(|q| !q.is_closed()) {
            return Some(queue.clone());
        }
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        let (queue, pending) = mpsc::channel(QUEUE);
        runtime.spawn(run(Arc::clone(&self.options), pending));
        *slot = Some(queue.clone());
        Some(queue)
    }
}

/// The writer task: takes every append waiting, writes them as one group, answers each
/// caller; ends when the store (and every caller holding the queue) has gone.
async fn run(options: Arc<PgConnectOptions>, mut pending: mpsc::Receiver<Pending>) {
    let mut conn: Option<PgConnection> = None;
    let mut group = Vec::with_capacity(MAX_GROUP);
    while pending.recv_many(&mut group, MAX_GROUP).await > 0 {
        let (appends, waiters): (Vec<_>, Vec<_>) =
            group.drain(..).map(|p| (p.append, p.done)).unzip();
        let answers = write_group(&mut conn, &options, &appends).await;
        for (answer, done) in answers.into_iter().zip(waiters) {
            // A caller that has gone away needs no answer; its append stays written.
            let _ = done.send(answer);
        }
    }
    if let Some(c) = conn {
        let _ = c.close().await;
    }
}
