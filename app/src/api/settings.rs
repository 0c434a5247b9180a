//! The dashboard's settings: how invitees sign in.

use leptos::prelude::*;

use crate::model::discovery::{SettingsOutcome, SignInSettings, SignInSettingsForm};

/// The organization's sign-in settings. Operators only.
#[server(endpoint = "sign_in_settings")]
pub async fn load_sign_in_settings() -> Result<SignInSettings, ServerFnError> {
    super::signed_in(None)?;
    super::dashboard()?
        .0
        .sign_in_settings()
        .await
        .map_err(|e| ServerFnError::new(format!("{e:?}")))
}

/// Saves the order of sign-in methods and the passcode switch. Admins
/// only, with the session's CSRF token; an order must name every method once.
#[server(endpoint = "save_sign_in_settings")]
pub async fn save_sign_in_settings(
    csrf: String,
    form: SignInSettingsForm,
) -> Result<SettingsOutcome, ServerFnError> {
    let me = super::signed_in(Some(&csrf))?;
    if me.role != "admin" {
        return Ok(SettingsOutcome::NotAdmin);
    }
    let order = match form.order() {
        Ok(order) => order,
        Err(problem) => return Ok(SettingsOutcome::Invalid(problem)),
    };
    super::dashboard()?
        .0
        .save_sign_in_settings(me.email, order, form.passcode_enabled())
        .await
        .map_err(|e| ServerFnError::new(format!("{e:?}")))?;
    Ok(SettingsOutcome::Saved)
}
