//! Server functions, one file per capability; thin adapters over the server.
pub mod imports;
pub mod invitations;
pub mod operator;
pub mod operators;
pub mod providers;
pub mod redemption;
pub mod settings;
pub mod terms;

/// The signed-in operator, when the request carries their session and, for
/// changes, `csrf` equal to the session's token; else 403.
#[cfg(feature = "ssr")]
pub(crate) fn signed_in(
    csrf: Option<&str>,
) -> Result<crate::model::operator::CurrentOperator, leptos::prelude::ServerFnError> {
    use crate::model::operator::{same_token, CurrentOperator};
    use leptos::prelude::{use_context, ServerFnError};
    let operator = use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<CurrentOperator>().cloned());
    match operator {
        Some(o) if csrf.is_none_or(|c| same_token(&o.csrf, c)) => Ok(o),
        _ => {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(http::StatusCode::FORBIDDEN);
            }
            Err(ServerFnError::new("sign in first"))
        }
    }
}

/// A port's failure as a server function's error. Storage that cannot be
/// reached makes the page answer 503, which the server turns into a page
/// saying so (rather than, say, "not found" for a link that is fine).
#[cfg(feature = "ssr")]
pub(crate) fn port_error(e: crate::ports::PortError) -> leptos::prelude::ServerFnError {
    if e == crate::ports::PortError::Unavailable {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
        }
    }
    leptos::prelude::ServerFnError::new(format!("{e:?}"))
}

/// What the server provides to the dashboard's server functions.
#[cfg(feature = "ssr")]
pub(crate) fn dashboard() -> Result<crate::ports::DashboardPort, leptos::prelude::ServerFnError> {
    leptos::prelude::use_context::<crate::ports::DashboardPort>()
        .ok_or_else(|| leptos::prelude::ServerFnError::new("unavailable"))
}
