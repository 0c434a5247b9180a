//! The HTML document around the app, rendered only on the server: language,
//! branding, stylesheet and, on the pages that need it, the hydration script
//! under a per-response CSP nonce.

use http::header::CONTENT_SECURITY_POLICY;
use http::request::Parts;
use http::HeaderValue;
use leptos::nonce::{provide_nonce, use_nonce};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use leptos_meta::MetaTags;

use crate::branding::{Branding, ORG_NAME_META, PRODUCT_NAME_META};
use crate::i18n::request_locale;
use crate::router::App;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    provide_nonce();
    let nonce = use_nonce();
    if let (Some(nonce), Some(response)) = (&nonce, use_context::<ResponseOptions>()) {
        if let Ok(csp) = HeaderValue::from_str(&content_security_policy(nonce)) {
            response.insert_header(CONTENT_SECURITY_POLICY, csp);
        }
    }
    let branding = use_context::<Branding>().unwrap_or_default();
    let accent = format!(
        ":root{{--accent:{};--on-accent:{}}}",
        branding.accent_color,
        crate::branding::on_accent(&branding.accent_color)
    );
    let lang = request_locale().code();
    let path = use_context::<Parts>().map(|p| p.uri.path().to_owned());
    let scripts = path
        .is_none_or(|p| needs_the_bundle(&p))
        .then(|| view! { <HydrationScripts options=options.clone()/> });

    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name=ORG_NAME_META content=branding.org_name.clone()/>
                <meta name=PRODUCT_NAME_META content=branding.product_name.clone()/>
                <link rel="stylesheet" href=format!("/{}/lobby.css", options.site_pkg_dir)/>
                <link rel="icon" type="image/svg+xml" href=format!("/{}/favicon.svg", options.site_pkg_dir)/>
                <style nonce=nonce>{accent}</style>
                {scripts}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Whether the page at `path` loads the browser bundle (JavaScript and
/// wasm, about 900 KiB compressed). The invitee's pages that are only text,
/// links and plain forms are complete as the server renders them, so a
/// phone opening the invitation downloads none of it; the sign-in step
/// (live password rules), the company step (live checks) and the dashboard
/// hydrate. On the pages without it, `<Title>` is given text read once: a
/// title closure is read by leptos_meta after such a page's reactive owner
/// may be gone, which panicked under load.
pub fn needs_the_bundle(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    !matches!(
        segments[..],
        ["invite", _] | ["invite", _, "consent" | "continue"] | ["signin"] | ["t", _, "signin"]
    )
}

/// Scripts only with this response's nonce (the hydration bootstrap) and what
/// it loads; wasm compilation allowed; nothing from other origins; no framing.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'none'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'; form-action 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::needs_the_bundle;

    #[test]
    fn only_pages_with_live_checks_load_the_bundle() {
        let t = "9c1f7a0e-1b2c-4d5e-8f90-0123456789ab";
        for plain in [
            format!("/invite/{t}"),
            format!("/invite/{t}/consent"),
            format!("/invite/{t}/continue"),
            "/signin".into(),
            "/t/gfms/signin".into(),
        ] {
            assert!(!needs_the_bundle(&plain), "{plain}");
        }
        for live in [
            format!("/invite/{t}/start"),
            format!("/invite/{t}/company"),
            "/".into(),
            "/admin".into(),
            "/admin/settings".into(),
        ] {
            assert!(needs_the_bundle(&live), "{live}");
        }
    }
}
