//! The hash chains: a clean log verifies (with the head both backends must compute alike),
//! and each kind of tampering — done with raw SQL, as an attacker with write access to the
//! database would — is detected and classified.

use crate::fixtures::{Fixtures, TestCase, access};
use crate::harness::{Backend, TestDb};
use anyhow::{Context, ensure};
use pledge_store::chain::{self, GENESIS};
use pledge_store::integrity::Expected;
use pledge_store::{AccessAction, ChainProblem, ExpectedHead, Hash, VerifyOptions};
use std::collections::HashMap;

crate::conformance!(
    clean_log_has_the_expected_head,
    append_only_is_enforced,
    edited_body_is_detected,
    edited_columns_are_detected,
    deleted_rows_are_detected,
    inserted_rows_are_detected,
    reordered_rows_are_detected,
    access_log_tampering_is_detected,
    truncation_is_caught_by_a_published_head,
    edited_read_models_are_detected,
);

/// One event's place in the chains, computed independently of the store.
#[derive(Debug, Clone, Copy)]
struct Link {
    seq: i64,
    case: Hash,
    log: Hash,
}

/// Each event's links by (case, version).
type Links = HashMap<(String, u64), Link>;

/// Recomputes the chains for cases written one after another (as `write_corpus` does).
fn expected_chain(corpus: &[TestCase]) -> anyhow::Result<(Links, Hash)> {
    let mut links = HashMap::new();
    let mut log = GENESIS;
    let mut seq = 0i64;
    for c in corpus {
        let mut prev_case = GENESIS;
        for (i, e) in c.events.iter().enumerate() {
            seq += 1;
            let version = i as u64 + 1;
            let content = chain::content_hash(&serde_json::to_string(e)?);
            let case = chain::case_link(&prev_case, &content, c.id.as_str(), version);
            let next_log = chain::log_link(&log, &case, seq);
            links.insert(
                (c.id.to_string(), version),
                Link {
                    seq,
                    case,
                    log: next_log,
                },
            );
            prev_case = case;
            log = next_log;
        }
    }
    Ok((links, log))
}

async fn setup<S: Backend>(db: &TestDb<S>) -> anyhow::Result<(Vec<TestCase>, Links)> {
    let fx = Fixtures::new()?;
    let corpus = fx.write_corpus(&db.store).await?;
    let (links, _) = expected_chain(&corpus)?;
    let report = db.verify().await?;
    ensure!(
        report.problems.is_empty(),
        "clean before tampering: {:?}",
        report.problems
    );
    db.raw(S::UNLOCK).await?;
    Ok((corpus, links))
}

fn link(links: &Links, case: &str, v: u64) -> anyhow::Result<Link> {
    links
        .get(&(case.to_owned(), v))
        .copied()
        .with_context(|| format!("no {case} v{v}"))
}

fn show(p: &[ChainProblem]) -> String {
    p.iter()
        .map(|p| {
            format!(
                "\n  {} {:?} @{} {}: {}",
                p.log, p.case_id, p.position, p.kind, p.detail
            )
        })
        .collect::<String>()
}

/// The problems, checked to be non-empty and all of one kind, and to include each `(case,
/// position)` given (a case of `None` is a global or access seq).
async fn expect<S: Backend>(
    db: &TestDb<S>,
    kind: &str,
    at: &[(Option<&str>, i64)],
) -> anyhow::Result<Vec<ChainProblem>> {
    let report = db.verify().await?;
    let p = report.problems;
    if std::env::var_os("PLEDGE_TEST_SHOW").is_some() {
        eprintln!("{}:{}", S::NAME, show(&p));
    }
    ensure!(!p.is_empty(), "{}: tampering went undetected", S::NAME);
    ensure!(
        p.iter().all(|x| x.kind == kind),
        "{}: expected only `{kind}` problems:{}",
        S::NAME,
        show(&p)
    );
    for (case, pos) in at {
        ensure!(
            p.iter()
                .any(|x| x.case_id.as_deref() == *case && x.position == *pos),
            "{}: expected a problem at {case:?} {pos}:{}",
            S::NAME,
            show(&p)
        );
    }
    Ok(p)
}

