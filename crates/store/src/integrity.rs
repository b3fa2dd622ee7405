//! What `verify` checks beyond the two chains' own links: heads published outside the
//! database ([`ExpectedHead`]), disposals against their erase entries in the access log
//! ([`DisposalCheck`]), and the stored read models against read models rebuilt from the events
//! ([`verify_read_models`]).
//!
//! # Published heads
//!
//! A hash chain alone cannot show that its newest rows were deleted: whoever deletes them can
//! also rewind `log_head`, and what is left is a shorter, valid chain. So the head is published
//! outside the database (`pledge serve` logs it and exposes it on `/metrics`, see
//! docs/operations.md) and verify takes published heads back. A published head `(seq, hash)`
//! *holds* when the row at `seq` is in the log, verifies at that position and has that log hash
//! (each log hash covers its seq and every row before it). Rows appended since it was published
//! are expected and fine: "expect" means "still contains", not "ends at".

use crate::Store;
use crate::chain;
use crate::encode;
use crate::error::Result;
use crate::model::{AccessAction, AccessEntry};
use crate::model::{
    CaseId, CaseSummary, ChainProblem, Disposal, EscalationDue, Hash, ObligationRow, Projection,
};
use serde::Serialize;
use std::collections::HashMap;

/// A head published outside the database: a log hash, and the sequence number it was
/// published with when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedHead {
    /// The global sequence number of the head row, when known.
    pub seq: Option<i64>,
    /// The head row's log hash.
    pub hash: Hash,
}

impl ExpectedHead {
    /// Parses `HASH` or `SEQ:HASH` (64 hex digits; the form `pledge serve` publishes).
    pub fn parse(s: &str) -> std::result::Result<Self, String> {
        let (seq, hash) = match s.trim().split_once(':') {
            Some((seq, hash)) => {
                let seq = seq
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| format!("\"{seq}\" is not a sequence number (0 or more)"))?;
                (Some(seq), hash)
            }
            None => (None, s.trim()),
        };
        let bytes = hex::decode(hash)
            .ok()
            .and_then(|b| chain::from_bytes(&b))
            .ok_or_else(|| {
                format!(
                    "\"{hash}\" is not a head hash (64 hexadecimal digits, optionally SEQ:HASH)"
                )
            })?;
        Ok(Self { seq, hash: bytes })
    }

    /// As published: `SEQ:HASH`, or `HASH` alone.
    pub fn label(&self) -> String {
        match self.seq {
            Some(s) => format!("{s}:{}", chain::to_hex(&self.hash)),
            None => chain::to_hex(&self.hash),
        }
    }
}

/// What to check besides the chains' own links.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Heads of the event log published earlier; each must still be in the log.
    pub expect_heads: Vec<ExpectedHead>,
    /// Heads of the access log published earlier; each must still be in it.
    pub expect_access_heads: Vec<ExpectedHead>,
}

/// The two chains' head records, cheap to read (for publishing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heads {
    /// The event log's head: sequence number (0 when empty) and hash.
    pub events: (i64, Hash),
    /// The access log's head.
    pub access: (i64, Hash),
}

impl Heads {
    /// The event head as published: `SEQ:HASH`.
    pub fn events_label(&self) -> String {
        format!("{}:{}", self.events.0, chain::to_hex(&self.events.1))
    }
    /// The access head as published: `SEQ:HASH`.
    pub fn access_label(&self) -> String {
        format!("{}:{}", self.access.0, chain::to_hex(&self.access.1))
    }
}

/// Heads from the two head records' columns.
pub(crate) fn heads_from(
    seq: i64,
    hash: &[u8],
    access_seq: i64,
    access_hash: &[u8],
) -> Result<Heads> {
    Ok(Heads {
        events: (seq, encode::hash(hash, "log_head hash")?),
        access: (access_seq, encode::hash(access_hash, "access_head hash")?),
    })
}

