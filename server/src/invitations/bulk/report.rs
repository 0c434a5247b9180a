//! What operators see of imports: the list, one import with its counts,
//! progress and rows, and the result file.

use app::i18n::{problem_message, Locale};
use app::model::bulk::{
    ImportRowView, ImportStatus, ImportSummary, ImportView, RowProblem, Verdict, COLUMNS,
    RESULT_COLUMNS, TEMPLATE_EXAMPLE,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::clock::minutes;
use crate::spreadsheet::SpreadsheetCsv;
use crate::store::entities::{bulk_import, bulk_import_row};

/// Rows shown per page of an import.
pub const ROWS_PER_PAGE: u64 = 100;

fn summary(import: &bulk_import::Model) -> ImportSummary {
    ImportSummary {
        id: import.id.to_string(),
        file_name: import.file_name.clone(),
        status: ImportStatus::from_code(&import.status).unwrap_or(ImportStatus::Preview),
        total_rows: import.total_rows,
        created_at: minutes(import.created_at),
    }
}

/// The organization's latest imports, newest first.
pub async fn recent(conn: &impl ConnectionTrait, org: Uuid) -> Result<Vec<ImportSummary>, DbErr> {
    Ok(bulk_import::Entity::find()
        .filter(bulk_import::Column::OrganizationId.eq(org))
        .order_by_desc(bulk_import::Column::CreatedAt)
        .limit(20)
        .all(conn)
        .await?
        .iter()
        .map(summary)
        .collect())
}

fn row_view(row: bulk_import_row::Model) -> ImportRowView {
    ImportRowView {
        row_number: row.row_number,
        email: row.email,
        verdict: Verdict::from_code(&row.verdict).unwrap_or(Verdict::Invalid),
        problems: serde_json::from_value(row.problems).unwrap_or_default(),
        outcome: row.outcome,
    }
}

/// One import of `org` with one page of rows (after row number `after`).
pub async fn view(
    conn: &impl ConnectionTrait,
    org: Uuid,
    id: Uuid,
    after: Option<i32>,
) -> Result<Option<ImportView>, DbErr> {
    let Some(import) = bulk_import::Entity::find_by_id(id)
        .filter(bulk_import::Column::OrganizationId.eq(org))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let counted: Vec<(String, i64)> = bulk_import_row::Entity::find()
        .select_only()
        .column(bulk_import_row::Column::Verdict)
        .column_as(bulk_import_row::Column::RowNumber.count(), "n")
        .filter(bulk_import_row::Column::ImportId.eq(id))
        .group_by(bulk_import_row::Column::Verdict)
        .into_tuple()
        .all(conn)
        .await?;
    let verdict_counts = Verdict::ALL
        .iter()
        .copied()
        .map(|v| {
            let n = counted
                .iter()
                .find(|(c, _)| c == v.code())
                .map_or(0, |(_, n)| *n);
            (v, i32::try_from(n).unwrap_or(i32::MAX))
        })
        .collect();
    let same_file_before = bulk_import::Entity::find()
        .filter(bulk_import::Column::OrganizationId.eq(org))
        .filter(bulk_import::Column::FileSha256.eq(&import.file_sha256))
        .filter(bulk_import::Column::Id.ne(id))
        .filter(bulk_import::Column::ConfirmedAt.is_not_null())
        .order_by_desc(bulk_import::Column::CreatedAt)
        .one(conn)
        .await?;
    let mut rows: Vec<ImportRowView> = bulk_import_row::Entity::find()
        .filter(bulk_import_row::Column::ImportId.eq(id))
        .filter(bulk_import_row::Column::RowNumber.gt(after.unwrap_or(0)))
        .order_by_asc(bulk_import_row::Column::RowNumber)
        .limit(ROWS_PER_PAGE + 1)
        .all(conn)
        .await?
        .into_iter()
        .map(row_view)
        .collect();
    let next_after = if rows.len() as u64 > ROWS_PER_PAGE {
        rows.truncate(ROWS_PER_PAGE as usize);
        rows.last().map(|r| r.row_number)
    } else {
        None
    };
    Ok(Some(ImportView {
        summary: summary(&import),
        verdict_counts,
        processed_rows: import.processed_rows,
        created_count: import.created_count,
        skipped_count: import.skipped_count,
        same_file_imported_at: same_file_before.map(|i| minutes(i.created_at)),
        rows,
        next_after,
    }))
}

/// The import's rows as CSV: every input column the file had (in the
/// template's order), then what Lobby made of the row: its number, verdict,
/// outcome (empty until processed), invitation id and problems in the
/// operator's language. Uploaded again, the added columns are ignored, so
/// the failed rows can be corrected here and sent back.
pub async fn result_csv(
    conn: &impl ConnectionTrait,
    org: Uuid,
    id: Uuid,
    locale: Locale,
) -> Result<Option<String>, DbErr> {
    let known = bulk_import::Entity::find_by_id(id)
        .filter(bulk_import::Column::OrganizationId.eq(org))
        .one(conn)
        .await?
        .is_some();
    if !known {
        return Ok(None);
    }
    let rows = bulk_import_row::Entity::find()
        .filter(bulk_import_row::Column::ImportId.eq(id))
        .order_by_asc(bulk_import_row::Column::RowNumber)
        .all(conn)
        .await?;
    // The columns the file had: those any row gave a value for, and email.
    let inputs: Vec<&str> = COLUMNS
        .into_iter()
        .filter(|c| *c == "email" || rows.iter().any(|r| r.fields.get(c).is_some()))
        .collect();
    let strings = locale.server_strings();
    let mut out = SpreadsheetCsv::default();
    let mut write = |fields: &[&str]| out.row(fields).map_err(|e| DbErr::Custom(e.to_string()));
    let header: Vec<&str> = inputs.iter().copied().chain(RESULT_COLUMNS).collect();
    write(&header)?;
    for row in rows {
        let problems: Vec<RowProblem> = serde_json::from_value(row.problems).unwrap_or_default();
        let problems = problems
            .iter()
            .map(|p| format!("{}: {}", p.column, problem_message(strings, p)))
            .collect::<Vec<_>>()
            .join("; ");
        let invitation = row.invitation_id.map(|i| i.to_string()).unwrap_or_default();
        let number = row.row_number.to_string();
        let value = |column: &str| {
            let given = row.fields.get(column).and_then(|v| v.as_str());
            // An invalid address is stored as written; a valid one normalized.
            match column {
                "email" => given.unwrap_or(&row.email).to_owned(),
                _ => given.unwrap_or_default().to_owned(),
            }
        };
        let mut fields: Vec<String> = inputs.iter().map(|c| value(c)).collect();
        fields.extend([
            number,
            row.verdict.clone(),
            row.outcome.clone().unwrap_or_default(),
            invitation,
            problems,
        ]);
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        write(&fields)?;
    }
    out.finish()
        .map(Some)
        .map_err(|e| DbErr::Custom(e.to_string()))
}

/// A file to fill in: every column a file may have, and one example row.
pub fn template_csv() -> Result<String, csv::Error> {
    let mut out = SpreadsheetCsv::default();
    out.row(&COLUMNS)?;
    out.row(&TEMPLATE_EXAMPLE)?;
    out.finish()
}
