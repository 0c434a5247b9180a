//! `/healthz`: 200 only while the database answers (readiness).
//! `/livez`: 200 while the process serves at all (liveness); it touches
//! nothing, which also makes it the bare route the load benchmark compares
//! the pages with.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;

use super::AppState;

pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let status = match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    };
    (status.0, [(header::CACHE_CONTROL, "no-store")], status.1)
}

pub async fn livez() -> impl IntoResponse {
    (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], "ok")
}
