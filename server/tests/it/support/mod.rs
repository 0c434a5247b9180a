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
