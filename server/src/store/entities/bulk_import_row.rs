//! One data row of a bulk import, its dry-run verdict and its outcome.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bulk_import_row")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub import_id: Uuid,
    /// The row's number as a spreadsheet shows it (the header is row 1).
    #[sea_orm(primary_key, auto_increment = false)]
    pub row_number: i32,
    /// Normalized when valid, else as written.
    pub email: String,
    /// The row's values by column name.
    pub fields: Json,
    /// See `app::model::bulk::Verdict`.
    pub verdict: String,
    /// `[{"column", "code"}]` for invalid rows; the first row for duplicates.
    pub problems: Json,
    /// None until processed; then `created` or why it was skipped.
    pub outcome: Option<String>,
    pub invitation_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
