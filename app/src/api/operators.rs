//! The dashboard's operators page, and the public set-password page's check.

use leptos::prelude::*;

use super::ApiError;

use crate::model::operator::{
    AccessOutcome, AddOperatorForm, AddOperatorOutcome, ContactOutcome, EndSessionsOutcome,
    OperatorRow, SessionRow, SetupLink, TokenOutcome, TokenRow,
};

/// The organization's operators. Operators only.
#[server(endpoint = "list_operators")]
pub async fn list_operators() -> Result<Vec<OperatorRow>, ApiError> {
    super::signed_in(None)?;
    super::dashboard()?
        .operators
        .operators()
        .await
        .map_err(ApiError::from)
}

/// Adds an operator and emails them a set-password link. Admins only, with
/// the session's CSRF token.
#[server(endpoint = "add_operator")]
pub async fn add_operator(
    csrf: String,
    form: AddOperatorForm,
) -> Result<AddOperatorOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(AddOperatorOutcome::NotAdmin);
    };
    // The admin's language, from the request as for any page.
    let locale = crate::i18n::request_locale().code().to_owned();
    super::dashboard()?
        .operators
        .add_operator(admin, form, locale)
        .await
        .map_err(ApiError::from)
}

/// Whether a set-password link can still be used. Open to all: it reveals
/// nothing but that.
#[server(endpoint = "set_password_link_is_live")]
pub async fn set_password_link_is_live(token: String) -> Result<bool, ApiError> {
    super::dashboard()?
        .operators
        .set_password_link_is_live(token)
        .await
        .map_err(ApiError::from)
}

/// What the first-admin setup link opens. Open to all: it reveals nothing
/// but that. There is no such page once an admin exists (404); a wrong,
/// used or expired link is refused (403).
#[server(endpoint = "setup_link_state")]
pub async fn setup_link_state(token: String) -> Result<SetupLink, ApiError> {
    let state = super::dashboard()?
        .operators
        .setup_link(token)
        .await
        .map_err(ApiError::from)?;
    let status = match state {
        SetupLink::Live => None,
        SetupLink::Invalid => Some(http::StatusCode::FORBIDDEN),
        SetupLink::Gone => Some(http::StatusCode::NOT_FOUND),
    };
    if let Some(status) = status {
        super::error::answer_with(status);
    }
    Ok(state)
}

/// Sets the address invitees see in the signed-in operator's invitations
/// (empty: their sign-in address).
#[server(endpoint = "save_contact_address")]
pub async fn save_contact_address(
    csrf: String,
    contact: String,
) -> Result<ContactOutcome, ApiError> {
    let me = super::signed_in(Some(&csrf))?;
    super::dashboard()?
        .operators
        .save_contact_address(me.id, contact)
        .await
        .map_err(ApiError::from)
}

/// The signed-in operator's API tokens.
#[server(endpoint = "list_tokens")]
pub async fn list_tokens() -> Result<Vec<TokenRow>, ApiError> {
    let me = super::signed_in(None)?;
    super::dashboard()?
        .tokens
        .tokens(me.id)
        .await
        .map_err(ApiError::from)
}

/// Creates a personal API token for the signed-in operator; shown once.
#[server(endpoint = "create_token")]
pub async fn create_token(csrf: String, name: String) -> Result<TokenOutcome, ApiError> {
    let me = super::signed_in(Some(&csrf))?;
    super::dashboard()?
        .tokens
        .change_token(me.id, name, None)
        .await
        .map_err(ApiError::from)
}

/// Revokes one of the signed-in operator's tokens.
#[server(endpoint = "revoke_token")]
pub async fn revoke_token(csrf: String, id: String) -> Result<TokenOutcome, ApiError> {
    let me = super::signed_in(Some(&csrf))?;
    super::dashboard()?
        .tokens
        .change_token(me.id, String::new(), Some(id))
        .await
        .map_err(ApiError::from)
}

/// Removes another operator: their role, tokens and sessions end. Admins only.
#[server(endpoint = "remove_operator")]
pub async fn remove_operator(csrf: String, email: String) -> Result<AccessOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(AccessOutcome::NotAdmin);
    };
    super::dashboard()?
        .operators
        .change_operator_access(admin, email, true)
        .await
        .map_err(ApiError::from)
}

/// Signs another operator out everywhere. Admins only.
#[server(endpoint = "end_operator_sessions")]
pub async fn end_operator_sessions(csrf: String, email: String) -> Result<AccessOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(AccessOutcome::NotAdmin);
    };
    super::dashboard()?
        .operators
        .change_operator_access(admin, email, false)
        .await
        .map_err(ApiError::from)
}

/// Forgets the wrong passwords counted at another operator's address, so
/// they can sign in again from every client. Admins only.
#[server(endpoint = "unlock_operator")]
pub async fn unlock_operator(csrf: String, email: String) -> Result<AccessOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(AccessOutcome::NotAdmin);
    };
    super::dashboard()?
        .operators
        .unlock_operator(admin, email)
        .await
        .map_err(ApiError::from)
}

/// Signs out the invitee of invitation `id` everywhere. Admins only.
#[server(endpoint = "end_invitee_sessions")]
pub async fn end_invitee_sessions(csrf: String, id: String) -> Result<AccessOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(AccessOutcome::NotAdmin);
    };
    super::dashboard()?
        .sessions
        .end_sessions(admin, Some(id))
        .await
        .map_err(ApiError::from)
}

/// Signs everyone out, operators and customers, but the admin asking. Admins only.
#[server(endpoint = "end_every_session")]
pub async fn end_every_session(csrf: String) -> Result<AccessOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(AccessOutcome::NotAdmin);
    };
    super::dashboard()?
        .sessions
        .end_sessions(admin, None)
        .await
        .map_err(ApiError::from)
}

/// The signed-in operator's live sessions, newest first.
#[server(endpoint = "list_own_sessions")]
pub async fn list_own_sessions() -> Result<Vec<SessionRow>, ApiError> {
    let me = super::signed_in(None)?;
    super::dashboard()?
        .sessions
        .own_sessions(me.id, me.session)
        .await
        .map_err(ApiError::from)
}

/// Ends one of the operator's other sessions (`id`), or all of them (`id`
/// empty), once they give their password again.
#[server(endpoint = "end_own_sessions")]
pub async fn end_own_sessions(
    csrf: String,
    password: String,
    id: String,
) -> Result<EndSessionsOutcome, ApiError> {
    let me = super::signed_in(Some(&csrf))?;
    let which = (!id.is_empty()).then_some(id);
    super::dashboard()?
        .sessions
        .end_own_sessions(me.id, me.session, password, which)
        .await
        .map_err(ApiError::from)
}
