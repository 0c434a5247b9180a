//! `/invite/{ticket}/company`: the company data the seller registered, for
//! the invitee to confirm (architecture.md §3.5), in the form that checks
//! each field as it is typed (`components::company_form`, a live part).
//! Without JavaScript the server checks the form and sends it back with its
//! messages.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

use crate::api::redemption::invitation_company;
use crate::i18n::use_locale;
use crate::live::{Live, LivePart};
use crate::model::journey::CompanyView;
use crate::pages::not_found::NotFound;

#[component]
pub fn InvitationCompany() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().strings();
    let ticket = move || use_params_map().read().get("ticket").unwrap_or_default();
    let page = Resource::new(ticket, invitation_company);

    view! {
        <Title text=t().company_title/>
        <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
            {move || {
                let ticket = ticket();
                Suspend::new(async move {
                    match page.await {
                        Ok(Some(CompanyView::Show(company))) => {
                            view! { <Live part=LivePart::Company { company, ticket }/> }.into_any()
                        }
                        Ok(Some(CompanyView::Elsewhere(stage))) => {
                            view! { <Redirect path=stage.path(&ticket)/> }.into_any()
                        }
                        _ => view! { <NotFound/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
