//! `/admin`: the dashboard's start page. The server only lets signed-in
//! operators reach it.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::operator::signed_in_operator;
use crate::branding::Branding;
use crate::components::admin_nav::AdminNav;
use crate::fill;
use crate::i18n::use_locale;

#[component]
pub fn AdminHome() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let org = use_context::<Branding>().unwrap_or_default().org_name;
    let operator = Resource::new(|| (), |_| signed_in_operator());

    view! {
        <Title text=move || t().admin_title/>
        <AdminNav/>
        <section class="card" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{move || t().admin_heading}</h1>
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    match operator.await {
                        Ok(Some(me)) => {
                            let email = me.email.clone();
                            // "Sign out" is in the navigation above.
                            view! {
                                <p class="signed-in">{move || fill!(t(), signed_in_as, email = email)}</p>
                            }
                                .into_any()
                        }
                        _ => view! { <p><a href="/admin/login">{move || t().back_to_sign_in}</a></p> }.into_any(),
                    }
                })}
            </Suspense>
            <p>{move || fill!(t(), admin_intro, org = org)}</p>
        </section>
    }
}
