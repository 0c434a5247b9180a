//! `/invite/{ticket}/continue`: where a signed-in invitee goes on. Until
//! the terms are accepted and the company exists, it leads to that step;
//! then it is the welcome page, with the organization's links and apps
//! (and the app that sent the invitee to sign in, waiting). Anyone else
//! is sent to the sign-in step, which tells them what applies.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

use crate::api::redemption::invitation_signed_in;
use crate::components::step_indicator::StepIndicator;
use crate::fill;
use crate::i18n::use_locale;
use crate::model::journey::Stage;
use crate::model::sign_in::SignedIn;

#[component]
pub fn InvitationSignedIn() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().strings();
    let ticket = move || use_params_map().read().get("ticket").unwrap_or_default();
    let page = Resource::new(ticket, invitation_signed_in);

    view! {
        <Title text=t().welcome_title/>
        <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
            {move || {
                let ticket = ticket();
                Suspend::new(async move {
                    match page.await {
                        Ok(Some(welcome @ SignedIn { stage: Stage::Welcome, .. })) => {
                            view! { <Welcome welcome/> }.into_any()
                        }
                        Ok(Some(SignedIn { stage, .. })) => {
                            view! { <Redirect path=stage.path(&ticket)/> }.into_any()
                        }
                        _ => view! { <Redirect path=Stage::SignIn.path(&ticket)/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The last step: a greeting, the company, and the organization's links.
#[component]
fn Welcome(welcome: SignedIn) -> impl IntoView {
    let locale = use_locale();
    move || {
        let s = locale.get().strings();
        let name = welcome.display_name.as_deref().unwrap_or(&welcome.email);
        let org = welcome.org_name.as_str();
        let company = welcome.company_name.as_deref().map(|company| {
            view! { <p>{fill!(s, welcome_company, company = company, org = org)}</p> }
        });
        // The organization's links for everyone and for this language.
        let reader = locale.get();
        let shown: Vec<_> = welcome
            .links
            .iter()
            .filter(|l| l.for_reader(reader))
            .collect();
        let links = (!shown.is_empty()).then(|| {
            view! {
                <h2 id="welcome-links">{s.welcome_links_heading}</h2>
                <ul aria-labelledby="welcome-links">
                    {shown
                        .iter()
                        .map(|l| view! { <li><a href=l.url.clone() rel="external">{l.label.clone()}</a></li> })
                        .collect_view()}
                </ul>
            }
        });
        // The app that sent them to sign in comes first: that is where
        // they were going.
        let continue_to = welcome.continue_to.as_ref().map(|app| {
            view! {
                <p>
                    <a class="button primary" href=app.url.clone()>
                        {fill!(s, welcome_continue, app = app.label)}
                    </a>
                </p>
            }
        });
        let apps = (!welcome.apps.is_empty()).then(|| {
            view! {
                <h2 id="welcome-apps">{s.welcome_apps_heading}</h2>
                <ul class="tiles" aria-labelledby="welcome-apps">
                    {welcome
                        .apps
                        .iter()
                        .map(|a| view! { <li><a href=a.url.clone()>{a.label.clone()}</a></li> })
                        .collect_view()}
                </ul>
            }
        });
        view! {
            <section class="card narrow" aria-labelledby="welcome-heading">
                <StepIndicator stage=Stage::Welcome/>
                <h1 id="welcome-heading">{fill!(s, welcome_heading, name = name)}</h1>
                {company}
                <p>{fill!(s, signed_in_as, email = welcome.email)}</p>
                {continue_to}
                {apps}
                {links}
                <form method="post" action="/signout">
                    <button type="submit">{s.sign_out_button}</button>
                </form>
            </section>
        }
    }
}
