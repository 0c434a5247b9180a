//! `/setup?token=…`: the first admin, created from the link `lobby serve`
//! logs while there is none. A plain form: it works without JavaScript.
//! Once an admin exists the page is not found.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::operators::setup_link_state;
use crate::branding::Branding;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::DashboardStrings;
use crate::model::operator::SetupLink;
use crate::pages::not_found::NotFound;

/// The message for the `error` the form came back with.
fn error_text(s: &'static DashboardStrings, error: &str) -> Option<&'static str> {
    Some(match error {
        "email-empty" => s.error_email_required,
        "email-long" => s.error_email_too_long,
        "email" => s.error_email_invalid,
        "email-scripts" => s.error_email_mixed_scripts,
        "short" => s.error_password_short,
        "long" => s.error_password_long,
        "common" => s.error_password_common,
        "exists" => s.error_operator_exists,
        _ => return None,
    })
}

#[component]
pub fn Setup() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let org = use_context::<Branding>().unwrap_or_default().org_name;
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let state = Resource::new(token, setup_link_state);

    view! {
        <Title text=move || t().setup_title/>
        <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
            {move || {
                let (token, org) = (token(), org.clone());
                let q = query.read_untracked();
                let (email, name, error) = (
                    q.get("email").unwrap_or_default(),
                    q.get("name").unwrap_or_default(),
                    q.get("error").unwrap_or_default(),
                );
                Suspend::new(async move {
                    match state.await {
                        Ok(SetupLink::Live) => view! {
                            <section class="card narrow" aria-labelledby="setup-heading">
                                <h1 id="setup-heading">{move || t().setup_heading}</h1>
                                <p>{move || fill!(t(), setup_intro, org = org)}</p>
                                {move || error_text(t(), &error).map(|m| view! { <p class="notice alert" role="alert">{m}</p> })}
                                <form method="post" action="/setup" class="stack">
                                    <input type="hidden" name="token" value=token/>
                                    <label for="setup-email">{move || t().field_admin_email}</label>
                                    <input id="setup-email" name="email" type="email" autocomplete="email" required=true value=email/>
                                    <label for="setup-name">{move || t().field_display_name}</label>
                                    <input id="setup-name" name="name" autocomplete="name" maxlength="256" value=name/>
                                    <label for="setup-password">{move || t().field_new_password}</label>
                                    <input
                                        id="setup-password"
                                        name="password"
                                        type="password"
                                        autocomplete="new-password"
                                        required=true
                                        minlength="15"
                                        maxlength="256"
                                        aria-describedby="setup-password-hint"
                                    />
                                    <p id="setup-password-hint" class="hint">{move || t().password_hint}</p>
                                    <button type="submit" class="primary">{move || t().setup_button}</button>
                                </form>
                            </section>
                        }
                        .into_any(),
                        Ok(SetupLink::Invalid) => view! {
                            <section class="card narrow" aria-labelledby="setup-heading">
                                <h1 id="setup-heading">{move || t().setup_invalid_heading}</h1>
                                <p>{move || t().setup_invalid_text}</p>
                            </section>
                        }
                        .into_any(),
                        Ok(SetupLink::Gone) => view! { <NotFound/> }.into_any(),
                        Err(_) => view! { <p class="notice alert" role="alert">{move || t().error_try_again}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