/// Groups read-model rows by case, one [`StoredReadModel`] per requested id, in that order.
pub(crate) fn assemble(
    ids: &[CaseId],
    summaries: Vec<CaseSummary>,
    obligations: Vec<(ObligationRow, bool)>,
    people: Vec<(String, String, String)>,
    reports: Vec<crate::report::CaseReport>,
    escalation: Vec<(String, EscalationDue)>,
    decided: Vec<(String, String, u32, u32)>,
) -> Result<Vec<StoredReadModel>> {
    let mut by_id: HashMap<&str, StoredReadModel> = ids
        .iter()
        .map(|id| {
            (
                id.as_str(),
                StoredReadModel {
                    case_id: id.clone(),
                    summary: None,
                    obligations: Vec::new(),
                    people: Vec::new(),
                    report: None,
                    escalation_due: Vec::new(),
                    decided: Vec::new(),
                },
            )
        })
        .collect();
    for (case, e) in escalation {
        if let Some(m) = by_id.get_mut(case.as_str()) {
            m.escalation_due.push(e);
        }
    }
    for (case, o, i, l) in decided {
        if let Some(m) = by_id.get_mut(case.as_str()) {
            m.decided.push((o, i, l));
        }
    }
    for s in summaries {
        if let Some(m) = by_id.get_mut(s.case_id.as_str()) {
            m.summary = Some(s);
        }
    }
    for (o, open) in obligations {
        if let Some(m) = by_id.get_mut(o.case_id.as_str()) {
            m.obligations.push((o, open));
        }
    }
    for r in reports {
        if let Some(m) = by_id.get_mut(r.case_id.as_str()) {
            m.report = Some(r);
        }
    }
    for (case, person, relation) in people {
        if let Some(m) = by_id.get_mut(case.as_str()) {
            m.people.push((person, relation));
        }
    }
    Ok(ids
        .iter()
        .filter_map(|id| by_id.remove(id.as_str()))
        .map(|mut m| {
            m.people.sort();
            sort_due(&mut m.escalation_due);
            m
        })
        .collect())
}

/// Tracks published heads during a chain walk.
pub(crate) struct Anchors {
    log: &'static str,
    wanted: Vec<(ExpectedHead, Option<i64>)>,
}

impl Anchors {
    pub(crate) fn new(log: &'static str, wanted: &[ExpectedHead]) -> Self {
        Self {
            log,
            // The head of an empty log (seq 0, the genesis hash) is in every log.
            wanted: wanted
                .iter()
                .cloned()
                .map(|h| {
                    let empty = h.hash == chain::GENESIS && h.seq.unwrap_or(0) == 0;
                    let found = empty.then_some(0);
                    (h, found)
                })
                .collect(),
        }
    }

    /// A row of the walk at `seq` with stored hash `hash`, which verifies at `seq` (`ok`).
    pub(crate) fn see(&mut self, seq: i64, hash: &[u8], ok: bool) {
        if !ok || self.wanted.is_empty() {
            return;
        }
        for (h, found) in &mut self.wanted {
            if found.is_none() && h.hash.as_slice() == hash {
                *found = Some(seq);
            }
        }
    }

    /// Problems for heads not found where they were published.
    pub(crate) fn finish(self, last_seq: i64) -> Vec<ChainProblem> {
        let log = self.log;
        self.wanted
            .into_iter()
            .filter_map(|(h, found)| {
                let position = h.seq.unwrap_or(last_seq);
                match (found, h.seq) {
                    (Some(at), Some(s)) if at != s => Some(ChainProblem {
                        log,
                        case_id: None,
                        position: s,
                        kind: "reordered",
                        detail: format!(
                            "the published head {} is at seq {at}, not at seq {s}",
                            h.label()
                        ),
                    }),
                    (Some(_), _) => None,
                    (None, _) => Some(ChainProblem {
                        log,
                        case_id: None,
                        position,
                        kind: "deleted",
                        detail: format!(
                            "the published head {} is not in the log (which now ends at seq \
                             {last_seq}): rows up to it were deleted or rewritten and the head \
                             record rewound",
                            h.label()
                        ),
                    }),
                }
            })
            .collect()
    }
}

/// Checks every disposal record against the access log: a genuine disposal wrote, in the same
/// transaction, an erase entry with the same case, person, time and reason (which names the
/// retention rule, see `pledge retention dispose`), and that entry is in the hash chain. A
/// disposal record without one was not made by Pledge.
pub(crate) struct DisposalCheck {
    pending: HashMap<String, (Disposal, Option<i64>)>,
}

