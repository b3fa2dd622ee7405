//! docs/events.md stays true: every example marked `<!-- example: pledge evaluate ... -->`
//! is run through the real binary. The case file in the first ```json block after the marker
//! is written to CASE.json; the block after it is what the command prints: a ```text block
//! is the exact output (standard error for a refusal), a ```json block is a subset of the
//! JSON printed (objects may hold more members, arrays more elements after those shown).
//! Also `pledge evaluate` on the shipped examples, with a calendar file and with a force's
//! own plan file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pledge-evaluate-docs-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn pledge(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pledge"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The fenced blocks after each example marker: (command, [(language, body)]).
fn examples(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    for part in text.split("<!-- example: ").skip(1) {
        let (command, rest) = part.split_once(" -->").unwrap();
        let mut blocks = Vec::new();
        let mut rest = rest;
        while blocks.len() < 2 {
            let Some(start) = rest.find("```") else { break };
            let after = &rest[start + 3..];
            let (lang, body) = after.split_once('\n').unwrap();
            let end = body.find("\n```").unwrap();
            blocks.push((lang.trim().to_owned(), body[..end].to_owned()));
            rest = &body[end + 4..];
        }
        out.push((command.to_owned(), blocks));
    }
    out
}

/// Whether `want` is a subset of `got` (see the module comment).
fn subset(want: &Value, got: &Value, path: &str) -> Result<(), String> {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, v) in w {
                let Some(gv) = g.get(k) else {
                    return Err(format!("{path}.{k}: missing"));
                };
                subset(v, gv, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(w), Value::Array(g)) => {
            if w.len() > g.len() {
                return Err(format!(
                    "{path}: {} elements shown, {} printed",
                    w.len(),
                    g.len()
                ));
            }
            for (i, (a, b)) in w.iter().zip(g).enumerate() {
                subset(a, b, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        _ if want == got => Ok(()),
        _ => Err(format!(
            "{path}: the document shows {want}, the binary prints {got}"
        )),
    }
}

#[test]
fn every_example_in_events_md_runs_as_shown() {
    let text = std::fs::read_to_string(root().join("docs/events.md")).unwrap();
    let all = examples(&text);
    assert!(all.len() >= 3, "the examples are found");
    for (n, (command, blocks)) in all.iter().enumerate() {
        let dir = scratch(&format!("example-{n}"));
        let [(lang_in, case), (lang_out, shown)] = blocks.as_slice() else {
            panic!("example {n} ({command}) needs a case file and its output");
        };
        assert_eq!(lang_in, "json", "example {n}");
        std::fs::write(dir.join("CASE.json"), case).unwrap();
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let (ok, stdout, stderr) = pledge(&dir, &args);
        match lang_out.as_str() {
            "text" => {
                assert!(!ok, "example {n}: a refusal exits unsuccessfully");
                assert_eq!(stderr.trim(), shown.trim(), "example {n} ({command})");
            }
            "json" => {
                assert!(ok, "example {n} failed: {stderr}");
                let got: Value = serde_json::from_str(&stdout).unwrap();
                let want: Value = serde_json::from_str(shown).unwrap();
                if let Err(e) = subset(&want, &got, "") {
                    panic!("example {n} ({command}): {e}");
                }
            }
            other => panic!("example {n}: unknown output block {other}"),
        }
    }
}

#[test]
fn the_shipped_examples_evaluate_and_the_table_says_when_a_working_day_deadline_ends() {
    let dir = scratch("shipped");
    for name in [
        "op-hampshire-hospitalised.json",
        "btp-railway-spit.json",
        "west-midlands-hate-crime.json",
    ] {
        let path = root().join("examples").join(name);
        let (ok, stdout, stderr) = pledge(
            &dir,
            &[
                "evaluate",
                path.to_str().unwrap(),
                "--at",
                "2026-11-20T12:00:00Z",
            ],
        );
        assert!(ok, "{name}: {stderr}");
        assert!(stdout.contains("Point"), "{name}");
        assert!(
            !stdout.contains(" 00:00"),
            "{name}: a deadline ending at midnight reads as the end of the day before:\n{stdout}"
        );
    }
}

const FORCE_PLAN: &str = r#"
id = "my-force"
version = 2
title = "My Force assault plan"
source = "test"

[[point]]
number = "1"
title = "Tell the victim"
wording = "Tell the victim of each key decision."

  [[point.obligation]]
  id = "told"
  title = "Tell the victim of each key decision"
  owner = "officer_in_case"
  starts = "each key_decision_made"
  deadline = "1 working day"
  completed_by = ["victim_updated"]
  cites = "1"
"#;

const FORCE_CASE: &str = r#"{"format": "pledge-case/1", "case_id": "MF-1", "events": [
  {"type": "assault_reported", "at": "2030-06-06T09:00:00Z", "by": "PS-1",
   "plan": {"id": "my-force", "version": 2}, "force": "F", "unit": "U",
   "occurred_at": "2030-06-06T08:00:00Z", "location_type": "street", "supervisor": "PS-1",
   "victims": [{"person": "PC-1", "workforce_role": "officer", "injury": "minor"}],
   "offence": "other"},
  {"type": "key_decision_made", "at": "2030-06-06T10:00:00Z", "by": "DC-1", "decision": "bail"}
]}"#;

