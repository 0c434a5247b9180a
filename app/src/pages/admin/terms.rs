//! `/admin/terms`: the organization's terms of use. Operators see the
//! current version as invitees do and download the consents given; admins
//! publish a new version, which every invitee accepts at their next visit.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::operator::signed_in_operator;
use crate::api::terms::{load_terms, PublishTerms};
use crate::components::admin_nav::AdminNav;
use crate::components::confirm::Confirm;
use crate::fill;
use crate::i18n::use_locale;
use crate::model::operator::CurrentOperator;
use crate::model::terms::{terms_problem, TermsOutcome, TERMS_MAX_CHARS};

#[component]
pub fn AdminTerms() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let publish = ServerAction::<PublishTerms>::new();
    let terms = Resource::new(move || publish.version().get(), |_| load_terms());
    let me = Resource::new(|| (), |_| signed_in_operator());

    let outcome = move || {
        let s = t();
        publish.value().get().map(|result| match result {
            Ok(TermsOutcome::Published { version }) => view! {
                <p class="notice" role="status">{fill!(s, terms_published, version = version.to_string())}</p>
            }
            .into_any(),
            Ok(TermsOutcome::Unchanged { version }) => view! {
                <p class="notice alert" role="alert">{fill!(s, terms_unchanged, version = version.to_string())}</p>
            }
            .into_any(),
            Ok(TermsOutcome::NotAdmin) => {
                view! { <p class="notice alert" role="alert">{s.admins_only}</p> }.into_any()
            }
            Ok(TermsOutcome::Empty) => {
                view! { <p class="notice alert" role="alert">{s.terms_empty}</p> }.into_any()
            }
            Ok(TermsOutcome::TooLong { max }) => view! {
                <p class="notice alert" role="alert">{fill!(s, terms_too_long, max = max.to_string())}</p>
            }
            .into_any(),
            Err(_) => {
                view! { <p class="notice alert" role="alert">{s.error_try_again}</p> }.into_any()
            }
        })
    };

    view! {
        <Title text=move || t().terms_admin_title/>
        <AdminNav/>
        <section class="card" aria-labelledby="terms-admin-heading">
            <h1 id="terms-admin-heading">{move || t().terms_admin_heading}</h1>
            <p>{move || t().terms_admin_intro}</p>
            {outcome}
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let (Ok(view), me) = (terms.await, me.await.ok().flatten()) else {
                        return view! { <p class="notice alert" role="alert">{move || t().error_try_again}</p> }.into_any();
                    };
                    let consents = view.consents.to_string();
                    let current = match view.current.clone() {
                        Some(current) => {
                            let heading = move || fill!(t(), terms_current, version = current.version.to_string(), date = current.published_at);
                            let korean = current.html_ko.clone().map(|html| view! {
                                <h3 id="terms-current-ko">{move || t().terms_current_ko}</h3>
                                <div class="terms" role="region" aria-labelledby="terms-current-ko" tabindex="0" lang="ko" inner_html=html></div>
                            });
                            view! {
                                <h2 id="terms-current">{heading}</h2>
                                <div class="terms" role="region" aria-labelledby="terms-current" tabindex="0" lang="en" inner_html=current.html.clone()></div>
                                {korean}
                            }
                            .into_any()
                        }
                        None => view! { <p>{move || t().terms_none}</p> }.into_any(),
                    };
                    let (draft, draft_ko) = view
                        .current
                        .map(|c| (c.markdown, c.markdown_ko.unwrap_or_default()))
                        .unwrap_or_default();
                    let form = match me.filter(CurrentOperator::is_admin) {
                        Some(me) => view! { <PublishForm csrf=me.csrf draft draft_ko publish/> }.into_any(),
                        None => view! { <p class="hint">{move || t().admins_only}</p> }.into_any(),
                    };
                    view! {
                        {current}
                        <p>
                            <a href="/admin/consents.csv" rel="external" download="">
                                {move || fill!(t(), terms_consents_download, count = consents)}
                            </a>
                        </p>
                        {form}
                    }
                    .into_any()
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn PublishForm(
    csrf: String,
    draft: String,
    draft_ko: String,
    publish: ServerAction<PublishTerms>,
) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let text = RwSignal::new(draft.clone());
    let text_ko = RwSignal::new(draft_ko.clone());
    let problem = Memo::new(move |_| {
        let korean = text_ko.get();
        terms_problem(&text.get()).or_else(|| {
            (!korean.trim().is_empty())
                .then(|| terms_problem(&korean))
                .flatten()
        })
    });
    view! {
        <ActionForm action=publish attr:class="stack">
            <input type="hidden" name="csrf" value=csrf/>
            <label for="terms-markdown">{move || t().terms_new_label}</label>
            <textarea
                id="terms-markdown"
                name="markdown"
                lang="en"
                rows="12"
                maxlength=TERMS_MAX_CHARS.to_string()
                prop:value=text
                on:input=move |ev| text.set(event_target_value(&ev))
                aria-describedby="terms-markdown-hint"
            >
                {draft}
            </textarea>
            <p id="terms-markdown-hint" class="hint">{move || t().terms_new_hint}</p>
            <label for="terms-markdown-ko">{move || t().terms_new_label_ko}</label>
            <textarea
                id="terms-markdown-ko"
                name="markdown_ko"
                lang="ko"
                rows="12"
                maxlength=TERMS_MAX_CHARS.to_string()
                prop:value=text_ko
                on:input=move |ev| text_ko.set(event_target_value(&ev))
                aria-describedby="terms-markdown-ko-hint"
            >
                {draft_ko}
            </textarea>
            <p id="terms-markdown-ko-hint" class="hint">{move || t().terms_new_hint_ko}</p>
            <Confirm
                opener=Signal::derive(move || t().terms_publish_opener.to_owned())
                consequence=Signal::derive(move || t().terms_publish_consequence.to_owned())
            >
                <button type="submit" class="primary" disabled=move || problem.get().is_some() || publish.pending().get()>
                    {move || t().terms_publish_button}
                </button>
            </Confirm>
        </ActionForm>
    }
}
