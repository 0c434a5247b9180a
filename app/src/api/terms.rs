//! The dashboard's terms of use: shown to operators, published by admins.

use leptos::prelude::*;

use super::ApiError;

use crate::model::terms::{MissingDocuments, TermsOutcome, TermsView};

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

/// Publishes `markdown` (English) and `markdown_ko` (Korean, optional) as
/// the next version; the same texts as the current version publish
/// nothing. Admins only, with the session's CSRF token.
#[server(endpoint = "publish_terms")]
pub async fn publish_terms(
    csrf: String,
    markdown: String,
    markdown_ko: Option<String>,
) -> Result<TermsOutcome, ApiError> {
    let Some(admin) = super::signed_in(Some(&csrf))?.admin() else {
        return Ok(TermsOutcome::NotAdmin);
    };
    let korean = crate::model::terms::korean_text(markdown_ko);
    let problem = crate::model::terms::terms_problem(&markdown).or_else(|| {
        korean
            .as_deref()
            .and_then(crate::model::terms::terms_problem)
    });
    if let Some(problem) = problem {
        return Ok(problem);
    }
    super::dashboard()?
        .terms
        .publish_terms(admin, markdown, korean)
        .await
        .map_err(ApiError::from)
}

/// What customers would not be asked to accept. Operators only.
#[server(endpoint = "missing_documents")]
pub async fn load_missing_documents() -> Result<MissingDocuments, ApiError> {
    super::signed_in(None)?;
    super::dashboard()?
        .terms
        .missing_documents()
        .await
        .map_err(ApiError::from)
}
