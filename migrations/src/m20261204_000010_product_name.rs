//! The name of the portal customers see (emails, page titles, footers); unset
//! means the organization's name. Set from LOBBY_PRODUCT_NAME at each start.
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000010_product_name"
    }
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    ProductName,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Organization::Table)
                .add_column(string_null(Organization::ProductName))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Organization::Table)
                .drop_column(Organization::ProductName)
                .to_owned(),
        )
        .await
    }
}
