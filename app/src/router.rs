//! The routes: which page answers which path, around the header, the
//! language switcher and the footer every page shares.

use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::{
    components::{Route, Router, Routes},
    Lazy, MatchNestedRoutes, ParamSegment, SsrMode, StaticSegment,
};

use crate::branding::Branding;
use crate::components::language_switcher::LanguageSwitcher;
use crate::i18n::{Locale, UiLocale};
use crate::pages::admin::lazy;
use crate::pages::admin::login::AdminLogin;
use crate::pages::not_found::NotFound;

/// The whole app as the server renders every page: the customer's pages
/// and the dashboard's.
#[cfg(feature = "ssr")]
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Frame>
            <Routes fallback=|| view! { <NotFound/> }>
                <CustomerRoutes/>
                <DashboardRoutes/>
            </Routes>
        </Frame>
    }
}

/// The app as the dashboard's bundle hydrates it: the dashboard's pages
/// only. The customer's pages are never hydrated whole (their live parts
/// have their own bundle, `crate::live`), so a link to one loads it from
/// the server.
#[cfg(not(feature = "ssr"))]
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Frame>
            <Routes fallback=LoadFromServer>
                <DashboardRoutes/>
            </Routes>
        </Frame>
    }
}

/// The invitation's link (`/invite/{ticket}`), the most opened page, as
/// its own handler renders it after reading its data: in the frame of
/// every page, without the router (matching the path again and waiting on
/// the route's view cost as much as the page itself).
#[cfg(feature = "ssr")]
#[component]
pub fn LandingApp() -> impl IntoView {
    use crate::pages::invite::landing::InvitationLanding;
    let path = with_context::<http::request::Parts, _>(|p| p.uri.path().to_owned());
    view! {
        <Chrome path=path.unwrap_or_default()>
            <InvitationLanding/>
        </Chrome>
    }
}

/// Every page of the route table, in its frame.
#[component]
fn Frame(children: ChildrenFn) -> impl IntoView {
    view! {
        <Router>
            <Chrome>{children()}</Chrome>
        </Router>
    }
}

/// The header, the language switcher and the footer around every page;
/// `path`: the page's, when it is rendered without the router.
#[component]
fn Chrome(children: ChildrenFn, #[prop(optional, into)] path: Option<String>) -> impl IntoView {
    provide_meta_context();
    let branding = Branding::current();
    let locale = RwSignal::new(initial_locale());
    provide_context(UiLocale(locale));
    provide_context(branding.clone());

    let t = move || locale.get().strings();
    let footer = {
        let branding = branding.clone();
        move || branding.footer(t().footer_text)
    };

    view! {
        <a class="skip-link" href="#main">{move || t().skip_to_content}</a>
        <header class="site-header">
            <a class="org-name" href="/">{branding.org_name.clone()}</a>
            <LanguageSwitcher path/>
        </header>
        <main id="main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">{footer}</footer>
    }
}

/// The customer's pages, rendered on the server only.
#[cfg(feature = "ssr")]
#[component(transparent)]
fn CustomerRoutes() -> impl MatchNestedRoutes + Clone {
    use crate::pages::direct::{CommonSignIn, OrganizationSignIn};
    use crate::pages::home::HomePage;
    use crate::pages::invite::{
        company::InvitationCompany, consent::InvitationConsent, signed_in::InvitationSignedIn,
        start::InvitationStart,
    };
    view! {
        <Route path=StaticSegment("") view=HomePage/>
        // Pages without the browser bundle render whole before sending.
        <Route path=StaticSegment("signin") view=CommonSignIn ssr=SsrMode::Async/>
        <Route
            path=(StaticSegment("t"), ParamSegment("slug"), StaticSegment("signin"))
            view=OrganizationSignIn
            ssr=SsrMode::Async
        />
        <Route
            path=(StaticSegment("invite"), ParamSegment("ticket"), StaticSegment("start"))
            view=InvitationStart
            ssr=SsrMode::Async
        />
        <Route
            path=(StaticSegment("invite"), ParamSegment("ticket"), StaticSegment("consent"))
            view=InvitationConsent
            ssr=SsrMode::Async
        />
        <Route
            path=(StaticSegment("invite"), ParamSegment("ticket"), StaticSegment("company"))
            view=InvitationCompany
            ssr=SsrMode::Async
        />
        <Route
            path=(StaticSegment("invite"), ParamSegment("ticket"), StaticSegment("continue"))
            view=InvitationSignedIn
            ssr=SsrMode::Async
        />
    }
    .into_inner()
}

