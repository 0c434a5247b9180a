//! The dashboard's invitation list.

use leptos::prelude::*;

use super::ApiError;

use crate::model::invitation::{
    InvitationActionOutcome, InvitationDetail, InvitationPage, ListFilter, NewInvitationForm,
    NewInvitationOutcome, RemindOutcome,
};
use crate::model::overview::{OverviewOutcome, Scope};
use crate::model::progress::CompanyDetail;

/// A page of the organization's invitations that `filter` selects, newest
/// first. Operators only.
#[server(endpoint = "list_invitations")]
pub async fn list_invitations(
    // Absent when the list is not filtered.
    #[server(default)] filter: ListFilter,
    cursor: Option<String>,
) -> Result<InvitationPage, ApiError> {
    super::signed_in(None)?;
    super::dashboard()?
        .invitations
        .invitations(filter, cursor)
        .await
        .map_err(ApiError::from)
}

/// The overview of the invitations `scope` selects. Operators only.
#[server(endpoint = "load_overview")]
pub async fn load_overview(#[server(default)] scope: Scope) -> Result<OverviewOutcome, ApiError> {
    super::signed_in(None)?;
    super::dashboard()?
        .invitations
        .overview(scope)
        .await
        .map_err(ApiError::from)
}

/// Creates an invitation from the dashboard's form. Operators only, and the
/// form must carry the session's CSRF token.
#[server(endpoint = "create_invitation")]
pub async fn create_invitation(
    csrf: String,
    form: NewInvitationForm,
) -> Result<NewInvitationOutcome, ApiError> {
    let operator = super::signed_in(Some(&csrf))?;
    super::dashboard()?
        .invitations
        .create_invitation(operator.id, form)
        .await
        .map_err(ApiError::from)
}

/// One invitation and its timeline. Operators only.
#[server(endpoint = "get_invitation_detail")]
pub async fn get_invitation_detail(id: String) -> Result<Option<InvitationDetail>, ApiError> {
    super::signed_in(None)?;
    let detail = super::dashboard()?
        .invitations
        .invitation_detail(id)
        .await
        .map_err(ApiError::from)?;
    // The page of an invitation that does not exist is not found.
    if detail.is_none() {
        super::error::answer_with(http::StatusCode::NOT_FOUND);
    }
    Ok(detail)
}

/// Sends an invitation again. Needs the session's CSRF token.
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(
    csrf: String,
    id: String,
) -> Result<InvitationActionOutcome, ApiError> {
    let operator = super::signed_in(Some(&csrf))?;
    super::dashboard()?
        .invitations
        .act_on_invitation(operator.id, id, true)
        .await
        .map_err(ApiError::from)
}

/// Revokes an invitation. Needs the session's CSRF token.
#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(
    csrf: String,
    id: String,
) -> Result<InvitationActionOutcome, ApiError> {
    let operator = super::signed_in(Some(&csrf))?;
    super::dashboard()?
        .invitations
        .act_on_invitation(operator.id, id, false)
        .await
        .map_err(ApiError::from)
}

/// One company of the organization with its members. Operators only.
#[server(endpoint = "get_company_detail")]
pub async fn get_company_detail(id: String) -> Result<Option<CompanyDetail>, ApiError> {
    super::signed_in(None)?;
    let detail = super::dashboard()?
        .invitations
        .company_detail(id)
        .await
        .map_err(ApiError::from)?;
    if detail.is_none() {
        super::error::answer_with(http::StatusCode::NOT_FOUND);
    }
    Ok(detail)
}

/// Reminds every customer the list's filter selects who has not finished
/// (at most once a day each). `filter` is the list's query string.
/// Operators, with the session's CSRF token.
#[server(endpoint = "remind_invitees")]
pub async fn remind_invitees(csrf: String, filter: String) -> Result<RemindOutcome, ApiError> {
    let operator = super::signed_in(Some(&csrf))?;
    let filter = ListFilter::from_query(&filter);
    super::dashboard()?
        .invitations
        .remind(operator.id, filter)
        .await
        .map_err(ApiError::from)
}
