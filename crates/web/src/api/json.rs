//! The JSON body and query extractors for the API: every way a request can be wrong (not
//! JSON, wrong content type, too large, a field missing or of the wrong type, a control
//! character in a text) becomes a problem response that names the field, never a plain-text
//! 400 or a 500.

use crate::problem::{FieldProblem, Problem};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use pledge_domain::event::bounds::{Text, check_text};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The most characters of a document sent whole as one text (a plan file).
pub const DOCUMENT_CHARS: usize = 200_000;

/// The most characters any text of a request body may have, whatever the field; the domain
/// bounds each event field more tightly (docs/events.md, "Limits on every field").
pub const MAX_TEXT: usize = 10_000;

/// Every text of a request: no control character other than line break and tab (PostgreSQL
/// cannot store U+0000; the rest have no business in a record), the same on every backend.
pub const ANY_TEXT: Text = Text::Lines(MAX_TEXT);

/// A JSON request body of type `T`.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json_bytes(req, state).await?;
        parse(&bytes).map(ApiJson)
    }
}

/// A JSON request body's bytes: the content type must be JSON, and the body within the
/// limit (413 otherwise).
pub async fn json_bytes<S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<axum::body::Bytes, Problem> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            let essence = v.split(';').next().unwrap_or("").trim();
            essence.eq_ignore_ascii_case("application/json")
                || essence.to_ascii_lowercase().ends_with("+json")
        })
        .unwrap_or(false);
    if !is_json {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Send JSON",
        )
        .detail("The body must be JSON, with Content-Type: application/json."));
    }
    let bytes = axum::body::Bytes::from_request(req, state)
        .await
        .map_err(|rejection| {
            let status = rejection.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(status, "too-large", "The request is too large")
                    .detail("The body is larger than Pledge accepts.")
            } else {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "unreadable-body",
                    "The body could not be read",
                )
                .detail(rejection.body_text())
            }
        })?;
    Ok(bytes)
}

/// Parses a JSON body, naming the field at fault: first as JSON (a syntax error is 400),
/// then every text in it (a control character is 422 naming where), then as `T`.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    // A document sent whole as one text (a plan file's `source`, at the top of the body) may
    // be as long as the body limit allows; the control-character rule still applies.
    parse_with_long(bytes, &["source"], DOCUMENT_CHARS)
}

/// [`parse`], except that the texts at the paths in `long` (e.g. `plan.draft`, a plan
/// file's text) may have up to `long_limit` characters; control characters are refused in
/// them too.
pub fn parse_with_long<T: DeserializeOwned>(
    bytes: &[u8],
    long: &[&str],
    long_limit: usize,
) -> Result<T, Problem> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed-json",
            "The body is not valid JSON",
        )
        .detail(format!("{e}"))
    })?;
    let mut value = value;
    whole_numbers(&mut value);
    check_texts(&value, &mut String::new(), &|path: &str| {
        if long.contains(&path) {
            Text::Lines(long_limit)
        } else {
            ANY_TEXT
        }
    })?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let field = if path == "." || path.is_empty() {
            "body".to_owned()
        } else {
            path
        };
        // Serde's message names the problem ("missing field `force`", "invalid type:
        // string, expected u16"); the path names where it is.
        let message = clean(&inner.to_string());
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "The request has fields that are wrong",
        )
        .detail(format!("{field}: {message}"))
        .with_errors(vec![FieldProblem { field, message }])
    })
}

/// JSON does not tell `57` from `57.0`, and JSON Schema counts both as integers: a number
/// with no fraction is read as a whole number wherever one is expected.
fn whole_numbers(value: &mut Value) {
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|f| n.is_f64() && f.fract() == 0.0) {
                // Only within the range where f64 holds every whole number exactly.
                const EXACT: f64 = 9_007_199_254_740_992.0;
                if (0.0..=EXACT).contains(&f) {
                    *value = Value::from(f as u64);
                } else if (-EXACT..0.0).contains(&f) {
                    *value = Value::from(f as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(members) => members.values_mut().for_each(whole_numbers),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

/// Checks every string (and member name) of a JSON value against [`ANY_TEXT`]; `path` is
/// where `value` is, in the form serde_path_to_error uses (`victims[0].name`).
fn check_texts(
    value: &Value,
    path: &mut String,
    limit: &dyn Fn(&str) -> Text,
) -> Result<(), Problem> {
    match value {
        Value::String(s) => {
            check_text(s, limit(path)).map_err(|m| Problem::invalid(field(path), m))
        }
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let r = check_texts(item, path, limit);
            path.truncate(len);
            r
        }),
        Value::Object(members) => members.iter().try_for_each(|(name, item)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(name);
            let r = check_text(name, Text::Line(MAX_TEXT))
                .map_err(|m| Problem::invalid(field(path), format!("in the member name: {m}")))
                .and_then(|()| check_texts(item, path, limit));
            path.truncate(len);
            r
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

fn field(path: &str) -> String {
    if path.is_empty() {
        "body".to_owned()
    } else {
        path.to_owned()
    }
}

/// Query parameters of type `T`: a parameter of the wrong type, an unknown one or a control
/// character in one is a 422 problem naming it, never axum's plain-text 400.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            check_text(&name, Text::Line(MAX_TEXT))
                .and_then(|()| check_text(&value, Text::Line(MAX_TEXT)))
                .map_err(|m| Problem::invalid(name.as_ref(), m))?;
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let path = e.path().to_string();
                let message = clean(&e.into_inner().to_string());
                let name = if path == "." || path.is_empty() {
                    named(&message).unwrap_or_else(|| "query".to_owned())
                } else {
                    path
                };
                Problem::invalid(name, message)
            })
    }
}

/// The parameter a serde message names in backticks (`unknown field `x``).
fn named(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("missing field `")
        .or_else(|| message.strip_prefix("unknown field `"))?;
    rest.split('`').next().map(str::to_owned)
}

/// Drops serde's " at line 1 column 42" suffix: the field path already says where.
fn clean(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
