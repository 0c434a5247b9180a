//! The dashboard's settings: how invitees sign in.

use leptos::prelude::*;

use super::ApiError;

use crate::model::discovery::{SettingsOutcome, SignInSettings, SignInSettingsForm};

/// The organization's sign-in settings. Operators only.
#[server(endpoint = "sign_in_settings")]
pub async fn load_sign_in_settings() -> Result<SignInSettings, ApiError> {
    super::signed_in(None)?;
    super::dashboard()?
        .settings
        .sign_in_settings()
        .await
        .map_err(ApiError::from)
}

/// Saves the order of sign-in methods and the passcode switch. Admins
/// only, with the session's CSRF token; an order must name every method once.
#[server(endpoint = "save_sign_in_settings")]
pub async fn save_sign_in_settings(
    csrf: String,
    form: SignInSettingsForm,
) -> Result<SettingsOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(SettingsOutcome::NotAdmin);
    };
    let order = match form.order() {
        Ok(order) => order,
        Err(problem) => return Ok(SettingsOutcome::Invalid(problem)),
    };
    super::dashboard()?
        .settings
        .save_sign_in_settings(admin, order, form.passcode_enabled())
        .await
        .map_err(ApiError::from)?;
    Ok(SettingsOutcome::Saved)
}

/// The links of the customers' welcome page, as the form shows them. Operators only.
#[server(endpoint = "welcome_links")]
pub async fn load_welcome_links() -> Result<String, ApiError> {
    super::signed_in(None)?;
    let links = super::dashboard()?
        .settings
        .welcome_links()
        .await
        .map_err(ApiError::from)?;
    Ok(crate::model::journey::welcome_links_text(&links))
}

/// Saves the welcome page's links, one `label | https://address` a line.
/// Admins only, with the session's CSRF token.
#[server(endpoint = "save_welcome_links")]
pub async fn save_welcome_links(
    csrf: String,
    links: String,
) -> Result<crate::model::journey::LinksOutcome, ApiError> {
    use crate::model::journey::{parse_welcome_links, LinksOutcome};
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(LinksOutcome::NotAdmin);
    };
    let links = match parse_welcome_links(&links) {
        Ok(links) => links,
        Err((line, problem)) => return Ok(LinksOutcome::Invalid { line, problem }),
    };
    super::dashboard()?
        .settings
        .save_welcome_links(admin, links)
        .await
        .map_err(ApiError::from)?;
    Ok(LinksOutcome::Saved)
}

/// The privacy statement invitees accept. Operators only.
#[server(endpoint = "privacy_statement")]
pub async fn load_privacy() -> Result<crate::model::journey::Privacy, ApiError> {
    super::signed_in(None)?;
    super::dashboard()?
        .settings
        .privacy()
        .await
        .map_err(ApiError::from)
}

/// Saves the privacy statement's address and version; a new version asks
/// every invitee again. Admins only, with the session's CSRF token.
#[server(endpoint = "save_privacy_statement")]
pub async fn save_privacy(
    csrf: String,
    url: String,
    version: String,
) -> Result<crate::model::journey::PrivacyOutcome, ApiError> {
    use crate::model::journey::{check_privacy, PrivacyOutcome};
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(PrivacyOutcome::NotAdmin);
    };
    let privacy = match check_privacy(&url, &version) {
        Ok(privacy) => privacy,
        Err(problem) => return Ok(PrivacyOutcome::Invalid(problem)),
    };
    super::dashboard()?
        .settings
        .save_privacy(admin, privacy)
        .await
        .map_err(ApiError::from)?;
    Ok(PrivacyOutcome::Saved)
}

/// The organization's own or trusted domains, one a line as the form shows
/// them. Operators only.
#[server(endpoint = "domains")]
pub async fn load_domains(kind: crate::model::domains::DomainKind) -> Result<String, ApiError> {
    super::signed_in(None)?;
    let domains = super::dashboard()?
        .settings
        .domains(kind)
        .await
        .map_err(ApiError::from)?;
    Ok(domains.join("\n"))
}

/// Saves the own or trusted domains. Admins only, with the session's CSRF token.
#[server(endpoint = "save_domains")]
pub async fn save_domains(
    csrf: String,
    kind: crate::model::domains::DomainKind,
    domains: String,
) -> Result<crate::model::domains::DomainsOutcome, ApiError> {
    use crate::model::domains::{parse_domain_list, DomainsOutcome};
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(DomainsOutcome::NotAdmin);
    };
    let domains = match parse_domain_list(&domains) {
        Ok(domains) => domains,
        Err(entry) => return Ok(DomainsOutcome::Invalid(entry)),
    };
    let saved = super::dashboard()?
        .settings
        .save_domains(admin, kind, domains)
        .await
        .map_err(ApiError::from)?;
    Ok(match saved {
        Ok(()) => DomainsOutcome::Saved,
        Err(taken) => DomainsOutcome::Taken(taken),
    })
}
