//! `pledge plan install` on SQLite and PostgreSQL: a dry run prints what changes and records
//! nothing; an install is recorded in the plan register and `pledge verify` walks it; a
//! built-in id, a changed text under the same version and a day past are refused, naming why;
//! a file with a problem prints FILE:LINE:COLUMN.

use super::harness;

fn install(url: &str) {
    let dir = std::env::temp_dir().join(pledge_test_support::unique("plan-install"));
    std::fs::create_dir_all(&dir).unwrap();
    let text = pledge_domain::plan::BUILTIN_PLAN_FILES
        .iter()
        .find(|(n, _)| n.ends_with("op-hampshire.toml"))
        .unwrap()
        .1;
    let own = text.replacen("id = \"op-hampshire\"", "id = \"kent-op-hampshire\"", 1);
    let file = dir.join("kent.toml");
    std::fs::write(&file, &own).unwrap();
    let path = file.display().to_string();
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/London").unwrap())
        .date()
        .to_string();
    let base = |extra: &[&'static str]| {
        let mut a: Vec<String> = vec![
            "plan",
            "install",
            &path,
            "--force",
            "Kent Police",
            "--database",
            url,
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        a.extend(extra.iter().map(|s| (*s).to_owned()));
        a
    };
    let run = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        harness::run(&refs)
    };

    let mut dry = base(&["--dry-run", "--from"]);
    dry.push(today.clone());
    let out = run(dry);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("op-hampshire@1 → kent-op-hampshire@1"),
        "{said}"
    );
    assert!(said.contains("nothing recorded"), "{said}");
    assert_eq!(harness::verify_clean(url)["plan_register_entries"], 0);

    let mut go = base(&["--from"]);
    go.push(today.clone());
    let out = run(go.clone());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("installed kent-op-hampshire@1"));
    assert_eq!(harness::verify_clean(url)["plan_register_entries"], 1);

    // The same version with another text: refused, naming `version`.
    std::fs::write(&file, own.replacen("title = \"", "title = \"Changed ", 1)).unwrap();
    let out = run(go.clone());
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("version:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A day past.
    std::fs::write(&file, &own).unwrap();
    let out = run(base(&["--from", "2020-01-01"]));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("effective_from"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A built-in id.
    std::fs::write(&file, text).unwrap();
    let out = run(go.clone());
    assert!(String::from_utf8_lossy(&out.stderr).contains("a plan Pledge ships"));
    // A problem in the file, by line and column.
    std::fs::write(&file, own.replacen("version = 1", "version = \"one\"", 1)).unwrap();
    let out = run(go);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{path}:")), "{err}");
    assert_eq!(
        harness::verify_clean(url)["plan_register_entries"],
        1,
        "refusals record nothing"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn plan_install_on_sqlite() {
    install(&harness::sqlite("plan_install").url);
}

#[test]
fn plan_install_on_postgres() {
    if let Some(pg) = harness::postgres("plan_install_pg") {
        install(&pg.url);
    }
}
