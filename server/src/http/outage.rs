//! While the database cannot be reached, handlers and pages answer a bare
//! 503; this makes each of them a short page in the visitor's language that
//! says so, with `Retry-After`. The API's 503 is Graph's JSON already, server
//! functions answer their own callers, and `/healthz` stays plain text for
//! the machines that read it.

use app::i18n::Locale;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::replies::{short_page, RETRY_AFTER_SECONDS};

pub async fn explain(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.starts_with("/v1.0/") || path.starts_with("/api/") || path == "/healthz" {
        return next.run(request).await;
    }
    let headers = request.headers().clone();
    let response = next.run(request).await;
    if response.status() != StatusCode::SERVICE_UNAVAILABLE {
        return response;
    }
    let s = Locale::of_request(&headers).server_strings();
    let mut page = short_page(
        &headers,
        StatusCode::SERVICE_UNAVAILABLE,
        s.unavailable_title,
        s.unavailable_message,
        None,
    );
    page.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(RETRY_AFTER_SECONDS),
    );
    page
}