async fn clean_log_has_the_expected_head<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let corpus = fx.write_corpus(&db.store).await?;
    for c in corpus.iter().take(5) {
        db.record_access(access(
            "INSP-0912",
            AccessAction::Consult,
            Some(&c.id),
            "2026-11-05T10:00:00Z",
        ))
        .await?;
    }
    let (links, head) = expected_chain(&corpus)?;
    let report = db.verify().await?;
    ensure!(report.problems.is_empty(), "{:?}", report.problems);
    // Identical on both backends: the chain is a function of the events alone.
    ensure!(
        report.head == Some(hex::encode(head)),
        "the head is the independently computed one"
    );
    ensure!(report.events == links.len() as u64);
    ensure!(
        report.access_entries
            == corpus
                .iter()
                .map(|c| c.events.len().div_ceil(3) as u64)
                .sum::<u64>()
                + 5
    );
    ensure!(report.access_head.is_some());
    Ok(())
}

async fn append_only_is_enforced<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    fx.write_corpus(&db.store).await?;
    for sql in [
        "DELETE FROM event WHERE seq = 1",
        "UPDATE event SET body = '{}' WHERE seq = 2",
        "UPDATE event SET case_version = 99 WHERE seq = 2",
        "DELETE FROM access_log WHERE seq = 1",
        "UPDATE access_log SET justification = 'curiosity' WHERE seq = 1",
    ] {
        ensure!(
            db.raw(sql).await.is_err(),
            "{}: the database refuses `{sql}`",
            S::NAME
        );
    }
    let report = db.verify().await?;
    ensure!(report.problems.is_empty(), "{:?}", report.problems);
    Ok(())
}

async fn edited_body_is_detected<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    setup(db).await?;
    db.raw("UPDATE event SET body = replace(body, 'PC-4410', 'PC-9999') WHERE case_id = 'T0-22' AND case_version = 1")
        .await?;
    let p = expect(db, "edited", &[(Some("T0-22"), 1)]).await?;
    ensure!(p.len() == 1, "one edit, one problem:{}", show(&p));
    Ok(())
}

async fn edited_columns_are_detected<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let (_, links) = setup(db).await?;
    // A body rewritten with its content hash recomputed: the case link no longer fits.
    let body = r#"{"type":"welfare_meeting_held","at":"2026-11-02T11:00:00Z","by":"PS-0000"}"#;
    let sql = format!(
        "UPDATE event SET body = '{body}', by_person = 'PS-0000', content_hash = {} WHERE case_id = 'T0-22' AND case_version = 7",
        S::blob(&chain::content_hash(body))
    );
    db.raw(&sql).await?;
    expect(db, "edited", &[(Some("T0-22"), 7)]).await?;
    // A denormalised column that no longer agrees with the body.
    db.raw("UPDATE event SET event_type = 'charged' WHERE case_id = 'T1-13' AND case_version = 2")
        .await?;
    // A hash column.
    let l = link(&links, "T2-09", 4)?;
    db.raw(&format!(
        "UPDATE event SET log_hash = {} WHERE seq = {}",
        S::blob(&[7; 32]),
        l.seq
    ))
    .await?;
    expect(
        db,
        "edited",
        &[(Some("T0-22"), 7), (Some("T1-13"), 2), (Some("T2-09"), 4)],
    )
    .await?;
    Ok(())
}

async fn deleted_rows_are_detected<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let (corpus, links) = setup(db).await?;
    let l = link(&links, "T0-22", 5)?;
    db.raw("DELETE FROM event WHERE case_id = 'T0-22' AND case_version = 5")
        .await?;
    expect(db, "deleted", &[(Some("T0-22"), 5), (None, l.seq)]).await?;
    // The last event of the whole log: only the head record shows it.
    let last = corpus.last().context("corpus")?;
    let n = last.events.len() as u64;
    let l = link(&links, last.id.as_str(), n)?;
    db.raw(&format!("DELETE FROM event WHERE seq = {}", l.seq))
        .await?;
    expect(db, "deleted", &[(Some("T0-22"), 5), (None, l.seq)]).await?;
    Ok(())
}

