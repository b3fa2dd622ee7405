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
    serde_path_to_error::deserialize::<_, EventKind>(Value::Object(body.clone())).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // Events are internally tagged, so serde reports most faults at the top level. A
        // missing or unknown field is named in the message; a value of the wrong type is
        // not, so find the member whose removal makes that fault go away.
        let field = if path == "." || path.is_empty() {
            named_field(&message)
                .or_else(|| member_at_fault(&body, &message))
                .unwrap_or_else(|| "body".to_owned())
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

/// The top-level member at fault: removing it either makes the body parse (an optional
/// member) or turns the fault into "missing field" for that very member (a required one).
/// Removing any other member leaves the same fault, since serde reports a wrong value while
/// reading the map and a missing member only after it. Only run on the error path, over the
/// few members a step has.
fn member_at_fault(body: &Map<String, Value>, message: &str) -> Option<String> {
    body.keys().filter(|k| *k != "type").find_map(|k| {
        let mut without = body.clone();
        without.remove(k);
        match serde_json::from_value::<EventKind>(Value::Object(without)) {
            Ok(_) => Some(k.clone()),
            Err(e)
                if e.to_string() == format!("missing field `{k}`") && message != e.to_string() =>
            {
                Some(k.clone())
            }
            Err(_) => None,
        }
    })
}

/// The field a serde message names in backticks (`missing field `x``, `unknown field `x``).
fn named_field(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("missing field `")
        .or_else(|| message.strip_prefix("unknown field `"))?;
    rest.split('`').next().map(str::to_owned)
}
