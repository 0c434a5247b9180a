//! The page's Content-Security-Policy, set on the response while the page
//! renders: scripts only with this response's nonce (a bundle's bootstrap)
//! and what they load, nothing from other origins, no framing; wasm may be
//! compiled only on a page that runs a bundle.

use http::header::CONTENT_SECURITY_POLICY;
use http::HeaderValue;
use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

/// Sets this response's policy; `wasm`: the page runs a bundle. Called by
/// the shell for every page, and again by a live part, which needs wasm.
pub fn set_policy(wasm: bool) {
    if let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>()) {
        if let Ok(csp) = HeaderValue::from_str(&content_security_policy(&nonce, wasm)) {
            response.insert_header(CONTENT_SECURITY_POLICY, csp);
        }
    }
}

fn content_security_policy(nonce: &str, wasm: bool) -> String {
    let wasm = if wasm { " 'wasm-unsafe-eval'" } else { "" };
    format!(
        "default-src 'none'; script-src 'nonce-{nonce}' 'strict-dynamic'{wasm}; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'; form-action 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'"
    )
}