async fn inserted_rows_are_detected<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let (corpus, links) = setup(db).await?;
    let last = corpus.last().context("corpus")?;
    let n = last.events.len() as u64;
    let l = link(&links, last.id.as_str(), n)?;
    // A forged event with correctly computed links, appended after the head without
    // updating the head record.
    let body = r#"{"type":"victim_updated","at":"2026-12-01T10:00:00Z","by":"PC-0001","how":"phone","note":"forged"}"#;
    let content = chain::content_hash(body);
    let case = chain::case_link(&l.case, &content, last.id.as_str(), n + 1);
    let log = chain::log_link(&l.log, &case, l.seq + 1);
    let sql = format!(
        "INSERT INTO event (seq, case_id, case_version, event_type, at, by_person, body, recorded_at, content_hash, \
         prev_case_hash, case_hash, prev_log_hash, log_hash, disposed) VALUES ({}, '{}', {}, 'victim_updated', 0, \
         'PC-0001', '{body}', 0, {}, {}, {}, {}, {}, {})",
        l.seq + 1,
        last.id,
        n + 1,
        S::blob(&content),
        S::blob(&l.case),
        S::blob(&case),
        S::blob(&l.log),
        S::blob(&log),
        if S::NAME == "sqlite" { "0" } else { "FALSE" }
    );
    db.raw(&sql).await?;
    let p = expect(db, "inserted", &[(Some(last.id.as_str()), n as i64 + 1)]).await?;
    ensure!(p.len() == 1, "one forged row, one problem:{}", show(&p));
    // A copied row whose links do not fit, after it.
    db.raw(
        "INSERT INTO event (seq, case_id, case_version, event_type, at, by_person, body, recorded_at, content_hash, \
         prev_case_hash, case_hash, prev_log_hash, log_hash, disposed) \
         SELECT (SELECT MAX(seq) FROM event) + 1, case_id, 99, event_type, at, by_person, body, recorded_at, \
         content_hash, prev_case_hash, case_hash, prev_log_hash, log_hash, disposed FROM event \
         WHERE case_id = 'T1-13' AND case_version = 3",
    )
    .await?;
    expect(
        db,
        "inserted",
        &[(Some(last.id.as_str()), n as i64 + 1), (Some("T1-13"), 99)],
    )
    .await?;
    Ok(())
}

async fn reordered_rows_are_detected<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let (corpus, links) = setup(db).await?;
    // Two events of a case swap places in the case.
    db.raw(
        "UPDATE event SET case_version = -3 WHERE case_id = 'T0-22' AND case_version = 3; \
         UPDATE event SET case_version = 3 WHERE case_id = 'T0-22' AND case_version = 4; \
         UPDATE event SET case_version = 4 WHERE case_id = 'T0-22' AND case_version = -3;",
    )
    .await?;
    let p = expect(db, "reordered", &[(Some("T0-22"), 3), (Some("T0-22"), 4)]).await?;
    ensure!(p.len() == 2, "{}", show(&p));
    // Two events swap places in the global log.
    let (a, b) = (link(&links, "T1-13", 2)?.seq, link(&links, "T1-13", 6)?.seq);
    db.raw(&format!(
        "UPDATE event SET seq = -1 WHERE seq = {a}; UPDATE event SET seq = {a} WHERE seq = {b}; \
         UPDATE event SET seq = {b} WHERE seq = -1;"
    ))
    .await?;
    expect(
        db,
        "reordered",
        &[
            (Some("T0-22"), 3),
            (Some("T0-22"), 4),
            (Some("T1-13"), 2),
            (Some("T1-13"), 6),
        ],
    )
    .await?;
    // Two bodies swapped between events of a case.
    let t = corpus
        .iter()
        .find(|c| c.id.as_str() == "T2-09")
        .context("T2-09")?;
    let (x, y) = (link(&links, "T2-09", 2)?.seq, link(&links, "T2-09", 3)?.seq);
    let quote = |e: &pledge_domain::Event| -> anyhow::Result<String> {
        Ok(serde_json::to_string(e)?.replace('\'', "''"))
    };
    db.raw(&format!(
        "UPDATE event SET body = '{}' WHERE seq = {x}; UPDATE event SET body = '{}' WHERE seq = {y};",
        quote(&t.events[2])?,
        quote(&t.events[1])?
    ))
    .await?;
    let p = expect(db, "reordered", &[(Some("T2-09"), 2), (Some("T2-09"), 3)]).await?;
    ensure!(p.len() == 6, "{}", show(&p));
    Ok(())
}

