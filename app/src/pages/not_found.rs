//! Any address that matches no route: a 404 status and a way back.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::use_locale;

#[component]
pub fn NotFound() -> impl IntoView {
    // A page whose data could not be read (503, see `api::ApiError`) is
    // not missing; the server answers it with a page saying so.
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let unavailable = response
            .0
            .read()
            .is_ok_and(|parts| parts.status == Some(http::StatusCode::SERVICE_UNAVAILABLE));
        if !unavailable {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    let locale = use_locale();
    let t = move || locale.get().strings();

    view! {
        <Title text=t().not_found_title/>
        <section class="card" aria-labelledby="not-found-heading">
            <h1 id="not-found-heading">{move || t().not_found_title}</h1>
            <p>{move || t().not_found_text}</p>
            <p><a href="/">{move || t().not_found_home_link}</a></p>
        </section>
    }
}
