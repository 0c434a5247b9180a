//! Confirming an import, and the background job that carries it out: rows are
//! processed in chunks, each chunk one transaction with its invitations,
//! emails, audit events and progress, so a crash loses at most the chunk in
//! flight, and that chunk is simply done again.

use std::sync::Arc;
use std::time::Duration;

use app::model::bulk::{ConfirmOutcome, ImportStatus, Verdict};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use tokio::sync::watch;
use uuid::Uuid;

use super::request_for;
use crate::clock::Clock;
use crate::invitations::create::{create_many_in, CreateError, Inviter};
use crate::invitations::request::validate;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::bulk_import::{self, Column};
use crate::store::entities::{bulk_import_row, organization, user};
use crate::webhooks::{self, Event};

/// Confirms a previewed import of `org` on behalf of `operator_id`; the job
/// runner picks it up. Confirming twice queues it once.
pub async fn confirm(
    db: &DatabaseConnection,
    org: Uuid,
    import_id: Uuid,
    operator_id: Uuid,
    clock: &dyn Clock,
) -> Result<ConfirmOutcome, DbErr> {
    let txn = crate::store::begin_write(db).await?;
    let Some(import) = bulk_import::Entity::find_by_id(import_id)
        .filter(Column::OrganizationId.eq(org))
        .one(&txn)
        .await?
    else {
        return Ok(ConfirmOutcome::NotFound);
    };
    if import.status != ImportStatus::Preview.code() {
        return Ok(ConfirmOutcome::AlreadyConfirmed);
    }
    let valid = bulk_import_row::Entity::find()
        .filter(bulk_import_row::Column::ImportId.eq(import_id))
        .filter(bulk_import_row::Column::Verdict.eq(Verdict::Valid.code()))
        .count(&txn)
        .await?;
    if valid == 0 {
        return Ok(ConfirmOutcome::NothingToCreate);
    }
    let now = clock.now();
    bulk_import::Entity::update_many()
        .col_expr(Column::Status, Expr::value(ImportStatus::Queued.code()))
        .col_expr(Column::ConfirmedBy, Expr::value(operator_id))
        .col_expr(Column::ConfirmedAt, Expr::value(now))
        .filter(Column::Id.eq(import_id))
        .exec(&txn)
        .await?;
    let entry = AuditEntry {
        organization_id: Some(org),
        actor_id: Some(operator_id),
        action: "bulk_import.confirmed",
        target_type: "bulk_import",
        target_id: import_id.to_string(),
        details: json!({ "validRows": valid }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(ConfirmOutcome::Queued)
}

pub struct BulkRunner {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub public_url: url::Url,
    /// Rows per transaction.
    pub chunk: u64,
    /// How long a claim protects an import from other runners.
    pub claim_for: Duration,
    /// Pause between looks when nothing is queued.
    pub poll: Duration,
}

/// One claimed import and what its rows need.
struct Claimed {
    import: bulk_import::Model,
    /// Rows up to this number are done (chunks commit in row order).
    done_up_to: i32,
    token: Uuid,
    org: organization::Model,
    inviter: Inviter,
}

impl BulkRunner {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>, public_url: url::Url) -> Self {
        BulkRunner {
            db,
            clock,
            public_url,
            chunk: 250,
            claim_for: Duration::from_secs(120),
            poll: Duration::from_secs(1),
        }
    }

    /// Runs until `shutdown` turns true; it then stops between two chunks.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                break;
            }
            match self.work(&shutdown).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "bulk import pass failed; retrying"),
            }
            tokio::select! {
                _ = shutdown.changed() => {}
                _ = tokio::time::sleep(self.poll) => {}
            }
        }
    }

    /// Claims one confirmed import and works through it until it is done or
    /// `stop` turns true. Returns whether there was one.
    pub async fn work(&self, stop: &watch::Receiver<bool>) -> Result<bool, DbErr> {
        let Some(mut claimed) = self.claim().await? else {
            return Ok(false);
        };
        tracing::info!(import = %claimed.import.id, "bulk import started");
        while !*stop.borrow() {
            if !self.process_chunk(&mut claimed).await? {
                self.finish(&claimed).await?;
                tracing::info!(import = %claimed.import.id, "bulk import done");
                break;
            }
        }
        Ok(true)
    }

    async fn claim(&self) -> Result<Option<Claimed>, DbErr> {
        let now = self.clock.now();
        let token = Uuid::new_v4();
        let claimable = Condition::all()
            .add(Column::Status.is_in([ImportStatus::Queued.code(), ImportStatus::Running.code()]))
            .add(
                Condition::any()
                    .add(Column::ClaimedUntil.is_null())
                    .add(Column::ClaimedUntil.lt(now)),
            );
        let next = Query::select()
            .column(Column::Id)
            .from(bulk_import::Entity)
            .cond_where(claimable.clone())
            .order_by(Column::ConfirmedAt, Order::Asc)
            .limit(1)
            .to_owned();
        bulk_import::Entity::update_many()
            .col_expr(Column::Status, Expr::value(ImportStatus::Running.code()))
            .col_expr(Column::ClaimedBy, Expr::value(token))
            .col_expr(Column::ClaimedUntil, Expr::value(now + self.claim_for))
            .filter(Column::Id.in_subquery(next))
            .filter(claimable)
            .exec(&self.db)
            .await?;
        let Some(import) = bulk_import::Entity::find()
            .filter(Column::ClaimedBy.eq(token))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let org = organization::Entity::find_by_id(import.organization_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("the import's organization".into()))?;
        let operator = import.confirmed_by.unwrap_or(import.created_by);
        let operator = user::Entity::find_by_id(operator)
            .one(&self.db)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("the import's operator".into()))?;
        Ok(Some(Claimed {
            import,
            done_up_to: 0,
            token,
            org,
            inviter: Inviter::from_user(&operator),
        }))
    }

    /// Processes the next chunk of rows; false when none were left.
    async fn process_chunk(&self, job: &mut Claimed) -> Result<bool, DbErr> {
        let id = job.import.id;
        let txn = crate::store::begin_write(&self.db).await?;
        let rows = bulk_import_row::Entity::find()
            .filter(bulk_import_row::Column::ImportId.eq(id))
            .filter(bulk_import_row::Column::Outcome.is_null())
            .filter(bulk_import_row::Column::RowNumber.gt(job.done_up_to))
            .order_by_asc(bulk_import_row::Column::RowNumber)
            .limit(self.chunk)
            .all(&txn)
            .await?;
        if rows.is_empty() {
            return Ok(false);
        }
        let redirect = self.public_url.to_string();
        let allowed = [redirect.clone()];
        // Each row's outcome: its verdict if it was not valid; else what
        // creating it gave.
        let mut outcomes: Vec<(i32, String, Option<Uuid>)> = Vec::with_capacity(rows.len());
        let mut to_create = Vec::new();
        for row in &rows {
            let values = row.fields.as_object().cloned().unwrap_or_default();
            let outcome = if row.verdict != Verdict::Valid.code() {
                row.verdict.clone()
            } else if let Ok(valid) = validate(request_for(&values, &redirect, Some(id)), &allowed)
            {
                to_create.push((outcomes.len(), valid));
                String::new()
            } else {
                Verdict::Invalid.code().to_owned()
            };
            outcomes.push((row.row_number, outcome, None));
        }
        let (at, valid): (Vec<usize>, Vec<_>) = to_create.into_iter().unzip();
        let (org, inviter, url) = (&job.org, &job.inviter, &self.public_url);
        let results = create_many_in(&txn, org, inviter, valid, url, self.clock.as_ref()).await?;
        let mut created = 0;
        for (at, result) in at.into_iter().zip(results) {
            let (code, invitation) = match result {
                Ok(done) => {
                    created += 1;
                    ("created", Some(done.invitation.id))
                }
                Err(CreateError::PendingInvitation { .. }) => {
                    (Verdict::AlreadyInvited.code(), None)
                }
                // A CSV row never resets; an operator's address is an existing user.
                Err(
                    CreateError::ExistingUser { .. }
                    | CreateError::OperatorAccount
                    | CreateError::ResetNeedsAdmin,
                ) => (Verdict::ExistingUser.code(), None),
                Err(CreateError::Invalid(_)) => (Verdict::Invalid.code(), None),
                Err(CreateError::Database(e)) => return Err(e),
            };
            outcomes[at].1 = code.to_owned();
            outcomes[at].2 = invitation;
        }
        record_outcomes(&txn, id, outcomes).await?;
        let done = rows.len() as i32;
        // Progress and a longer claim, only while the claim is still ours.
        let kept = bulk_import::Entity::update_many()
            .col_expr(
                Column::ProcessedRows,
                Expr::col(Column::ProcessedRows).add(done),
            )
            .col_expr(
                Column::CreatedCount,
                Expr::col(Column::CreatedCount).add(created),
            )
            .col_expr(
                Column::SkippedCount,
                Expr::col(Column::SkippedCount).add(done - created),
            )
            .col_expr(
                Column::ClaimedUntil,
                Expr::value(self.clock.now() + self.claim_for),
            )
            .filter(Column::Id.eq(id))
            .filter(Column::ClaimedBy.eq(job.token))
            .exec(&txn)
            .await?;
        if kept.rows_affected == 0 {
            return Err(DbErr::Custom("the import's claim was lost".into()));
        }
        txn.commit().await?;
        if let Some(last) = rows.last() {
            job.done_up_to = last.row_number;
        }
        Ok(true)
    }

    async fn finish(&self, job: &Claimed) -> Result<(), DbErr> {
        let txn = crate::store::begin_write(&self.db).await?;
        let finished = bulk_import::Entity::update_many()
            .col_expr(Column::Status, Expr::value(ImportStatus::Done.code()))
            .col_expr(Column::FinishedAt, Expr::value(self.clock.now()))
            .col_expr(
                Column::ClaimedUntil,
                Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
            )
            .col_expr(Column::ClaimedBy, Expr::value(Option::<Uuid>::None))
            .filter(Column::Id.eq(job.import.id))
            .filter(Column::ClaimedBy.eq(job.token))
            .exec(&txn)
            .await?
            .rows_affected;
        // Another runner took the job over (this one's claim had expired):
        // it finishes it, and says so.
        if finished == 0 {
            return Ok(());
        }
        let done = bulk_import::Entity::find_by_id(job.import.id)
            .one(&txn)
            .await?;
        let totals = done
            .as_ref()
            .map(|i| json!({ "created": i.created_count, "skipped": i.skipped_count }));
        let entry = AuditEntry {
            organization_id: Some(job.org.id),
            actor_id: Some(job.inviter.user_id),
            action: "bulk_import.finished",
            target_type: "bulk_import",
            target_id: job.import.id.to_string(),
            details: totals.unwrap_or_default(),
        };
        audit::record(&txn, entry, self.clock.as_ref()).await?;
        if let Some(done) = done {
            let data = json!({
                "id": done.id,
                "fileName": done.file_name,
                "totalRows": done.total_rows,
                "created": done.created_count,
                "skipped": done.skipped_count,
                "finishedAt": done.finished_at,
            });
            let clock = self.clock.as_ref();
            webhooks::emit(&txn, job.org.id, Event::ImportFinished, data, clock).await?;
        }
        txn.commit().await
    }
}

