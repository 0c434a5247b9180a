//! The dashboard's downloads that are not pages.

use crate::redemption::consents;

/// `GET /admin/consents.csv`: every consent given to the organization, for
/// operators (the admin area's layer admits only them).
pub async fn consents_csv(
    axum::extract::State(state): axum::extract::State<super::AppState>,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    match consents::csv(&state.db, state.organization_id).await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"consents.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            // The byte order mark makes spreadsheets read the file as UTF-8.
            format!("\u{feff}{csv}"),
        )
            .into_response(),
        Err(e) => super::replies::internal(e),
    }
}
