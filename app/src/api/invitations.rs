//! The dashboard's invitation list.

use leptos::prelude::*;

use crate::model::invitation::{
    InvitationActionOutcome, InvitationDetail, InvitationPage, InvitationStatus, NewInvitationForm,
    NewInvitationOutcome,
};

/// A page of the organization's invitations, newest first. Operators only.
#[server(endpoint = "list_invitations")]
pub async fn list_invitations(
    status: Option<InvitationStatus>,
    search: Option<String>,
    cursor: Option<String>,
) -> Result<InvitationPage, ServerFnError> {
    use crate::model::operator::CurrentOperator;
    use crate::ports::DashboardPort;

    let signed_in = use_context::<http::request::Parts>()
        .is_some_and(|p| p.extensions.get::<CurrentOperator>().is_some());
    if !signed_in {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::UNAUTHORIZED);
        }
        return Err(ServerFnError::new("sign in first"));
    }
    let port = use_context::<DashboardPort>().ok_or_else(|| ServerFnError::new("unavailable"))?;
    port.0
        .invitations(status, search, cursor)
        .await
        .map_err(super::port_error)
}

/// Creates an invitation from the dashboard's form. Operators only, and the
/// form must carry the session's CSRF token.
#[server(endpoint = "create_invitation")]
pub async fn create_invitation(
    csrf: String,
    form: NewInvitationForm,
) -> Result<NewInvitationOutcome, ServerFnError> {
    let operator = super::signed_in(Some(&csrf))?;
    super::dashboard()?
        .0
        .create_invitation(operator.email, form)
        .await
        .map_err(super::port_error)
}

/// One invitation and its timeline. Operators only.
#[server(endpoint = "get_invitation_detail")]
pub async fn get_invitation_detail(id: String) -> Result<Option<InvitationDetail>, ServerFnError> {
    super::signed_in(None)?;
    let detail = super::dashboard()?
        .0
        .invitation_detail(id)
        .await
        .map_err(super::port_error)?;
    // The page of an invitation that does not exist is not found.
    if detail.is_none() {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    Ok(detail)
}

/// Sends an invitation again. Needs the session's CSRF token.
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(
    csrf: String,
    id: String,
) -> Result<InvitationActionOutcome, ServerFnError> {
    let operator = super::signed_in(Some(&csrf))?;
    super::dashboard()?
        .0
        .act_on_invitation(operator.email, id, true)
        .await
        .map_err(super::port_error)
}

/// Revokes an invitation. Needs the session's CSRF token.
#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(
    csrf: String,
    id: String,
) -> Result<InvitationActionOutcome, ServerFnError> {
    let operator = super::signed_in(Some(&csrf))?;
    super::dashboard()?
        .0
        .act_on_invitation(operator.email, id, false)
        .await
        .map_err(super::port_error)
}
