//! The HTML document around the app, rendered only on the server: language,
//! branding, stylesheet and, on the pages that need it, the hydration script
//! under a per-response CSP nonce.

use http::request::Parts;
use leptos::nonce::{provide_nonce, use_nonce};
use leptos::prelude::*;
use leptos_meta::MetaTags;

use crate::branding::{Branding, ORG_NAME_META, PRODUCT_NAME_META};
use crate::i18n::request_locale;
use crate::router::{App, LandingApp};

/// Every page as the route table answers it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    document(options, App)
}

/// The invitation's link, rendered by its own handler (`LandingApp`).
pub fn landing_shell(options: LeptosOptions) -> impl IntoView {
    document(options, LandingApp)
}

fn document<B: IntoView + 'static>(options: LeptosOptions, body: fn() -> B) -> impl IntoView {
    provide_nonce();
    let nonce = use_nonce();
    let branding = use_context::<Branding>().unwrap_or_default();
    let accent = format!(
        ":root{{--accent:{};--on-accent:{}}}",
        branding.accent_color,
        crate::branding::on_accent(&branding.accent_color)
    );
    let lang = request_locale().code();
    let path = with_context::<Parts, _>(|p| p.uri.path().to_owned());
    let whole = path.is_none_or(|p| hydrates_whole(&p));
    crate::csp::set_policy(whole);
    let scripts = whole.then(|| {
        let mut options = options.clone();
        options.output_name = DASHBOARD_BUNDLE.into();
        view! { <HydrationScripts options/> }
    });
    // Where the live parts find the customer's bundle.
    provide_context(options.clone());

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
            <body>{body()}</body>
        </html>
    }
}

/// The dashboard's bundle: the dashboard's pages hydrate with it.
pub const DASHBOARD_BUNDLE: &str = "lobby";

/// Whether the page at `path` hydrates whole with the dashboard's bundle.
/// The customer's pages never do: they are complete as the server renders
/// them, and the few with live checks (the new password's feedback, the
/// company form) bring the customer's bundle for those parts alone
/// (`crate::live`), so a phone opening an invitation downloads none of the
/// dashboard and, on most steps, nothing at all. On the pages without a
/// bundle, `<Title>` is given text read once: a title closure is read by
/// leptos_meta after such a page's reactive owner may be gone, which
/// panicked under load.
pub fn hydrates_whole(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(segments[..], ["admin", ..] | ["setup"])
}

#[cfg(test)]
mod tests {
    use super::hydrates_whole;

    #[test]
    fn only_the_dashboard_hydrates_whole() {
        let t = "9c1f7a0e-1b2c-4d5e-8f90-0123456789ab";
        for customer in [
            "/".into(),
            format!("/invite/{t}"),
            format!("/invite/{t}/start"),
            format!("/invite/{t}/consent"),
            format!("/invite/{t}/company"),
            format!("/invite/{t}/continue"),
            "/signin".into(),
            "/t/gfms/signin".into(),
            "/no-such-page".into(),
        ] {
            assert!(!hydrates_whole(&customer), "{customer}");
        }
        for dashboard in ["/admin", "/admin/settings", "/admin/login", "/setup"] {
            assert!(hydrates_whole(dashboard), "{dashboard}");
        }
    }
}
