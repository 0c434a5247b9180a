//! Bulk invitations: an uploaded CSV becomes a dry run with a verdict per row
//! ([`preview`]); once an operator confirms it, a background job creates the
//! invitations and queues their emails ([`job`]); the outcome can be
//! downloaded ([`report`]).

pub mod csv_file;
pub mod job;
pub mod preview;
pub mod report;

use app::model::bulk::RowProblem;
use app::model::company::CompanyField;

use super::create::{CreateRequest, FieldError, MessageInfo};
use csv_file::CsvRow;

/// The API request a row stands for, so that rows meet exactly the rules of
/// `POST /v1.0/invitations`. Bulk invitations always send their email.
fn request_for(
    values: &serde_json::Map<String, serde_json::Value>,
    redirect: &str,
) -> CreateRequest {
    let text = |column: &str| {
        values
            .get(column)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let company: serde_json::Map<String, serde_json::Value> = CompanyField::ALL
        .iter()
        .filter_map(|f| Some((f.api_name().to_owned(), text(f.form_name())?.into())))
        .collect();
    CreateRequest {
        invited_user_email_address: Some(text("email").unwrap_or_default()),
        invite_redirect_url: Some(redirect.to_owned()),
        invited_user_display_name: text("display_name"),
        send_invitation_message: true,
        invited_user_message_info: Some(MessageInfo {
            customized_message_body: text("message"),
            message_language: text("language"),
            cc_recipients: Vec::new(),
        }),
        company: (!company.is_empty()).then_some(company),
        ..CreateRequest::default()
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
        column: error.form_name().to_owned(),
        code: error.code.to_owned(),
        first_row: None,
    }
}
