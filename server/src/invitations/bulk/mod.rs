//! Bulk invitations: an uploaded CSV becomes a dry run with a verdict per row
//! ([`preview`]); once an operator confirms it, a background job creates the
//! invitations and queues their emails ([`job`]); the outcome can be
//! downloaded ([`report`]).

pub mod csv_file;
mod dashboard;
pub mod job;
pub mod preview;
pub mod report;

use app::model::bulk::RowProblem;
use app::model::company::CompanyField;
use uuid::Uuid;

use super::request::{FieldError, NewInvitation};
use csv_file::CsvRow;

/// The invitation a row asks for, by its columns' names, so that rows meet
/// exactly the rules of every other front door. Bulk invitations always
/// send their email; `import` is the import that asks.
fn request_for(
    values: &serde_json::Map<String, serde_json::Value>,
    redirect: &str,
    import: Option<Uuid>,
) -> NewInvitation {
    let text = |column: &str| {
        values
            .get(column)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let company: Vec<(CompanyField, String)> = CompanyField::ALL
        .iter()
        .filter_map(|&f| Some((f, text(f.form_name())?)))
        .collect();
    NewInvitation {
        email: Some(text("email").unwrap_or_default()),
        redirect_url: Some(redirect.to_owned()),
        display_name: text("display_name"),
        message: text("message"),
        language: text("language"),
        company: (!company.is_empty()).then_some(company),
        send_email: true,
        import_id: import,
        ..NewInvitation::default()
    }
}

/// A parsed row's values as stored with the import.
fn stored_values(row: &CsvRow) -> serde_json::Map<String, serde_json::Value> {
    row.values
        .iter()
        .map(|(column, value)| ((*column).to_owned(), value.clone().into()))
        .collect()
}

/// The CSV column behind an API field the rules refused.
fn problem(error: &FieldError) -> RowProblem {
    RowProblem {
        column: error.field.form_name().into_owned(),
        code: error.code.to_owned(),
        first_row: None,
    }
}
