//! Size limits on requests, for every route in one place: Leptos' server
//! functions read their bodies whole with no limit of their own, so the limit
//! is checked before any handler runs. A body past its limit gets 413, headers
//! past theirs 431, each with a message saying the limit: Graph's error
//! envelope under `/v1.0`, a short page in the visitor's language elsewhere.
//! Fields inside a body have their own limits, checked by the shared rules
//! (422 or a message next to the field). The README's "Limits" table lists
//! them all.

use app::i18n::{fill, Locale};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::bulk_import;
use super::graph::GraphError;
use super::replies::short_page;

/// The API's JSON bodies: an invitation is a few KiB at most.
pub const API_BODY_LIMIT: usize = 64 * 1024;
/// Forms and server functions: room for the longest field, terms of use of
/// 100 000 characters, URL-encoded.
pub const FORM_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// All header names and values of one request together: room for a browser's
/// cookies and a long `Authorization`, far less than hyper's own ceiling
/// (about 400 KiB).
pub const HEADER_LIMIT: usize = 32 * 1024;

/// The limit of the route `path` is served by.
pub fn limit_for(path: &str) -> usize {
    if path == bulk_import::UPLOAD_PATH {
        bulk_import::BODY_LIMIT
    } else if path.starts_with("/v1.0/") {
        API_BODY_LIMIT
    } else {
        FORM_BODY_LIMIT
    }
}

pub async fn enforce(request: Request, next: Next) -> Response {
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if header_bytes > HEADER_LIMIT {
        return too_large(
            &request,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            HEADER_LIMIT,
        );
    }
    let limit = limit_for(request.uri().path());
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(length) if length > limit as u64 => {
            too_large(&request, StatusCode::PAYLOAD_TOO_LARGE, limit)
        }
        // The HTTP server never reads past a declared length.
        Some(_) => next.run(request).await,
        // Chunked: read at most the limit, then hand on what was read.
        None => {
            let (parts, body) = request.into_parts();
            match axum::body::to_bytes(body, limit).await {
                Ok(bytes) => {
                    next.run(Request::from_parts(parts, Body::from(bytes)))
                        .await
                }
                Err(_) => too_large(
                    &Request::from_parts(parts, Body::empty()),
                    StatusCode::PAYLOAD_TOO_LARGE,
                    limit,
                ),
            }
        }
    }
}

/// 413 for a body, 431 for the headers, saying the limit.
fn too_large(request: &Request, status: StatusCode, limit: usize) -> Response {
    let size = human_size(limit);
    let headers = status == StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE;
    if request.uri().path().starts_with("/v1.0/") {
        let (code, what) = if headers {
            ("RequestHeaderFieldsTooLarge", "The request's headers are")
        } else {
            ("RequestEntityTooLarge", "The request body is")
        };
        let message = format!("{what} larger than {size}, the most this API accepts.");
        return GraphError::new(status, code, message).into_response();
    }
    let s = Locale::of_request(request.headers()).server_strings();
    let message = if headers {
        s.headers_too_large_message
    } else {
        s.too_large_message
    };
    short_page(
        request.headers(),
        status,
        s.too_large_title,
        &fill(message, &[("limit", &size)]),
        None,
    )
}

/// `64 KiB`, `2 MiB`, `10.3 MiB`.
fn human_size(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB {
        let tenths = bytes * 10 / MIB;
        if tenths.is_multiple_of(10) {
            format!("{} MiB", tenths / 10)
        } else {
            format!("{}.{} MiB", tenths / 10, tenths % 10)
        }
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_the_way_people_write_them() {
        assert_eq!(human_size(API_BODY_LIMIT), "64 KiB");
        assert_eq!(human_size(FORM_BODY_LIMIT), "2 MiB");
        assert_eq!(human_size(bulk_import::BODY_LIMIT), "10.2 MiB");
        assert_eq!(human_size(HEADER_LIMIT), "32 KiB");
    }
}
