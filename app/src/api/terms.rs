//! The dashboard's terms of use: shown to operators, published by admins.

use leptos::prelude::*;

use super::ApiError;

use crate::model::terms::{TermsOutcome, TermsView};

/// The current terms and how many consents there are. Operators only.
#[server(endpoint = "terms_of_use")]
pub async fn load_terms() -> Result<TermsView, ApiError> {
    super::signed_in(None)?;
    super::dashboard()?
        .terms
        .terms()
        .await
        .map_err(ApiError::from)
}

/// Publishes `markdown` as the next version. Admins only, with the
/// session's CSRF token.
#[server(endpoint = "publish_terms")]
pub async fn publish_terms(csrf: String, markdown: String) -> Result<TermsOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(TermsOutcome::NotAdmin);
    };
    if let Some(problem) = crate::model::terms::terms_problem(&markdown) {
        return Ok(problem);
    }
    let version = super::dashboard()?
        .terms
        .publish_terms(admin, markdown)
        .await
        .map_err(ApiError::from)?;
    Ok(TermsOutcome::Published { version })
}
