//! Direct links (architecture.md §3.7): `/signin` asks "Sign in to an organization"
//! and takes its domain; `/t/{slug}/signin` is that organization's own
//! sign-in, which emails the address a link to its invitation. Both are
//! plain forms, so they work without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::redemption::organization_name;
use crate::branding::Branding;
use crate::fill;
use crate::i18n::fill;
use crate::i18n::use_locale;
use crate::pages::not_found::NotFound;

fn query(key: &str) -> Option<String> {
    use_query_map().read().get(key)
}

/// A notice from the query string: the polite status or the alert.
fn notice(text: String, alert: bool) -> impl IntoView {
    let role = if alert { "alert" } else { "status" };
    view! { <p class="notice" class:alert=alert role=role>{text}</p> }
}

#[component]
pub fn CommonSignIn() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().strings();
    let product = Branding::current().product_name;
    let title = fill!(t(), direct_common_title, product = product);
    let problem = move || {
        let s = t();
        match query("notice").as_deref() {
            Some("domain-invalid") => Some(s.direct_domain_invalid.to_owned()),
            Some("domain-unknown") => {
                let domain = query("domain").unwrap_or_default();
                Some(fill!(
                    s,
                    direct_domain_unknown,
                    domain = domain,
                    product = product
                ))
            }
            _ => None,
        }
    };
    let invalid = {
        let problem = problem.clone();
        move || problem().is_some().to_string()
    };
    view! {
        // Read once: this page renders without the browser bundle, so the
        // title is text, not a closure left to read the locale later.
        <Title text=title/>
        <section class="card narrow" aria-labelledby="signin-heading">
            <h1 id="signin-heading">{move || t().direct_common_heading}</h1>
            <p>{move || t().direct_common_intro}</p>
            {move || problem().map(|text| notice(text, true))}
            <form method="post" action="/signin" class="stack">
                <label for="domain">{move || t().direct_domain_label}</label>
                <input
                    id="domain"
                    name="domain"
                    required
                    autocomplete="organization"
                    autocapitalize="none"
                    spellcheck="false"
                    maxlength="254"
                    aria-describedby="domain-hint"
                    aria-invalid=invalid
                />
                <p id="domain-hint" class="hint">{move || t().direct_domain_hint}</p>
                <button type="submit" class="primary">{move || t().direct_continue_button}</button>
            </form>
        </section>
    }
}

#[component]
pub fn OrganizationSignIn() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().strings();
    let slug = move || use_params_map().read().get("slug").unwrap_or_default();
    let name = Resource::new(slug, organization_name);
    view! {
        <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
            {move || {
                let slug = slug();
                Suspend::new(async move {
                    match name.await {
                        Ok(Some(org)) => view! { <OrganizationForm slug org/> }.into_any(),
                        _ => view! { <NotFound/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn OrganizationForm(slug: String, org: String) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().strings();
    let with_org = {
        let org = org.clone();
        let product = Branding::current().product_name;
        move |template: &'static str| fill(template, &[("org", &org), ("product", &product)])
    };
    let answer = {
        let with_org = with_org.clone();
        move || match query("notice").as_deref() {
            Some("sent") => Some(notice(with_org(t().direct_sent), false)),
            Some("email-invalid") => Some(notice(t().direct_email_invalid.to_owned(), true)),
            _ => None,
        }
    };
    let invalid = move || (query("notice").as_deref() == Some("email-invalid")).to_string();
    // An app that sent the customer here may have said who they are (login_hint).
    let hinted = query("email").unwrap_or_default();
    let title = with_org.clone();
    let heading = with_org.clone();
    view! {
        <Title text=title(t().direct_org_title)/>
        <section class="card narrow" aria-labelledby="signin-heading">
            <h1 id="signin-heading">{move || heading(t().direct_org_heading)}</h1>
            <p>{move || with_org(t().direct_org_intro)}</p>
            {answer}
            <form method="post" action=format!("/t/{slug}/signin") class="stack">
                <label for="email">{move || t().direct_email_label}</label>
                <input
                    id="email"
                    name="email"
                    type="email"
                    required
                    autocomplete="email"
                    maxlength="254"
                    value=hinted
                    aria-invalid=invalid
                />
                <button type="submit" class="primary">{move || t().direct_send_button}</button>
            </form>
            <p class="hint">
                {move || t().direct_other_org}" "
                <a href="/signin">{move || t().direct_common_heading}</a>
            </p>
        </section>
    }
}
