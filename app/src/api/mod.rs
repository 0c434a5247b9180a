//! Server functions, one file per capability; thin adapters over the server.
pub mod apps;
pub mod error;
pub mod imports;
pub mod invitations;
pub mod operator;
pub mod operators;
pub mod providers;
pub mod redemption;
pub mod settings;
pub mod terms;
pub mod webhooks;

pub use error::ApiError;

/// The signed-in operator, when the request carries their session (else
/// 401) and, for changes, `csrf` equal to the session's token (else 403).
#[cfg(feature = "ssr")]
pub(crate) fn signed_in(
    csrf: Option<&str>,
) -> Result<crate::model::operator::CurrentOperator, ApiError> {
    use crate::model::operator::{same_token, CurrentOperator};
    match from_request::<CurrentOperator>() {
        None => Err(ApiError::Unauthorized.answer()),
        Some(o) if csrf.is_none_or(|c| same_token(&o.csrf, c)) => Ok(o),
        Some(_) => Err(ApiError::Forbidden.answer()),
    }
}

/// What the server provides to the dashboard's server functions.
#[cfg(feature = "ssr")]
pub(crate) fn dashboard() -> Result<crate::ports::DashboardPort, ApiError> {
    leptos::prelude::use_context::<crate::ports::DashboardPort>()
        .ok_or_else(|| ApiError::Unavailable.answer())
}

/// A value the server put in this request's extensions before rendering:
/// the operator's or the customer's session, or a page's data read first (so that page renders
/// at once, with no resource to wait for and nothing serialized into it for
/// a bundle that never runs there). `None` in the browser.
pub fn from_request<T: Clone + Send + Sync + 'static>() -> Option<T> {
    #[cfg(feature = "ssr")]
    {
        // Borrowed, not cloned: the request's parts are every header.
        leptos::prelude::with_context::<http::request::Parts, _>(|p| {
            p.extensions.get::<T>().cloned()
        })
        .flatten()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}
