//! The chain walk behind [`crate::Store::verify`], shared by both backends: they only page
//! rows out of their tables (inside one read snapshot) and feed them here.
//!
//! # What is checked
//!
//! Event log, pass 1, in global `seq` order ([`EventWalk`]):
//! - each body against its `content_hash` (a disposed row instead must hold exactly the
//!   tombstone and belong to a case with a disposal record), and the `event_type`, `at` and
//!   `by` columns against the body;
//! - each row's `log_hash = log_link(prev_log_hash, case_hash, seq)`;
//! - each row's `prev_log_hash` against the previous row's `log_hash`;
//! - `seq` dense from 1, and the last row against the `log_head` record (its seq and hash).
//!
//! Event log, pass 2, per case in `case_version` order ([`CaseWalk`]):
//! - each row's `case_hash = case_link(prev_case_hash, content_hash, case_id, version)`;
//! - each row's `prev_case_hash` against the previous version's `case_hash`;
//! - versions dense from 1.
//!
//! The access log ([`SeqChain`] alone): each entry's hash over its canonical text and seq,
//! the links, dense seqs and the `access_head` record.
//!
//! Beyond the links (see [`crate::integrity`]): published heads given to verify must still be
//! in their chain at their position; every disposal record must match an erase entry in the
//! access log; and (`verify_read_models`, run by `pledge verify`) the read models must equal
//! those rebuilt from the events.
//!
//! # How problems are classified
//!
//! Soundness comes first: a log written by the store has every check above passing, so it is
//! never reported dirty; any change to a hashed column, a deleted or added row, or a moved
//! row fails at least one check, so it is never reported clean (short of an attacker who
//! recomputes every later hash *and* rewrites the head record: publish the head elsewhere and
//! give it back with `pledge verify --expect-head` to catch that; see docs/operations.md). The kind is a best guess:
//! - `deleted`: a gap in `seq` or in a case's versions, or fewer rows than the head records;
//! - `inserted`: a row beyond the recorded head, or a row the next row's link skips over;
//! - `reordered`: a row whose hash verifies at another position present in the log (swapped
//!   `seq` or `case_version`), or a body that belongs to another row of the same case;
//! - `edited`: anything else — a body or column that does not match its hash, or a row
//!   whose hashes were recomputed so that its successor no longer links to it.
//!
//! Link breaks next to a row that already failed its own check (or after a gap) are not
//! reported again. Problems are merged per (log, case, position, kind). Positions: a case
//! version when `case_id` is set, else a global (or access) sequence number.

use crate::chain::{self, GENESIS};
use crate::encode::TOMBSTONE;
use crate::integrity::{Anchors, DisposalCheck, ExpectedHead};
use crate::model::{ChainProblem, Hash};
use pledge_domain::Event;
use std::collections::{HashMap, HashSet};

/// Candidate positions tried for a row whose hash fails at its own position.
const MAX_SUSPECTS: usize = 4_096;
/// Largest case for which other versions are tried.
const MAX_CASE_TRIES: usize = 10_000;

/// Where a problem is reported.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    case_id: Option<String>,
    position: i64,
    /// An event's global seq (`None` for an access entry).
    seq: Option<i64>,
}

impl Place {
    /// An event row: reported by case and version.
    pub(crate) fn event(case_id: &str, version: i64, seq: i64) -> Self {
        Self {
            case_id: Some(case_id.to_owned()),
            position: version,
            seq: Some(seq),
        }
    }
    /// An access entry: reported by seq.
    pub(crate) fn access(seq: i64) -> Self {
        Self {
            case_id: None,
            position: seq,
            seq: None,
        }
    }
    /// How a problem names the row. Written only for a problem, not for every row walked.
    fn label(&self) -> String {
        match (&self.case_id, self.seq) {
            (Some(case_id), Some(seq)) => {
                format!("case {case_id} version {} (seq {seq})", self.position)
            }
            _ => format!("access entry {}", self.position),
        }
    }
}

