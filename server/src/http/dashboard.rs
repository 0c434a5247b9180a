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

/// `GET /admin/invitations.csv`: the invitations as the list filters them
/// (its query string: status, step, failed emails, search, period, import,
/// inviter), with each customer's progress, for operators. A filter value
/// that is not one is left out, as the list does.
pub async fn invitations_csv(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> axum::response::Response {
    use crate::invitations::manage::ListQuery;
    use crate::invitations::standing;
    use app::model::invitation::ListFilter;
    use axum::http::header;
    use axum::response::IntoResponse;
    let filter = ListFilter::from_query(&query.unwrap_or_default());
    let today = state.clock.now().date_naive();
    let query = ListQuery::of_filter(&filter, today, 1000);
    let org = state.organization_id;
    match standing::csv(&state.db, org, query, state.clock.as_ref()).await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"invitations.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            format!("\u{feff}{csv}"),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "exporting the invitations failed");
            super::replies::internal(sea_orm::DbErr::Custom(e.to_string()))
        }
    }
}