async fn access_log_tampering_is_detected<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let case = fx.case("btp-railway-spit", "ACC-1", 3)?;
    fx.write(&db.store, &case, 3).await?;
    for i in 0..8 {
        db.record_access(access(
            &format!("PC-{i}"),
            AccessAction::Consult,
            Some(&case.id),
            "2026-11-05T10:00:00Z",
        ))
        .await?;
    }
    ensure!(db.verify().await?.problems.is_empty());
    db.raw(S::UNLOCK).await?;
    db.raw("UPDATE access_log SET justification = 'curiosity' WHERE seq = 3")
        .await?;
    let p = expect(db, "edited", &[(None, 3)]).await?;
    ensure!(p.len() == 1 && p[0].log == "access", "{}", show(&p));
    db.raw("UPDATE access_log SET justification = 'supervising the investigation' WHERE seq = 3")
        .await?;
    ensure!(db.verify().await?.problems.is_empty(), "restored");
    db.raw("DELETE FROM access_log WHERE seq = 5").await?;
    expect(db, "deleted", &[(None, 5)]).await?;
    db.raw("DELETE FROM access_log WHERE seq = 9").await?; // the last entry: only the head shows it
    expect(db, "deleted", &[(None, 5), (None, 9)]).await?;
    db.raw(
        "UPDATE access_log SET seq = -1 WHERE seq = 2; UPDATE access_log SET seq = 2 WHERE seq = 7; \
         UPDATE access_log SET seq = 7 WHERE seq = -1;",
    )
    .await?;
    let report = db.verify().await?;
    let kinds: Vec<(&str, i64)> = report
        .problems
        .iter()
        .map(|p| (p.kind, p.position))
        .collect();
    ensure!(
        kinds.contains(&("reordered", 2)) && kinds.contains(&("reordered", 7)),
        "{}",
        show(&report.problems)
    );
    ensure!(report.problems.iter().all(|p| p.log == "access"));
    Ok(())
}

/// Deleting the newest events and rewinding `log_head` leaves a shorter chain that verifies on
/// its own; a head published before (and given back to verify) catches it. Events appended
/// after a head was published are fine: the head must still be in the log, at its position.
async fn truncation_is_caught_by_a_published_head<S: Backend>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    fx.write_corpus(&db.store).await?;
    let heads = db.heads().await?;
    let published = ExpectedHead {
        seq: Some(heads.events.0),
        hash: heads.events.1,
    };
    let published_access = ExpectedHead {
        seq: Some(heads.access.0),
        hash: heads.access.1,
    };
    ensure!(
        db.verify().await?.head.as_deref() == Some(hex::encode(heads.events.1).as_str()),
        "heads() reads the head verify computes"
    );
    // More events after the head was published.
    let later = fx.case("btp-railway-spit", "LATE-1", 6)?;
    fx.write(&db.store, &later, 2).await?;
    let with = |events: Vec<ExpectedHead>, access: Vec<ExpectedHead>| VerifyOptions {
        expect_heads: events,
        expect_access_heads: access,
    };
    // The head of the empty log, as a server publishes it before the first case, holds too.
    let empty = ExpectedHead {
        seq: Some(0),
        hash: GENESIS,
    };
    let report = db
        .verify_with(with(
            vec![published.clone(), empty],
            vec![published_access.clone()],
        ))
        .await?;
    ensure!(
        report.problems.is_empty(),
        "a published head followed by more events holds:{}",
        show(&report.problems)
    );
    // A head published with the wrong position does not hold.
    let misplaced = ExpectedHead {
        seq: published.seq.map(|s| s - 1),
        ..published.clone()
    };
    let report = db.verify_with(with(vec![misplaced], vec![])).await?;
    ensure!(
        report.problems.len() == 1 && report.problems[0].kind == "reordered",
        "{}",
        show(&report.problems)
    );

    // The attack: the newest events go (the late case and the corpus's last three), and the
    // head record is rewound onto what is left.
    let keep = heads.events.0 - 3;
    db.raw(S::UNLOCK).await?;
    db.raw(&format!("DELETE FROM event WHERE seq > {keep}"))
        .await?;
    db.raw(&format!(
        "UPDATE log_head SET seq = {keep}, hash = (SELECT log_hash FROM event WHERE seq = {keep}) WHERE id = 1"
    ))
    .await?;
    let blind = db.verify().await?;
    ensure!(
        blind.problems.is_empty(),
        "without a published head the shorter chain is consistent:{}",
        show(&blind.problems)
    );
    let report = db
        .verify_with(with(vec![published.clone()], vec![]))
        .await?;
    ensure!(
        report.problems.len() == 1
            && report.problems[0].kind == "deleted"
            && report.problems[0].log == "events"
            && report.problems[0].position == heads.events.0
            && report.problems[0].detail.contains(&published.label()),
        "{}: the truncation is reported against the published head:{}",
        S::NAME,
        show(&report.problems)
    );
    // The same for the access log.
    db.raw(&format!(
        "DELETE FROM access_log WHERE seq > {0}; UPDATE access_head SET seq = {0}, hash = (SELECT hash FROM access_log WHERE seq = {0}) WHERE id = 1",
        heads.access.0 - 1
    ))
    .await?;
    let report = db
        .verify_with(with(vec![], vec![published_access.clone()]))
        .await?;
    ensure!(
        report.problems.len() == 1
            && report.problems[0].log == "access"
            && report.problems[0].kind == "deleted",
        "{}",
        show(&report.problems)
    );
    Ok(())
}