fn problem(log: &'static str, place: &Place, kind: &'static str, detail: String) -> ChainProblem {
    ChainProblem {
        log,
        case_id: place.case_id.clone(),
        position: place.position,
        kind,
        detail,
    }
}

fn seq_problem(log: &'static str, seq: i64, kind: &'static str, detail: String) -> ChainProblem {
    ChainProblem {
        log,
        case_id: None,
        position: seq,
        kind,
        detail,
    }
}

type Recompute = Box<dyn Fn(i64) -> bool + Send>;

struct Suspect {
    seq: i64,
    place: Place,
    verifies_at: Recompute,
}

/// A hash chain ordered by a dense sequence number with a recorded head.
pub(crate) struct SeqChain {
    log: &'static str,
    head_seq: i64,
    head_hash: Vec<u8>,
    /// The highest seq seen at or below the head (0 before the first row).
    prev_seq: i64,
    prev_hash: Vec<u8>,
    prev2_hash: Option<Vec<u8>>,
    prev_place: Option<Place>,
    prev_ok: bool,
    count: u64,
    last_hash: Option<Vec<u8>>,
    head_row_hash: Option<Vec<u8>>,
    suspects: Vec<Suspect>,
    problems: Vec<ChainProblem>,
    anchors: Anchors,
}

impl SeqChain {
    /// A walk of `log` whose head record says `(head_seq, head_hash)`.
    pub(crate) fn new(log: &'static str, head_seq: i64, head_hash: Vec<u8>) -> Self {
        Self {
            log,
            head_seq,
            head_hash,
            prev_seq: 0,
            prev_hash: GENESIS.to_vec(),
            prev2_hash: None,
            prev_place: None,
            prev_ok: true,
            count: 0,
            last_hash: None,
            head_row_hash: None,
            suspects: Vec::new(),
            problems: Vec::new(),
            anchors: Anchors::new(log, &[]),
        }
    }

    /// Also checks that each of these published heads is still in the chain.
    pub(crate) fn expect(mut self, heads: &[ExpectedHead]) -> Self {
        self.anchors = Anchors::new(self.log, heads);
        self
    }

    /// The next row in seq order. `verifies_at(s)` says whether the row's stored hash is the
    /// one computed for position `s`. Returns whether the row lies beyond the head.
    pub(crate) fn push(
        &mut self,
        seq: i64,
        place: Place,
        prev: &[u8],
        hash: &[u8],
        verifies_at: Recompute,
    ) -> bool {
        self.count += 1;
        self.last_hash = Some(hash.to_vec());
        if seq > self.head_seq {
            self.problems.push(problem(
                self.log,
                &place,
                "inserted",
                format!(
                    "{} has seq {seq}, beyond the recorded head (seq {}): it was added outside Pledge",
                    place.label(), self.head_seq
                ),
            ));
            return true;
        }
        let expected = self.prev_seq.max(0) + 1;
        let gap = seq > expected;
        if gap {
            let detail = if seq - 1 == expected {
                format!("seq {expected} is missing")
            } else {
                format!("seqs {expected} to {} are missing", seq - 1)
            };
            self.problems
                .push(seq_problem(self.log, expected, "deleted", detail));
        }
        let ok = verifies_at(seq);
        self.anchors.see(seq, hash, ok);
        if !ok {
            self.suspects.push(Suspect {
                seq,
                place: place.clone(),
                verifies_at,
            });
        }
        if prev != self.prev_hash.as_slice() && !gap && ok && self.prev_ok {
            match &self.prev_place {
                Some(pp) if self.prev2_hash.as_deref() == Some(prev) => {
                    self.problems.push(problem(
                        self.log,
                        pp,
                        "inserted",
                        format!(
                            "{} does not fit: {} links to the row before it",
                            pp.label(),
                            place.label()
                        ),
                    ))
                }
                Some(pp) => self.problems.push(problem(
                    self.log,
                    pp,
                    "edited",
                    format!(
                        "{} is not the row {} links to: it was replaced or its hashes recomputed",
                        pp.label(),
                        place.label()
                    ),
                )),
                None => self.problems.push(problem(
                    self.log,
                    &place,
                    "edited",
                    format!("{} is first but links to a predecessor", place.label()),
                )),
            }
        }
        self.prev2_hash = Some(std::mem::replace(&mut self.prev_hash, hash.to_vec()));
        self.prev_seq = seq.max(self.prev_seq);
        self.prev_ok = ok;
        if seq == self.head_seq {
            self.head_row_hash = Some(hash.to_vec());
        }
        self.prev_place = Some(place);
        false
    }

