//! Errors of the `/v1.0` API in Microsoft Graph's envelope:
//! `{"error": {"code", "message", "details": [{"target", "message"}]}}`.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Detail {
    pub target: String,
    pub message: String,
}

/// The error envelope as the OpenAPI document describes it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    pub details: Vec<Detail>,
}

#[derive(Debug)]
pub struct GraphError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<Detail>,
    /// More members of `error`, e.g. the conflicting invitation's id.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl GraphError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        GraphError {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
            extra: Default::default(),
        }
    }

    pub fn with(mut self, key: &str, value: serde_json::Value) -> Self {
        self.extra.insert(key.to_owned(), value);
        self
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "A valid bearer token is required: Authorization: Bearer <token>.",
        )
    }

    /// 400: a request the API cannot read (a bad parameter, a body that is
    /// no JSON of the expected shape).
    pub fn bad_request(message: impl Into<String>) -> Self {
        GraphError::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            format!("{what} does not exist."),
        )
    }

    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceNotAvailable",
            "The service is unavailable; try again shortly.",
        )
    }
}

impl From<sea_orm::DbErr> for GraphError {
    fn from(e: sea_orm::DbErr) -> Self {
        tracing::error!(error = %e, "database error in the API");
        GraphError::unavailable()
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let mut error =
            json!({ "code": self.code, "message": self.message, "details": self.details });
        if let Some(members) = error.as_object_mut() {
            members.extend(self.extra);
        }
        let body = Json(json!({ "error": error }));
        let mut response = (self.status, body).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from_static(crate::http::replies::RETRY_AFTER_SECONDS),
            );
        }
        response
    }
}
