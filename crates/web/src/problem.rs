//! Errors as `application/problem+json` (RFC 9457): one type every handler returns, with a
//! field-by-field list for bad input and the plan point for a refused rule. Internal detail
//! is logged, never shown.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pledge_app::AppError;
use pledge_domain::{Refusal, RuleViolation};
use serde::Serialize;
use utoipa::ToSchema;

/// One field that is wrong.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field, as a JSON path where known (`victims[0].role`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// The plan rule a command would break.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RuleProblem {
    /// The rule's id in the plan.
    pub rule: String,
    /// The plan, `id@version`.
    pub plan: String,
    /// The plan point, as the force publishes it.
    pub point: String,
    /// The point's title.
    pub point_title: String,
    /// The plan's own words.
    pub says: String,
    /// What in the command breaks it.
    pub detail: String,
    /// The field of the command at fault, where one is (`tier`, `tier_reason`, `view`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl From<&RuleViolation> for RuleProblem {
    fn from(v: &RuleViolation) -> Self {
        Self {
            rule: v.rule.clone(),
            plan: v.plan.clone(),
            point: v.point.clone(),
            point_title: v.point_title.clone(),
            says: v.says.clone(),
            detail: v.detail.clone(),
            field: v.field.clone(),
        }
    }
}

/// A problem response body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` for plain HTTP statuses).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened, in words for the person using the client.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Fields that are wrong (validation failures).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// The plan rule, when a rule refused the command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Box<RuleProblem>>,
    /// Seconds to wait before retrying (throttled sign-in).
    #[serde(skip)]
    pub retry_after: Option<u32>,
}

impl Problem {
    /// A problem with a status, a type slug and a title.
    pub fn new(status: StatusCode, slug: &str, title: impl Into<String>) -> Self {
        Self {
            kind: format!("https://pledge.police.uk/problems/{slug}"),
            title: title.into(),
            status: status.as_u16(),
            detail: None,
            errors: Vec::new(),
            rule: None,
            retry_after: None,
        }
    }

    /// Adds a detail.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// 400/422 for one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        let field = field.into();
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "The request has fields that are wrong",
        )
        .detail(format!("{field}: {message}"))
        .with_errors(vec![FieldProblem { field, message }])
    }

    /// Adds field problems.
    pub fn with_errors(mut self, errors: Vec<FieldProblem>) -> Self {
        self.errors = errors;
        self
    }

    /// 404 that says nothing about whether the thing exists.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found")
            .detail("There is nothing here, or you may not see it.")
    }

    /// 401: sign in (or give a valid token) first.
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "Sign in first").detail(detail)
    }

    /// 403 for an action the actor may not take.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed").detail(detail)
    }

    /// 500 with nothing internal shown; the cause is logged.
    pub fn internal(cause: &str) -> Self {
        tracing::error!(cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong in Pledge",
        )
        .detail("The problem has been logged. Try again; if it persists, tell your administrator.")
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => Problem::not_found(),
            AppError::Forbidden(what) => Problem::forbidden(format!("You may not {what}.")),
            AppError::Refused(Refusal::Rule(v)) => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "rule-refused",
                format!("Refused by point {} of the plan", v.point),
            )
            .detail(v.to_string())
            .with_errors(
                v.field
                    .iter()
                    .map(|f| FieldProblem {
                        field: f.clone(),
                        message: v.detail.clone(),
                    })
                    .collect(),
            )
            .with_rule(RuleProblem::from(v.as_ref())),
            AppError::Refused(Refusal::Invalid { field, message }) => {
                Problem::invalid(field, message)
            }
            AppError::Invalid { field, message } => Problem::invalid(field, message),
            AppError::PlanFile(e) => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "The plan file has problems",
            )
            .detail(format!(
                "{} problem(s); each names its line and column in the file",
                e.problems.len()
            ))
            .with_errors(
                e.problems
                    .iter()
                    .map(|p| FieldProblem {
                        field: "source".into(),
                        message: format!("line {}, column {}: {}", p.line, p.column, p.message),
                    })
                    .collect(),
            ),
            AppError::Conflict { expected, actual } => Problem::new(
                StatusCode::CONFLICT,
                "conflict",
                "The case changed since you read it",
            )
            .detail(format!(
                "You had version {expected}; it is now at version {actual}. Reload and try again."
            )),
            AppError::Stale {
                what,
                expected,
                actual,
            } => Problem::new(
                StatusCode::CONFLICT,
                "conflict",
                format!("The {what} changed since you read it"),
            )
            .detail(format!(
                "You had version {expected}; it is now at version {actual}. Reload and try again."
            )),
            AppError::KeyReused => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "This Idempotency-Key was used for a different request",
            )
            .detail("Use a new key for a new request."),
            AppError::Internal(cause) => Problem::internal(&cause),
        }
    }
}

impl Problem {
    fn with_rule(mut self, rule: RuleProblem) -> Self {
        self.rule = Some(Box::new(rule));
        self
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry = self.retry_after;
        let mut res = (status, axum::Json(self)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = retry {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// Handlers' result.
pub type ApiResult<T> = Result<T, Problem>;
