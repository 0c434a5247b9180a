//! Headers on every response. Pages carry their own CSP with a nonce (set by
//! the shell); everything else gets one that allows nothing. Pages are
//! revalidated on every use, and those about a person never stored. Served over
//! https, every response also tells browsers to use nothing else (HSTS).

use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
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
    let personal = shows_personal_data(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let html = headers
        .get(CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    if html {
        // Pages are asked again each time; those about a person are kept by nobody.
        let cache = if personal {
            "private, no-store"
        } else {
            "no-cache"
        };
        headers
            .entry(CACHE_CONTROL)
            .or_insert(HeaderValue::from_static(cache));
    }
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

/// The invitee's pages (their name, address, company), the dashboard, the
/// first-admin setup and the development mailbox.
fn shows_personal_data(path: &str) -> bool {
    ["/invite/", "/admin", "/setup", "/dev/"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
}
