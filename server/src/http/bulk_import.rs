//! The two plain routes of bulk imports: the file upload (a multipart form,
//! so it works without JavaScript) and the result download. The pages in
//! between are Leptos pages using the dashboard port.

use app::i18n::Locale;
use app::model::bulk::{FileProblem, MAX_FILE_BYTES};
use app::model::operator::{same_token, CurrentOperator};
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use sea_orm::EntityTrait;
use uuid::Uuid;

use super::AppState;
use crate::invitations::bulk::preview::{preview, PreviewError, Upload};
use crate::invitations::bulk::report::{result_csv, template_csv};
use crate::store::entities::organization;

/// Where the form posts the file.
pub const UPLOAD_PATH: &str = "/admin/invitations/import";

/// The request body may exceed the file a little: the form's other fields
/// and multipart framing.
pub const BODY_LIMIT: usize = MAX_FILE_BYTES + 256 * 1024;

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "bulk import: storage failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        "service unavailable",
    )
        .into_response()
}

/// Back to the upload form, which says what was wrong.
fn refused(problem: &FileProblem) -> Response {
    Redirect::to(&format!("/admin/invitations/import?{}", problem.to_query())).into_response()
}

/// What the form sent: its CSRF token and the file.
struct Submitted {
    csrf: String,
    file_name: String,
    bytes: Vec<u8>,
}

async fn read_form(mut form: Multipart) -> Result<Submitted, FileProblem> {
    let mut csrf = None;
    let mut file = None;
    // A body over the limit fails here; it is reported as too large.
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            FileProblem::TooLarge
        } else {
            FileProblem::BadForm
        }
    };
    while let Some(mut field) = form.next_field().await.map_err(too_large)? {
        match field.name() {
            Some("csrf") => csrf = Some(field.text().await.map_err(too_large)?),
            Some("file") => {
                let name = field.file_name().unwrap_or("import.csv").to_owned();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(too_large)? {
                    if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                        return Err(FileProblem::TooLarge);
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    match (csrf, file) {
        (Some(csrf), Some((file_name, bytes))) if !file_name.is_empty() || !bytes.is_empty() => {
            Ok(Submitted {
                csrf,
                file_name,
                bytes,
            })
        }
        _ => Err(FileProblem::BadForm),
    }
}

/// `POST /admin/invitations/import`: judges the file and shows the dry run.
pub async fn upload(
    State(state): State<AppState>,
    Extension(operator): Extension<CurrentOperator>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(form) = form else {
        return refused(&FileProblem::BadForm);
    };
    let submitted = match read_form(form).await {
        Ok(s) => s,
        Err(problem) => return refused(&problem),
    };
    if !same_token(&operator.csrf, &submitted.csrf) {
        return (
            StatusCode::FORBIDDEN,
            "the form is out of date; reload the page",
        )
            .into_response();
    }
    let org = match organization::Entity::find_by_id(state.organization_id)
        .one(&state.db)
        .await
    {
        Ok(Some(org)) => org,
        Ok(None) => return unavailable("the organization is missing"),
        Err(e) => return unavailable(e),
    };
    let me = match crate::operators::find_operator(&state.db, org.id, &operator.email).await {
        Ok(Some(me)) => me,
        Ok(None) => return StatusCode::FORBIDDEN.into_response(),
        Err(e) => return unavailable(e),
    };
    let upload = Upload {
        file_name: &submitted.file_name,
        bytes: &submitted.bytes,
    };
    match preview(
        &state.db,
        &org,
        me.id,
        upload,
        &state.public_url,
        state.clock.as_ref(),
    )
    .await
    {
        Ok(id) => Redirect::to(&format!("/admin/imports/{id}")).into_response(),
        Err(PreviewError::File(problem)) => refused(&problem),
        Err(PreviewError::Database(e)) => unavailable(e),
    }
}

/// `GET /admin/imports/template.csv`: every column a file may have, with
/// an example row.
pub async fn template() -> Response {
    match template_csv() {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"invitations-template.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            format!("\u{feff}{csv}"),
        )
            .into_response(),
        Err(e) => unavailable(sea_orm::DbErr::Custom(e.to_string())),
    }
}

/// `GET /admin/imports/{id}/result.csv`: every row with its verdict and outcome.
pub async fn result(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok(id) = Uuid::try_parse(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let locale = Locale::of_request(&headers);
    match result_csv(&state.db, state.organization_id, id, locale).await {
        Ok(Some(csv)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"import-{id}-result.csv\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            // The byte order mark makes spreadsheets read the file as UTF-8.
            format!("\u{feff}{csv}"),
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => unavailable(e),
    }
}