impl DisposalCheck {
    /// A check of these disposal records.
    pub(crate) fn new(disposals: Vec<Disposal>) -> Self {
        Self {
            pending: disposals
                .into_iter()
                .map(|d| (d.case_id.to_string(), (d, None)))
                .collect(),
        }
    }

    /// The case ids with a disposal record.
    pub(crate) fn cases(&self) -> std::collections::HashSet<String> {
        self.pending.keys().cloned().collect()
    }

    /// An access entry (in seq order).
    pub(crate) fn see(&mut self, seq: i64, entry: &AccessEntry) {
        if entry.action != AccessAction::Erase {
            return;
        }
        let Some(case) = &entry.case_id else { return };
        if let Some((d, found)) = self.pending.get_mut(case.as_str())
            && found.is_none()
            && encode::disposal_access(d) == *entry
        {
            *found = Some(seq);
        }
    }

    /// Disposals with no matching erase entry.
    pub(crate) fn finish(self) -> Vec<ChainProblem> {
        let mut out: Vec<ChainProblem> = self
            .pending
            .into_values()
            .filter(|(_, found)| found.is_none())
            .map(|(d, _)| ChainProblem {
                log: "disposals",
                case_id: Some(d.case_id.to_string()),
                position: 0,
                kind: "forged",
                detail: format!(
                    "case {} has a disposal record (by {} at {}: \"{}\") but the access log has \
                     no matching erase entry: it was not disposed of through Pledge",
                    d.case_id, d.by, d.at, d.reason
                ),
            })
            .collect();
        out.sort_by(|a, b| a.case_id.cmp(&b.case_id));
        out
    }
}

/// One case's read-model rows as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReadModel {
    /// The case.
    pub case_id: CaseId,
    /// Its `case_summary` row.
    pub summary: Option<CaseSummary>,
    /// Its `obligation` rows in stored plan order, each with its `case_open` column.
    pub obligations: Vec<(ObligationRow, bool)>,
    /// Its `case_person` rows `(person, relation)`, sorted.
    pub people: Vec<(String, String)>,
    /// Its `case_report` row.
    pub report: Option<crate::report::CaseReport>,
    /// Its rows of the sweep's index (`escalation_due`), sorted.
    pub escalation_due: Vec<EscalationDue>,
    /// The levels decided for it (`obligation_escalation`): obligation, instance, level.
    pub decided: Vec<(String, u32, u32)>,
}

/// Cases per chunk when comparing read models.
const PAGE: u32 = 500;

/// What the events say a case's read models must be; `volatile(row)` marks obligation rows
/// whose `due_at` and `status` also depend on data outside the event log (a "next meeting"
/// deadline follows the meeting calendar), which are then not compared in those columns.
pub struct Expected {
    /// The read models rebuilt from the events.
    pub projection: Projection,
    /// Obligation ids whose due time follows a meeting calendar.
    pub calendar_dependent: Vec<String>,
}

/// Rebuilds every case's read models in memory from its events and compares them with the
/// stored rows, reporting the first difference of each case by column; also reports
/// read-model rows of cases that have no events or were disposed of. `project` returns
/// `None` for a case it cannot rebuild (unknown plan: reported too).
pub async fn verify_read_models<S: Store>(
    store: &S,
    project: impl Fn(&crate::model::StoredCase) -> Option<Expected> + Sync,
) -> Result<(u64, Vec<ChainProblem>)> {
    verify_read_models_with(store, project, &mut |_, _| {}).await
}

