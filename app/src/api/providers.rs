//! The dashboard's identity providers: listed for operators, added and
//! removed by admins. Client secrets go in and never come back out.

use leptos::prelude::*;

use super::ApiError;

use crate::model::providers::{ProviderForm, ProviderOutcome, ProvidersView};

/// The organization's providers and the redirect URI to register. Operators only.
#[server(endpoint = "identity_providers")]
pub async fn load_providers() -> Result<ProvidersView, ApiError> {
    super::signed_in(None)?;
    super::dashboard()?
        .providers
        .providers()
        .await
        .map_err(ApiError::from)
}

/// Adds a provider. Admins only, with the session's CSRF token.
#[server(endpoint = "add_identity_provider")]
pub async fn add_provider(csrf: String, form: ProviderForm) -> Result<ProviderOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(ProviderOutcome::NotAdmin);
    };
    let provider = match form.check() {
        Ok(provider) => provider,
        Err(problems) => return Ok(ProviderOutcome::Invalid(problems)),
    };
    let added = super::dashboard()?
        .providers
        .add_provider(admin, provider)
        .await
        .map_err(ApiError::from)?;
    Ok(match added {
        Ok(()) => ProviderOutcome::Saved,
        Err(problems) => ProviderOutcome::Invalid(problems),
    })
}

/// Removes a provider. Admins only, with the session's CSRF token.
#[server(endpoint = "remove_identity_provider")]
pub async fn remove_provider(csrf: String, id: String) -> Result<ProviderOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(ProviderOutcome::NotAdmin);
    };
    super::dashboard()?
        .providers
        .remove_provider(admin, id)
        .await
        .map_err(ApiError::from)?;
    Ok(ProviderOutcome::Removed)
}
