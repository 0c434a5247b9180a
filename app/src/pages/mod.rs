//! One module per route.
pub mod admin;
pub mod direct;
pub mod home;
pub mod invite;
pub mod not_found;
pub mod setup;

/// What the server read for this page before rendering it: its handler
/// puts the value in the request's extensions, so the page renders at
/// once, with no resource to wait for and nothing serialized into the page
/// for a bundle that never runs there. `None` in the browser.
pub fn preloaded<T: Clone + Send + Sync + 'static>() -> Option<T> {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<T>().cloned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}
