//! The privacy statement invitees accept, on the settings page: its
//! address and version. A new version asks every invitee again.

use leptos::prelude::*;

use crate::api::settings::{load_privacy, SavePrivacy};
use crate::i18n::use_locale;
use crate::model::journey::{PrivacyOutcome, PrivacyProblem};

#[component]
pub fn PrivacyStatement(csrf: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let save = ServerAction::<SavePrivacy>::new();
    let current = Resource::new(move || save.version().get(), |_| load_privacy());
    let outcome = move || {
        let s = t();
        save.value().get().map(|result| {
            let (alert, text) = match result {
                Ok(PrivacyOutcome::Saved) => (false, s.privacy_saved),
                Ok(PrivacyOutcome::NotAdmin) => (true, s.admins_only),
                Ok(PrivacyOutcome::Invalid(PrivacyProblem::Address)) => {
                    (true, s.privacy_problem_address)
                }
                Ok(PrivacyOutcome::Invalid(PrivacyProblem::Version)) => {
                    (true, s.privacy_problem_version)
                }
                Err(_) => (true, s.error_try_again),
            };
            if alert {
                view! { <p class="notice alert" role="alert">{text}</p> }.into_any()
            } else {
                view! { <p class="notice" role="status">{text}</p> }.into_any()
            }
        })
    };
    view! {
        <h2 id="privacy-heading">{move || t().privacy_heading}</h2>
        <p>{move || t().privacy_intro}</p>
        {outcome}
        <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
            {move || {
                let csrf = csrf.clone();
                Suspend::new(async move {
                    let privacy = current.await.unwrap_or_default();
                    let url = privacy.url.unwrap_or_default();
                    let disabled = csrf.is_none();
                    view! {
                        <ActionForm action=save attr:class="stack" attr:aria-labelledby="privacy-heading">
                            <input type="hidden" name="csrf" value=csrf.unwrap_or_default()/>
                            <label for="privacy-url">{move || t().privacy_url_label}</label>
                            <input id="privacy-url" name="url" type="url" value=url disabled=disabled/>
                            <label for="privacy-version">{move || t().privacy_version_label}</label>
                            <input
                                id="privacy-version"
                                name="version"
                                value=privacy.version
                                maxlength="20"
                                disabled=disabled
                                aria-describedby="privacy-version-hint"
                            />
                            <p id="privacy-version-hint" class="hint">{move || t().privacy_version_hint}</p>
                            {(!disabled).then(|| view! {
                                <button type="submit" class="primary" disabled=move || save.pending().get()>
                                    {move || t().privacy_save_button}
                                </button>
                            })}
                        </ActionForm>
                    }
                })
            }}
        </Suspense>
    }
}
