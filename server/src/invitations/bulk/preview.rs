//! The dry run: every row of an uploaded file gets a verdict, and the file is
//! kept as an import awaiting confirmation. Nothing is created yet.

use std::collections::{HashMap, HashSet};

use app::model::bulk::{FileProblem, ImportStatus, RowProblem, Verdict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QuerySelect, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::csv_file::{self, CsvRow};
use super::{problem, request_for, stored_values};
use crate::clock::Clock;
use crate::invitations::request::validate;
use crate::invitations::InvitationStatus;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{
    bulk_import, bulk_import_row, company, invitation, membership, org_role, organization, user,
};

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("the file cannot be imported: {0:?}")]
    File(FileProblem),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

pub struct Upload<'a> {
    pub file_name: &'a str,
    pub bytes: &'a [u8],
}

/// A row with its verdict, before it is stored.
struct Judged {
    line: i32,
    email: String,
    values: serde_json::Map<String, serde_json::Value>,
    verdict: Verdict,
    problems: Vec<RowProblem>,
}

/// Judges every row and stores the import as a preview; returns its id.
pub async fn preview(
    db: &DatabaseConnection,
    org: &organization::Model,
    operator_id: Uuid,
    upload: Upload<'_>,
    public_url: &url::Url,
    clock: &dyn Clock,
) -> Result<Uuid, PreviewError> {
    let rows = csv_file::parse(upload.bytes).map_err(PreviewError::File)?;
    let pending = pending_emails(db, org.id, clock).await?;
    let members = member_emails(db, org.id).await?;
    let judged = judge(&rows, public_url, &pending, &members);

    let now = clock.now();
    let id = Uuid::new_v4();
    let file_name: String = upload.file_name.chars().take(200).collect();
    let txn = crate::store::begin_write(db).await?;
    bulk_import::ActiveModel {
        id: Set(id),
        organization_id: Set(org.id),
        created_by: Set(operator_id),
        file_name: Set(file_name.clone()),
        file_sha256: Set(hex::encode(Sha256::digest(upload.bytes))),
        status: Set(ImportStatus::Preview.code().to_owned()),
        total_rows: Set(judged.len() as i32),
        processed_rows: Set(0),
        created_count: Set(0),
        skipped_count: Set(0),
        created_at: Set(now),
        confirmed_by: Set(None),
        confirmed_at: Set(None),
        finished_at: Set(None),
        claimed_until: Set(None),
        claimed_by: Set(None),
    }
    .insert(&txn)
    .await?;
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for chunk in judged.chunks(500) {
        let models = chunk.iter().map(|row| {
            *counts.entry(row.verdict.code()).or_default() += 1;
            bulk_import_row::ActiveModel {
                import_id: Set(id),
                row_number: Set(row.line),
                email: Set(row.email.clone()),
                fields: Set(row.values.clone().into()),
                verdict: Set(row.verdict.code().to_owned()),
                problems: Set(json!(row.problems)),
                outcome: Set(None),
                invitation_id: Set(None),
            }
        });
        bulk_import_row::Entity::insert_many(models)
            .exec_without_returning(&txn)
            .await?;
    }
    let entry = AuditEntry {
        organization_id: Some(org.id),
        actor_id: Some(operator_id),
        action: "bulk_import.uploaded",
        target_type: "bulk_import",
        target_id: id.to_string(),
        details: json!({ "fileName": file_name, "rows": judged.len(), "verdicts": counts }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(id)
}

/// Each row's verdict: the API's rules first, then repeats within the file,
/// then what the organization already has.
fn judge(
    rows: &[CsvRow],
    public_url: &url::Url,
    pending: &HashSet<String>,
    members: &HashSet<String>,
) -> Vec<Judged> {
    let redirect = public_url.to_string();
    let allowed = [redirect.clone()];
    let mut first_seen: HashMap<String, i32> = HashMap::new();
    rows.iter()
        .map(|row| {
            let line = i32::try_from(row.line).unwrap_or(i32::MAX);
            let values = stored_values(row);
            let raw_email = row.values.get("email").cloned().unwrap_or_default();
            let mut problems = match validate(request_for(&values, &redirect, None), &allowed) {
                Ok(valid) if !row.extra_fields => {
                    let email = valid.email().to_owned();
                    let (verdict, problems) = match first_seen.get(&email) {
                        Some(&first) => (
                            Verdict::Duplicate,
                            vec![RowProblem {
                                column: "email".into(),
                                code: "duplicate".into(),
                                first_row: Some(first),
                            }],
                        ),
                        None if pending.contains(&email) => (Verdict::AlreadyInvited, vec![]),
                        None if members.contains(&email) => (Verdict::ExistingUser, vec![]),
                        // Created all the same; the customer corrects these.
                        None => (Verdict::Valid, draft_warnings(&valid)),
                    };
                    first_seen.entry(email.clone()).or_insert(line);
                    return Judged {
                        line,
                        email,
                        values,
                        verdict,
                        problems,
                    };
                }
                Ok(_) => Vec::new(),
                Err(errors) => errors.iter().map(problem).collect(),
            };
            if row.extra_fields {
                problems.push(RowProblem {
                    column: "-".into(),
                    code: "extra_fields".into(),
                    first_row: None,
                });
            }
            Judged {
                line,
                email: raw_email.chars().take(320).collect(),
                values,
                verdict: Verdict::Invalid,
                problems,
            }
        })
        .collect()
}

/// Addresses with an invitation of the organization that can still be redeemed.
async fn pending_emails(
    conn: &impl ConnectionTrait,
    org: Uuid,
    clock: &dyn Clock,
) -> Result<HashSet<String>, DbErr> {
    let rows: Vec<(String, chrono::DateTime<chrono::Utc>)> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::InvitedEmail)
        .column(invitation::Column::ExpiresAt)
        .filter(invitation::Column::OrganizationId.eq(org))
        .filter(invitation::Column::Status.eq(InvitationStatus::PendingAcceptance.code()))
        .into_tuple()
        .all(conn)
        .await?;
    let now = clock.now();
    Ok(rows
        .into_iter()
        .filter(|(_, expires)| *expires > now)
        .map(|(email, _)| email)
        .collect())
}

/// Addresses of accounts in the organization: its operators, the members of
/// its companies, and those who accepted one of its invitations.
async fn member_emails(conn: &impl ConnectionTrait, org: Uuid) -> Result<HashSet<String>, DbErr> {
    let mut ids: HashSet<Uuid> = org_role::Entity::find()
        .select_only()
        .column(org_role::Column::UserId)
        .filter(org_role::Column::OrganizationId.eq(org))
        .into_tuple::<Uuid>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let accepted: Vec<(Option<Uuid>, Option<Uuid>)> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::InvitedUserId)
        .column(invitation::Column::RedeemedBy)
        .filter(invitation::Column::OrganizationId.eq(org))
        .filter(invitation::Column::Status.eq(InvitationStatus::Accepted.code()))
        .into_tuple()
        .all(conn)
        .await?;
    ids.extend(accepted.into_iter().flat_map(|(a, b)| [a, b]).flatten());
    let companies: Vec<Uuid> = company::Entity::find()
        .select_only()
        .column(company::Column::Id)
        .filter(company::Column::OrganizationId.eq(org))
        .into_tuple()
        .all(conn)
        .await?;
    for chunk in companies.chunks(1000) {
        let members: Vec<Uuid> = membership::Entity::find()
            .select_only()
            .column(membership::Column::UserId)
            .filter(membership::Column::CompanyId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(conn)
            .await?;
        ids.extend(members);
    }
    let ids: Vec<Uuid> = ids.into_iter().collect();
    let mut emails = HashSet::new();
    for chunk in ids.chunks(1000) {
        let found: Vec<String> = user::Entity::find()
            .select_only()
            .column(user::Column::Email)
            .filter(user::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(conn)
            .await?;
        emails.extend(found);
    }
    Ok(emails)
}

/// The values of a valid row's company draft that the customer must
/// correct, as the report lists problems (the row is created all the same).
fn draft_warnings(valid: &crate::invitations::request::Valid) -> Vec<RowProblem> {
    valid
        .draft_problems()
        .into_iter()
        .map(|(field, problem)| RowProblem {
            column: app::model::invitation::InvitationField::CompanyField(field)
                .form_name()
                .into_owned(),
            code: problem.code().to_owned(),
            first_row: None,
        })
        .collect()
}
