//! Turning a command's JSON object into a domain event, naming the field at fault.

use crate::problem::{FieldProblem, Problem};
use axum::http::StatusCode;
use pledge_domain::EventKind;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Removes and parses an optional member of the body.
pub fn take_optional<T: DeserializeOwned>(
    body: &mut Map<String, Value>,
    field: &str,
) -> Result<Option<T>, Problem> {
    match body.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v)
            .map(Some)
            .map_err(|e| Problem::invalid(field, e.to_string())),
    }
}

/// The event of type `event_type` from the remaining fields of a command body.
pub fn to_event_kind(event_type: &str, mut body: Map<String, Value>) -> Result<EventKind, Problem> {
    if body.contains_key("type") {
        return Err(Problem::invalid(
            "type",
            "the step is named by the URL; leave `type` out of the body",
        ));
    }
    body.insert("type".into(), Value::String(event_type.to_owned()));
    serde_path_to_error::deserialize::<_, EventKind>(Value::Object(body)).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // Events are internally tagged, so serde reports most faults at the top level; the
        // message then names the field (`missing field `force``) and we lift it out.
        let field = if path == "." || path.is_empty() {
            named_field(&message).unwrap_or_else(|| "body".to_owned())
        } else {
            path
        };
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "The request has fields that are wrong",
        )
        .detail(format!("{field}: {message}"))
        .with_errors(vec![FieldProblem { field, message }])
    })
}

/// The field a serde message names in backticks (`missing field `x``, `unknown field `x``).
fn named_field(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("missing field `")
        .or_else(|| message.strip_prefix("unknown field `"))?;
    rest.split('`').next().map(str::to_owned)
}