/// [`verify_read_models`], telling `progress` how many cases are done (and about how many
/// there are) after each chunk. The cases stream in case-id order ([`Store::case_feed`]): a
/// chunk is compared (on both cores) while the next is read, each chunk's events and stored
/// rows from one read transaction, so a case appended to meanwhile is still compared with
/// itself; memory holds a few chunks whatever the size of the store.
pub async fn verify_read_models_with<S: Store>(
    store: &S,
    project: impl Fn(&crate::model::StoredCase) -> Option<Expected> + Sync,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<(u64, Vec<ChainProblem>)> {
    let mut problems = Vec::new();
    let mut checked = 0u64;
    let mut feed = store.case_feed(PAGE).await?;
    while let Some(chunk) = feed.next().await? {
        let pairs: Vec<_> = chunk.cases.iter().zip(&chunk.stored).collect();
        let found =
            crate::feed::on_both_cores(&pairs, &|(raw, stored)| check_case(raw, stored, &project));
        checked += pairs.len() as u64;
        problems.extend(found.into_iter().flatten());
        progress(checked, feed.estimate.max(checked));
    }
    for id in store.orphan_read_models(100).await? {
        problems.push(read_model_problem(
            &id,
            "inserted",
            format!("case {id} has read-model rows but no events, or was disposed of"),
        ));
    }
    Ok((checked, problems))
}

fn read_model_problem(id: &CaseId, kind: &'static str, detail: String) -> ChainProblem {
    ChainProblem {
        log: "read_models",
        case_id: Some(id.to_string()),
        position: 0,
        kind,
        detail,
    }
}

/// One case against its stored rows (both read in one snapshot).
fn check_case(
    raw: &crate::feed::RawCase,
    stored: &StoredReadModel,
    project: &impl Fn(&crate::model::StoredCase) -> Option<Expected>,
) -> Option<ChainProblem> {
    let id = &raw.case_id;
    let case = match raw.load() {
        Ok(Some(c)) => c,
        // A corrupt case is the chain walk's to report.
        Ok(None) | Err(_) => return None,
    };
    if case.disposed.is_some() {
        let has_rows = stored.summary.is_some()
            || stored.report.is_some()
            || !stored.obligations.is_empty()
            || !stored.people.is_empty()
            || !stored.escalation_due.is_empty();
        return has_rows.then(|| {
            read_model_problem(
                id,
                "inserted",
                format!("case {id} was disposed of but still has read-model rows"),
            )
        });
    }
    let Some(expected) = project(&case) else {
        return Some(read_model_problem(
            id,
            "edited",
            format!(
                "case {id}: its read models cannot be rebuilt (no report, or its plan is not loaded)"
            ),
        ));
    };
    first_difference(&expected, stored)
}

/// Whether the stored rows are exactly what writing `projection` would leave (every column
/// `replace_projection` writes, those that follow a meeting calendar included), so a rebuild
/// can leave the case alone.
pub(crate) fn unchanged(projection: &Projection, stored: &StoredReadModel) -> bool {
    let want = as_stored(projection);
    if stored.summary.as_ref() != Some(&want.summary)
        || stored.report.as_ref() != Some(&want.report)
    {
        return false;
    }
    let mut people: Vec<(String, String)> = encode::case_people(&want.summary)
        .into_iter()
        .map(|(p, r)| (p, r.to_owned()))
        .collect();
    people.sort();
    if people != stored.people {
        return false;
    }
    let open = encode::case_open(&want.summary);
    if want.obligations.len() != stored.obligations.len()
        || want
            .obligations
            .iter()
            .zip(&stored.obligations)
            .any(|(w, (h, h_open))| w != h || *h_open != open)
    {
        return false;
    }
    let mut due: Vec<EscalationDue> = want
        .escalation_due
        .into_iter()
        .filter(|e| {
            !stored
                .decided
                .iter()
                .any(|(o, i, l)| *o == e.obligation_id && *i == e.instance && *l == e.level)
        })
        .collect();
    sort_due(&mut due);
    due == stored.escalation_due
}

/// The first column in which the stored rows differ from the rebuilt ones.
pub fn first_difference(expected: &Expected, stored: &StoredReadModel) -> Option<ChainProblem> {
    let id = &stored.case_id;
    let edited = |column: &str, detail: String| {
        Some(read_model_problem(
            id,
            "edited",
            format!("case {id}: {column} differs from the events: {detail}"),
        ))
    };
    let want = &as_stored(&expected.projection);
    let Some(have) = &stored.summary else {
        return Some(read_model_problem(
            id,
            "deleted",
            format!("case {id}: its case_summary row is missing"),
        ));
    };
    if let Some((col, w, h)) = summary_difference(&want.summary, have) {
        return edited(
            &format!("case_summary.{col}"),
            format!("stored {h}, events say {w}"),
        );
    }
    let mut people: Vec<(String, String)> = encode::case_people(&want.summary)
        .into_iter()
        .map(|(p, r)| (p, r.to_owned()))
        .collect();
    people.sort();
    if people != stored.people {
        return edited(
            "case_person",
            format!("stored {:?}, events say {:?}", stored.people, people),
        );
    }
    match &stored.report {
        None => {
            return Some(read_model_problem(
                id,
                "deleted",
                format!("case {id}: its case_report row is missing"),
            ));
        }
        Some(h) if *h != want.report => {
            let w = &want.report;
            let (col, wv, hv) = differ("force", &w.force, &h.force)
                .or_else(|| differ("unit", &w.unit, &h.unit))
                .or_else(|| differ("occurred_at", &w.occurred_at, &h.occurred_at))
                .unwrap_or(("facts", format!("{:?}", w.facts), format!("{:?}", h.facts)));
            return edited(
                &format!("case_report.{col}"),
                format!("stored {hv}, events say {wv}"),
            );
        }
        Some(_) => {}
    }
    let open = encode::case_open(&want.summary);
    for (i, w) in want.obligations.iter().enumerate() {
        let Some((h, h_open)) = stored.obligations.get(i) else {
            return Some(read_model_problem(
                id,
                "deleted",
                format!(
                    "case {id}: obligation row {} ({} #{}) is missing",
                    i + 1,
                    w.obligation_id,
                    w.instance
                ),
            ));
        };
        let volatile = expected.calendar_dependent.contains(&w.obligation_id);
        if let Some((col, wv, hv)) = obligation_difference(w, h, volatile) {
            return edited(
                &format!("obligation.{col} of {} #{}", w.obligation_id, w.instance),
                format!("stored {hv}, events say {wv}"),
            );
        }
        if *h_open != open {
            return edited(
                &format!(
                    "obligation.case_open of {} #{}",
                    w.obligation_id, w.instance
                ),
                format!("stored {h_open}, events say {open}"),
            );
        }
    }
    if let Some((extra, _)) = stored.obligations.get(want.obligations.len()) {
        return Some(read_model_problem(
            id,
            "inserted",
            format!(
                "case {id}: obligation row {} #{} is not in the rebuilt read models",
                extra.obligation_id, extra.instance
            ),
        ));
    }
    escalation_difference(expected, want, stored)
}

/// The sweep's index rows against the rebuilt ones less the levels decided (rows of an
/// obligation whose due time follows a meeting calendar are not compared, as its row's).
fn escalation_difference(
    expected: &Expected,
    want: &Projection,
    stored: &StoredReadModel,
) -> Option<ChainProblem> {
    let id = &stored.case_id;
    let compared = |e: &&EscalationDue| !expected.calendar_dependent.contains(&e.obligation_id);
    let mut w: Vec<EscalationDue> = want
        .escalation_due
        .iter()
        .filter(compared)
        .filter(|e| {
            !stored
                .decided
                .iter()
                .any(|(o, i, l)| *o == e.obligation_id && *i == e.instance && *l == e.level)
        })
        .cloned()
        .collect();
    sort_due(&mut w);
    let h: Vec<EscalationDue> = stored
        .escalation_due
        .iter()
        .filter(compared)
        .cloned()
        .collect();
    if w == h {
        return None;
    }
    let show = |v: &[EscalationDue]| {
        v.iter()
            .map(|e| {
                format!(
                    "{} #{} level {} at {}",
                    e.obligation_id, e.instance, e.level, e.due_at
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let kind = if h.len() < w.len() {
        "deleted"
    } else {
        "edited"
    };
    Some(read_model_problem(
        id,
        kind,
        format!(
            "case {id}: escalation_due (the sweep's index) differs from the events: stored [{}], events say [{}] (run pledge rebuild)",
            show(&h),
            show(&w)
        ),
    ))
}

fn sort_due(v: &mut [EscalationDue]) {
    v.sort_by(|a, b| {
        (&a.obligation_id, a.instance, a.level).cmp(&(&b.obligation_id, b.instance, b.level))
    });
}

/// The projection as the store keeps it: times to the microsecond.
fn as_stored(p: &Projection) -> Projection {
    let us =
        |t: jiff::Timestamp| jiff::Timestamp::from_microsecond(t.as_microsecond()).unwrap_or(t);
    let mut p = p.clone();
    p.summary.occurred_at = us(p.summary.occurred_at);
    p.summary.reported_at = us(p.summary.reported_at);
    p.report.occurred_at = us(p.report.occurred_at);
    for o in &mut p.obligations {
        o.started_at = o.started_at.map(us);
        o.due_at = o.due_at.map(us);
        o.completed_at = o.completed_at.map(us);
    }
    for e in &mut p.escalation_due {
        e.due_at = us(e.due_at);
    }
    p
}

type Diff = (&'static str, String, String);

fn differ<T: PartialEq + std::fmt::Debug>(col: &'static str, w: &T, h: &T) -> Option<Diff> {
    (w != h).then(|| (col, format!("{w:?}"), format!("{h:?}")))
}

fn summary_difference(w: &CaseSummary, h: &CaseSummary) -> Option<Diff> {
    differ("case_id", &w.case_id, &h.case_id)
        .or_else(|| differ("plan_id", &w.plan_id, &h.plan_id))
        .or_else(|| differ("plan_version", &w.plan_version, &h.plan_version))
        .or_else(|| differ("force", &w.force, &h.force))
        .or_else(|| differ("unit", &w.unit, &h.unit))
        .or_else(|| differ("occurred_at", &w.occurred_at, &h.occurred_at))
        .or_else(|| differ("reported_at", &w.reported_at, &h.reported_at))
        .or_else(|| differ("injury", &w.injury, &h.injury))
        .or_else(|| differ("hospitalised", &w.hospitalised, &h.hospitalised))
        .or_else(|| differ("hate_crime", &w.hate_crime, &h.hate_crime))
        .or_else(|| differ("status", &w.status, &h.status))
        .or_else(|| differ("oic", &w.oic, &h.oic))
        .or_else(|| differ("supervisor", &w.supervisor, &h.supervisor))
        .or_else(|| differ("victims", &w.victims, &h.victims))
        .or_else(|| differ("arrested", &w.arrested, &h.arrested))
        .or_else(|| differ("no_arrest_reason", &w.no_arrest_reason, &h.no_arrest_reason))
        .or_else(|| differ("outcome_type", &w.outcome_type, &h.outcome_type))
        .or_else(|| differ("version", &w.version, &h.version))
}

fn obligation_difference(w: &ObligationRow, h: &ObligationRow, volatile: bool) -> Option<Diff> {
    differ("case_id", &w.case_id, &h.case_id)
        .or_else(|| differ("obligation_id", &w.obligation_id, &h.obligation_id))
        .or_else(|| differ("instance", &w.instance, &h.instance))
        .or_else(|| differ("point", &w.point, &h.point))
        .or_else(|| differ("title", &w.title, &h.title))
        .or_else(|| differ("owner_role", &w.owner_role, &h.owner_role))
        .or_else(|| differ("owner_person", &w.owner_person, &h.owner_person))
        .or_else(|| differ("force", &w.force, &h.force))
        .or_else(|| differ("unit", &w.unit, &h.unit))
        .or_else(|| differ("started_at", &w.started_at, &h.started_at))
        .or_else(|| {
            (!volatile)
                .then(|| differ("due_at", &w.due_at, &h.due_at))
                .flatten()
        })
        .or_else(|| differ("completed_at", &w.completed_at, &h.completed_at))
        .or_else(|| {
            (!volatile)
                .then(|| differ("status", &w.status, &h.status))
                .flatten()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_heads_parse_with_and_without_seq() {
        let hex = "ab".repeat(32);
        let h = ExpectedHead::parse(&format!("42:{hex}")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(h.seq, Some(42));
        assert_eq!(h.label(), format!("42:{hex}"));
        assert_eq!(
            ExpectedHead::parse(&hex).map(|h| h.seq),
            Ok(None),
            "a bare hash"
        );
        let genesis = format!("0:{}", "00".repeat(32));
        assert_eq!(ExpectedHead::parse(&genesis).map(|h| h.seq), Ok(Some(0)));
        for bad in ["", "xyz", "0:ab", "-1:ab", &"ab".repeat(31), "12:", "x:ab"] {
            assert!(ExpectedHead::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