    /// Rows seen.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// The last row's stored hash, as hex.
    pub(crate) fn head_hex(&self) -> Option<String> {
        self.last_hash.as_ref().map(hex::encode)
    }

    /// Ends the walk: checks the head and classifies rows whose own hash failed.
    pub(crate) fn finish(mut self) -> Vec<ChainProblem> {
        if self.prev_seq < self.head_seq {
            let from = self.prev_seq + 1;
            self.problems.push(seq_problem(
                self.log,
                from,
                "deleted",
                if from == self.head_seq {
                    format!(
                        "the head records {} rows; seq {from} is missing",
                        self.head_seq
                    )
                } else {
                    format!(
                        "the head records {} rows; seqs {from} to {} are missing",
                        self.head_seq, self.head_seq
                    )
                },
            ));
        } else if self.head_seq == 0 && self.head_hash != GENESIS {
            self.problems.push(seq_problem(
                self.log,
                0,
                "edited",
                "the head record of the empty log was altered".into(),
            ));
        } else if self.head_seq > 0
            && self.head_row_hash.as_deref() != Some(self.head_hash.as_slice())
        {
            self.problems.push(seq_problem(
                self.log,
                self.head_seq,
                "edited",
                format!(
                    "the row at the head (seq {}) does not have the recorded head hash",
                    self.head_seq
                ),
            ));
        }
        let anchors = std::mem::replace(&mut self.anchors, Anchors::new(self.log, &[]));
        self.problems.extend(anchors.finish(self.prev_seq));
        let seqs: Vec<i64> = self.suspects.iter().map(|s| s.seq).collect();
        let try_others = self.suspects.len() <= MAX_SUSPECTS;
        for s in &self.suspects {
            let moved_from = if try_others {
                seqs.iter()
                    .copied()
                    .find(|&o| o != s.seq && (s.verifies_at)(o))
            } else {
                None
            };
            self.problems.push(match moved_from {
                Some(o) => problem(
                    self.log,
                    &s.place,
                    "reordered",
                    format!(
                        "{} is stored at seq {} but was written at seq {o}",
                        s.place.label(),
                        s.seq
                    ),
                ),
                None => problem(
                    self.log,
                    &s.place,
                    "edited",
                    format!(
                        "{}: its stored hash does not match its contents",
                        s.place.label()
                    ),
                ),
            });
        }
        self.problems
    }
}

/// An event row as read for pass 1 (global seq order).
pub(crate) struct EventRow {
    pub seq: i64,
    pub case_id: String,
    pub case_version: i64,
    pub event_type: String,
    pub at: i64,
    pub by: String,
    pub body: String,
    pub disposed: bool,
    pub content_hash: Vec<u8>,
    pub case_hash: Vec<u8>,
    pub prev_log_hash: Vec<u8>,
    pub log_hash: Vec<u8>,
}

struct BadBody {
    place: Place,
    case_id: String,
    version: i64,
    body_hash: Hash,
    stored: Vec<u8>,
}

/// Pass 1 over the event log.
pub(crate) struct EventWalk {
    chain: SeqChain,
    disposed_cases: HashSet<String>,
    bad_bodies: Vec<BadBody>,
    problems: Vec<ChainProblem>,
    beyond_head: HashSet<i64>,
}