const CALENDAR: &str = r#"
version = 1
source = "test proclamation"

[[day]]
jurisdictions = ["england_and_wales"]
date = "2030-06-07"
name = "Example extra bank holiday"
"#;

#[test]
fn a_case_under_a_forces_own_plan_version_evaluates_with_its_file_and_calendar() {
    let dir = scratch("force");
    std::fs::write(dir.join("plan.toml"), FORCE_PLAN).unwrap();
    std::fs::write(dir.join("case.json"), FORCE_CASE).unwrap();
    std::fs::write(dir.join("calendar.toml"), CALENDAR).unwrap();
    // Without the plan file the version is unknown, and the message says what to do.
    let (ok, _, stderr) = pledge(&dir, &["evaluate", "case.json"]);
    assert!(!ok);
    assert!(stderr.contains("--plan-file"), "{stderr}");
    let due = |extra: &[&str]| {
        let mut args = vec![
            "evaluate",
            "case.json",
            "--plan-file",
            "plan.toml",
            "--at",
            "2030-06-06T12:00:00Z",
            "--json",
        ];
        args.extend_from_slice(extra);
        let (ok, stdout, stderr) = pledge(&dir, &args);
        assert!(ok, "{stderr}");
        let v: Value = serde_json::from_str(&stdout).unwrap();
        v["points"][0]["obligations"][0]["due_at"].clone()
    };
    // One working day from Thursday 6 June 2030: the end of Friday; with Friday proclaimed
    // a bank holiday, the end of Monday.
    assert_eq!(due(&[]), Value::from("2030-06-07T23:00:00Z"));
    assert_eq!(
        due(&["--calendar", "calendar.toml"]),
        Value::from("2030-06-10T23:00:00Z")
    );
    let (ok, _, stderr) = pledge(
        &dir,
        &[
            "evaluate",
            "case.json",
            "--plan-file",
            "plan.toml",
            "--calendar",
            "plan.toml",
        ],
    );
    assert!(!ok);
    assert!(stderr.contains("--calendar"), "{stderr}");
}

#[test]
fn plan_diff_names_changes_point_by_point() {
    let dir = scratch("diff");
    let (ok, stdout, stderr) = pledge(&dir, &["plan", "diff", "op-hampshire@1", "essex@1"]);
    assert!(ok, "{stderr}");
    assert!(stdout.starts_with("op-hampshire@1 → essex@1: "), "{stdout}");
    assert!(
        stdout.contains("point E1: added: \"Debrief after the use of force\""),
        "{stdout}"
    );
    std::fs::write(dir.join("plan.toml"), FORCE_PLAN).unwrap();
    let changed = FORCE_PLAN.replace("version = 2", "version = 3").replace(
        "deadline = \"1 working day\"",
        "deadline = \"2 working days\"",
    );
    std::fs::write(dir.join("plan3.toml"), changed).unwrap();
    let (ok, stdout, _) = pledge(&dir, &["plan", "diff", "plan.toml", "plan3.toml"]);
    assert!(ok);
    assert_eq!(
        stdout,
        "my-force@2 → my-force@3: 1 change\n  point 1: obligation told: deadline: \"1 working day\" → \"2 working days\"\n"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn ready(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.starts_with("HTTP/1.1 200")
}

#[test]
fn serve_puts_a_forces_own_plan_file_in_force_and_refuses_a_bad_one() {
    let dir = scratch("serve");
    std::fs::write(dir.join("plan.toml"), FORCE_PLAN).unwrap();
    std::fs::write(
        dir.join("bad.toml"),
        FORCE_PLAN.replace("owner = \"officer_in_case\"", "owner = \"sergeant\""),
    )
    .unwrap();
    let db = format!("sqlite://{}", dir.join("pledge.db").display());
    let (ok, _, stderr) = pledge(&dir, &["serve", "--database", &db, "--plan", "bad.toml"]);
    assert!(!ok);
    assert!(
        stderr.contains("bad.toml:15:11: unknown role `sergeant`"),
        "line and column: {stderr}"
    );
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_pledge"))
        .current_dir(&dir)
        .args([
            "serve",
            "--database",
            &db,
            "--plan",
            "plan.toml",
            "--calendar",
            "calendar.toml",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The calendar file does not exist yet: serve refuses to start, naming the option.
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--calendar"));
    std::fs::write(dir.join("calendar.toml"), CALENDAR).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pledge"))
        .current_dir(&dir)
        .args([
            "serve",
            "--database",
            &db,
            "--plan",
            "plan.toml",
            "--calendar",
            "calendar.toml",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let mut up = false;
    while start.elapsed() < std::time::Duration::from_secs(30) {
        if ready(port) {
            up = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(up, "pledge serve --plan FILE became ready");
}
