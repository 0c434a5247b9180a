//! The dashboard's invitation list.

use leptos::prelude::*;

use crate::model::invitation::InvitationPage;

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
