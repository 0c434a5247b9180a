//! The dashboard's navigation, shown on every `/admin` page, with "Sign
//! out" at its end so that every page has it (ASVS 7.4.4).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::operator::signed_in_operator;
use crate::i18n::use_locale;

#[component]
pub fn AdminNav() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let path = use_location().pathname;
    let current = move |href: &'static str| move || (path.get() == href).then_some("page");
    let operator = Resource::new(|| (), |_| signed_in_operator());
    view! {
        <nav class="admin-nav" aria-label=move || t().admin_nav_label>
            <ul>
                <li><a href="/admin" aria-current=current("/admin")>{move || t().admin_nav_home}</a></li>
                <li><a href="/admin/invitations" aria-current=current("/admin/invitations")>{move || t().admin_nav_invitations}</a></li>
                <li><a href="/admin/invitations/new" aria-current=current("/admin/invitations/new")>{move || t().new_invitation_link}</a></li>
                <li><a href="/admin/invitations/import" aria-current=current("/admin/invitations/import")>{move || t().admin_nav_import}</a></li>
                <li><a href="/admin/operators" aria-current=current("/admin/operators")>{move || t().admin_nav_operators}</a></li>
                <li><a href="/admin/tokens" aria-current=current("/admin/tokens")>{move || t().admin_nav_tokens}</a></li>
                <li><a href="/admin/sessions" aria-current=current("/admin/sessions")>{move || t().admin_nav_sessions}</a></li>
                <li><a href="/admin/settings" aria-current=current("/admin/settings")>{move || t().admin_nav_settings}</a></li>
                <li><a href="/admin/providers" aria-current=current("/admin/providers")>{move || t().admin_nav_providers}</a></li>
                <li><a href="/admin/terms" aria-current=current("/admin/terms")>{move || t().admin_nav_terms}</a></li>
                <li><a href="/admin/apps" aria-current=current("/admin/apps")>{move || t().admin_nav_apps}</a></li>
                <li><a href="/admin/webhooks" aria-current=current("/admin/webhooks")>{move || t().admin_nav_webhooks}</a></li>
                <Suspense>
                    {move || Suspend::new(async move {
                        operator.await.ok().flatten().map(|me| view! {
                            <li>
                                <form method="post" action="/admin/logout" class="sign-out">
                                    <input type="hidden" name="csrf" value=me.csrf/>
                                    <button type="submit">{move || t().sign_out_button}</button>
                                </form>
                            </li>
                        })
                    })}
                </Suspense>
            </ul>
        </nav>
    }
}
