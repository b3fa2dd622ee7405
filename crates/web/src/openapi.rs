//! The OpenAPI 3.1 description, generated from the handlers and then made exact: the
//! generic step route is listed once per step type, each with its own request schema taken
//! from the domain's event types; every text, list and number carries the domain's limits;
//! errors are `application/problem+json`; and every status the shell itself can answer
//! (bad JSON, wrong content type, too large, no credentials, not allowed) is listed on the
//! operations it can happen to. Schemathesis checks the result against the running service
//! (`.ci/schemathesis`).

use crate::api::json::{ANY_TEXT, MAX_TEXT};
use crate::api::steps::step_types;
use pledge_domain::event::bounds::{self, Text};
use pledge_domain::{EventKind, EventType};
use serde_json::{Map, Value, json};
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{OpenApi, PartialSchema, ToSchema};

/// The document's fixed parts; paths come from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pledge",
        description = "Operation Hampshire as software: assaults on police officers and staff, \
            the force's plan as obligations with owners and clocks, and the plan's rules \
            enforced. Errors are application/problem+json (RFC 9457). Commands accept an \
            Idempotency-Key header. Authenticate with a session cookie (sign in at \
            POST /api/v1/session; send X-CSRF-Token on changes) or an API token \
            (Authorization: Bearer).",
        license(name = "MIT", identifier = "MIT")
    ),
    modifiers(&Security),
    tags(
        (name = "cases", description = "Assaults and their cases"),
        (name = "steps", description = "Every plan step as a command"),
        (name = "tasks", description = "Work lists"),
        (name = "reports", description = "The scrutiny panel's pack and the headcounts behind its rates"),
        (name = "notifications", description = "The caller's own notifications; the force's webhook endpoints and failed deliveries (administrators)"),
        (name = "organisation", description = "People and units"),
        (name = "plans", description = "The force's plans"),
        (name = "sign-in", description = "Sessions, two-factor, passwords, accounts and API tokens"),
    )
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token created by an administrator"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("pledge_session"))),
        );
    }
}

const STEPS: &str = "/api/v1/cases/{case_id}/steps/";
const STEP_PATH: &str = "/api/v1/cases/{case_id}/steps/{step}";
/// Operations that need no credentials: signing in, and the list of step types.
const OPEN: &[(&str, &str)] = &[("post", "/api/v1/session"), ("get", "/api/v1/steps")];

/// Organisation ids in paths: 1 to 64 letters, digits, `-`, `_`, `.` (app/org.rs).
const ORG_ID: &str = "^[A-Za-z0-9._-]{1,64}$";

const PROBLEM: &str = "#/components/schemas/Problem";
const PROBLEM_JSON: &str = "application/problem+json";

/// The document as served: the generated one, made exact (see the module's comment).
pub fn document(doc: &Document) -> Value {
    let mut doc = serde_json::to_value(doc).unwrap_or_else(|_| json!({}));
    add_event_schemas(&mut doc);
    expand_steps(&mut doc);
    body_of_report(&mut doc);
    bound_request_schemas(&mut doc);
    document_statuses(&mut doc);
    doc
}

/// The schemas of the event types' values (victims, suspects, vocabularies ...), and the
/// `oneOf` of every event kind, keyed by its `type` tag.
fn event_kinds(doc: &mut Value) -> Map<String, Value> {
    let mut deps = Vec::new();
    <EventKind as ToSchema>::schemas(&mut deps);
    let schemas = &mut doc["components"]["schemas"];
    for (name, schema) in deps {
        if let (Some(map), Ok(v)) = (schemas.as_object_mut(), serde_json::to_value(schema)) {
            map.insert(name, v);
        }
    }
    let kinds = serde_json::to_value(EventKind::schema()).unwrap_or(Value::Null);
    let mut by_type = Map::new();
    for kind in kinds["oneOf"].as_array().into_iter().flatten() {
        if let Some(tag) = kind["properties"]["type"]["enum"][0].as_str() {
            by_type.insert(tag.to_owned(), kind.clone());
        }
    }
    by_type
}

/// Adds `{Type}Body`, the request schema of each step and of the report: the event's fields
/// without `type` (the URL names the step), refusing members it does not know.
fn add_event_schemas(doc: &mut Value) {
    let kinds = event_kinds(doc);
    let schemas = &mut doc["components"]["schemas"];
    for t in EventType::ALL {
        let Some(kind) = kinds.get(t.as_str()) else {
            continue;
        };
        let mut body = kind.clone();
        if let Some(props) = body.get_mut("properties").and_then(Value::as_object_mut) {
            props.remove("type");
        }
        if let Some(required) = body.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|r| r != "type");
            if required.is_empty() {
                body.as_object_mut().map(|b| b.remove("required"));
            }
        }
        body["type"] = json!("object");
        body["additionalProperties"] = json!(false);
        if *t != EventType::AssaultReported {
            let props = &mut body["properties"];
            props["at"] = json!({"type": "string", "format": "date-time",
                "description": "When it happened (now by default); not before the assault, \
                    not more than five minutes ahead"});
            props["expected_version"] = json!({"type": "integer", "format": "int64",
                "minimum": 0, "maximum": i64::MAX,
                "description": "The case version the client read; refused with 409 if the \
                    case has moved on"});
        }
        schemas[body_name(*t)] = body;
    }
}

