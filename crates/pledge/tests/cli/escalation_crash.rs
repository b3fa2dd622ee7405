//! Exactly once across servers and crashes (PostgreSQL): two `pledge serve` processes and a
//! `pledge worker` share one database, on the test clock running a day in 24 seconds,
//! over a few days of generated cases whose obligations cross their deadlines; mail goes to a
//! real SMTP server (aiosmtpd). One server is killed with SIGKILL part-way. Afterwards every
//! escalation that fell due is recorded exactly once in its case, every notification with an
//! address reached the SMTP server (its Message-ID seen) and is recorded as sent, the worker
//! stops cleanly on SIGTERM, and `pledge verify` finds the log and read models clean.

use super::harness::{self, TestDb};
use pledge_store::notify::NotificationStore;
use pledge_store::{CaseId, Store};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The test clock's start: the end of the generated period.
const T0: &str = "2026-03-02T08:00:00Z";
/// Test-clock seconds per real second: a day in 24 s.
const SPEED: u32 = 3600;

/// A Python with aiosmtpd (`PLEDGE_SMTP_PYTHON`, else `python3`); `None` (skip) without one
/// unless `PLEDGE_REQUIRE_SMTP=1`, when it fails.
fn smtp_python() -> Option<String> {
    let python = std::env::var("PLEDGE_SMTP_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(python);
    }
    assert!(
        std::env::var("PLEDGE_REQUIRE_SMTP").as_deref() != Ok("1"),
        "PLEDGE_REQUIRE_SMTP=1 but {python} cannot import aiosmtpd (set PLEDGE_SMTP_PYTHON)"
    );
    eprintln!("aiosmtpd not available: the multi-server escalation test did not run");
    None
}

/// A child process killed (SIGKILL) and reaped on drop.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// aiosmtpd writing to a maildir.
fn start_smtp(python: &str, maildir: &std::path::Path) -> (Proc, u16) {
    let port = free_port();
    let child = Command::new(python)
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .stdout(Stdio::null())
        .spawn()
        .expect("start aiosmtpd");
    let p = Proc(child);
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "aiosmtpd did not listen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (p, port)
}

/// The Message-IDs that reached the SMTP server (with repeats).
fn message_ids(maildir: &std::path::Path) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(maildir.join("new")) else {
        return Vec::new();
    };
    dir.filter_map(|f| std::fs::read_to_string(f.ok()?.path()).ok())
        .filter_map(|m| {
            m.lines()
                .take_while(|l| !l.is_empty())
                .find_map(|l| l.strip_prefix("Message-ID: ").map(str::to_owned))
        })
        .collect()
}

