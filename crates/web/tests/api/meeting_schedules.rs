//! Units' recurring meeting schedules over HTTP: an administrator sets one and its meetings
//! join the unit's calendar (exceptions left out), bad words name the field, others may not,
//! and clearing it takes its coming meetings away.

use crate::harness::Backend;
use crate::seeded::{demo_app, sign_in};
use pledge_store::Store;
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::both!(an_administrator_sets_and_clears_a_units_recurring_meeting);

async fn an_administrator_sets_and_clears_a_units_recurring_meeting(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "meeting_schedules_api").await? else {
        return Ok(());
    };
    let admin = sign_in(&app, "ADM-9000").await?;
    let put = |who: &crate::seeded::SignedIn, path: &str, schedule: &str| {
        who.client
            .put(app.api(path))
            .header("X-CSRF-Token", &who.csrf)
            .json(&json!({ "schedule": schedule }))
            .send()
    };
    let path = "/units/north-response/meeting-schedules/trm";
    let every = "every wednesday at 10:00 from 2030-01-01 until 2030-01-23 except 2030-01-16";
    let field = |body: &Value| body["errors"][0]["field"].as_str().unwrap_or("").to_owned();

    let res = put(&admin, path, "every Wednesday at noon from 2030-01-01").await?;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await?;
    assert_eq!(field(&body), "schedule", "{body}");
    assert!(body.to_string().contains("noon"), "{body}");
    let res = put(
        &admin,
        "/units/north-response/meeting-schedules/nope",
        every,
    )
    .await?;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field(&res.json().await?), "calendar");
    let res = put(&admin, "/units/nowhere/meeting-schedules/trm", every).await?;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field(&res.json().await?), "unit");
    let constable = sign_in(&app, "PC-4410").await?;
    let res = put(&constable, path, every).await?;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (status, _) = constable.get(&app.api("/meeting-schedules")).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let res = put(&admin, path, every).await?;
    assert_eq!(res.status(), StatusCode::OK);
    let set: Value = res.json().await?;
    assert_eq!(
        set["schedule"],
        "every Wednesday at 10:00 from 2030-01-01 until 2030-01-23 except 2030-01-16"
    );
    let (status, list) = admin.get(&app.api("/meeting-schedules")).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["unit"], "north-response");
    let in_2030 = |dates: Vec<pledge_store::MeetingDate>| -> Vec<String> {
        dates
            .into_iter()
            .map(|m| m.at.to_string())
            .filter(|t| t.starts_with("2030"))
            .collect()
    };
    assert_eq!(
        in_2030(app.store().meetings("trm", Some("north-response")).await?),
        [
            "2030-01-02T10:00:00Z",
            "2030-01-09T10:00:00Z",
            "2030-01-23T10:00:00Z"
        ]
    );

    let delete = || {
        admin
            .client
            .delete(app.api(path))
            .header("X-CSRF-Token", &admin.csrf)
            .send()
    };
    assert_eq!(delete().await?.status(), StatusCode::NO_CONTENT);
    assert_eq!(delete().await?.status(), StatusCode::NOT_FOUND);
    assert!(
        in_2030(app.store().meetings("trm", Some("north-response")).await?).is_empty(),
        "its coming meetings went with it"
    );
    // The demo's hand-added Tuesdays stay.
    assert!(
        !app.store()
            .meetings("trm", Some("north-response"))
            .await?
            .is_empty()
    );
    Ok(())
}