impl EventWalk {
    /// A walk against the head record, knowing which cases have a disposal record.
    pub(crate) fn new(
        head_seq: i64,
        head_hash: Vec<u8>,
        disposed_cases: HashSet<String>,
        expect: &[ExpectedHead],
    ) -> Self {
        Self {
            chain: SeqChain::new("events", head_seq, head_hash).expect(expect),
            disposed_cases,
            bad_bodies: Vec::new(),
            problems: Vec::new(),
            beyond_head: HashSet::new(),
        }
    }

    /// The next page of rows by seq. Each row's own checks (its body against its content
    /// hash, its columns against its body: a hash and a JSON decoding each, most of the
    /// walk's work) are independent of the others, so they run on both cores; the chain's
    /// links are then followed in order on this thread.
    pub(crate) fn push_page(&mut self, rows: Vec<EventRow>) {
        let head_seq = self.chain.head_seq;
        let disposed = &self.disposed_cases;
        let checks = crate::feed::on_both_cores(&rows, &|r: &EventRow| {
            // A row beyond the head is reported as inserted, its body not looked at.
            (r.seq <= head_seq).then(|| {
                let place = Place::event(&r.case_id, r.case_version, r.seq);
                check_body(r, &place, disposed.contains(&r.case_id))
            })
        });
        for (r, check) in rows.into_iter().zip(checks) {
            self.push_checked(r, check);
        }
    }

    fn push_checked(&mut self, r: EventRow, check: Option<BodyCheck>) {
        let place = Place::event(&r.case_id, r.case_version, r.seq);
        let (prev, case_hash, log_hash) = (
            hash32(&r.prev_log_hash),
            hash32(&r.case_hash),
            r.log_hash.clone(),
        );
        let verifies_at: Recompute = Box::new(move |s| match (prev, case_hash) {
            (Some(p), Some(c)) => chain::log_link(&p, &c, s).as_slice() == log_hash.as_slice(),
            _ => false,
        });
        if self
            .chain
            .push(r.seq, place, &r.prev_log_hash, &r.log_hash, verifies_at)
        {
            self.beyond_head.insert(r.seq);
            return;
        }
        if let Some(check) = check {
            self.problems.extend(check.problems);
            self.bad_bodies.extend(check.bad);
        }
    }

    /// Rows seen.
    pub(crate) fn count(&self) -> u64 {
        self.chain.count()
    }

    /// The last row's log hash, as hex.
    pub(crate) fn head_hex(&self) -> Option<String> {
        self.chain.head_hex()
    }

    /// Ends pass 1: its problems, and the seqs of rows beyond the head (pass 2 skips them,
    /// as they are reported already).
    pub(crate) fn finish(self) -> (Vec<ChainProblem>, HashSet<i64>) {
        let mut problems = self.chain.finish();
        problems.extend(self.problems);
        for b in &self.bad_bodies {
            let swapped = self.bad_bodies.iter().find(|o| {
                o.case_id == b.case_id
                    && o.version != b.version
                    && o.stored.as_slice() == b.body_hash.as_slice()
            });
            problems.push(match swapped {
                Some(o) => problem(
                    "events",
                    &b.place,
                    "reordered",
                    format!(
                        "{}: its body is the body of version {}",
                        b.place.label(),
                        o.version
                    ),
                ),
                None => problem(
                    "events",
                    &b.place,
                    "edited",
                    format!(
                        "{}: the body does not match its content hash",
                        b.place.label()
                    ),
                ),
            });
        }
        (problems, self.beyond_head)
    }
}

/// What one row's own checks found.
struct BodyCheck {
    problems: Vec<ChainProblem>,
    bad: Option<BadBody>,
}

