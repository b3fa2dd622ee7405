//! Who may do what, route by route: every case route × every role × every relationship to
//! the case, against the demo force, through real sign-ins and tokens. The table is the
//! specification; the policy (`pledge_app::policy`) must produce exactly it.

use crate::harness::{Backend, TestApp};
use crate::seeded::{demo_app, sign_in};
use pledge_app::accounts::token::{NewToken, create_token};
use reqwest::{Client, StatusCode};
use serde_json::Value;

crate::both!(
    every_route_role_and_relationship,
    strangers_are_logged_and_told_nothing
);

/// The routes, on case WX-2026-0101: a hospitalised constable (PC-4410), supervised by
/// PS-2231, investigated by DC-3020, in Northern Response (under INSP-1107's division).
pub(crate) const ROUTES: [(&str, &str, &str); 9] = [
    ("GET", "/cases/WX-2026-0101", ""),
    ("GET", "/cases/WX-2026-0101/victim-view", ""),
    ("GET", "/cases/WX-2026-0101/access-log", ""),
    (
        "POST",
        "/cases/WX-2026-0101/steps/welfare_meeting_held",
        "{}",
    ),
    (
        "POST",
        "/cases/WX-2026-0101/steps/victim_updated",
        r#"{"how": "phone", "note": "update"}"#,
    ),
    (
        "POST",
        "/cases/WX-2026-0101/steps/trim_referral_considered",
        r#"{"referred": true}"#,
    ),
    (
        "POST",
        "/cases/WX-2026-0101/steps/update_frequency_chosen",
        r#"{"every_days": 14}"#,
    ),
    (
        "POST",
        "/cases/WX-2026-0101/steps/obligation_waived",
        r#"{"obligation": "feedback-survey", "reason": "victim asked for no survey"}"#,
    ),
    (
        "POST",
        "/cases/WX-2026-0101/steps/victim_view_recorded",
        r#"{"view": "I want the suspect charged"}"#,
    ),
];

// Expected status per route, in the order of ROUTES:
// case, victim view, access log, supervision step, investigation step, TRiM referral
// (supervision), victim's own choice, management step (waiver), the victim's view (by the
// victim, or by those who discussed the outcome with them).
const OK: u16 = 200;
const NEW: u16 = 201;
const NO: u16 = 403;
const HID: u16 = 404;
const ANON: u16 = 401;

/// (who, how they relate to the case, expected statuses).
#[rustfmt::skip]
const TABLE: [(&str, &str, [u16; 9]); 14] = [
    ("PC-4410", "the victim", [NO, OK, OK, NO, NO, NO, NEW, NO, NEW]),
    ("PS-2231", "the victim's supervisor", [OK, NO, OK, NEW, NEW, NEW, NO, NO, NEW]),
    ("DC-3020", "the officer in the case", [OK, NO, NO, NO, NEW, NO, NO, NO, NEW]),
    ("INSP-1107", "inspector over the case's unit", [OK, NO, OK, NEW, NEW, NEW, NO, NEW, NEW]),
    ("SUPT-0450", "senior leader over the force", [OK, NO, OK, NEW, NEW, NEW, NO, NEW, NEW]),
    ("INSP-1230", "inspector of another division", [HID; 9]),
    ("TRIM-07", "welfare, same force", [NO; 9]),
    ("CI-0101", "force lead", [OK, NO, OK, NEW, NEW, NEW, NO, NEW, NEW]),
    ("ADM-9000", "administrator", [OK, NO, OK, NO, NO, NO, NO, NO, NO]),
    ("AN-5005", "analyst (aggregates only)", [HID; 9]),
    ("PCSO-6120", "a colleague with no relationship", [HID; 9]),
    ("token:read", "force system, cases:read", [OK, NO, OK, NO, NO, NO, NO, NO, NO]),
    ("token:write", "force system, cases:write", [NO, NO, NO, NEW, NEW, NEW, NO, NEW, NEW]),
    ("anonymous", "not signed in", [ANON; 9]),
];

enum Caller {
    Person(crate::seeded::SignedIn),
    Token(Client, String),
    Anonymous(Client),
}

async fn caller(app: &TestApp, who: &str) -> anyhow::Result<Caller> {
    Ok(match who {
        "anonymous" => Caller::Anonymous(app.client()),
        t if t.starts_with("token:") => {
            let scope = if t == "token:read" {
                "cases:read"
            } else {
                "cases:write"
            };
            let created = create_token(
                app.store(),
                NewToken {
                    name: format!("test-{}", &t[6..]),
                    scopes: vec![scope.into()],
                    force: pledge_web::demo::force::FORCE.into(),
                    created_by: "test".into(),
                },
                app.state.now(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            Caller::Token(app.client(), created.token)
        }
        person => Caller::Person(sign_in(app, person).await?),
    })
}

async fn call(
    app: &TestApp,
    c: &Caller,
    method: &str,
    path: &str,
    body: &str,
) -> anyhow::Result<(u16, Value)> {
    let url = app.api(path);
    let (client, auth, csrf) = match c {
        Caller::Person(s) => (&s.client, None, Some(s.csrf.as_str())),
        Caller::Token(cl, t) => (cl, Some(t.as_str()), None),
        Caller::Anonymous(cl) => (cl, None, None),
    };
    let mut req = if method == "GET" {
        client.get(url)
    } else {
        client.post(url)
    };
    if let Some(t) = auth {
        req = req.bearer_auth(t);
    }
    if let Some(c) = csrf {
        req = req.header("X-CSRF-Token", c);
    }
    if method == "POST" {
        req = req
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    let res = req.send().await?;
    let status = res.status().as_u16();
    Ok((status, res.json().await.unwrap_or(Value::Null)))
}

async fn every_route_role_and_relationship(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "access_table").await? else {
        return Ok(());
    };
    let mut wrong = Vec::new();
    for (who, relation, expected) in TABLE {
        let c = caller(&app, who).await?;
        for ((method, path, body), want) in ROUTES.iter().zip(expected) {
            let (got, answer) = call(&app, &c, method, path, body).await?;
            if got != want {
                wrong.push(format!(
                    "{who} ({relation}) {method} {path}: got {got}, want {want}: {answer}"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} mismatches:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    Ok(())
}

async fn strangers_are_logged_and_told_nothing(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "strangers").await? else {
        return Ok(());
    };
    let stranger = sign_in(&app, "PCSO-6120").await?;
    let (s1, hidden) = stranger.get(&app.api("/cases/WX-2026-0101")).await?;
    let (s2, missing) = stranger.get(&app.api("/cases/WX-2026-9999")).await?;
    assert_eq!((s1, s2), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(
        hidden, missing,
        "the answer must not reveal that the case exists"
    );
    let log = pledge_store::Store::access_by_actor(app.store(), "PCSO-6120").await?;
    assert!(
        log.iter().any(|e| e.entry.what.starts_with("refused")
            && e.entry.case_id.as_ref().map(|c| c.as_str()) == Some("WX-2026-0101")),
        "the refused attempt is in the access log: {log:?}"
    );
    // And the victim can see that somebody tried.
    let tom = sign_in(&app, "PC-4410").await?;
    let (_, log) = tom.get(&app.api("/cases/WX-2026-0101/access-log")).await?;
    assert!(log.to_string().contains("PCSO-6120"), "{log}");
    Ok(())
}
