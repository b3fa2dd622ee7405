//! Group commit of the access log.
//!
//! Every read of case data appends an entry to the access log (Data Protection Act 2018 s62)
//! and is answered only once that entry is durable. One transaction (one fsync) per read
//! capped reads at the rate of durable writes, and concurrent readers queued behind each
//! other's fsync. So a store's reads hand their entries to one writer task per store, which
//! takes every entry waiting (up to [`MAX_GROUP`]), chains them in the order taken, writes
//! them in one transaction, commits, and only then answers each reader with its entry's
//! sequence number. A failure answers every reader of the group with an error (the read
//! fails): no reader is ever answered before its entry is committed.
//!
//! The queue is bounded ([`QUEUE`]): when the database cannot keep up, readers wait to hand
//! in their entry (backpressure) rather than memory growing. The chain itself is written as
//! before: the head is read (and on PostgreSQL locked) inside the group's transaction, so
//! several servers on one database still append one chain, and `pledge verify` checks the
//! entries exactly as it checks entries written one at a time.
//!
//! Appends are not grouped here: a command's own access entry is written in the command's
//! transaction.

use crate::encode;
use crate::error::{Result, StoreError};
use crate::model::AccessEntry;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{mpsc, oneshot};

/// The most entries one transaction writes (nine parameters a row: far below both backends'
/// limits for one statement).
pub(crate) const MAX_GROUP: usize = 256;

/// Entries that may wait for the writer; past that, readers wait to hand theirs in.
const QUEUE: usize = 1024;

/// Set (to anything) when a store opens, reads' entries are written one transaction each,
/// as before group commit: only for measuring what group commit gains (`bench/reads.sh`).
pub(crate) const UNGROUPED_ENV: &str = "PLEDGE_BENCH_ACCESS_UNGROUPED";

/// Whether [`UNGROUPED_ENV`] is set.
pub(crate) fn ungrouped() -> bool {
    std::env::var_os(UNGROUPED_ENV).is_some()
}

/// One backend's way to append a group of access entries to the access chain.
pub(crate) trait GroupWrite: Send + Sync + 'static {
    /// Appends `entries`, in order, to the access chain in one transaction, durable on
    /// return; returns the sequence number of the first (the rest follow it one by one).
    fn write_group(&self, entries: Vec<AccessEntry>) -> impl Future<Output = Result<i64>> + Send;
}

/// An entry waiting for the writer, with the reader to answer once it is committed.
struct Pending {
    entry: AccessEntry,
    done: oneshot::Sender<Result<i64>>,
}

/// The access log's group committer for one store (see the module docs).
pub(crate) struct AccessGroup<W> {
    writer: Arc<W>,
    /// The writer task's queue, started on first use on the runtime of the caller (and
    /// started again if that runtime has gone, as between tests).
    queue: Mutex<Option<mpsc::Sender<Pending>>>,
}

impl<W> std::fmt::Debug for AccessGroup<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessGroup").finish_non_exhaustive()
    }
}

impl<W: GroupWrite> AccessGroup<W> {
    /// A group committer writing through `writer`.
    pub(crate) fn new(writer: W) -> Self {
        Self {
            writer: Arc::new(writer),
            queue: Mutex::new(None),
        }
    }

    /// Appends an entry to the access chain; returns its sequence number once the
    /// transaction that wrote it has committed.
    pub(crate) async fn record(&self, entry: AccessEntry) -> Result<i64> {
        // A bad entry is refused on its own, before it can fail a group of others.
        encode::check_access(&entry)?;
        let mut entry = entry;
        // A second try only when the writer task had gone (its runtime shut down) between
        // taking the queue and sending: the entry was not taken, so nothing is written twice.
        for _ in 0..2 {
            let Some(queue) = self.queue() else {
                // No Tokio runtime to run the writer on: write this entry alone.
                return self.writer.write_group(vec![entry]).await;
            };
            let (done, answer) = oneshot::channel();
            match queue.send(Pending { entry, done }).await {
                Ok(()) => return answer.await.unwrap_or_else(|_| Err(stopped())),
                Err(mpsc::error::SendError(back)) => entry = back.entry,
            }
        }
        Err(stopped())
    }

    /// Stops the writer task once it has written what is queued (closing the store).
    pub(crate) fn stop(&self) {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    /// The writer's queue, starting the writer task when there is none running.
    fn queue(&self) -> Option<mpsc::Sender<Pending>> {
        let mut slot = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(queue) = slot.as_ref().filter(|q| !q.is_closed()) {
            return Some(queue.clone());
        }
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        let (queue, pending) = mpsc::channel(QUEUE);
        runtime.spawn(run(Arc::clone(&self.writer), pending));
        *slot = Some(queue.clone());
        Some(queue)
    }
}

/// The writer task: takes every entry waiting, writes them as one group, answers each
/// reader; ends when the store (and every reader holding the queue) has gone.
async fn run<W: GroupWrite>(writer: Arc<W>, mut pending: mpsc::Receiver<Pending>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while pending.recv_many(&mut group, MAX_GROUP).await > 0 {
        let (entries, waiters): (Vec<_>, Vec<_>) =
            group.drain(..).map(|p| (p.entry, p.done)).unzip();
        let written = writer.write_group(entries).await;
        for (i, done) in (0i64..).zip(waiters) {
            let answer = match &written {
                Ok(first) => Ok(first + i),
                Err(e) => Err(StoreError::AccessLog(e.to_string())),
            };
            // A reader that has gone away (its request was dropped) needs no answer; its
            // entry stays written, as the read was attempted.
            let _ = done.send(answer);
        }
    }
}

fn stopped() -> StoreError {
    StoreError::AccessLog("the access log writer stopped before the entry was committed".into())
}
