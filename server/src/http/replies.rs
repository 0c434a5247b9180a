//! Answers that several handlers share: a storage
//! failure, "too many attempts", and answers in even time.

use std::future::Future;
use std::time::Duration;

use app::i18n::Locale;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use sea_orm::DbErr;

use crate::html;
use crate::html::Html;

/// Seconds a client is asked to wait before trying again after a 503.
pub const RETRY_AFTER_SECONDS: &str = "5";

/// How long an answer takes at the least when its timing could tell whether
/// an account or an invitation exists (ASVS 6.3.8). The work behind the two
/// answers differs by a millisecond or so (`bench/enumeration_timing.sh`);
/// this is far above it.
pub const EVEN_ANSWER: Duration = Duration::from_millis(250);

/// `answer`, given no sooner than [`EVEN_ANSWER`] after it started.
pub async fn in_even_time(answer: impl Future<Output = Response>) -> Response {
    let due = tokio::time::Instant::now() + EVEN_ANSWER;
    let response = answer.await;
    tokio::time::sleep_until(due).await;
    response
}

/// 503 for a storage failure; the cause goes to the log only.
pub fn internal(e: DbErr) -> Response {
    tracing::error!(error = %e, "database error");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, RETRY_AFTER_SECONDS)],
        "service unavailable",
    )
        .into_response()
}

/// 503 while the password hashing queue is full: the outage layer makes
/// it a page with `Retry-After`.
pub fn busy() -> Response {
    tracing::warn!("password hashing queue full; answered 503");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, RETRY_AFTER_SECONDS)],
        "busy",
    )
        .into_response()
}

/// 429 with a short page in the visitor's language and a way `back`.
pub fn too_many(headers: &HeaderMap, back: &str) -> Response {
    let s = Locale::of_request(headers).server_strings();
    let mut page = short_page(
        headers,
        StatusCode::TOO_MANY_REQUESTS,
        s.too_many_title,
        s.sign_in_rate_limited,
        Some((back, s.back_to_sign_in)),
    );
    page.headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("900"));
    page
}

/// The document of a page outside the app, in the site's style, around
/// `main` (the bare pages here and the development mailbox).
pub fn document(headers: &HeaderMap, title: &str, main: Html) -> String {
    html!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/lobby.css\"></head><body><main id=\"main\">{main}</main></body></html>",
        lang = Locale::of_request(headers).code(),
        title = title,
        main = main,
    )
    .into_string()
}

/// A page of its own for an answer that is not a page of the app: a heading,
/// a message read out as an alert, and optionally a link (address, text).
pub fn short_page(
    headers: &HeaderMap,
    status: StatusCode,
    title: &str,
    message: &str,
    link: Option<(&str, &str)>,
) -> Response {
    let link = link.map(|(href, text)| {
        html!(
            "<p><a href=\"{href}\">{text}</a></p>",
            href = href,
            text = text
        )
    });
    let section = html!(
        "<section class=\"card narrow\"><h1>{title}</h1><p role=\"alert\">{message}</p>{link}</section>",
        title = title,
        message = message,
        link = link.unwrap_or_default(),
    );
    let body = document(headers, title, section);
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'self'; object-src 'none'; base-uri 'none'; \
                 frame-ancestors 'none'",
            ),
        ],
        body,
    )
        .into_response()
}
