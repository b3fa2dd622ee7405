//! Exactly once across a crash: `pledge serve` is killed with SIGKILL after a keyed
//! `POST /cases` has committed but before it answered (held there by the test-only
//! `PLEDGE_TEST_PAUSE_BEFORE_ANSWER_MS`); the client's retry with the same key against the
//! restarted server gets the first answer, and there is one case, not two. Then the same for a
//! step.

use super::harness::{self, TestDb};
use pledge_store::{CaseId, Store};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What the server logs when it holds an answer back (see `pledge_web::api::idempotency`).
const PAUSED: &str = "test pause: committed, answer held";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// An HTTP answer: status, whether it was replayed, body.
#[derive(Debug, Clone, PartialEq)]
struct Reply {
    status: u16,
    replayed: bool,
    body: serde_json::Value,
}

/// One HTTP/1.1 request with a bearer token and an optional JSON body and key; `None` when
/// the connection fails or closes without an answer (the server was killed).
fn http(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    key: Option<&str>,
    body: &str,
) -> Option<Reply> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    let key = key
        .map(|k| format!("Idempotency-Key: {k}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n{key}\
         Content-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let (head, body) = out.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let replayed = head
        .lines()
        .any(|l| l.eq_ignore_ascii_case("idempotent-replayed: true"));
    Some(Reply {
        status,
        replayed,
        body: serde_json::from_str(body).ok()?,
    })
}

/// `pledge serve` on a free port; with `pause`, the test-only hold between commit and
/// answer is on, and `paused` receives a message each time the server reaches it.
struct Server {
    child: Child,
    port: u16,
    paused: mpsc::Receiver<()>,
}

impl Server {
    fn start(url: &str, pause: bool) -> Server {
        let port = free_port();
        let mut cmd = harness::pledge();
        cmd.args([
            "serve",
            "--database",
            url,
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env_remove("PLEDGE_TEST_PAUSE_BEFORE_ANSWER_MS")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
        if pause {
            cmd.env("PLEDGE_TEST_PAUSE_BEFORE_ANSWER_MS", "120000");
        }
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start pledge serve: {e}"));
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, paused) = mpsc::channel();
        // Read the log to its end (a full pipe would block the server), passing on the
        // pause line.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if line.contains(PAUSED) {
                    let _ = tx.send(());
                }
            }
        });
        let server = Server {
            child,
            port,
            paused,
        };
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("pledge serve did not listen on port {port}");
    }

    /// SIGKILL: no chance to answer, flush or clean up.
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends a keyed request to a paused server, waits until it has committed, kills it, and
/// checks the client got no answer.
fn kill_between_commit_and_answer(url: &str, path: &str, token: &str, key: &str, body: &str) {
    let server = Server::start(url, true);
    let port = server.port;
    let (path_, token_, key_, body_) = (
        path.to_owned(),
        token.to_owned(),
        key.to_owned(),
        body.to_owned(),
    );
    let client =
        std::thread::spawn(move || http(port, "POST", &path_, &token_, Some(&key_), &body_));
    server
        .paused
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("the server never reached the pause for {path}"));
    server.kill();
    let lost = client.join().expect("the client thread");
    assert_eq!(lost, None, "the killed server answered");
}

fn case_ids(url: &str) -> Vec<CaseId> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let store = pledge_store::open(url).await.expect("open the store");
        store.case_ids(None, 10_000).await.expect("case ids")
    })
}

fn case_version(url: &str, id: &str) -> u64 {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let store = pledge_store::open(url).await.expect("open the store");
        let id = CaseId::parse(id).expect("a case id");
        store
            .load_case(&id)
            .await
            .expect("load")
            .expect("the case")
            .version
    })
}

fn crash_test(db: &TestDb) {
    harness::run_ok(&["demo", "--no-serve", "--database", &db.url]);
    let token = harness::run_ok(&[
        "token",
        "create",
        "--name",
        "crime-system",
        "--scope",
        "cases:read,cases:write",
        "--force",
        "Wessex Constabulary",
        "--database",
        &db.url,
    ]);
    let token = token.trim();
    let report = serde_json::json!({
        "force": "Wessex Constabulary", "unit": "north-response",
        "occurred_at": "2026-01-01T00:00:00Z", "place": "High Street", "location_type": "street",
        "supervisor": "PS-2231",
        "victims": [{"person": "PC-4410", "workforce_role": "officer", "injury": "minor",
                     "hospitalised": false, "mechanisms": ["punch"]}],
        "offence": "common_assault_emergency_worker",
        "suspects": [{"description": "male, 20s", "identified": true}],
        "summary": "Punched while dealing with a disturbance."
    })
    .to_string();

    // A new case: committed, then killed before answering.
    let before = case_ids(&db.url);
    kill_between_commit_and_answer(&db.url, "/api/v1/cases", token, "crash-case", &report);
    let after = case_ids(&db.url);
    let new: Vec<_> = after.iter().filter(|c| !before.contains(c)).collect();
    assert_eq!(new.len(), 1, "the case committed before the kill: {new:?}");
    let case = new[0].as_str().to_owned();

    // The client retries with the same key against the restarted server: the first answer.
    let server = Server::start(&db.url, false);
    let retry = http(
        server.port,
        "POST",
        "/api/v1/cases",
        token,
        Some("crash-case"),
        &report,
    )
    .expect("an answer to the retry");
    assert_eq!(retry.status, 201, "{retry:?}");
    assert!(retry.replayed, "{retry:?}");
    assert_eq!(retry.body["case_id"], serde_json::json!(case), "{retry:?}");
    let again = http(
        server.port,
        "POST",
        "/api/v1/cases",
        token,
        Some("crash-case"),
        &report,
    )
    .expect("an answer");
    assert_eq!(again, retry, "every retry gets the same answer");
    assert_eq!(case_ids(&db.url).len(), after.len(), "one case, not two");
    drop(server);

    // A step without expected_version: committed, killed, retried: recorded once.
    let step = format!("/api/v1/cases/{case}/steps/welfare_meeting_held");
    let note = r#"{"note": "after the crash"}"#;
    kill_between_commit_and_answer(&db.url, &step, token, "crash-step", note);
    assert_eq!(
        case_version(&db.url, &case),
        2,
        "the step committed before the kill"
    );
    let server = Server::start(&db.url, false);
    let retry =
        http(server.port, "POST", &step, token, Some("crash-step"), note).expect("an answer");
    assert_eq!(retry.status, 201, "{retry:?}");
    assert!(retry.replayed, "{retry:?}");
    assert_eq!(retry.body["version"], 2, "{retry:?}");
    assert_eq!(retry.body["event"]["note"], "after the crash", "{retry:?}");
    drop(server);
    assert_eq!(case_version(&db.url, &case), 2, "recorded once, not twice");
    harness::verify_clean(&db.url);
}

#[test]
fn sqlite_keyed_commands_have_one_effect_across_a_crash() {
    crash_test(&harness::sqlite("idem_crash"));
}

#[test]
fn postgres_keyed_commands_have_one_effect_across_a_crash() {
    if let Some(db) = harness::postgres("idem_crash") {
        crash_test(&db);
    }
}
