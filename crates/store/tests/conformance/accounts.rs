//! Sign-in data: accounts, sessions, API tokens and login attempts.

use crate::fixtures::at;
use crate::harness::{Backend, TestDb};
use anyhow::ensure;
use pledge_store::{Account, AccountStore, ApiToken, Person, Session, StoreError};

crate::conformance!(
    accounts_upsert_and_read,
    totp_steps_are_spent_once,
    account_needs_a_person,
    sessions_lifecycle,
    tokens_lifecycle,
    login_attempts_are_counted,
    oidc_links_bind_one_subject_to_one_person,
);

fn person(id: &str) -> Person {
    Person {
        id: id.into(),
        name: format!("Person {id}"),
        email: None,
        workforce_role: Some("police_officer".into()),
        unit: Some("U-1".into()),
        line_manager: None,
        staff_association: None,
    }
}

fn account(id: &str, roles: &[&str]) -> Account {
    Account {
        person_id: id.into(),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$hash-of-{id}"),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        totp_secret: None,
        must_change_password: true,
        disabled: false,
        version: 1,
        totp_last_step: None,
    }
}

async fn with_accounts<S: Backend + AccountStore>(
    db: &TestDb<S>,
    ids: &[&str],
) -> anyhow::Result<()> {
    for id in ids {
        db.upsert_person(&person(id)).await?;
        ensure!(db.create_account(&account(id, &["staff"])).await?);
    }
    Ok(())
}

async fn accounts_upsert_and_read<S: Backend + AccountStore>(db: &TestDb<S>) -> anyhow::Result<()> {
    ensure!(db.account("PC-1").await?.is_none());
    ensure!(db.accounts().await?.is_empty());
    db.upsert_person(&person("PC-2")).await?;
    db.upsert_person(&person("PC-1")).await?;
    let mut a = account("PC-1", &["staff", "supervisor"]);
    ensure!(db.create_account(&a).await?);
    ensure!(db.create_account(&account("PC-2", &["staff"])).await?);
    ensure!(db.account("PC-1").await?.as_ref() == Some(&a));

    // Creating again is refused and changes nothing: insert or fail, never overwrite.
    let mut other = account("PC-1", &["administrator"]);
    other.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$intruder".into();
    ensure!(!db.create_account(&other).await?);
    ensure!(db.account("PC-1").await?.as_ref() == Some(&a));

    // An edit names the version it read; it changes every field and moves the version on.
    a.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$another".into();
    a.roles = vec!["administrator".into()];
    a.totp_secret = Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".into());
    a.must_change_password = false;
    a.disabled = true;
    a.totp_last_step = Some(7);
    ensure!(db.update_account(&a).await?);
    a.version = 2;
    ensure!(db.account("PC-1").await?.as_ref() == Some(&a));
    // A stale edit (version 1 again) is refused and changes nothing.
    let mut stale = a.clone();
    stale.version = 1;
    stale.disabled = false;
    ensure!(!db.update_account(&stale).await?);
    ensure!(db.account("PC-1").await?.as_ref() == Some(&a));
    // So is an edit of an account that does not exist.
    ensure!(!db.update_account(&account("NOBODY", &["staff"])).await?);

    let all = db.accounts().await?;
    let ids: Vec<&str> = all.iter().map(|a| a.person_id.as_str()).collect();
    ensure!(ids == ["PC-1", "PC-2"], "by person id: {ids:?}");
    ensure!(all[0] == a);

    // Two-factor can be removed again (reset by an administrator).
    a.totp_secret = None;
    ensure!(db.update_account(&a).await?);
    ensure!(
        db.account("PC-1")
            .await?
            .is_some_and(|a| a.totp_secret.is_none() && a.version == 3)
    );
    Ok(())
}

