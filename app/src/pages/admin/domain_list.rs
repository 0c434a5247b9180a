//! A list of domains on the settings page: the organization's own domains
//! (they lead customers from "Sign in to an organization" to its sign-in)
//! or the trusted ones (their invitees are redeemed without the terms step
//! and get an email saying so instead).

use leptos::prelude::*;

use crate::api::settings::{load_domains, SaveDomains};
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::DashboardStrings;
use crate::model::domains::{DomainKind, DomainsOutcome};

/// The heading, intro, label, hint, button and "saved" of a list.
fn texts(s: &'static DashboardStrings, kind: DomainKind) -> [&'static str; 6] {
    match kind {
        DomainKind::Own => [
            s.own_domains_heading,
            s.own_domains_intro,
            s.own_domains_label,
            s.own_domains_hint,
            s.own_domains_save_button,
            s.own_domains_saved,
        ],
        DomainKind::Trusted => [
            s.trusted_heading,
            s.trusted_intro,
            s.trusted_label,
            s.trusted_hint,
            s.trusted_save_button,
            s.trusted_saved,
        ],
    }
}

#[component]
pub fn DomainList(kind: DomainKind, csrf: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let text = move |i: usize| texts(locale.get().dashboard_strings(), kind)[i];
    let id = match kind {
        DomainKind::Own => "own-domains",
        DomainKind::Trusted => "trusted-domains",
    };
    let save = ServerAction::<SaveDomains>::new();
    let domains = Resource::new(move || save.version().get(), move |_| load_domains(kind));
    let outcome = move || {
        let s = locale.get().dashboard_strings();
        save.value().get().map(|result| {
            let (alert, message) = match result {
                Ok(DomainsOutcome::Saved) => (false, text(5).to_owned()),
                Ok(DomainsOutcome::NotAdmin) => (true, s.admins_only.to_owned()),
                Ok(DomainsOutcome::Invalid(entry)) => {
                    (true, fill!(s, domains_problem_entry, entry = entry))
                }
                Ok(DomainsOutcome::Taken(entry)) => {
                    (true, fill!(s, domains_problem_taken, entry = entry))
                }
                Err(_) => (true, s.error_try_again.to_owned()),
            };
            let role = if alert { "alert" } else { "status" };
            view! { <p class="notice" class:alert=alert role=role>{message}</p> }
        })
    };
    let kind_value = match kind {
        DomainKind::Own => "Own",
        DomainKind::Trusted => "Trusted",
    };
    view! {
        <h2 id=format!("{id}-heading")>{move || text(0)}</h2>
        <p>{move || text(1)}</p>
        {outcome}
        <Suspense fallback=move || view! { <p>{move || locale.get().dashboard_strings().loading}</p> }>
            {move || {
                let csrf = csrf.clone();
                Suspend::new(async move {
                    let current = domains.await.unwrap_or_default();
                    match csrf {
                        Some(csrf) => view! {
                            <ActionForm action=save attr:class="stack" attr:aria-labelledby=format!("{id}-heading")>
                                <input type="hidden" name="csrf" value=csrf/>
                                <input type="hidden" name="kind" value=kind_value/>
                                <label for=id>{move || text(2)}</label>
                                <textarea id=id name="domains" rows="3" aria-describedby=format!("{id}-hint")>
                                    {current}
                                </textarea>
                                <p id=format!("{id}-hint") class="hint">{move || text(3)}</p>
                                <button type="submit" class="primary" disabled=move || save.pending().get()>
                                    {move || text(4)}
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
