//! Bulk invitation imports: one row per uploaded CSV file, one per data row
//! with its dry-run verdict and, once processed, its outcome.
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000005_bulk_imports"
    }
}

#[derive(DeriveIden)]
enum BulkImport {
    Table,
    Id,
    OrganizationId,
    CreatedBy,
    FileName,
    FileSha256,
    Status,
    TotalRows,
    ProcessedRows,
    CreatedCount,
    SkippedCount,
    CreatedAt,
    ConfirmedBy,
    ConfirmedAt,
    FinishedAt,
    ClaimedUntil,
    ClaimedBy,
}

#[derive(DeriveIden)]
enum BulkImportRow {
    Table,
    ImportId,
    RowNumber,
    Email,
    Fields,
    Verdict,
    Problems,
    Outcome,
    InvitationId,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(BulkImport::Table)
                .col(uuid(BulkImport::Id).primary_key())
                .col(uuid(BulkImport::OrganizationId))
                .col(uuid(BulkImport::CreatedBy))
                .col(string(BulkImport::FileName))
                .col(string(BulkImport::FileSha256))
                .col(string(BulkImport::Status))
                .col(integer(BulkImport::TotalRows))
                .col(integer(BulkImport::ProcessedRows))
                .col(integer(BulkImport::CreatedCount))
                .col(integer(BulkImport::SkippedCount))
                .col(timestamp_with_time_zone(BulkImport::CreatedAt))
                .col(uuid_null(BulkImport::ConfirmedBy))
                .col(timestamp_with_time_zone_null(BulkImport::ConfirmedAt))
                .col(timestamp_with_time_zone_null(BulkImport::FinishedAt))
                .col(timestamp_with_time_zone_null(BulkImport::ClaimedUntil))
                .col(uuid_null(BulkImport::ClaimedBy))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_bulk_import_organization")
                        .from(BulkImport::Table, BulkImport::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_bulk_import_org_created")
                .table(BulkImport::Table)
                .col(BulkImport::OrganizationId)
                .col(BulkImport::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(BulkImportRow::Table)
                .col(uuid(BulkImportRow::ImportId))
                .col(integer(BulkImportRow::RowNumber))
                .col(string(BulkImportRow::Email))
                .col(json(BulkImportRow::Fields))
                .col(string(BulkImportRow::Verdict))
                .col(json(BulkImportRow::Problems))
                .col(string_null(BulkImportRow::Outcome))
                .col(uuid_null(BulkImportRow::InvitationId))
                .primary_key(
                    Index::create()
                        .col(BulkImportRow::ImportId)
                        .col(BulkImportRow::RowNumber),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_bulk_import_row_import")
                        .from(BulkImportRow::Table, BulkImportRow::ImportId)
                        .to(BulkImport::Table, BulkImport::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(BulkImportRow::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(BulkImport::Table).to_owned())
            .await
    }
}