async fn totp_steps_are_spent_once<S: Backend + AccountStore>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    with_accounts(db, &["PC-1"]).await?;
    ensure!(
        db.use_totp_step("PC-1", 100).await?,
        "a first code is accepted"
    );
    ensure!(
        !db.use_totp_step("PC-1", 100).await?,
        "the same step again is refused"
    );
    ensure!(
        !db.use_totp_step("PC-1", 99).await?,
        "an earlier step is refused"
    );
    ensure!(
        db.use_totp_step("PC-1", 101).await?,
        "a later step is accepted"
    );
    ensure!(
        db.account("PC-1").await?.and_then(|a| a.totp_last_step) == Some(101),
        "the last step is kept"
    );
    ensure!(
        !db.use_totp_step("NOBODY", 1).await?,
        "no account, nothing to spend"
    );
    Ok(())
}

async fn account_needs_a_person<S: Backend + AccountStore>(db: &TestDb<S>) -> anyhow::Result<()> {
    match db.create_account(&account("NOBODY", &["staff"])).await {
        Err(StoreError::Invalid(m)) => ensure!(m.contains("NOBODY"), "{m}"),
        other => anyhow::bail!("an account without a person is refused, got {other:?}"),
    }
    let mut empty = account("PC-1", &["staff"]);
    empty.password_hash.clear();
    db.upsert_person(&person("PC-1")).await?;
    ensure!(matches!(
        db.create_account(&empty).await,
        Err(StoreError::Invalid(_))
    ));
    Ok(())
}

fn session(hash: &str, person: &str, created: &str, expires: &str) -> Session {
    Session {
        id_hash: hash.into(),
        person_id: person.into(),
        csrf_token: format!("csrf-{hash}"),
        created_at: at(created),
        expires_at: at(expires),
        second_factor_done: false,
        totp_pending: None,
        id_token: None,
    }
}

async fn sessions_lifecycle<S: Backend + AccountStore>(db: &TestDb<S>) -> anyhow::Result<()> {
    with_accounts(db, &["PC-1", "PC-2"]).await?;
    let s1 = session("h1", "PC-1", "2025-03-01T08:00:00Z", "2025-03-01T20:00:00Z");
    let s2 = session("h2", "PC-1", "2025-03-01T09:00:00Z", "2025-03-01T21:00:00Z");
    let s3 = session("h3", "PC-1", "2025-03-01T10:00:00Z", "2025-03-01T22:00:00Z");
    let s4 = session("h4", "PC-2", "2025-03-01T07:00:00Z", "2025-03-01T19:00:00Z");
    for s in [&s1, &s2, &s3, &s4] {
        db.create_session(s).await?;
    }
    ensure!(db.session("h1").await?.as_ref() == Some(&s1));
    ensure!(db.session("nope").await?.is_none());
    // The same token hash twice is refused, not a database error.
    ensure!(matches!(
        db.create_session(&s1).await,
        Err(StoreError::Invalid(_))
    ));
    // A session for someone without an account is refused.
    ensure!(matches!(
        db.create_session(&session(
            "hx",
            "NOBODY",
            "2025-03-01T08:00:00Z",
            "2025-03-01T20:00:00Z"
        ))
        .await,
        Err(StoreError::Invalid(_))
    ));

    db.complete_second_factor("h1").await?;
    let done = db.session("h1").await?;
    ensure!(done.as_ref().is_some_and(|s| s.second_factor_done));
    ensure!(
        db.session("h2")
            .await?
            .is_some_and(|s| !s.second_factor_done)
    );

    // A two-factor secret being set up is kept with the session until cleared.
    db.set_totp_pending("h2", Some("JBSWY3DPEHPK3PXP")).await?;
    ensure!(
        db.session("h2")
            .await?
            .and_then(|s| s.totp_pending)
            .as_deref()
            == Some("JBSWY3DPEHPK3PXP")
    );
    db.set_totp_pending("h2", None).await?;
    ensure!(
        db.session("h2")
            .await?
            .is_some_and(|s| s.totp_pending.is_none())
    );

    db.delete_session("h1").await?;
    ensure!(db.session("h1").await?.is_none());
    db.delete_session("h1").await?; // deleting twice is harmless

    // A password change ends the person's other sessions, keeping the one in use.
    ensure!(db.delete_sessions_of("PC-1", Some("h3")).await? == 1);
    ensure!(db.session("h2").await?.is_none());
    ensure!(db.session("h3").await?.is_some());
    ensure!(
        db.session("h4").await?.is_some(),
        "other people's sessions stay"
    );
    ensure!(db.delete_sessions_of("PC-1", None).await? == 1);
    ensure!(db.session("h3").await?.is_none());

    // Expiry deletes sessions whose absolute expiry has passed, and only those.
    db.create_session(&s2).await?;
    ensure!(db.expire_sessions(at("2025-03-01T18:59:59Z")).await? == 0);
    ensure!(db.expire_sessions(at("2025-03-01T19:00:00Z")).await? == 1);
    ensure!(db.session("h4").await?.is_none());
    ensure!(db.session("h2").await?.is_some());
    Ok(())
}

