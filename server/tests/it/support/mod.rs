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

/// The nonce of a page's Content-Security-Policy `csp`, once every inline
/// script of the page `body` is seen to carry it (and no other); with the
/// number of those scripts.
pub fn nonce_of_every_script<'a>(csp: &'a str, body: &str) -> (&'a str, usize) {
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("nonce in CSP");
    let scripts = body.matches("<script").count();
    let with_nonce = body
        .matches(&format!(r#"<script type="module" nonce="{nonce}""#))
        .count()
        + body.matches(&format!(r#"<script nonce="{nonce}""#)).count();
    assert_eq!(
        with_nonce, scripts,
        "every script with this response's nonce"
    );
    (nonce, scripts)
}

/// The start of a page's `data-live` attribute: which live part it carries
/// (`name=…`) and its first props.
pub fn live_part(body: &str) -> Option<String> {
    let mark = r#"data-live=""#;
    let at = body.find(mark)? + mark.len();
    Some(body[at..].chars().take(60).collect())
}
