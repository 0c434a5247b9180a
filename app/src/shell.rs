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
        .map_or(Some(DASHBOARD_BUNDLE), |p| bundle_for(&p))
        .map(|bundle| {
            let mut options = options.clone();
            options.output_name = bundle.into();
            view! { <HydrationScripts options/> }
        });

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

/// The bundle of the whole app: the dashboard's pages hydrate with it.
pub const DASHBOARD_BUNDLE: &str = "lobby";
/// The customer's bundle: only the customer's pages (`router::CustomerApp`).
pub const CUSTOMER_BUNDLE: &str = "customer";

/// The browser bundle (JavaScript and wasm, by its name under `/pkg`) the
/// page at `path` loads, if any. The invitee's pages that are only text,
/// links and plain forms are complete as the server renders them, so a
/// phone opening the invitation downloads none of it; the sign-in step
/// (live password rules) and the company step (live checks) load the
/// customer's bundle, which carries none of the dashboard; the dashboard
/// loads the whole app. On the pages without a bundle, `<Title>` is given
/// text read once: a title closure is read by leptos_meta after such a
/// page's reactive owner may be gone, which panicked under load.
pub fn bundle_for(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments[..] {
        [""] | ["invite", _, "start" | "company"] => Some(CUSTOMER_BUNDLE),
        ["admin", ..] | ["setup"] => Some(DASHBOARD_BUNDLE),
        _ => None,
    }
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
    use super::{bundle_for, CUSTOMER_BUNDLE, DASHBOARD_BUNDLE};

    #[test]
    fn only_pages_with_live_checks_load_a_bundle_and_customers_get_their_own() {
        let t = "9c1f7a0e-1b2c-4d5e-8f90-0123456789ab";
        for plain in [
            format!("/invite/{t}"),
            format!("/invite/{t}/consent"),
            format!("/invite/{t}/continue"),
            "/signin".into(),
            "/t/gfms/signin".into(),
            "/no-such-page".into(),
        ] {
            assert_eq!(bundle_for(&plain), None, "{plain}");
        }
        for live in [
            format!("/invite/{t}/start"),
            format!("/invite/{t}/company"),
            "/".into(),
        ] {
            assert_eq!(bundle_for(&live), Some(CUSTOMER_BUNDLE), "{live}");
        }
        for dashboard in ["/admin", "/admin/settings", "/admin/login", "/setup"] {
            assert_eq!(bundle_for(dashboard), Some(DASHBOARD_BUNDLE), "{dashboard}");
        }
    }
}
