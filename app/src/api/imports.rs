//! Bulk imports: the list, one import with its progress, and confirming.

use leptos::prelude::*;

use super::ApiError;

use crate::model::bulk::{ConfirmOutcome, ImportSummary, ImportView};

/// The organization's latest imports. Operators only.
#[server(endpoint = "list_imports")]
pub async fn list_imports() -> Result<Vec<ImportSummary>, ApiError> {
    super::signed_in(None)?;
    super::dashboard()?
        .imports
        .imports()
        .await
        .map_err(ApiError::from)
}

/// One import with its counts, progress and a page of rows. Operators only.
#[server(endpoint = "get_import")]
pub async fn get_import(id: String, after: Option<i32>) -> Result<Option<ImportView>, ApiError> {
    super::signed_in(None)?;
    super::dashboard()?
        .imports
        .import_view(id, after)
        .await
        .map_err(ApiError::from)
}

/// Creates the import's valid rows as invitations, in the background. Needs
/// the session's CSRF token.
#[server(endpoint = "confirm_import")]
pub async fn confirm_import(csrf: String, id: String) -> Result<ConfirmOutcome, ApiError> {
    let operator = super::signed_in(Some(&csrf))?;
    super::dashboard()?
        .imports
        .confirm_import(operator.id, id)
        .await
        .map_err(ApiError::from)
}
