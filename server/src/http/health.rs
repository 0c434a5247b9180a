//! `/healthz`: 200 only while the database answers (readiness).
//! `/livez`: 200 while the process serves at all (liveness); it touches
//! nothing, which also makes it the bare route the load benchmark compares
//! the pages with.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;

use super::AppState;

pub async fn healthz(State(state): State<AppState>) -> axum::response::Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], "ok").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            let retry = (header::RETRY_AFTER, super::replies::RETRY_AFTER_SECONDS);
            let headers = [(header::CACHE_CONTROL, "no-store"), retry];
            (
                StatusCode::SERVICE_UNAVAILABLE,
                headers,
                "database unavailable",
            )
                .into_response()
        }
    }
}

pub async fn livez() -> impl IntoResponse {
    (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], "ok")
}
