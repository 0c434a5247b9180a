//! The role an invitee takes in the existing company their invitation names
//! (`company_admin` or `member`); unset means `member`. An invitee who creates
//! their company is always its `company_admin`.
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000011_invitation_company_role"
    }
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    CompanyRole,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Invitation::Table)
                .add_column(string_null(Invitation::CompanyRole))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Invitation::Table)
                .drop_column(Invitation::CompanyRole)
                .to_owned(),
        )
        .await
    }
}
