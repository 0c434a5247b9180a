//! `/admin/login`: a plain form that posts to the server, so it works with
//! or without JavaScript; the server answers with a redirect.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::branding::Branding;
use crate::fill;
use crate::i18n::use_locale;

#[component]
pub fn AdminLogin() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let org = use_context::<Branding>().unwrap_or_default().org_name;
    let query = use_query_map();
    let notice = move || {
        let s = t();
        let q = query.read();
        match (q.get("error").as_deref(), q.get("notice").as_deref()) {
            (Some("credentials"), _) => Some(("alert", s.sign_in_failed)),
            (Some("too_many"), _) => Some(("alert", s.sign_in_rate_limited)),
            (_, Some("signed_out")) => Some(("status", s.signed_out_notice)),
            (_, Some("expired")) => Some(("status", s.session_expired_notice)),
            (_, Some("password_set")) => Some(("status", s.notice_password_set)),
            (_, Some("admin_created")) => Some(("status", s.notice_admin_created)),
            _ => None,
        }
    };

    view! {
        <Title text=move || t().admin_login_title/>
        <section class="card narrow" aria-labelledby="login-heading">
            <h1 id="login-heading">{move || t().admin_login_heading}</h1>
            <p>{move || fill!(t(), admin_login_intro, org = org)}</p>
            {move || notice().map(|(role, text)| view! {
                <p class=format!("notice {role}") role=role>{text}</p>
            })}
            <form method="post" action="/admin/login" class="stack">
                <label for="email">{move || t().email_label}</label>
                <input id="email" name="email" type="email" autocomplete="username" required=true maxlength="254"/>
                <label for="password">{move || t().password_label}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required=true maxlength="1024"/>
                <button type="submit" class="primary">{move || t().sign_in_button}</button>
            </form>
        </section>
    }
}
