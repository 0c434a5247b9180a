//! The dashboard's apps: listed for operators, registered and removed by
//! admins. A confidential app's secret comes back once, in the answer that
//! registered it.

use leptos::prelude::*;

use super::ApiError;

use crate::model::apps::{AppForm, AppOutcome, AppsView};

/// The organization's apps. Operators only.
#[server(endpoint = "apps")]
pub async fn load_apps() -> Result<AppsView, ApiError> {
    super::signed_in(None)?;
    super::dashboard()?
        .apps
        .apps()
        .await
        .map_err(ApiError::from)
}

/// Registers an app. Admins only, with the session's CSRF token.
#[server(endpoint = "register_app")]
pub async fn register_app(csrf: String, form: AppForm) -> Result<AppOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(AppOutcome::NotAdmin);
    };
    let app = match form.check() {
        Ok(app) => app,
        Err(problems) => return Ok(AppOutcome::Invalid(problems)),
    };
    let registered = super::dashboard()?
        .apps
        .register_app(admin, app)
        .await
        .map_err(ApiError::from)?;
    Ok(match registered {
        Ok(registered) => AppOutcome::Created(registered),
        Err(problems) => AppOutcome::Invalid(problems),
    })
}

/// Removes an app. Admins only, with the session's CSRF token.
#[server(endpoint = "remove_app")]
pub async fn remove_app(csrf: String, client_id: String) -> Result<AppOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(AppOutcome::NotAdmin);
    };
    super::dashboard()?
        .apps
        .remove_app(admin, client_id)
        .await
        .map_err(ApiError::from)?;
    Ok(AppOutcome::Removed)
}