/// The component name of a step's request schema: `oic_assigned` -> `OicAssignedBody`.
fn body_name(t: EventType) -> String {
    let mut name = String::new();
    for word in t.as_str().split('_') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.extend(first.to_uppercase());
            name.push_str(chars.as_str());
        }
    }
    name + "Body"
}

/// Replaces the generic step route with one path per step type, each with its request schema.
fn expand_steps(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    let Some(generic) = paths.remove(STEP_PATH) else {
        return;
    };
    for t in step_types() {
        let mut op = generic["post"].clone();
        op["operationId"] = json!(format!("record_{}", t.as_str()));
        op["summary"] = json!(format!("Record {}", t.as_str().replace('_', " ")));
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            params.retain(|p| p["name"] != "step");
        }
        op["requestBody"]["content"] = json!({"application/json": {"schema":
            {"$ref": format!("#/components/schemas/{}", body_name(t))}}});
        paths.insert(format!("{STEPS}{}", t.as_str()), json!({ "post": op }));
    }
}

/// `POST /cases` takes the report's fields, with `plan` optional (the plan in force) and an
/// optional `case_id` and `at`.
fn body_of_report(doc: &mut Value) {
    let name = body_name(EventType::AssaultReported);
    let mut body = doc["components"]["schemas"][&name].clone();
    if let Some(required) = body.get_mut("required").and_then(Value::as_array_mut) {
        required.retain(|r| r != "plan");
    }
    body["properties"]["case_id"] = json!({"type": "string", "pattern": "^[A-Za-z0-9_/-]{1,64}$",
        "description": "The force's reference for the case (one is made up when absent)"});
    body["properties"]["at"] = json!({"type": "string", "format": "date-time",
        "description": "When it was reported (now by default); not more than five minutes ahead"});
    doc["components"]["schemas"]["NewAssault"] = body;
    let op = &mut doc["paths"]["/api/v1/cases"]["post"];
    op["requestBody"]["content"] =
        json!({"application/json": {"schema": {"$ref": "#/components/schemas/NewAssault"}}});
}

/// States the limits the service enforces on what clients send: the domain's limits on
/// event fields (by field name), and on every other text of a body or query the edge's
/// (no control character except line break and tab, at most [`MAX_TEXT`] characters).
fn bound_request_schemas(doc: &mut Value) {
    let event_schemas: Vec<String> = {
        let mut names: Vec<String> = EventType::ALL.iter().map(|t| body_name(*t)).collect();
        names.extend(
            [
                "NewAssault",
                "Victim",
                "Suspect",
                "Circumstances",
                "PlanRef",
            ]
            .map(String::from),
        );
        names
    };
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        for (name, schema) in schemas.iter_mut() {
            if event_schemas.contains(name) {
                bound_properties(schema, true);
            } else if name.ends_with("Body") {
                bound_properties(schema, false);
            }
        }
        if let Some(person) = schemas.get_mut("PersonId") {
            // 1 to 64 characters, not only spaces, no control character.
            person["minLength"] = json!(1);
            person["maxLength"] = json!(64);
            person["pattern"] = json!(not_blank_pattern(Text::Line(64)));
        }
        if let Some(outcome) = schemas.get_mut("OutcomeType") {
            outcome["minimum"] = json!(1);
            outcome["maximum"] = json!(22);
        }
    }
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut()
        && let Some(sign_in) = schemas.get_mut("SignInBody")
    {
        let props = &mut sign_in["properties"];
        props["person_id"]["minLength"] = json!(1);
        props["person_id"]["maxLength"] = json!(pledge_app::accounts::flow::MAX_PERSON_ID);
        // The password is bounded in bytes; this many characters always fit.
        props["password"]["minLength"] = json!(1);
        props["password"]["maxLength"] = json!(pledge_app::accounts::password::MAX_LENGTH / 4);
    }
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, op) in paths.iter_mut() {
        let Some(op) = op.as_object_mut() else {
            continue;
        };
        let org = path.starts_with("/api/v1/people/") || path.starts_with("/api/v1/units/");
        for op in op.values_mut() {
            for p in op
                .get_mut("parameters")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if p["in"] == "header" && p["name"] == "Idempotency-Key" {
                    p["schema"] = json!({"type": "string", "minLength": 1, "maxLength": 255,
                        "pattern": "^[!-~]+$"});
                    p["description"] = json!("Retry-safe key: 1 to 255 visible ASCII characters");
                }
                if p["in"] == "path" && p["name"] == "date" {
                    // A meeting's date and time (RFC 3339), as the handler parses it.
                    p["schema"] = json!({"type": "string", "format": "date-time"});
                } else if p["in"] == "path" && org {
                    p["schema"] = json!({"type": "string", "pattern": ORG_ID});
                }
                if p["in"] == "query"
                    && let Some(schema) = p.get_mut("schema")
                {
                    bound_text(schema, Text::Line(MAX_TEXT));
                }
            }
        }
    }
}