/// Writes each row's outcome (and invitation) in one statement for the chunk.
async fn record_outcomes(
    txn: &DatabaseTransaction,
    import: Uuid,
    outcomes: Vec<(i32, String, Option<Uuid>)>,
) -> Result<(), DbErr> {
    use bulk_import_row::Column as Row;
    let Some(first) = outcomes.first().map(|o| o.0) else {
        return Ok(());
    };
    let last = outcomes.last().map_or(first, |o| o.0);
    let mut outcome = CaseStatement::new();
    let mut invitation = CaseStatement::new();
    let mut any_invitation = false;
    for (number, code, invitation_id) in outcomes {
        outcome = outcome.case(Row::RowNumber.eq(number), Expr::value(code));
        if let Some(invitation_id) = invitation_id {
            invitation = invitation.case(Row::RowNumber.eq(number), Expr::value(invitation_id));
            any_invitation = true;
        }
    }
    let mut update = bulk_import_row::Entity::update_many().col_expr(
        Row::Outcome,
        outcome.finally(Expr::col(Row::Outcome)).into(),
    );
    // A CASE needs at least one WHEN.
    if any_invitation {
        let invitation = invitation.finally(Expr::col(Row::InvitationId));
        update = update.col_expr(Row::InvitationId, invitation.into());
    }
    update
        .filter(Row::ImportId.eq(import))
        .filter(Row::RowNumber.between(first, last))
        .exec(txn)
        .await
        .map(|_| ())
}
