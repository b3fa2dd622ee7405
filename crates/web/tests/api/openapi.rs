//! The OpenAPI document is generated from the handlers; this snapshot makes every change to
//! the API visible in review (`cargo insta review` after an intended change). The other tests
//! pin what Schemathesis (`.ci/schemathesis`) relies on: every step has its own request
//! schema, errors are problems, and the limits the service enforces are stated.
#![allow(clippy::expect_used)]

use serde_json::Value;

fn document() -> Value {
    serde_json::to_value(pledge_web::openapi_document())
        .unwrap_or_else(|e| panic!("the document serialises: {e}"))
}

/// Resolves a local `$ref`.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

#[test]
fn the_openapi_document() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().map(|p| p.len()).unwrap_or(0);
    assert!(paths > 40, "every step is its own operation: {paths} paths");
    insta::assert_json_snapshot!("openapi", doc);
}

#[test]
fn every_step_has_its_own_closed_request_schema() {
    let doc = document();
    let paths = doc["paths"].as_object().expect("paths");
    let steps: Vec<_> = paths
        .iter()
        .filter(|(p, _)| p.starts_with("/api/v1/cases/{case_id}/steps/"))
        .collect();
    assert!(steps.len() > 30, "{} steps", steps.len());
    for (path, item) in steps {
        let body = &item["post"]["requestBody"]["content"]["application/json"]["schema"];
        let schema = resolve(&doc, body);
        assert_eq!(schema["type"], "object", "{path}");
        assert_eq!(schema["additionalProperties"], false, "{path}");
        assert!(schema["properties"].get("type").is_none(), "{path}");
        assert!(schema["properties"]["at"].is_object(), "{path}");
    }
    let oic = resolve(
        &doc,
        &doc["paths"]["/api/v1/cases/{case_id}/steps/oic_assigned"]["post"]["requestBody"]["content"]
            ["application/json"]["schema"],
    );
    assert_eq!(oic["required"], serde_json::json!(["officer"]));
    let report = &doc["components"]["schemas"]["NewAssault"];
    assert_eq!(report["properties"]["place"]["maxLength"], 500);
    assert_eq!(report["properties"]["victims"]["maxItems"], 50);
    assert!(
        !report["required"]
            .as_array()
            .expect("required")
            .contains(&Value::from("plan")),
        "the plan in force is the default"
    );
}

#[test]
fn every_error_is_a_problem_and_the_shells_statuses_are_listed() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            let responses = op["responses"].as_object().expect("responses");
            for (status, r) in responses {
                assert!(r["description"].is_string(), "{method} {path} {status}");
                if status.starts_with('4') || status.starts_with('5') {
                    let content = r["content"].as_object().expect("content");
                    assert_eq!(
                        content.keys().collect::<Vec<_>>(),
                        vec!["application/problem+json"],
                        "{method} {path} {status}"
                    );
                }
            }
            if op.get("requestBody").is_some() {
                for status in ["400", "413", "415", "422"] {
                    assert!(responses.contains_key(status), "{method} {path} {status}");
                }
            }
            let open = op["security"] == serde_json::json!([]);
            if !open {
                assert!(responses.contains_key("401"), "{method} {path} 401");
                assert!(responses.contains_key("403"), "{method} {path} 403");
            }
        }
    }
    let offset = doc["paths"]["/api/v1/cases"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "offset")
        .expect("offset")
        .clone();
    assert_eq!(offset["schema"]["maximum"], 1_000_000);
}
