//! Headers on every response. Pages carry their own CSP with a nonce (set by
//! the shell); everything else gets one that allows nothing. Served over
//! https, every response also tells browsers to use nothing else (HSTS).

use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;

const NOTHING_ALLOWED: &str =
    "default-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
/// A year, for this host and its subdomains (ASVS 3.4.1).
const HSTS: &str = "max-age=31536000; includeSubDomains";

pub async fn add(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Over https as Lobby's public URL says, or as a trusted proxy says.
    let https = state.public_url.scheme() == "https"
        || request
            .extensions()
            .get::<super::client_address::Client>()
            .is_some_and(|c| c.https == Some(true));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers
        .entry(CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(NOTHING_ALLOWED));
    if https {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}
