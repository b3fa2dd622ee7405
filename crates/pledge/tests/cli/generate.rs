//! `pledge generate` is deterministic: the same seed gives the same log (the same head hash
//! from `pledge verify`), on either backend; another seed gives another log.

use super::harness;

const FORCES: &str = "WMP,BTP,HIOW";

fn generate(url: &str, seed: &str) -> String {
    harness::run_ok(&[
        "generate",
        "--cases",
        "400",
        "--seed",
        seed,
        "--forces",
        FORCES,
        "--batch",
        "150",
        "--database",
        url,
    ]);
    let report = harness::verify_clean(url);
    assert!(report["events"].as_u64().unwrap_or(0) > 400, "{report:#}");
    report["head"]
        .as_str()
        .expect("a head hash after generating")
        .to_owned()
}

#[test]
fn same_seed_same_head() {
    let (a, b, c) = (
        harness::sqlite("gen_a"),
        harness::sqlite("gen_b"),
        harness::sqlite("gen_c"),
    );
    let head = generate(&a.url, "7");
    assert_eq!(head, generate(&b.url, "7"), "same seed, different log");
    assert_ne!(head, generate(&c.url, "8"), "another seed, same log");
    // Rebuilding the read models from the events changes nothing in the log.
    harness::run_ok(&["rebuild", "--database", &a.url]);
    assert_eq!(harness::verify_clean(&a.url)["head"], head.as_str());
    if let Some(pg) = harness::postgres("gen_pg") {
        assert_eq!(head, generate(&pg.url, "7"), "PostgreSQL wrote another log");
    }
}
