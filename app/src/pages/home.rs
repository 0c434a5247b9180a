//! The organization's front page: what Lobby is and what to do with an invitation.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::branding::Branding;
use crate::i18n::use_locale;

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    let branding = use_context::<Branding>().unwrap_or_default();
    let t = move || locale.get().strings();
    let title = branding.fill(t().page_title_home);
    let with_org = move |template: fn(&'static crate::i18n::Strings) -> &'static str| {
        let branding = branding.clone();
        move || branding.fill(template(t()))
    };

    view! {
        <Title text=title/>
        <section class="card" aria-labelledby="home-heading">
            <h1 id="home-heading">{with_org(|s| s.home_heading)}</h1>
            <p>{with_org(|s| s.home_intro)}</p>
            <h2>{move || t().home_invited_heading}</h2>
            <p>{move || t().home_invited_text}</p>
            <p>
                {move || t().home_sign_in}" "
                <a href="/signin">{move || t().direct_common_heading}</a>
            </p>
            <h2 id="steps-heading">{move || t().home_steps_label}</h2>
            <ol class="steps" aria-labelledby="steps-heading">
                <li>{move || t().home_step_sign_in}</li>
                <li>{move || t().home_step_consent}</li>
                <li>{move || t().home_step_company}</li>
                <li>{with_org(|s| s.home_step_welcome)}</li>
            </ol>
        </section>
    }
}
