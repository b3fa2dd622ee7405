//! Crash safety: `pledge stress-append` is killed with SIGKILL at random moments, again and
//! again; every append it acknowledged (printed) must be in the store afterwards, and the
//! tamper-evident log must verify clean.

use super::harness::{self, TestDb};
use pledge_store::{CaseId, Store};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Kill rounds per backend.
const ROUNDS: usize = 20;

/// A small deterministic generator for the kill moments (seeded per run; the seed is printed
/// so a failure can be replayed with `PLEDGE_CRASH_SEED`).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
}

/// When a round's kill moment is measured from.
#[derive(Clone, Copy)]
enum KillAfter {
    /// From the spawn: the kill may land in start-up or in the appends.
    Spawn,
    /// From the first acknowledged append: the kill lands among the appends however slow
    /// start-up is on a loaded machine.
    FirstAppend,
}

/// Runs stress-append once, kills it `after` the moment `from` names, and returns the
/// acknowledged appends (complete lines only: a line cut short by the kill was not
/// acknowledged).
fn one_round(url: &str, from: KillAfter, after: Duration) -> Vec<(String, u64)> {
    let mut child = harness::pledge()
        .args(["stress-append", "--database", url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pledge stress-append");
    let stdout = child.stdout.take().expect("piped stdout");
    let (first_tx, first_rx) = std::sync::mpsc::channel::<()>();
    let reader = std::thread::spawn(move || {
        let mut acked = Vec::new();
        let mut lines = BufReader::new(stdout);
        let mut line = String::new();
        loop {
            line.clear();
            match lines.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) if !line.ends_with('\n') => break,
                Ok(_) => {
                    let mut parts = line.split_whitespace();
                    let (Some(case), Some(version), None) =
                        (parts.next(), parts.next(), parts.next())
                    else {
                        panic!("unexpected stress-append output: {line:?}");
                    };
                    let version: u64 = version.parse().expect("a version number");
                    acked.push((case.to_owned(), version));
                    let _ = first_tx.send(());
                }
            }
        }
        acked
    });
    if let KillAfter::FirstAppend = from {
        // Start-up under heavy load can take seconds; a minute without an append is a failure.
        first_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("stress-append acknowledged no append within 60 s");
    }
    std::thread::sleep(after);
    // `Child::kill` is SIGKILL on Unix: no chance to flush, close or roll back.
    let _ = child.kill();
    let status = child.wait().expect("wait for stress-append");
    let acked = reader.join().expect("the reader thread");
    if status.success() {
        panic!("stress-append exited by itself: {status}");
    }
    acked
}

/// Checks every acknowledged append is stored (the case has at least that many events) and
/// at most one unacknowledged append per kill got in.
async fn check_acknowledged(url: &str, acked: &BTreeMap<String, u64>) {
    let store = pledge_store::open(url).await.expect("open the store");
    for (case, version) in acked {
        let id = CaseId::parse(case).expect("a case id");
        let stored = store
            .load_case(&id)
            .await
            .expect("load an acknowledged case")
            .unwrap_or_else(|| panic!("case {case} was acknowledged but is not stored"));
        assert!(
            stored.version >= *version,
            "case {case}: version {version} was acknowledged but only {} events are stored",
            stored.version
        );
        assert!(
            stored.version <= *version + 1,
            "case {case}: {} events stored but only {version} acknowledged",
            stored.version
        );
    }
}

fn crash_test(db: &TestDb) {
    let seed = std::env::var("PLEDGE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    eprintln!("crash test on {}: PLEDGE_CRASH_SEED={seed}", db.url);
    let mut rng = XorShift(seed);
    // Migrate first, so the rounds spend their time appending (a kill during start-up is
    // still possible: the first moment can be shorter than start-up).
    harness::run_ok(&["migrate", "--database", &db.url]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let started = Instant::now();
    let mut acked: BTreeMap<String, u64> = BTreeMap::new();
    let mut total = 0usize;
    for round in 0..ROUNDS {
        // Every other round waits for the first append, so the appends are killed part-way
        // even when start-up is slower than the kill moment.
        let (from, after) = if round % 2 == 0 {
            (KillAfter::Spawn, rng.between(20, 450))
        } else {
            (KillAfter::FirstAppend, rng.between(0, 300))
        };
        let lines = one_round(&db.url, from, Duration::from_millis(after));
        total += lines.len();
        for (case, version) in lines {
            let v = acked.entry(case).or_insert(0);
            assert!(version > *v, "versions of a case are acknowledged in order");
            *v = version;
        }
        // Restart and check, every few rounds and at the end.
        if round % 5 == 4 || round == ROUNDS - 1 {
            rt.block_on(check_acknowledged(&db.url, &acked));
        }
    }
    assert!(total > 0, "no append was acknowledged in {ROUNDS} rounds");
    let report = harness::verify_clean(&db.url);
    let events = report["events"].as_u64().unwrap_or(0);
    assert!(
        events as usize >= total,
        "{events} events stored but {total} appends acknowledged"
    );
    eprintln!(
        "{ROUNDS} kills, {total} acknowledged appends, {events} events stored, verify clean, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn sqlite_survives_sigkill() {
    let db = harness::sqlite("crash");
    crash_test(&db);
}

#[test]
fn postgres_survives_sigkill() {
    if let Some(db) = harness::postgres("crash") {
        crash_test(&db);
    }
}