/// A row's body against its content hash (or the tombstone, when disposed of) and its
/// `event_type`, `at` and `by` columns against the body.
fn check_body(r: &EventRow, place: &Place, case_disposed: bool) -> BodyCheck {
    let mut problems = Vec::new();
    let mut edited = |detail: String| problems.push(problem("events", place, "edited", detail));
    if r.disposed {
        if r.body != TOMBSTONE {
            edited(format!(
                "{} is marked disposed but its body is not the tombstone",
                place.label()
            ));
        }
        if !case_disposed {
            edited(format!(
                "{} is marked disposed but the case has no disposal record",
                place.label()
            ));
        }
        return BodyCheck {
            problems,
            bad: None,
        };
    }
    let body_hash = chain::content_hash(&r.body);
    if body_hash.as_slice() != r.content_hash.as_slice() {
        return BodyCheck {
            problems,
            bad: Some(BadBody {
                place: place.clone(),
                case_id: r.case_id.clone(),
                version: r.case_version,
                body_hash,
                stored: r.content_hash.clone(),
            }),
        };
    }
    if case_disposed {
        edited(format!(
            "the case was disposed of but {} still has its body",
            place.label()
        ));
    }
    match serde_json::from_str::<Event>(&r.body) {
        Err(e) => edited(format!("{}: the body is not an event: {e}", place.label())),
        Ok(e) => {
            if e.event_type().as_str() != r.event_type {
                edited(format!(
                    "{}: the event_type column ({}) differs from the body",
                    place.label(),
                    r.event_type
                ));
            }
            if e.at.as_microsecond() != r.at {
                edited(format!(
                    "{}: the at column differs from the body",
                    place.label()
                ));
            }
            if e.by.as_str() != r.by {
                edited(format!(
                    "{}: the by column differs from the body",
                    place.label()
                ));
            }
        }
    }
    BodyCheck {
        problems,
        bad: None,
    }
}

/// An event row as read for pass 2 (case, version order).
pub(crate) struct CaseRow {
    pub seq: i64,
    pub case_id: String,
    pub case_version: i64,
    pub content_hash: Vec<u8>,
    pub prev_case_hash: Vec<u8>,
    pub case_hash: Vec<u8>,
}

/// Pass 2 over the event log: each case's chain.
pub(crate) struct CaseWalk {
    skip: HashSet<i64>,
    current: Vec<CaseRow>,
    problems: Vec<ChainProblem>,
}

