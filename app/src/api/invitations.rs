//! The dashboard's invitation list.

use leptos::prelude::*;

use crate::model::invitation::{InvitationPage, NewInvitationForm, NewInvitationOutcome};

/// A page of the organization's invitations, newest first. Operators only.
#[server(endpoint = "list_invitations")]
pub async fn list_invitations(
    status: Option<String>,
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
        .invitations(status, cursor)
        .await
        .map_err(|e| ServerFnError::new(format!("{e:?}")))
}

/// Creates an invitation from the dashboard's form. Operators only, and the
/// form must carry the session's CSRF token.
#[server(endpoint = "create_invitation")]
pub async fn create_invitation(
    csrf: String,
    form: NewInvitationForm,
) -> Result<NewInvitationOutcome, ServerFnError> {
    use crate::model::operator::{same_token, CurrentOperator};
    use crate::ports::DashboardPort;

    let operator = use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<CurrentOperator>().cloned());
    let Some(operator) = operator.filter(|o| same_token(&o.csrf, &csrf)) else {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::FORBIDDEN);
        }
        return Err(ServerFnError::new("sign in first"));
    };
    let port = use_context::<DashboardPort>().ok_or_else(|| ServerFnError::new("unavailable"))?;
    port.0
        .create_invitation(operator.email, form)
        .await
        .map_err(|e| ServerFnError::new(format!("{e:?}")))
}
