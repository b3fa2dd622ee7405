//! The OpenAPI 3.1 description, generated from the handlers. The generic step route is
//! listed once per step type so that every plan step is a documented command of its own.

use crate::api::steps::step_types;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, PathItem, RefOr};

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
        (name = "notifications", description = "The caller's own notifications"),
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

const STEP_PATH: &str = "/api/v1/cases/{case_id}/steps/{step}";

/// Replaces the generic step route with one path per step type.
pub fn expand_steps(doc: &mut Document) {
    let Some(generic) = doc.paths.paths.remove(STEP_PATH) else {
        return;
    };
    let Some(op) = generic.post.clone() else {
        return;
    };
    for t in step_types() {
        let mut op = op.clone();
        op.operation_id = Some(format!("record_{}", t.as_str()));
        op.summary = Some(format!("Record {}", t.as_str().replace('_', " ")));
        if let Some(params) = op.parameters.as_mut() {
            params.retain(|p| !matches!(p, RefOr::T(p) if p.name == "step"));
        }
        let mut item = PathItem::default();
        item.post = Some(op);
        doc.paths.paths.insert(
            format!("/api/v1/cases/{{case_id}}/steps/{}", t.as_str()),
            item,
        );
    }
}
