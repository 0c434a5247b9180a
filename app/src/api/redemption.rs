//! The invitee's side: what an invitation link shows, and its sign-in step.

use leptos::prelude::*;

use super::ApiError;

use crate::model::journey::{CompanyView, ConsentView};
use crate::model::sign_in::{SignedIn, StartPage};

#[cfg(feature = "ssr")]
fn port() -> Result<crate::ports::RedemptionPort, ApiError> {
    use_context::<crate::ports::RedemptionPort>().ok_or_else(|| ApiError::Unavailable.answer())
}

/// The customer's session of this request, if any.
#[cfg(feature = "ssr")]
fn visitor() -> Option<crate::model::sign_in::Visitor> {
    super::from_request()
}

/// The name of the organization whose sign-in `/t/{slug}/signin` is;
/// `None` for a slug that is none.
#[server(endpoint = "organization_name")]
pub async fn organization_name(slug: String) -> Result<Option<String>, ApiError> {
    port()?
        .0
        .organization_name(slug)
        .await
        .map_err(ApiError::from)
}

/// The sign-in step this browser sees for the link `ticket`.
#[server(endpoint = "invitation_start")]
pub async fn invitation_start(ticket: String) -> Result<Option<StartPage>, ApiError> {
    port()?
        .0
        .start(ticket, visitor())
        .await
        .map_err(ApiError::from)
}

/// The signed-in invitee of the link `ticket`, if this browser is theirs.
#[server(endpoint = "invitation_signed_in")]
pub async fn invitation_signed_in(ticket: String) -> Result<Option<SignedIn>, ApiError> {
    port()?
        .0
        .signed_in(ticket, visitor())
        .await
        .map_err(ApiError::from)
}

/// The terms step of the link `ticket` for this browser.
#[server(endpoint = "invitation_consent")]
pub async fn invitation_consent(ticket: String) -> Result<Option<ConsentView>, ApiError> {
    port()?
        .0
        .consent(ticket, visitor())
        .await
        .map_err(ApiError::from)
}

/// The company step of the link `ticket` for this browser.
#[server(endpoint = "invitation_company")]
pub async fn invitation_company(ticket: String) -> Result<Option<CompanyView>, ApiError> {
    port()?
        .0
        .company(ticket, visitor())
        .await
        .map_err(ApiError::from)
}
