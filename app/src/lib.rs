//! Lobby's user interface: the HTML shell, the routes and the shared models,
//! rendered on the server and hydrated in the browser.

pub mod api;
pub mod branding;
pub mod components;
pub mod i18n;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod query;
mod router;
#[cfg(feature = "ssr")]
mod shell;

pub use router::{App, CustomerApp};
#[cfg(feature = "ssr")]
pub use shell::shell;
