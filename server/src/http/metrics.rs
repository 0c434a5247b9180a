//! `/metrics` over HTTP: the layer that counts every request, and the
//! scrape, on the public port behind `LOBBY_METRICS_TOKEN` or on the
//! metrics address (`LOBBY_METRICS_LISTEN`). The figures are
//! [`crate::metrics`]'s.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::metrics::UNMATCHED;

/// Counts every request by the route it matched (its template, so the
/// tickets in links never become labels) and its status, with its time.
pub async fn track(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = matched.map_or_else(|| UNMATCHED.to_owned(), |m| m.as_str().to_owned());
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    state
        .metrics
        .observe(&method, &route, response.status(), seconds);
    response
}

/// `GET /metrics` on the public port: only with `LOBBY_METRICS_TOKEN` set,
/// and only for a request that bears it.
pub async fn scrape_with_token(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.metrics_token.as_ref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !app::model::operator::same_token(given, token.expose()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "a bearer token is needed",
        )
            .into_response();
    }
    scrape(State(state)).await
}

/// `GET /metrics` on the metrics address (`LOBBY_METRICS_LISTEN`).
pub async fn scrape(State(state): State<AppState>) -> Response {
    match state.metrics.render(&state.db, state.clock.now()).await {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(e) => super::replies::internal(e),
    }
}

/// The router of the metrics address: `/metrics` and nothing else.
pub fn router(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(scrape))
        .with_state(state)
}