impl CaseWalk {
    /// A walk skipping the given seqs (rows already reported as inserted).
    pub(crate) fn new(skip: HashSet<i64>) -> Self {
        Self {
            skip,
            current: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// The next row, in (case_id, case_version) order.
    pub(crate) fn push(&mut self, r: CaseRow) {
        if self.current.first().is_some_and(|c| c.case_id != r.case_id) {
            self.flush();
        }
        if !self.skip.contains(&r.seq) {
            self.current.push(r);
        }
    }

    fn flush(&mut self) {
        let rows = std::mem::take(&mut self.current);
        let Some(first) = rows.first() else { return };
        let case_id = first.case_id.clone();
        let max_v = rows
            .iter()
            .map(|r| r.case_version)
            .max()
            .unwrap_or(0)
            .max(rows.len() as i64);
        let verifies = |r: &CaseRow, v: i64| -> bool {
            let (Some(prev), Some(content), Ok(v)) = (
                hash32(&r.prev_case_hash),
                hash32(&r.content_hash),
                u64::try_from(v),
            ) else {
                return false;
            };
            chain::case_link(&prev, &content, &r.case_id, v).as_slice() == r.case_hash.as_slice()
        };
        let mut expect = 1i64;
        let mut prev_hash: &[u8] = &GENESIS;
        let mut prev2: Option<&[u8]> = None;
        let mut prev_ok = true;
        let mut prev_place: Option<Place> = None;
        for r in &rows {
            let place = Place::event(&case_id, r.case_version, r.seq);
            let gap = r.case_version > expect;
            if gap {
                let detail = if r.case_version - 1 == expect {
                    format!("case {case_id}: version {expect} is missing")
                } else {
                    format!(
                        "case {case_id}: versions {expect} to {} are missing",
                        r.case_version - 1
                    )
                };
                self.problems.push(ChainProblem {
                    log: "events",
                    case_id: Some(case_id.clone()),
                    position: expect,
                    kind: "deleted",
                    detail,
                });
            }
            let ok = verifies(r, r.case_version);
            if !ok {
                let other = if rows.len() <= MAX_CASE_TRIES {
                    (1..=max_v + 1).find(|&v| v != r.case_version && verifies(r, v))
                } else {
                    None
                };
                self.problems.push(match other {
                    Some(v) => problem(
                        "events",
                        &place,
                        "reordered",
                        format!("{} was written as version {v}", place.label()),
                    ),
                    None => problem(
                        "events",
                        &place,
                        "edited",
                        format!("{}: its case hash does not match (hash, case id or version columns altered)", place.label()),
                    ),
                });
            }
            if r.prev_case_hash.as_slice() != prev_hash && !gap && ok && prev_ok {
                self.problems.push(match &prev_place {
                    Some(pp) if prev2 == Some(r.prev_case_hash.as_slice()) => problem(
                        "events",
                        pp,
                        "inserted",
                        format!(
                            "{} does not fit: {} links to the event before it",
                            pp.label(),
                            place.label()
                        ),
                    ),
                    Some(pp) => problem(
                        "events",
                        pp,
                        "edited",
                        format!(
                            "{} is not the event {} links to: it was replaced",
                            pp.label(),
                            place.label()
                        ),
                    ),
                    None => problem(
                        "events",
                        &place,
                        "edited",
                        format!(
                            "{} is the case's first event but links to a predecessor",
                            place.label()
                        ),
                    ),
                });
            }
            expect = expect.max(r.case_version + 1);
            prev2 = Some(prev_hash);
            prev_hash = &r.case_hash;
            prev_ok = ok;
            prev_place = Some(place);
        }
    }

    /// Ends pass 2.
    pub(crate) fn finish(mut self) -> Vec<ChainProblem> {
        self.flush();
        self.problems
    }
}

/// Merges problems reported twice (by the global and the case walk) at one place.
pub(crate) fn merge(problems: Vec<ChainProblem>) -> Vec<ChainProblem> {
    let mut out: Vec<ChainProblem> = Vec::with_capacity(problems.len());
    let mut index: HashMap<(&'static str, Option<String>, i64, &'static str), usize> =
        HashMap::new();
    for p in problems {
        let key = (p.log, p.case_id.clone(), p.position, p.kind);
        match index.get(&key) {
            Some(&i) => {
                if !out[i].detail.contains(&p.detail) {
                    out[i].detail.push_str("; ");
                    out[i].detail.push_str(&p.detail);
                }
            }
            None => {
                index.insert(key, out.len());
                out.push(p);
            }
        }
    }
    out
}

fn hash32(b: &[u8]) -> Option<Hash> {
    chain::from_bytes(b)
}

/// An access-log row as read for verification.
pub(crate) struct AccessRow {
    pub seq: i64,
    /// The entry, when its columns can be read.
    pub entry: Option<crate::model::AccessEntry>,
    /// The canonical text rebuilt from the columns, or why it cannot be.
    pub text: Result<String, String>,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

/// Feeds one access row into its chain; an unreadable row is reported as edited.
/// Erase entries are also matched against the disposal records.
pub(crate) fn push_access(
    chain: &mut SeqChain,
    r: AccessRow,
    disposals: &mut DisposalCheck,
    problems: &mut Vec<ChainProblem>,
) {
    if let Some(entry) = &r.entry {
        disposals.see(r.seq, entry);
    }
    let place = Place::access(r.seq);
    let (prev, hash) = (hash32(&r.prev_hash), r.hash.clone());
    let text = match r.text {
        Ok(t) => Some(t),
        Err(why) => {
            problems.push(problem(
                "access",
                &place,
                "edited",
                format!("{}: {why}", place.label()),
            ));
            None
        }
    };
    let verifies_at: Recompute = Box::new(move |s| match (&text, prev) {
        (Some(t), Some(p)) => chain::access_link(&p, t, s).as_slice() == hash.as_slice(),
        _ => false,
    });
    chain.push(r.seq, place, &r.prev_hash, &r.hash, verifies_at);
}
