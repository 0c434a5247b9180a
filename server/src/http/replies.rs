//! Answers that several handlers share: the client's address, a storage
//! failure, and "too many attempts".

use std::net::SocketAddr;

use app::i18n::Locale;
use axum::extract::ConnectInfo;
use axum::http::Extensions;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use sea_orm::DbErr;

/// 503 for a storage failure; the cause goes to the log only.
pub fn internal(e: DbErr) -> Response {
    tracing::error!(error = %e, "database error");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        "service unavailable",
    )
        .into_response()
}

/// The peer's IP address, which the rate limits count by.
pub fn client_address(extensions: &Extensions) -> String {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// 429 with a short page in the visitor's language and a way `back`.
pub fn too_many(headers: &HeaderMap, back: &str) -> Response {
    let locale = Locale::of_request(headers);
    let s = locale.strings();
    let back = crate::mail::templates::escape(back);
    let body = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><link rel=\"stylesheet\" href=\"/pkg/lobby.css\"></head><body><main id=\"main\"><section class=\"card narrow\"><h1>{}</h1><p role=\"alert\">{}</p><p><a href=\"{back}\">{}</a></p></section></main></body></html>",
        locale.code(), s.too_many_title, s.too_many_title, s.sign_in_rate_limited, s.back_to_sign_in
    );
    (
        StatusCode::TOO_MANY_REQUESTS,
        [
            (header::RETRY_AFTER, "900"),
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'",
            ),
        ],
        body,
    )
        .into_response()
}
