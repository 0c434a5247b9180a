//! Lobby's user interface: the HTML shell, the routes and the shared models,
//! rendered on the server and hydrated in the browser.

// Leptos's view types nest deeply (a live part's form inside a page).
#![recursion_limit = "256"]

pub mod api;
pub mod branding;
pub mod components;
#[cfg(feature = "ssr")]
mod csp;
pub mod i18n;
pub mod live;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod query;
// The route table: the server's and the dashboard's bundle's; the
// customer's bundle hydrates only `live`, and carries none of it.
#[cfg(any(feature = "ssr", feature = "dashboard"))]
mod router;
#[cfg(feature = "ssr")]
mod shell;

#[cfg(any(feature = "ssr", feature = "dashboard"))]
pub use router::App;

/// In the browser, once a bundle has hydrated the page: it reacts from now
/// on. `<html data-hydrated>` tells tools that wait for it (the end-to-end
/// tests) without guessing from the network.
#[cfg(feature = "hydrate")]
pub fn mark_hydrated() {
    if let Some(html) = leptos::prelude::document().document_element() {
        let _ = html.set_attribute("data-hydrated", "");
    }
}
#[cfg(feature = "ssr")]
pub use shell::{landing_shell, shell};
