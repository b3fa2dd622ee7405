//! The on-call rota over HTTP: a CSV import is all or nothing with problems by row and column,
//! the list shows the force's shifts only, and only administrators change it.

use crate::harness::Backend;
use crate::seeded::{demo_app, sign_in};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::both!(the_rota_is_imported_whole_and_kept_by_administrators);

async fn the_rota_is_imported_whole_and_kept_by_administrators(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "on_call_api").await? else {
        return Ok(());
    };
    let admin = sign_in(&app, "ADM-9000").await?;
    let csv = |body: &str| {
        admin
            .client
            .post(app.api("/on-call/import"))
            .header("X-CSRF-Token", &admin.csrf)
            .header("Content-Type", "text/csv")
            .body(body.to_owned())
    };
    let wrong = "role,person,starts_at,ends_at\n\
                 force_incident_manager,INSP-1107,2030-01-01 08:00,2030-01-02 08:00\n\
                 victim,PC-4410,2030-01-01 08:00,2030-01-02 08:00\n\
                 on_call_chief_officer,INSP-1107,tomorrow,2030-01-02 08:00\n";
    let res = csv(wrong).send().await?;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await?;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|p| p["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, vec!["row 2, role", "row 3, starts_at"], "{body}");
    let (_, list) = admin
        .get(&app.api("/on-call?from=2030-01-01T00:00:00Z&to=2030-01-03T00:00:00Z"))
        .await?;
    assert_eq!(list, json!([]), "nothing saved");

    let right = "role,person,starts_at,ends_at\n\
                 force_incident_manager,INSP-1107,2030-01-01 08:00,2030-01-02 08:00\n";
    let res = csv(right).send().await?;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (status, list) = admin
        .get(&app.api("/on-call?from=2030-01-01T00:00:00Z&to=2030-01-03T00:00:00Z"))
        .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list[0]["person"], "INSP-1107", "{list}");
    // Sent as JSON: 415, a problem.
    let (status, _) = admin
        .post(&app.api("/on-call/import"), &json!({"csv": right}))
        .await?;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // A constable may neither read nor change it.
    let pc = sign_in(&app, "PC-4410").await?;
    let (status, _) = pc.get(&app.api("/on-call")).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = pc
        .post(
            &app.api("/on-call"),
            &json!({"role": "force_incident_manager", "person": "PC-4410",
                    "starts_at": "2030-01-01T08:00:00Z", "ends_at": "2030-01-01T20:00:00Z"}),
        )
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let id = list[0]["id"].as_i64().unwrap_or_default();
    let res = pc
        .client
        .delete(app.api(&format!("/on-call/{id}")))
        .header("X-CSRF-Token", &pc.csrf)
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = admin
        .client
        .delete(app.api(&format!("/on-call/{id}")))
        .header("X-CSRF-Token", &admin.csrf)
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    Ok(())
}
