//! Every case streamed in case-id order, a chunk at a time, for `pledge rebuild` and the
//! read-model half of `pledge verify` ([`crate::Store::case_feed`]).
//!
//! A backend's reader runs as a task of its own on a connection of its own and sends chunks
//! down a bounded channel, so the next chunk is read while the caller folds and projects this
//! one (on both cores: [`on_both_cores`]), and memory holds at most [`AHEAD`] chunks in flight
//! however many cases there are. Each chunk is read in one read transaction: its cases'
//! events, disposal records and stored read models are one consistent snapshot. Chunks are not
//! one snapshot together, which lets SQLite checkpoint its WAL while a rebuild writes.

use crate::error::{Result, StoreError};
use crate::integrity::StoredReadModel;
use crate::model::{CaseId, Disposal, StoredCase};
use tokio::sync::mpsc;

/// Chunks read ahead of the one being worked on.
pub(crate) const AHEAD: usize = 2;

/// One case's event rows as stored, not yet decoded.
#[derive(Debug, Clone)]
pub struct RawCase {
    /// The case.
    pub case_id: CaseId,
    /// `(case_version, body, disposed)` in version order.
    pub rows: Vec<(i64, String, bool)>,
    /// Its disposal record, if any.
    pub disposal: Option<Disposal>,
}

impl RawCase {
    /// Decodes the events as [`crate::Store::load_case`] does (the same errors for a
    /// corrupt case).
    pub fn load(&self) -> Result<Option<StoredCase>> {
        crate::rows::stored_case(&self.case_id, self.rows.clone(), self.disposal.clone())
    }
}

/// A chunk of consecutive cases with their stored read models (the same order).
#[derive(Debug, Clone)]
pub struct CaseChunk {
    /// The cases' events.
    pub cases: Vec<RawCase>,
    /// Their read-model rows as stored, one per case.
    pub stored: Vec<StoredReadModel>,
}

/// The receiving end of a backend's case reader. Dropping it stops the reader.
#[derive(Debug)]
pub struct CaseFeed {
    rx: mpsc::Receiver<Result<CaseChunk>>,
    task: tokio::task::JoinHandle<()>,
    done: bool,
    /// About how many cases there are (for a progress display; may be off a little).
    pub estimate: u64,
}

impl CaseFeed {
    /// Starts `read`, which sends chunks until the cases run out (or the feed is dropped).
    pub(crate) fn spawn<F>(
        estimate: u64,
        read: impl FnOnce(mpsc::Sender<Result<CaseChunk>>) -> F,
    ) -> Self
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let (tx, rx) = mpsc::channel(AHEAD);
        let task = tokio::spawn(read(tx));
        Self {
            rx,
            task,
            done: false,
            estimate,
        }
    }

    /// The next chunk, or `None` after the last.
    pub async fn next(&mut self) -> Result<Option<CaseChunk>> {
        if self.done {
            return Ok(None);
        }
        match self.rx.recv().await {
            Some(chunk) => chunk.map(Some),
            // The reader is done: make sure it finished rather than died part way.
            None => {
                self.done = true;
                match (&mut self.task).await {
                    Ok(()) => Ok(None),
                    Err(e) => Err(reader_gone(e)),
                }
            }
        }
    }
}

impl Drop for CaseFeed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Sends a reader's result; a reader whose feed was dropped just stops.
pub(crate) async fn send(tx: &mpsc::Sender<Result<CaseChunk>>, chunk: Result<CaseChunk>) -> bool {
    tx.send(chunk).await.is_ok()
}

/// Groups `(case_id, version, body, disposed)` rows (in case, version order) into cases,
/// attaching each case's disposal record.
pub(crate) fn group(
    rows: Vec<(String, i64, String, bool)>,
    mut disposals: std::collections::HashMap<String, Disposal>,
) -> Result<Vec<RawCase>> {
    let mut out: Vec<RawCase> = Vec::new();
    for (case_id, version, body, disposed) in rows {
        match out.last_mut() {
            Some(c) if c.case_id.as_str() == case_id => c.rows.push((version, body, disposed)),
            _ => {
                let disposal = disposals.remove(&case_id);
                out.push(RawCase {
                    case_id: crate::encode::case_id(case_id)?,
                    rows: vec![(version, body, disposed)],
                    disposal,
                });
            }
        }
    }
    Ok(out)
}

/// Runs `f` over `items` on this thread and, when the machine has more than one core and
/// there is enough work, one more, keeping their order. On a multi-threaded runtime the
/// caller's worker is handed over first (`block_in_place`), so the runtime's other tasks —
/// the feed's reader — carry on meanwhile.
pub(crate) fn on_both_cores<T: Sync, R: Send>(
    items: &[T],
    f: &(impl Fn(&T) -> R + Sync),
) -> Vec<R> {
    let run = || {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 || items.len() < 16 {
            return items.iter().map(f).collect::<Vec<R>>();
        }
        let (first, second) = items.split_at(items.len() / 2);
        std::thread::scope(|s| {
            let other = s.spawn(|| second.iter().map(f).collect::<Vec<R>>());
            let mut out: Vec<R> = first.iter().map(f).collect();
            match other.join() {
                Ok(rest) => out.extend(rest),
                Err(panic) => std::panic::resume_unwind(panic),
            }
            out
        })
    };
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(run)
        }
        _ => run(),
    }
}

/// A reader task that failed to start or died.
pub(crate) fn reader_gone(e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("the case reader stopped: {e}"))
}
