//! Bad input as an outside tester sent it (issue 8, "Bad input and hardening"): a NUL byte
//! answered 500 on PostgreSQL and was stored on SQLite; a 200,000-character place, 2,000
//! victims, a report dated 0001-01-02 and a court date in 9999 were accepted; an `offset`
//! beyond int32 answered 200 and `version=-1` answered text/plain. Each is now a problem
//! naming the field, the same on both backends.

use crate::harness::{Backend, TestApp};
use crate::seeded::{SignedIn, demo_app, new_assault, sign_in};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::both!(
    control_characters_are_refused_in_every_text_naming_the_field,
    over_long_text_too_many_victims_and_implausible_dates_are_refused,
    query_parameters_out_of_range_are_problems,
);

/// The field a 422 problem names, after checking it is one.
fn field_of(status: StatusCode, body: &Value) -> String {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["type"], "https://pledge.police.uk/problems/invalid",
        "{body}"
    );
    body["errors"][0]["field"]
        .as_str()
        .unwrap_or_else(|| panic!("a field is named: {body}"))
        .to_owned()
}

async fn open_case(app: &TestApp, sgt: &SignedIn) -> anyhow::Result<String> {
    let (status, body) = sgt
        .post(&app.api("/cases"), &new_assault("PC-4410"))
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    Ok(body["case_id"].as_str().unwrap_or_default().to_owned())
}

