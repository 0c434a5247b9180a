//! The welcome page's links, on the settings page: admins write them one a
//! line as `label | https://address`; operators see them.

use leptos::prelude::*;

use crate::api::settings::{load_welcome_links, SaveWelcomeLinks};
use crate::i18n::use_locale;
use crate::i18n::{fill, DashboardStrings};
use crate::model::journey::{LinkProblem, LinksOutcome};

fn problem_text(s: &DashboardStrings, line: usize, problem: LinkProblem) -> String {
    let text = match problem {
        LinkProblem::Shape => s.links_problem_shape,
        LinkProblem::LabelLength => s.links_problem_label,
        LinkProblem::Address => s.links_problem_address,
        LinkProblem::TooMany => s.links_problem_too_many,
    };
    fill(text, &[("line", &line.to_string())])
}

#[component]
pub fn WelcomeLinks(csrf: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let save = ServerAction::<SaveWelcomeLinks>::new();
    let links = Resource::new(move || save.version().get(), |_| load_welcome_links());
    let outcome = move || {
        let s = t();
        save.value().get().map(|result| match result {
            Ok(LinksOutcome::Saved) => {
                view! { <p class="notice" role="status">{s.links_saved}</p> }.into_any()
            }
            Ok(LinksOutcome::NotAdmin) => {
                view! { <p class="notice alert" role="alert">{s.admins_only}</p> }.into_any()
            }
            Ok(LinksOutcome::Invalid { line, problem }) => view! {
                <p class="notice alert" role="alert">{problem_text(s, line, problem)}</p>
            }
            .into_any(),
            Err(_) => {
                view! { <p class="notice alert" role="alert">{s.error_try_again}</p> }.into_any()
            }
        })
    };
    view! {
        <h2 id="welcome-links-heading">{move || t().links_heading}</h2>
        <p>{move || t().links_intro}</p>
        {outcome}
        <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
            {move || {
                let csrf = csrf.clone();
                Suspend::new(async move {
                    let current = links.await.unwrap_or_default();
                    match csrf {
                        Some(csrf) => view! {
                            <ActionForm action=save attr:class="stack" attr:aria-labelledby="welcome-links-heading">
                                <input type="hidden" name="csrf" value=csrf/>
                                <label for="welcome-links">{move || t().links_label}</label>
                                <textarea id="welcome-links" name="links" rows="6" aria-describedby="welcome-links-hint">
                                    {current}
                                </textarea>
                                <p id="welcome-links-hint" class="hint">{move || t().links_hint}</p>
                                <button type="submit" class="primary" disabled=move || save.pending().get()>
                                    {move || t().links_save_button}
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
