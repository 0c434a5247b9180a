//! `/invite/{ticket}/continue`: where a signed-in invitee goes on: to the
//! terms step until they are accepted; after them, until the company and
//! welcome steps exist, it says where the invitee stands. Anyone else is
//! sent to the sign-in step, which tells them what applies.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

use crate::api::redemption::invitation_signed_in;
use crate::components::step_indicator::StepIndicator;
use crate::i18n::fill;
use crate::model::journey::Stage;
use crate::model::sign_in::SignedIn;
use crate::use_locale;

#[component]
pub fn InvitationSignedIn() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().strings();
    let ticket = move || use_params_map().read().get("ticket").unwrap_or_default();
    let page = Resource::new(ticket, invitation_signed_in);

    view! {
        <Title text=move || t().signed_in_title/>
        <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
            {move || {
                let ticket = ticket();
                Suspend::new(async move {
                    match page.await {
                        Ok(Some(SignedIn { stage: Stage::Consent, .. })) => {
                            view! { <Redirect path=Stage::Consent.path(&ticket)/> }.into_any()
                        }
                        Ok(Some(signed_in)) => view! { <SignedInCard signed_in/> }.into_any(),
                        _ => view! { <Redirect path=format!("/invite/{ticket}/start")/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn SignedInCard(signed_in: SignedIn) -> impl IntoView {
    let locale = use_locale();
    move || {
        let s = locale.get().strings();
        let greeting = signed_in
            .display_name
            .as_deref()
            .map(|name| view! { <p>{fill(s.landing_greeting, &[("name", name)])}</p> });
        let org = [("org", signed_in.org_name.as_str())];
        let next = match signed_in.stage {
            Stage::Welcome => fill(s.signed_in_accepted, &org),
            _ => fill(s.signed_in_next, &org),
        };
        view! {
            <section class="card narrow" aria-labelledby="signed-in-heading">
                <StepIndicator stage=signed_in.stage/>
                <h1 id="signed-in-heading">{s.signed_in_heading}</h1>
                {greeting}
                <p>{fill(s.signed_in_as, &[("email", &signed_in.email)])}</p>
                <p>{next}</p>
                <form method="post" action="/signout">
                    <button type="submit">{s.sign_out_button}</button>
                </form>
            </section>
        }
    }
}
