//! The dashboard's pages as the router loads them. Their code is split out
//! of the dashboard's bundle (`scripts/build.sh`) in a few groups of pages
//! used together, each fetched when one of its pages is first opened, so
//! the first page an operator opens brings only its group's code with the
//! shared core (issue 22: the whole dashboard was over 700 KiB on the
//! wire). A group per page would split the shared code into over a hundred
//! small files, each a request. On the server, every page renders at once.

use super::{
    apps::AdminApps, company::CompanyPage, home::AdminHome, import_detail::ImportDetail,
    import_upload::ImportUpload, invitation_detail::InvitationDetailPage,
    invitations::AdminInvitations, new_invitation::NewInvitation, operators::AdminOperators,
    providers::AdminProviders, sessions::AdminSessions, set_password::SetPassword,
    settings::AdminSettings, terms::AdminTerms, tokens::AdminTokens, webhooks::AdminWebhooks,
};
use crate::pages::setup::Setup;
use leptos::lazy;
use leptos::prelude::*;

/// A lazily loaded page, as its group's code is asked for it.
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum Page {
    Home,
    SetPassword,
    Setup,
    Invitations,
    InvitationDetail,
    Company,
    NewInvitation,
    ImportUpload,
    ImportDetail,
    Operators,
    Tokens,
    Sessions,
    Settings,
    Providers,
    Terms,
    Apps,
    Webhooks,
}

/// Builds `page`'s view. The router builds a page inside a `Suspend`, which
/// would otherwise track what the page reads as it is built (its
/// resources' sources) and build the page anew whenever that changes.
fn build<V: IntoView + 'static>(page: impl FnOnce() -> V) -> AnyView {
    untrack(|| page().into_any())
}

/// The first page after signing in, and the account's own steps.
#[lazy]
fn overview(page: Page) -> AnyView {
    match page {
        Page::SetPassword => build(|| view! { <SetPassword/> }),
        Page::Setup => build(|| view! { <Setup/> }),
        _ => build(|| view! { <AdminHome/> }),
    }
}

/// The invitations, one invitation, and a customer's company.
#[lazy]
fn invitations(page: Page) -> AnyView {
    match page {
        Page::InvitationDetail => build(|| view! { <InvitationDetailPage/> }),
        Page::Company => build(|| view! { <CompanyPage/> }),
        _ => build(|| view! { <AdminInvitations/> }),
    }
}

/// Inviting one customer.
#[lazy]
fn new_invitation(_page: Page) -> AnyView {
    build(|| view! { <NewInvitation/> })
}

/// Inviting many from a spreadsheet, and how an import went.
#[lazy]
fn imports(page: Page) -> AnyView {
    match page {
        Page::ImportDetail => build(|| view! { <ImportDetail/> }),
        _ => build(|| view! { <ImportUpload/> }),
    }
}

/// The operators.
#[lazy]
fn operators(_page: Page) -> AnyView {
    build(|| view! { <AdminOperators/> })
}

/// API tokens and sessions.
#[lazy]
fn access(page: Page) -> AnyView {
    match page {
        Page::Sessions => build(|| view! { <AdminSessions/> }),
        _ => build(|| view! { <AdminTokens/> }),
    }
}

/// The organization's settings.
#[lazy]
fn settings(_page: Page) -> AnyView {
    build(|| view! { <AdminSettings/> })
}

/// The identity providers, the terms, the apps and the webhooks.
#[lazy]
fn configuration(page: Page) -> AnyView {
    match page {
        Page::Terms => build(|| view! { <AdminTerms/> }),
        Page::Apps => build(|| view! { <AdminApps/> }),
        Page::Webhooks => build(|| view! { <AdminWebhooks/> }),
        _ => build(|| view! { <AdminProviders/> }),
    }
}

/// The routes, one per page, named as `Page`'s.
pub mod routes {
    use leptos::prelude::AnyView;
    use leptos_router::LazyRoute;

    use super::{
        access, configuration, imports, invitations, new_invitation, operators, overview, settings,
        Page,
    };

    /// `$route`: the route of `Page::$route`, whose code is in `$group`;
    /// `$preload` (which `#[lazy]` writes for `$group`) fetches that code.
    /// The router fetches it before it hydrates or shows the page, so that
    /// the page is built at once, as the server built it.
    macro_rules! lazy_routes {
        ($($route:ident in $group:ident fetched by $preload:ident),* $(,)?) => {$(
            #[doc = concat!("The route of [`Page::", stringify!($route), "`].")]
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $group(Page::$route).await
                }

                async fn preload() {
                    // Only the browser's bundle is split.
                    #[cfg(target_arch = "wasm32")]
                    super::$preload().await;
                }
            }
        )*};
    }

    lazy_routes! {
        Home in overview fetched by __preload_overview,
        SetPassword in overview fetched by __preload_overview,
        Setup in overview fetched by __preload_overview,
        Invitations in invitations fetched by __preload_invitations,
        InvitationDetail in invitations fetched by __preload_invitations,
        Company in invitations fetched by __preload_invitations,
        NewInvitation in new_invitation fetched by __preload_new_invitation,
        ImportUpload in imports fetched by __preload_imports,
        ImportDetail in imports fetched by __preload_imports,
        Operators in operators fetched by __preload_operators,
        Tokens in access fetched by __preload_access,
        Sessions in access fetched by __preload_access,
        Settings in settings fetched by __preload_settings,
        Providers in configuration fetched by __preload_configuration,
        Terms in configuration fetched by __preload_configuration,
        Apps in configuration fetched by __preload_configuration,
        Webhooks in configuration fetched by __preload_configuration,
    }
}