fn token(name: &str, hash: &str) -> ApiToken {
    ApiToken {
        name: name.into(),
        hash: hash.into(),
        scopes: vec!["cases:read".into(), "cases:write".into()],
        force: "btp".into(),
        created_by: "ADMIN-1".into(),
        created_at: at("2025-03-01T08:00:00Z"),
        revoked_at: None,
    }
}

async fn tokens_lifecycle<S: Backend + AccountStore>(db: &TestDb<S>) -> anyhow::Result<()> {
    ensure!(db.tokens().await?.is_empty());
    let crime = token("crime-system", "aa11");
    let hr = token("hr-system", "bb22");
    db.create_token(&hr).await?;
    db.create_token(&crime).await?;
    ensure!(db.token_by_hash("aa11").await?.as_ref() == Some(&crime));
    ensure!(db.token_by_hash("cc33").await?.is_none());

    // A name already used is refused, even with another hash.
    match db.create_token(&token("crime-system", "dd44")).await {
        Err(StoreError::Invalid(m)) => ensure!(m.contains("crime-system"), "{m}"),
        other => anyhow::bail!("a duplicate name is refused, got {other:?}"),
    }
    ensure!(db.token_by_hash("dd44").await?.is_none());
    // So is a hash already used (vanishingly unlikely for random tokens, but never two rows).
    ensure!(matches!(
        db.create_token(&token("other", "aa11")).await,
        Err(StoreError::Invalid(_))
    ));

    let names: Vec<String> = db.tokens().await?.into_iter().map(|t| t.name).collect();
    ensure!(names == ["crime-system", "hr-system"], "{names:?}");

    let when = at("2025-03-02T12:00:00Z");
    ensure!(db.revoke_token("crime-system", when).await?);
    ensure!(
        !db.revoke_token("crime-system", when).await?,
        "already revoked"
    );
    ensure!(!db.revoke_token("no-such", when).await?);
    let revoked = db.token_by_hash("aa11").await?;
    ensure!(
        revoked.as_ref().and_then(|t| t.revoked_at) == Some(when),
        "{revoked:?}"
    );
    ensure!(
        db.token_by_hash("bb22")
            .await?
            .is_some_and(|t| t.revoked_at.is_none())
    );
    // A revoked token keeps its name.
    ensure!(matches!(
        db.create_token(&token("crime-system", "ee55")).await,
        Err(StoreError::Invalid(_))
    ));
    Ok(())
}