async fn control_characters_are_refused_in_every_text_naming_the_field(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "control_chars").await? else {
        return Ok(());
    };
    let sgt = sign_in(&app, "PS-2231").await?;
    let cases = app.api("/cases");
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut body = new_assault("PC-4410");
        edit(&mut body);
        body
    };

    // A NUL byte in the report, at the top level and nested.
    let (status, body) = sgt
        .post(&cases, &with(&|b| b["place"] = json!("High\u{0}Street")))
        .await?;
    assert_eq!(field_of(status, &body), "place");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("U+0000")),
        "{body}"
    );
    let (status, body) = sgt
        .post(
            &cases,
            &with(&|b| b["victims"][0]["body_parts"] = json!(["face", "wrist\u{1b}[31m"])),
        )
        .await?;
    assert_eq!(field_of(status, &body), "victims[0].body_parts[1]");
    let (status, body) = sgt
        .post(
            &cases,
            &with(&|b| b["suspects"][0]["description"] = json!("\u{0}")),
        )
        .await?;
    assert_eq!(field_of(status, &body), "suspects[0].description");

    // A line break is refused in a one-line field and kept in free text.
    let (status, body) = sgt
        .post(&cases, &with(&|b| b["how_reported"] = json!("radio\ncall")))
        .await?;
    assert_eq!(field_of(status, &body), "how_reported");
    let (status, body) = sgt
        .post(
            &cases,
            &with(&|b| b["summary"] = json!("Punched.\r\nThen kicked.\tTaken to hospital.")),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["case_id"].as_str().unwrap_or_default().to_owned();

    // In a step.
    let (status, body) = sgt
        .post(
            &app.api(&format!("/cases/{id}/steps/victim_updated")),
            &json!({"how": "phone", "note": "told\u{0}"}),
        )
        .await?;
    assert_eq!(field_of(status, &body), "note");
    // In an organisation body, refused at the edge before anything is stored.
    let res = sgt
        .client
        .put(app.api("/units/north-response"))
        .header("X-CSRF-Token", &sgt.csrf)
        .json(&json!({"name": "Northern\u{0}Response", "parent": "north"}))
        .send()
        .await?;
    let status = res.status();
    let body: Value = res.json().await?;
    assert_eq!(field_of(status, &body), "name");
    // In query parameters, and in a path.
    let (status, body) = sgt.get(&app.api("/cases?unit=north%00")).await?;
    assert_eq!(field_of(status, &body), "unit");
    let (status, body) = sgt
        .get(&app.api(&format!("/cases/{id}?purpose=audit%00")))
        .await?;
    assert_eq!(field_of(status, &body), "purpose");
    let (status, _) = sgt.get(&app.api("/cases/PL%00-1")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // In a page's form.
    let res = sgt
        .client
        .post(app.url(&format!("/cases/{id}/steps/victim_updated")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string([
            ("csrf_token", sgt.csrf.as_str()),
            ("how", "phone"),
            ("note", "told\u{0}"),
        ])?)
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await?;
    assert!(page.contains("note"), "{page}");
    // Nothing was stored with a NUL: the case still reads, on both backends.
    let (status, body) = sgt.get(&app.api(&format!("/cases/{id}"))).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!body.to_string().contains("\\u0000"), "{body}");
    Ok(())
}

async fn over_long_text_too_many_victims_and_implausible_dates_are_refused(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "bounds").await? else {
        return Ok(());
    };
    let sgt = sign_in(&app, "PS-2231").await?;
    let cases = app.api("/cases");
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut body = new_assault("PC-4410");
        edit(&mut body);
        body
    };

    let (status, body) = sgt
        .post(&cases, &with(&|b| b["place"] = json!("x".repeat(200_000))))
        .await?;
    assert_eq!(field_of(status, &body), "place");
    let (status, body) = sgt
        .post(&cases, &with(&|b| b["place"] = json!("x".repeat(501))))
        .await?;
    assert_eq!(field_of(status, &body), "place");
    assert_eq!(
        body["errors"][0]["message"],
        "at most 500 characters, got 501"
    );
    let (status, body) = sgt
        .post(
            &cases,
            &with(&|b| {
                let victim = b["victims"][0].clone();
                b["victims"] = Value::Array(vec![victim; 2_000]);
            }),
        )
        .await?;
    assert_eq!(field_of(status, &body), "victims");
    assert_eq!(body["errors"][0]["message"], "at most 50 items, got 2000");
    let (status, body) = sgt
        .post(
            &cases,
            &with(&|b| b["occurred_at"] = json!("0001-01-02T00:00:00Z")),
        )
        .await?;
    assert_eq!(field_of(status, &body), "occurred_at");

    let id = open_case(&app, &sgt).await?;
    let hearing = app.api(&format!("/cases/{id}/steps/court_hearing"));
    let (status, body) = sgt
        .post(
            &hearing,
            &json!({"on": "9999-01-01", "court": "Northtown Magistrates"}),
        )
        .await?;
    assert_eq!(field_of(status, &body), "on");
    let (status, body) = sgt
        .post(
            &hearing,
            &json!({"on": "2025-12-31", "court": "Northtown Magistrates"}),
        )
        .await?;
    assert_eq!(
        field_of(status, &body),
        "on",
        "a hearing before the assault"
    );
    let next_year = jiff::Zoned::now().date().year() + 1;
    let (status, body) = sgt
        .post(
            &hearing,
            &json!({"on": format!("{next_year}-03-01"), "court": "Northtown Magistrates"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    Ok(())
}

async fn query_parameters_out_of_range_are_problems(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = demo_app(backend, "query_bounds").await? else {
        return Ok(());
    };
    let sgt = sign_in(&app, "PS-2231").await?;
    for (path, field) in [
        ("/cases?offset=2147483648", "offset"),
        ("/cases?offset=-1", "offset"),
        ("/cases?limit=0", "limit"),
        ("/cases?status=", "status"),
        ("/cases?colour=red", "colour"),
        ("/plans/op-hampshire?version=-1", "version"),
        ("/plans/op-hampshire?version=0", "version"),
    ] {
        let res = sgt.client.get(app.api(path)).send().await?;
        let status = res.status();
        let ctype = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(ctype, "application/problem+json", "{path}");
        let body: Value = res.json().await?;
        assert_eq!(field_of(status, &body), field, "{path}");
    }
    let (status, _) = sgt.get(&app.api("/cases?offset=1000000")).await?;
    assert_eq!(status, StatusCode::OK);
    Ok(())
}
