//! The trusted domains, on the settings page: invitees at these domains are
//! redeemed without the terms step and get an email saying so instead.

use leptos::prelude::*;

use crate::api::settings::{load_trusted_domains, SaveTrustedDomains};
use crate::i18n::fill;
use crate::model::journey::TrustedOutcome;
use crate::use_locale;

#[component]
pub fn TrustedDomains(csrf: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().strings();
    let save = ServerAction::<SaveTrustedDomains>::new();
    let domains = Resource::new(move || save.version().get(), |_| load_trusted_domains());
    let outcome = move || {
        let s = t();
        save.value().get().map(|result| {
            let (alert, text) = match result {
                Ok(TrustedOutcome::Saved) => (false, s.trusted_saved.to_owned()),
                Ok(TrustedOutcome::NotAdmin) => (true, s.admins_only.to_owned()),
                Ok(TrustedOutcome::Invalid(entry)) => {
                    (true, fill(s.trusted_problem_domain, &[("entry", &entry)]))
                }
                Err(_) => (true, s.error_try_again.to_owned()),
            };
            let role = if alert { "alert" } else { "status" };
            view! { <p class="notice" class:alert=alert role=role>{text}</p> }
        })
    };
    view! {
        <h2 id="trusted-heading">{move || t().trusted_heading}</h2>
        <p>{move || t().trusted_intro}</p>
        {outcome}
        <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
            {move || {
                let csrf = csrf.clone();
                Suspend::new(async move {
                    let current = domains.await.unwrap_or_default();
                    match csrf {
                        Some(csrf) => view! {
                            <ActionForm action=save attr:class="stack" attr:aria-labelledby="trusted-heading">
                                <input type="hidden" name="csrf" value=csrf/>
                                <label for="trusted-domains">{move || t().trusted_label}</label>
                                <textarea id="trusted-domains" name="domains" rows="3" aria-describedby="trusted-hint">
                                    {current}
                                </textarea>
                                <p id="trusted-hint" class="hint">{move || t().trusted_hint}</p>
                                <button type="submit" class="primary" disabled=move || save.pending().get()>
                                    {move || t().trusted_save_button}
                                </button>
                            </ActionForm>
                        }
                        .into_any(),
                        None => view! { <pre class="plain">{current}</pre> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