/// Read models edited in the database (which would change who may see a case) are found by
/// rebuilding them from the events and comparing, by case and column.
async fn edited_read_models_are_detected<S: Backend>(db: &TestDb<S>) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let corpus = fx.write_corpus(&db.store).await?;
    let project = fx.projector();
    let expected = |c: &pledge_store::StoredCase| {
        project(c).map(|projection| Expected {
            projection,
            calendar_dependent: Vec::new(),
        })
    };
    let (checked, problems) = pledge_store::verify_read_models(&db.store, &expected).await?;
    ensure!(
        checked == corpus.len() as u64 && problems.is_empty(),
        "clean: {checked} cases{}",
        show(&problems)
    );
    for sql in [
        // A new officer in the case, who may then read it.
        "UPDATE case_summary SET oic = 'PC-EVIL' WHERE case_id = 'T0-22'",
        // Someone added to the people index.
        "INSERT INTO case_person (case_id, person, relation) VALUES ('T1-13', 'PC-EVIL', 'victim')",
        // A task given to someone else.
        "UPDATE obligation SET owner_person = 'PC-EVIL' WHERE case_id = 'T2-07' AND instance = 0",
        // A case's summary gone (and with it its rows).
        "DELETE FROM case_summary WHERE case_id = 'T2-01'",
        // The pack's facts of a case changed (a survey never sent).
        "UPDATE case_report SET facts = replace(facts, '\"survey_sent\":false', '\"survey_sent\":true') WHERE case_id = 'T1-04'",
        // The pack's row of a case gone.
        "DELETE FROM case_report WHERE case_id = 'T0-07'",
        // A case that has no events.
        "INSERT INTO case_summary (case_id, plan_id, plan_version, force, unit, occurred_at, reported_at, \
         injury, hospitalised, hate_crime, status, oic, supervisor, victims, arrested, no_arrest_reason, \
         outcome_type, version) SELECT 'GHOST-1', plan_id, plan_version, force, unit, occurred_at, \
         reported_at, injury, hospitalised, hate_crime, status, oic, supervisor, victims, arrested, \
         no_arrest_reason, outcome_type, version FROM case_summary WHERE case_id = 'T0-22'",
    ] {
        db.raw(sql).await?;
    }
    let (_, problems) = pledge_store::verify_read_models(&db.store, &expected).await?;
    let found = |case: &str, kind: &str, text: &str| {
        problems.iter().any(|p| {
            p.log == "read_models"
                && p.case_id.as_deref() == Some(case)
                && p.kind == kind
                && p.detail.contains(text)
        })
    };
    ensure!(
        problems.len() == 7
            && found("T0-22", "edited", "case_summary.oic")
            && found("T1-04", "edited", "case_report.facts")
            && found("T0-07", "deleted", "case_report row is missing")
            && found("T1-13", "edited", "case_person")
            && found("T2-07", "edited", "obligation.owner_person")
            && found("T2-01", "deleted", "case_summary row is missing")
            && found("GHOST-1", "inserted", "no events"),
        "{}: each edit reported once, by case and column:{}",
        S::NAME,
        show(&problems)
    );
    // The chains themselves are untouched.
    ensure!(db.verify().await?.problems.is_empty());
    // `rebuild` repairs what it can rebuild; the ghost stays reported.
    pledge_store::rebuild(&db.store, fx.projector()).await?;
    let (_, problems) = pledge_store::verify_read_models(&db.store, &expected).await?;
    ensure!(
        problems.len() == 1 && found_in(&problems, "GHOST-1"),
        "{}",
        show(&problems)
    );
    Ok(())
}

fn found_in(problems: &[ChainProblem], case: &str) -> bool {
    problems.iter().any(|p| p.case_id.as_deref() == Some(case))
}