#[component(transparent)]
fn DashboardRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        // Fully rendered before sending, so the data is there without JavaScript.
        <Route path=StaticSegment("admin") view={Lazy::<lazy::routes::Home>::new()} ssr=SsrMode::Async/>
        <Route path=(StaticSegment("admin"), StaticSegment("login")) view=AdminLogin/>
        <Route path=(StaticSegment("admin"), StaticSegment("operators")) view={Lazy::<lazy::routes::Operators>::new()} ssr=SsrMode::Async/>
        <Route path=(StaticSegment("admin"), StaticSegment("tokens")) view={Lazy::<lazy::routes::Tokens>::new()} ssr=SsrMode::Async/>
        <Route path=(StaticSegment("admin"), StaticSegment("sessions")) view={Lazy::<lazy::routes::Sessions>::new()} ssr=SsrMode::Async/>
        <Route path=(StaticSegment("admin"), StaticSegment("settings")) view={Lazy::<lazy::routes::Settings>::new()} ssr=SsrMode::Async/>
        <Route path=(StaticSegment("admin"), StaticSegment("providers")) view={Lazy::<lazy::routes::Providers>::new()} ssr=SsrMode::Async/>
        <Route path=(StaticSegment("admin"), StaticSegment("apps")) view={Lazy::<lazy::routes::Apps>::new()} ssr=SsrMode::Async/>
        <Route path=(StaticSegment("admin"), StaticSegment("webhooks")) view={Lazy::<lazy::routes::Webhooks>::new()} ssr=SsrMode::Async/>
        <Route path=(StaticSegment("admin"), StaticSegment("terms")) view={Lazy::<lazy::routes::Terms>::new()} ssr=SsrMode::Async/>
        <Route path=(StaticSegment("admin"), StaticSegment("set-password")) view={Lazy::<lazy::routes::SetPassword>::new()} ssr=SsrMode::Async/>
        <Route path=StaticSegment("setup") view={Lazy::<lazy::routes::Setup>::new()} ssr=SsrMode::Async/>
        <Route
            path=(StaticSegment("admin"), StaticSegment("invitations"))
            view={Lazy::<lazy::routes::Invitations>::new()}
            ssr=SsrMode::Async
        />
        <Route
            path=(StaticSegment("admin"), StaticSegment("invitations"), StaticSegment("new"))
            view={Lazy::<lazy::routes::NewInvitation>::new()}
            ssr=SsrMode::Async
        />
        <Route
            path=(StaticSegment("admin"), StaticSegment("invitations"), StaticSegment("import"))
            view={Lazy::<lazy::routes::ImportUpload>::new()}
            ssr=SsrMode::Async
        />
        <Route
            path=(StaticSegment("admin"), StaticSegment("imports"), ParamSegment("id"))
            view={Lazy::<lazy::routes::ImportDetail>::new()}
            ssr=SsrMode::Async
        />
        <Route
            path=(StaticSegment("admin"), StaticSegment("invitations"), ParamSegment("id"))
            view={Lazy::<lazy::routes::InvitationDetail>::new()}
            ssr=SsrMode::Async
        />
        <Route
            path=(StaticSegment("admin"), StaticSegment("companies"), ParamSegment("id"))
            view={Lazy::<lazy::routes::Company>::new()}
            ssr=SsrMode::Async
        />
    }
    .into_inner()
}

/// In the dashboard's bundle, a page it does not carry: the browser loads
/// it from the server. While hydrating, the path is the server's answer
/// already, and a page the server did not find stays "not found".
#[component]
fn LoadFromServer() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let hydrating = Owner::current_shared_context().is_some_and(|c| c.during_hydration());
        if !hydrating {
            let path = leptos_router::hooks::use_location()
                .pathname
                .get_untracked();
            let _ = window().location().set_href(&path);
        }
    }
    view! { <NotFound/> }
}

/// The language chosen for this request (server) or the one the server
/// rendered the page in (browser), so that hydration starts from the same text.
fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        crate::i18n::request_locale()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        crate::i18n::page_locale()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Locale::default()
    }
}
