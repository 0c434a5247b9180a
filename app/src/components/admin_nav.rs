//! The dashboard's navigation, shown on every `/admin` page, with "Sign
//! out" at its end so that every page has it (ASVS 7.4.4).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::operator::signed_in_operator;
use crate::i18n::{use_locale, DashboardStrings};

/// A string of the dashboard's, chosen from the current language's.
type Label = fn(&'static DashboardStrings) -> &'static str;

/// A link of the navigation: where to, and its name.
fn entry(href: &'static str, label: Label) -> (&'static str, Label) {
    (href, label)
}

#[component]
pub fn AdminNav() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let path = use_location().pathname;
    let current = move |href: &'static str| move || (path.get() == href).then_some("page");
    let operator = Resource::new(|| (), |_| signed_in_operator());
    // A group of links under its name.
    let group = move |id: &'static str, name: Label, links: Vec<(&'static str, Label)>| {
        let items = links
            .into_iter()
            .map(|(href, label)| {
                view! {
                    <li><a href=href aria-current=current(href)>{move || label(t())}</a></li>
                }
            })
            .collect_view();
        view! {
            <li class="nav-group">
                <span class="nav-group-name" id=id>{move || name(t())}</span>
                <ul aria-labelledby=id>{items}</ul>
            </li>
        }
    };
    view! {
        <nav class="admin-nav" aria-label=move || t().admin_nav_label>
            <ul>
                {group("nav-customers", |s| s.nav_group_customers, vec![
                    entry("/admin", |s| s.admin_nav_home),
                    entry("/admin/invitations", |s| s.admin_nav_invitations),
                    entry("/admin/invitations/new", |s| s.new_invitation_link),
                    entry("/admin/invitations/import", |s| s.admin_nav_import),
                ])}
                {group("nav-team", |s| s.nav_group_team, vec![
                    entry("/admin/operators", |s| s.admin_nav_operators),
                    entry("/admin/sessions", |s| s.admin_nav_sessions),
                    entry("/admin/tokens", |s| s.admin_nav_tokens),
                ])}
                {group("nav-configuration", |s| s.nav_group_configuration, vec![
                    entry("/admin/settings", |s| s.admin_nav_settings),
                    entry("/admin/providers", |s| s.admin_nav_providers),
                    entry("/admin/terms", |s| s.admin_nav_terms),
                    entry("/admin/apps", |s| s.admin_nav_apps),
                    entry("/admin/webhooks", |s| s.admin_nav_webhooks),
                ])}
                <Suspense>
                    {move || Suspend::new(async move {
                        operator.await.ok().flatten().map(|me| view! {
                            <li class="sign-out-item">
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