/// `pledge serve` or `pledge worker` on the test clock from `t0` at `speed`, mailing to
/// `smtp`.
fn start(kind: &str, url: &str, smtp: u16, t0: &str, speed: u32) -> Proc {
    let mut cmd = harness::pledge();
    cmd.arg(kind)
        .args(["--database", url, "--test-clock-start", t0])
        .args(["--test-clock-speed", &speed.to_string()])
        .args(["--notify-interval", "1", "--smtp-host", "127.0.0.1"])
        .args(["--smtp-port", &smtp.to_string(), "--smtp-tls", "none"])
        .env("PLEDGE_TEST_CLOCK", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if kind == "serve" {
        cmd.args(["--listen", &format!("127.0.0.1:{}", free_port())]);
    }
    Proc(
        cmd.spawn()
            .unwrap_or_else(|e| panic!("cannot start pledge {kind}: {e}")),
    )
}

/// SIGTERM, then the process must exit 0 within 20 s.
fn stop(p: &mut Proc) {
    let term = Command::new("kill")
        .args(["-TERM", &p.0.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(term.success());
    let stopped = Instant::now();
    let status = loop {
        if let Some(s) = p.0.try_wait().expect("wait") {
            break s;
        }
        assert!(
            stopped.elapsed() < Duration::from_secs(20),
            "a process did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "exited with {status} on SIGTERM");
}

/// Every case id.
async fn all_cases(store: &impl Store) -> Vec<CaseId> {
    let mut ids = Vec::new();
    let mut after = None;
    loop {
        let page = store.case_ids(after.as_ref(), 500).await.expect("case ids");
        after = page.last().cloned();
        let more = page.len() == 500;
        ids.extend(page);
        if !more {
            return ids;
        }
    }
}

/// Notifications with an address not yet sent, over every case.
async fn unsent(
    store: &(impl Store + NotificationStore),
    ids: &[CaseId],
) -> Vec<pledge_store::notify::StoredNotification> {
    let mut n = Vec::new();
    for id in ids {
        n.extend(
            store
                .case_notifications(id)
                .await
                .expect("notifications")
                .into_iter()
                .filter(|x| x.email_status == "pending"),
        );
    }
    n
}

#[test]
fn escalations_are_decided_once_and_mail_delivered_across_servers_and_a_sigkill() {
    let Some(db) = harness::postgres("escalation_crash") else {
        return;
    };
    let Some(python) = smtp_python() else { return };
    run(&db, &python);
}

fn run(db: &TestDb, python: &str) {
    let (dir, _cleanup) =
        pledge_test_support::temp_dir("smtp", "escalation_crash").expect("a temporary dir");
    let maildir: PathBuf = dir.join("mail");
    let (_smtp, smtp_port) = start_smtp(python, &maildir);
    // A few days of one force's cases, ending when the test clock starts.
    harness::run_ok(&[
        "generate",
        "--database",
        &db.url,
        "--cases",
        "60",
        "--forces",
        "WMP",
        "--until",
        T0,
        "--seed",
        "9",
    ]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let store = rt.block_on(pledge_store::open(&db.url)).expect("open");
    let ids = rt.block_on(all_cases(&store));
    let t0: jiff::Timestamp = T0.parse().expect("T0");

    let began = Instant::now();
    let mut victim = start("serve", &db.url, smtp_port, T0, SPEED);
    let mut b = start("serve", &db.url, smtp_port, T0, SPEED);
    let mut worker = start("worker", &db.url, smtp_port, T0, SPEED);
    // Part-way through the day: SIGKILL (no chance to finish a round, a send or a mark).
    std::thread::sleep(Duration::from_secs(9));
    victim.0.kill().expect("SIGKILL the first server");
    let _ = victim.0.wait();
    std::thread::sleep(Duration::from_secs(15));
    // SIGTERM: each finishes its round and exits 0.
    stop(&mut worker);
    stop(&mut b);
    // No clock ran past this; ten test minutes on, every lease the processes held has ended.
    let end = t0
        + jiff::SignedDuration::try_from(began.elapsed() * SPEED).expect("a duration")
        + jiff::SignedDuration::from_mins(10);
    eprintln!(
        "ran {:?} of test-clock time in {:?}",
        end.duration_since(t0),
        began.elapsed()
    );
    // One last worker from there, its clock at real speed: it decides what fell due in the
    // last round's gap and sends what the stopped and killed processes left pending.
    let mut last = start("worker", &db.url, smtp_port, &end.to_string(), 1);
    std::thread::sleep(Duration::from_secs(3));
    let drain = Instant::now();
    loop {
        let pending = rt.block_on(unsent(&store, &ids));
        if pending.is_empty() {
            break;
        }
        assert!(
            drain.elapsed() < Duration::from_secs(20),
            "mail did not drain: {} pending, e.g. {:?}",
            pending.len(),
            pending.first()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    stop(&mut last);
    let decided_by = end;

    rt.block_on(async {
        // Nothing due by then is left undecided.
        let left = store
            .escalation_candidates(decided_by, None, 1000)
            .await
            .expect("candidates");
        assert!(
            left.is_empty(),
            "{} levels due by {decided_by} were not decided: {:?}",
            left.len(),
            left.first()
        );
        let seen: BTreeSet<String> = message_ids(&maildir).into_iter().collect();
        let (mut escalations, mut mailed) = (0usize, 0usize);
        for id in &ids {
            let case = store.load_case(id).await.expect("load").expect("stored");
            // obligation_escalated events per obligation ...
            let mut events: BTreeMap<String, usize> = BTreeMap::new();
            // (`pledge generate` writes the escalations of the history it makes, up to and at
            // the clock's start, with their keys but without notifications: only the run's
            // are counted; its first round comes after the start.)
            for e in case.events.iter().filter(|e| e.at > t0) {
                if let pledge_domain::EventKind::ObligationEscalated { obligation, .. } = &e.kind {
                    *events.entry(obligation.to_string()).or_default() += 1;
                }
            }
            // ... against the levels whose notifications were written with them: a level
            // decided twice would have two events and one level.
            let notes = store.case_notifications(id).await.expect("notifications");
            let mut levels: BTreeMap<String, BTreeSet<(u32, u32)>> = BTreeMap::new();
            let mut rows = BTreeSet::new();
            for n in &notes {
                assert!(
                    rows.insert((
                        n.obligation_id.clone(),
                        n.instance,
                        n.level,
                        n.kind.clone(),
                        n.person.clone(),
                        n.role.clone()
                    )),
                    "case {id}: notification written twice: {n:?}"
                );
                if let (Some(o), true) = (&n.obligation_id, n.level >= 1) {
                    levels.entry(o.clone()).or_default().insert((n.instance, n.level));
                }
                if n.email_status != "none" {
                    assert_eq!(n.email_status, "sent", "case {id}: {n:?}");
                    assert!(n.sent_at.is_some() && n.attempts >= 1, "{n:?}");
                    let wanted = format!("<notification-{}@", n.id);
                    assert!(
                        seen.iter().any(|m| m.starts_with(&wanted)),
                        "case {id}: notification {} is marked sent but never reached the SMTP server",
                        n.id
                    );
                    mailed += 1;
                }
            }
            let decided: BTreeMap<String, usize> =
                levels.into_iter().map(|(o, l)| (o, l.len())).collect();
            assert_eq!(
                events,
                decided,
                "case {id}: obligation_escalated events per obligation differ from the levels decided; events {:?}; notifications {:?}",
                case.events
                    .iter()
                    .filter_map(|e| match &e.kind {
                        pledge_domain::EventKind::ObligationEscalated { obligation, to } =>
                            Some(format!("{obligation} to {to} at {}", e.at)),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
                notes
                    .iter()
                    .map(|n| format!("{:?} #{} L{} {:?} {:?}", n.obligation_id, n.instance, n.level, n.role, n.person))
                    .collect::<Vec<_>>()
            );
            escalations += events.values().sum::<usize>();
        }
        eprintln!("{escalations} escalations, {mailed} emails, {} messages received", message_ids(&maildir).len());
        assert!(escalations >= 20, "only {escalations} escalations: the test proves little");
        assert!(mailed >= 20, "only {mailed} emails: the test proves little");
    });
    harness::verify_clean(&db.url);
}
