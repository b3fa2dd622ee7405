//! The service from the command line: `pledge demo --no-serve` prints the sign-ins;
//! `pledge user add` and `pledge token create|revoke` give working credentials; `pledge serve`
//! answers, and stops cleanly on SIGTERM.

use super::harness::{pledge, run, run_ok, sqlite, verify_clean};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A free local port (bound and released; a tiny race with other processes is acceptable).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// One HTTP/1.1 request; returns the status code and the body.
fn http(port: u16, method: &str, path: &str, token: Option<&str>) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.split(' ').nth(1)?.parse().ok()?;
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Some((status, body))
}

struct Server(Child, u16);

impl Server {
    fn start(url: &str) -> Server {
        Self::start_with(url, &[])
    }

    fn start_with(url: &str, extra: &[&str]) -> Server {
        let port = free_port();
        let child = pledge()
            .args([
                "serve",
                "--database",
                url,
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start pledge serve: {e}"));
        // Owned before waiting, so a failure below still kills and reaps the child.
        let server = Server(child, port);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if http(port, "GET", "/readyz", None).is_some_and(|(s, _)| s == 200) {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("pledge serve did not become ready on port {port}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn demo_prints_the_sign_ins() {
    let db = sqlite("demo");
    let out = run_ok(&["demo", "--no-serve", "--database", &db.url]);
    for expected in [
        "Wessex Constabulary",
        "PS-2231",
        "PC-4410",
        "ADM-9000",
        "Password: ",
    ] {
        assert!(out.contains(expected), "{expected} missing from:\n{out}");
    }
    assert!(out.contains("with 5 cases"), "{out}");
    // It says where the data is and how to serve it again (not `pledge serve`'s default).
    assert!(
        out.contains(&format!(
            "To serve it again: pledge serve --database {}",
            db.url
        )),
        "{out}"
    );
    // --help opens with what Pledge is today, not a promise of "(later) the store and server".
    let help = run_ok(&["--help"]);
    assert!(
        help.starts_with("Pledge: Operation Hampshire as software."),
        "{help}"
    );
    assert!(!help.contains("(later)"), "{help}");
    assert!(out.contains("Mail: no mail server is set"), "{out}");
    // A second run reuses the data and prints the same sign-ins.
    let again = run_ok(&["demo", "--no-serve", "--database", &db.url]);
    assert!(again.contains("Using the demo data already in"), "{again}");
    assert!(again.contains("PS-2231"), "{again}");
}

#[test]
fn demo_writes_its_mail_as_eml_files_once() -> anyhow::Result<()> {
    let db = sqlite("demo_mail");
    let (dir, _cleanup) = pledge_test_support::temp_dir("demo-mail", "eml")?;
    let maildir = dir.join("mail");
    let out = run_ok(&[
        "demo",
        "--no-serve",
        "--database",
        &db.url,
        "--mail-dir",
        &maildir.display().to_string(),
    ]);
    assert!(out.contains("email is written to"), "{out}");
    let files: Vec<_> = std::fs::read_dir(&maildir)?.collect::<Result<_, _>>()?;
    assert!(!files.is_empty(), "{out}");
    assert!(
        out.contains(&format!("({} written now)", files.len())),
        "{out}"
    );
    for f in &files {
        let name = f.file_name().to_string_lossy().into_owned();
        assert!(
            name.starts_with("notification-") && name.ends_with(".eml"),
            "{name}"
        );
        let mail = std::fs::read_to_string(f.path())?;
        assert!(mail.contains("Message-ID: <notification-"), "{mail}");
        assert!(mail.contains("Subject: "), "{mail}");
        assert!(mail.contains("http://127.0.0.1:8080/cases/"), "{mail}");
    }
    // Written once: a second run has nothing new to write.
    let again = run_ok(&[
        "demo",
        "--no-serve",
        "--database",
        &db.url,
        "--mail-dir",
        &maildir.display().to_string(),
    ]);
    assert!(again.contains("(0 written now)"), "{again}");
    assert_eq!(std::fs::read_dir(&maildir)?.count(), files.len());
    Ok(())
}

#[test]
fn accounts_and_tokens_from_the_command_line_then_serve_and_stop_on_sigterm() {
    let db = sqlite("serve");
    run_ok(&["demo", "--no-serve", "--database", &db.url]);
    let out = run_ok(&[
        "user",
        "add",
        "--id",
        "PS-9999",
        "--name",
        "Sgt New",
        "--role",
        "supervisor",
        "--unit",
        "north-response",
        "--database",
        &db.url,
    ]);
    assert!(
        !out.trim().is_empty(),
        "a one-time password is printed: {out:?}"
    );
    let bad = run(&[
        "user",
        "add",
        "--id",
        "no spaces",
        "--name",
        "X",
        "--role",
        "staff",
        "--unit",
        "north",
        "--database",
        &db.url,
    ]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("--id"),
        "the error names the flag"
    );

    let token = run_ok(&[
        "token",
        "create",
        "--name",
        "crime-system",
        "--scope",
        "cases:read",
        "--force",
        "Wessex Constabulary",
        "--database",
        &db.url,
    ]);
    let token = token.trim().to_owned();
    assert!(token.starts_with("pledge_"), "{token}");

    let mut server = Server::start(&db.url);
    let port = server.1;
    let (status, body) = http(port, "GET", "/api/v1/cases/WX-2026-0101", Some(&token))
        .unwrap_or_else(|| panic!("no answer"));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        http(port, "GET", "/api/v1/cases/WX-2026-0101", None).map(|r| r.0),
        Some(401)
    );

    run_ok(&["token", "revoke", "crime-system", "--database", &db.url]);
    assert_eq!(
        http(port, "GET", "/api/v1/cases/WX-2026-0101", Some(&token)).map(|r| r.0),
        Some(401),
        "a revoked token is refused at once"
    );

    // SIGTERM: the server finishes and exits successfully.
    let pid = server.0.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    assert!(killed.is_ok_and(|s| s.success()));
    let start = Instant::now();
    let status = loop {
        if let Ok(Some(status)) = server.0.try_wait() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "pledge serve ignored SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status}");
    let mut log = String::new();
    if let Some(mut err) = server.0.stderr.take() {
        let _ = err.read_to_string(&mut log);
    }
    assert!(log.contains("shutting down"), "{log}");
}

#[test]
fn metrics_are_served_on_the_metrics_address_not_to_everyone() {
    let db = sqlite("metrics_address");
    run_ok(&["migrate", "--database", &db.url]);
    let metrics_port = free_port();
    let server = Server::start_with(
        &db.url,
        &["--metrics-listen", &format!("127.0.0.1:{metrics_port}")],
    );
    let _ = http(server.1, "GET", "/healthz", None);
    assert_eq!(
        http(server.1, "GET", "/metrics", None).map(|r| r.0),
        Some(404),
        "the main address does not serve metrics without --metrics-token"
    );
    let (status, body) = http(metrics_port, "GET", "/metrics", None).unwrap_or_default();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("pledge_http_requests_total"), "{body}");
}

/// `pledge serve` publishes the log heads (head file, `/metrics`); `pledge verify
/// --expect-head` takes one back and fails, clearly, on a head the log does not contain. A
/// disposal through `pledge retention dispose` records its rule and still verifies.
#[test]
fn heads_are_published_and_checked_by_verify() {
    let db = sqlite("heads");
    run_ok(&["demo", "--no-serve", "--database", &db.url]);
    let file = std::env::temp_dir().join(format!(
        "pledge-heads-{}-{:?}.json",
        std::process::id(),
        Instant::now()
    ));
    let file_arg = file.to_string_lossy().into_owned();
    let metrics_port = free_port();
    let server = Server::start_with(
        &db.url,
        &[
            "--head-file",
            &file_arg,
            "--head-interval",
            "1",
            "--metrics-listen",
            &format!("127.0.0.1:{metrics_port}"),
        ],
    );
    let start = Instant::now();
    let published: serde_json::Value = loop {
        if let Ok(text) = std::fs::read_to_string(&file) {
            break serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "no head file written"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let head = published["events_head"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (seq, hash) = head
        .split_once(':')
        .unwrap_or_else(|| panic!("{published}"));
    let (status, metrics) =
        http(metrics_port, "GET", "/metrics", None).unwrap_or_else(|| panic!("no answer"));
    assert_eq!(status, 200);
    assert!(
        metrics.contains(&format!(
            "pledge_log_head_info{{log=\"events\",seq=\"{seq}\",hash=\"{hash}\"}} 1"
        )) && metrics.contains(&format!("pledge_log_head_seq{{log=\"events\"}} {seq}")),
        "{metrics}"
    );
    drop(server);
    let _ = std::fs::remove_file(&file);
    let report = verify_clean(&db.url);
    assert_eq!(
        report["head"], hash,
        "the published head is the verified one"
    );
    assert_eq!(report["read_models_checked"], 5, "{report}");

    let ok = run(&["verify", "--expect-head", &head, "--database", &db.url]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    // A head this log never had: the published head is missing, exit 1.
    let other = format!("{seq}:{}", "0".repeat(64));
    let missing = run(&["verify", "--expect-head", &other, "--database", &db.url]);
    let out = String::from_utf8_lossy(&missing.stdout);
    assert_eq!(missing.status.code(), Some(1), "{out}");
    assert!(
        out.contains("the published head") && out.contains(&other),
        "{out}"
    );
    // Not a head at all: the flag is named.
    let bad = run(&["verify", "--expect-head", "nonsense", "--database", &db.url]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--expect-head"));

    // Disposal within the review period needs --before-review, and records the rule.
    let early = run(&[
        "retention",
        "dispose",
        "WX-2026-0101",
        "--by",
        "DPO-1",
        "--reason",
        "recorded in error",
        "--database",
        &db.url,
    ]);
    assert!(!early.status.success());
    assert!(String::from_utf8_lossy(&early.stderr).contains("--before-review"));
    let done = run_ok(&[
        "retention",
        "dispose",
        "WX-2026-0101",
        "--by",
        "DPO-1",
        "--reason",
        "recorded in error",
        "--before-review",
        "--database",
        &db.url,
    ]);
    assert!(
        done.contains("retention rule: erased before its 6-year review"),
        "{done}"
    );
    verify_clean(&db.url);
    let ok = run(&["verify", "--expect-head", &head, "--database", &db.url]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
}
