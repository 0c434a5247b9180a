//! Server functions, one file per capability; thin adapters over the server.
pub mod error;
pub mod imports;
pub mod invitations;
pub mod operator;
pub mod operators;
pub mod providers;
pub mod redemption;
pub mod settings;
pub mod terms;

pub use error::ApiError;

/// The signed-in operator, when the request carries their session (else
/// 401) and, for changes, `csrf` equal to the session's token (else 403).
#[cfg(feature = "ssr")]
pub(crate) fn signed_in(
    csrf: Option<&str>,
) -> Result<crate::model::operator::CurrentOperator, ApiError> {
    use crate::model::operator::{same_token, CurrentOperator};
    let operator = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<CurrentOperator>().cloned());
    match operator {
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
