//! The invitee's side: what an invitation link shows.

use leptos::prelude::*;

use crate::model::landing::Landing;

/// What the invitation link `ticket` shows; `None` for a link that is none
/// (the page then answers 404 and reveals nothing).
#[server(endpoint = "invitation_landing")]
pub async fn invitation_landing(ticket: String) -> Result<Option<Landing>, ServerFnError> {
    let port = use_context::<crate::ports::RedemptionPort>()
        .ok_or_else(|| ServerFnError::new("unavailable"))?;
    port.0
        .landing(ticket)
        .await
        .map_err(|e| ServerFnError::new(format!("{e:?}")))
}
