//! `/admin/set-password?token=…`: a new operator sets a password with the
//! link from their email. A plain form: it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::operators::set_password_link_is_live;
use crate::i18n::use_locale;

#[component]
pub fn SetPassword() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let error = move || query.read().get("error");
    let live = Resource::new(token, set_password_link_is_live);

    view! {
        <Title text=move || t().set_password_title/>
        <section class="card narrow" aria-labelledby="set-password-heading">
            <h1 id="set-password-heading">{move || t().set_password_heading}</h1>
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || {
                    let token = token();
                    let error = error();
                    Suspend::new(async move {
                        if !live.await.unwrap_or(false) {
                            return view! { <p class="notice alert" role="alert">{move || t().set_password_invalid_link}</p> }.into_any();
                        }
                        let message = move || match error.as_deref() {
                            Some("short") => Some(t().error_password_short),
                            Some("long") => Some(t().error_password_long),
                            Some("common") => Some(t().error_password_common),
                            _ => None,
                        };
                        view! {
                            {move || message().map(|m| view! { <p class="notice alert" role="alert">{m}</p> })}
                            <form method="post" action="/admin/set-password" class="stack">
                                <input type="hidden" name="token" value=token/>
                                <label for="new-password">{move || t().field_new_password}</label>
                                <input
                                    id="new-password"
                                    name="password"
                                    type="password"
                                    autocomplete="new-password"
                                    required=true
                                    minlength="15"
                                    maxlength="256"
                                    aria-describedby="password-hint"
                                />
                                <p id="password-hint" class="hint">{move || t().password_hint}</p>
                                <button type="submit" class="primary">{move || t().set_password_button}</button>
                            </form>
                        }
                            .into_any()
                    })
                }}
            </Suspense>
        </section>
    }
}
