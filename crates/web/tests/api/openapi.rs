//! The OpenAPI document is generated from the handlers; this snapshot makes every change to
//! the API visible in review (`cargo insta review` after an intended change).

#[test]
fn the_openapi_document() {
    let doc = serde_json::to_value(pledge_web::openapi_document())
        .unwrap_or_else(|e| panic!("the document serialises: {e}"));
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().map(|p| p.len()).unwrap_or(0);
    assert!(paths > 40, "every step is its own operation: {paths} paths");
    insta::assert_json_snapshot!("openapi", doc);
}