async fn login_attempts_are_counted<S: Backend + AccountStore>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let t = |m: u32| at(&format!("2025-03-01T08:{m:02}:00Z"));
    let f = |count: u32, last: Option<u32>| pledge_store::Failures {
        count,
        last: last.map(t),
    };
    const A: &str = "192.0.2.1";
    const B: &str = "192.0.2.2";
    ensure!(db.login_failures("PC-1", A, t(0)).await? == Default::default());
    // Attempts are recorded for any name, account or not.
    for m in [1, 2, 3] {
        db.record_login_attempt("PC-1", A, false, t(m)).await?;
    }
    db.record_login_attempt("NOBODY", A, false, t(2)).await?;
    db.record_login_attempt("PC-1", B, false, t(2)).await?;
    let n = db.login_failures("PC-1", A, t(0)).await?;
    ensure!(n.pair == f(3, Some(3)), "{n:?}");
    ensure!(n.address == f(4, Some(3)), "the address, any name: {n:?}");
    ensure!(n.name == f(4, Some(3)), "the name, any address: {n:?}");
    let n = db.login_failures("PC-1", B, t(0)).await?;
    ensure!(
        n.pair == f(1, Some(2)) && n.address == f(1, Some(2)),
        "{n:?}"
    );
    ensure!(
        db.login_failures("PC-1", A, t(2)).await?.pair.count == 2,
        "since is inclusive"
    );
    ensure!(db.login_failures("NOBODY", A, t(0)).await?.pair.count == 1);
    ensure!(
        db.login_failures("pc-1", A, t(0)).await?.pair.count == 0,
        "names are exact"
    );

    // A success starts the counts of its keys again.
    db.record_login_attempt("PC-1", A, true, t(4)).await?;
    let n = db.login_failures("PC-1", A, t(0)).await?;
    ensure!(
        n.pair.count == 0 && n.address.count == 0 && n.name.count == 0,
        "{n:?}"
    );
    ensure!(
        db.login_failures("PC-1", B, t(0)).await?.pair.count == 1,
        "other pairs keep theirs"
    );
    db.record_login_attempt("PC-1", A, false, t(5)).await?;
    ensure!(db.login_failures("PC-1", A, t(0)).await?.pair == f(1, Some(5)));
    // ... but a success before the window does not hide failures inside it.
    ensure!(db.login_failures("PC-1", A, t(5)).await?.pair.count == 1);

    // Unlocking forgets the name's failures, from every address.
    ensure!(db.clear_login_failures("PC-1").await? == 5);
    let n = db.login_failures("PC-1", B, t(0)).await?;
    ensure!(n.pair.count == 0 && n.name.count == 0, "{n:?}");

    // Pruning removes attempts before a time.
    ensure!(db.login_failures("NOBODY", A, t(0)).await?.pair.count == 1);
    ensure!(db.prune_login_attempts(t(3)).await? == 1);
    ensure!(db.login_failures("NOBODY", A, t(0)).await?.pair.count == 0);
    ensure!(
        db.prune_login_attempts(t(6)).await? == 1,
        "the success at 08:04"
    );
    Ok(())
}

async fn oidc_links_bind_one_subject_to_one_person<S: Backend + AccountStore>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    with_accounts(db, &["PC-1", "PC-2"]).await?;
    let (iss, other_iss) = ("https://login.example/t1/v2.0", "https://other.example");
    let now = at("2025-03-01T08:00:00Z");
    ensure!(db.oidc_person(iss, "oid-1").await?.is_none());
    ensure!(db.link_oidc(iss, "oid-1", "PC-1", now).await?);
    ensure!(db.oidc_person(iss, "oid-1").await?.as_deref() == Some("PC-1"));
    // The same subject again, or another subject for the same person: refused, unchanged.
    ensure!(!db.link_oidc(iss, "oid-1", "PC-2", now).await?);
    ensure!(!db.link_oidc(iss, "oid-2", "PC-1", now).await?);
    ensure!(db.oidc_person(iss, "oid-1").await?.as_deref() == Some("PC-1"));
    ensure!(db.oidc_person(iss, "oid-2").await?.is_none());
    // Subjects are per issuer, and compared exactly.
    ensure!(db.oidc_person(other_iss, "oid-1").await?.is_none());
    ensure!(db.oidc_person(iss, "OID-1").await?.is_none());
    ensure!(db.link_oidc(other_iss, "oid-1", "PC-2", now).await?);
    // A person who does not exist is refused, not a database error.
    ensure!(matches!(
        db.link_oidc(iss, "oid-9", "PC-404", now).await,
        Err(StoreError::Invalid(_))
    ));
    // A session keeps the ID token it was signed in with.
    let mut s = session("h9", "PC-1", "2025-03-01T08:00:00Z", "2025-03-01T20:00:00Z");
    s.id_token = Some("eyJ.header.sig".into());
    db.create_session(&s).await?;
    ensure!(db.session("h9").await?.as_ref() == Some(&s));
    Ok(())
}
