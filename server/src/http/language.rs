//! `/lang/{code}?next=/path`: remembers a UI language and goes back to the
//! page — the language switcher's path when JavaScript is off.

use app::i18n::{language_cookie, Locale};
use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn set_language(Path(code): Path<String>, Query(query): Query<Next>) -> Response {
    let Some(locale) = Locale::ALL.iter().copied().find(|l| l.code() == code) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let next = local_path(query.next.as_deref().unwrap_or("/"));
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, next),
            (header::SET_COOKIE, language_cookie(locale)),
        ],
    )
        .into_response()
}

/// Only a path on this site, so the link cannot send anyone elsewhere.
fn local_path(next: &str) -> String {
    let safe = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if !safe {
        return "/".to_owned();
    }
    let mut out = String::with_capacity(next.len());
    for c in next.chars() {
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/admin"), "/admin");
        assert_eq!(local_path("//evil.example"), "/");
        assert_eq!(local_path("https://evil.example"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
        assert_eq!(local_path("/a b"), "/a%20b");
    }
}
