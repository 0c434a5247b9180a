//! An uploaded CSV of invitations: a preview until confirmed, then a job.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bulk_import")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub created_by: Uuid,
    pub file_name: String,
    pub file_sha256: String,
    /// `preview`, `queued`, `running` or `done`.
    pub status: String,
    pub total_rows: i32,
    pub processed_rows: i32,
    pub created_count: i32,
    pub skipped_count: i32,
    pub created_at: DateTimeUtc,
    pub confirmed_by: Option<Uuid>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    /// A job runner's lease, as for outbox rows.
    pub claimed_until: Option<DateTimeUtc>,
    pub claimed_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
