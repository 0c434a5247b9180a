//! Shared test fixtures: databases on both backends, the app's router, an
//! organization with its API and its dashboard, the `lobby` binary as a
//! process, and a real SMTP listener.
pub mod api;
pub mod browser;
pub mod db;
pub mod idp;
pub mod operator;
pub mod process;
pub mod router;
pub mod smtp;

/// A server function's answer, read into the type the page reads it as.
pub fn outcome<T: serde::de::DeserializeOwned>(body: &str) -> T {
    serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("not the outcome the page expects ({e}): {body}"))
}

/// The cookie a `Set-Cookie` answer sets (`name=value`), as the browser
/// sends it back.
pub fn session_cookie(headers: &axum::http::HeaderMap) -> String {
    let set = headers[axum::http::header::SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

/// A test that needs what this machine lacks (`why`): it fails under
/// `CI=true`, else it says so loudly and is skipped.
pub fn skip_unless_ci(why: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but {why}");
    }
    eprintln!("SKIPPED: {why}");
}
