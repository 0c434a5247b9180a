//! The dashboard's webhooks: listed with their latest deliveries for
//! operators; registered, removed and resent by admins. An endpoint's
//! signing secret comes back once, in the answer that registered it.

use leptos::prelude::*;

use super::ApiError;

use crate::model::webhooks::{WebhookForm, WebhookOutcome, WebhooksView};

/// The organization's endpoints and their latest deliveries. Operators only.
#[server(endpoint = "webhooks")]
pub async fn load_webhooks() -> Result<WebhooksView, ApiError> {
    super::signed_in(None)?;
    super::dashboard()?
        .webhooks
        .webhooks()
        .await
        .map_err(ApiError::from)
}

/// Registers an endpoint. Admins only, with the session's CSRF token.
#[server(endpoint = "register_webhook")]
pub async fn register_webhook(csrf: String, form: WebhookForm) -> Result<WebhookOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(WebhookOutcome::NotAdmin);
    };
    let webhook = match form.check() {
        Ok(webhook) => webhook,
        Err(problems) => return Ok(WebhookOutcome::Invalid(problems)),
    };
    let registered = super::dashboard()?
        .webhooks
        .register_webhook(admin, webhook)
        .await
        .map_err(ApiError::from)?;
    Ok(match registered {
        Ok(secret) => WebhookOutcome::Created { secret },
        Err(problems) => WebhookOutcome::Invalid(problems),
    })
}

/// Removes an endpoint. Admins only, with the session's CSRF token.
#[server(endpoint = "remove_webhook")]
pub async fn remove_webhook(csrf: String, id: String) -> Result<WebhookOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(WebhookOutcome::NotAdmin);
    };
    let removed = super::dashboard()?
        .webhooks
        .remove_webhook(admin, id)
        .await
        .map_err(ApiError::from)?;
    Ok(match removed {
        true => WebhookOutcome::Removed,
        false => WebhookOutcome::NotFound,
    })
}

/// Makes a delivery due again. Admins only, with the session's CSRF token.
#[server(endpoint = "resend_delivery")]
pub async fn resend_delivery(csrf: String, id: String) -> Result<WebhookOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(WebhookOutcome::NotAdmin);
    };
    let resent = super::dashboard()?
        .webhooks
        .resend_delivery(admin, id)
        .await
        .map_err(ApiError::from)?;
    Ok(match resent {
        true => WebhookOutcome::Resent,
        false => WebhookOutcome::NotFound,
    })
}
