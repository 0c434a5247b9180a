//! `/invite/{ticket}/consent`: the organization's privacy statement and
//! current terms of use, with Accept and Decline (architecture.md §3.4). Plain
//! form posts, so it works without JavaScript. Declining leaves the
//! invitation open; the page says how to come back.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::redemption::invitation_consent;
use crate::components::step_indicator::StepIndicator;
use crate::fill;
use crate::i18n::use_locale;
use crate::model::journey::{ConsentPage, ConsentView, Stage};
use crate::pages::not_found::NotFound;

#[component]
pub fn InvitationConsent() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().strings();
    let ticket = move || use_params_map().read().get("ticket").unwrap_or_default();
    let declined = move || use_query_map().read().get("declined").is_some();
    let page = Resource::new(ticket, invitation_consent);

    view! {
        <Title text=t().consent_title/>
        <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
            {move || {
                let ticket = ticket();
                let declined = declined();
                Suspend::new(async move {
                    match page.await {
                        Ok(Some(ConsentView::Show(consent))) => {
                            view! { <ConsentCard consent ticket declined/> }.into_any()
                        }
                        Ok(Some(ConsentView::Elsewhere(stage))) => {
                            view! { <Redirect path=stage.path(&ticket)/> }.into_any()
                        }
                        _ => view! { <NotFound/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ConsentCard(consent: ConsentPage, ticket: String, declined: bool) -> impl IntoView {
    let locale = use_locale();
    move || {
        let s = locale.get().strings();
        let org = consent.org_name.as_str();
        let privacy = consent.privacy_url.clone().map(|url| {
            view! {
                <p>
                    <a href=url rel="external noopener" target="_blank">{fill!(s, consent_privacy_link, org = org)}</a>
                </p>
            }
        });
        // The terms in the reader's language when written in it, else in
        // English; the form says which the customer read.
        let shown = consent.terms_for(locale.get()).cloned();
        let language = shown.as_ref().map(|(l, _)| l.code()).unwrap_or_default();
        let terms = shown.map(|(language, html)| {
            view! {
                <h2 id="terms-heading">{s.consent_terms_heading}</h2>
                <div class="terms" role="region" aria-labelledby="terms-heading" tabindex="0" lang=language.code() inner_html=html></div>
            }
        });
        let intro = match (consent.privacy_url.is_some(), !consent.terms.is_empty()) {
            (true, true) => fill!(s, consent_intro, org = org),
            (true, false) => fill!(s, consent_intro_privacy, org = org),
            _ => fill!(s, consent_intro_terms, org = org),
        };
        let declined_notice = declined.then(|| {
            view! { <p class="notice" role="status">{fill!(s, consent_declined, org = org)}</p> }
        });
        view! {
            <section class="card narrow" aria-labelledby="consent-heading">
                <StepIndicator stage=Stage::Consent/>
                <h1 id="consent-heading">{fill!(s, consent_heading, org = org)}</h1>
                {declined_notice}
                <p>{intro}</p>
                <h2>{fill!(s, consent_shared_heading, org = org)}</h2>
                <ul>
                    <li>{s.consent_shared_name}</li>
                    <li>{fill!(s, consent_shared_email, email = consent.invited_email.as_str())}</li>
                </ul>
                {privacy}
                {terms}
                <form method="post" action=format!("/invite/{ticket}/consent") class="actions">
                    <input type="hidden" name="privacy_version" value=consent.privacy_version.clone().unwrap_or_default()/>
                    <input type="hidden" name="terms_version" value=consent.terms_version.map(|v| v.to_string()).unwrap_or_default()/>
                    <input type="hidden" name="terms_language" value=language/>
                    <button type="submit" name="decision" value="accept" class="primary">{s.consent_accept}</button>
                    <button type="submit" name="decision" value="decline">{s.consent_decline}</button>
                </form>
                <form method="post" action="/signout">
                    <button type="submit">{s.sign_out_button}</button>
                </form>
            </section>
        }
    }
}