/// Bounds the properties of an object schema: event fields by their names, others by the
/// edge's limit.
fn bound_properties(schema: &mut Value, event: bool) {
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (name, prop) in props.iter_mut() {
        let text = if event {
            bounds::text_limit(name)
        } else {
            ANY_TEXT
        };
        if is_type(prop, "array") {
            if event {
                prop["maxItems"] = json!(bounds::list_limit(name));
            }
            if let Some(items) = prop.get_mut("items") {
                bound_text(items, text);
            }
        } else if is_type(prop, "integer") {
            if let Some((lo, hi)) = bounds::number_limit(name).filter(|_| event) {
                prop["minimum"] = json!(lo);
                prop["maximum"] = json!(hi);
            }
        } else {
            bound_text(prop, text);
        }
    }
}

/// Adds a text limit to a plain string schema (not an enum, not a date or time, not a
/// pattern of its own). A declared `maxLength` is kept when tighter; the pattern `\S` (a
/// handler's "not only spaces") is combined with the text rule, since a schema has one
/// pattern.
fn bound_text(schema: &mut Value, text: Text) {
    let not_blank = schema["pattern"] == "\\S";
    let plain = is_type(schema, "string")
        && schema.get("enum").is_none()
        && schema.get("format").is_none()
        && (schema.get("pattern").is_none() || not_blank);
    if plain {
        let max = schema["maxLength"]
            .as_u64()
            .map_or(text.max_chars() as u64, |m| m.min(text.max_chars() as u64));
        schema["maxLength"] = json!(max);
        schema["pattern"] = json!(if not_blank {
            not_blank_pattern(text)
        } else {
            text.pattern().to_owned()
        });
    }
}

/// The text rule of `text`, with at least one character that is not a space.
fn not_blank_pattern(text: Text) -> String {
    // The rule's pattern is `^[^...]*$`: the class of characters allowed.
    let class = text
        .pattern()
        .trim_start_matches("^[^")
        .trim_end_matches("]*$");
    format!("^[^{class}]*[^\\s{class}][^{class}]*$")
}

fn is_type(schema: &Value, ty: &str) -> bool {
    match &schema["type"] {
        Value::String(t) => t == ty,
        Value::Array(ts) => ts.iter().any(|t| t == ty),
        _ => false,
    }
}

/// Every error is `application/problem+json`; every operation lists what the shell answers
/// before a handler runs: 400/413/415/422 for a body, 422 for query parameters, 404 for a
/// path naming nothing, 401/403 for credentials, and 503 when a request takes too long.
fn document_statuses(doc: &mut Value) {
    doc["security"] = json!([{"token": []}, {"session": []}]);
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let open = OPEN.contains(&(method.as_str(), path.as_str()));
            if open {
                op["security"] = json!([]);
            }
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let has = |place: &str| params.iter().any(|p| p["in"] == place);
            let has_body = op.get("requestBody").is_some();
            let responses = &mut op["responses"];
            let mut add = |status: &str, description: &str| {
                if responses.get(status).is_none() {
                    responses[status] = json!({"description": description});
                }
                let r = &mut responses[status];
                if r.get("description").is_none_or(|d| d == "") {
                    r["description"] = json!(description);
                }
                r["content"] = json!({PROBLEM_JSON: {"schema": {"$ref": PROBLEM}}});
            };
            if has_body {
                add("400", "The body is not JSON");
                add("413", "The body is too large");
                add("415", "The body is not sent as application/json");
                add("422", "A field is wrong (errors name it)");
            }
            if has("query") {
                add("422", "A query parameter is wrong (errors name it)");
            }
            if has("path") {
                add("404", "No such thing, or not yours to see");
            }
            if !open {
                add("401", "Not signed in, or the token is unknown or revoked");
                add(
                    "403",
                    "Not allowed (a scope or role is missing, or the CSRF token)",
                );
            }
            add("503", "The request took too long");
            // Errors a handler declared as JSON are sent as problems.
            for (status, r) in responses.as_object_mut().into_iter().flatten() {
                let is_problem = r["content"]["application/json"]["schema"]["$ref"] == PROBLEM;
                if is_problem || (status.starts_with(['4', '5']) && r.get("content").is_none()) {
                    r["content"] = json!({PROBLEM_JSON: {"schema": {"$ref": PROBLEM}}});
                }
                if r.get("description").is_none_or(|d| d == "") {
                    r["description"] = json!(default_description(status));
                }
            }
        }
    }
}

fn default_description(status: &str) -> &'static str {
    match status {
        "200" | "201" => "Done",
        "204" => "Done; nothing to return",
        "404" => "No such thing, or not yours to see",
        "409" => "A conflict with the current state",
        "422" => "A field is wrong (errors name it)",
        _ => "See the problem's detail",
    }
}
