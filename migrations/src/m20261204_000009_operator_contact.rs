//! An operator may name a contact address for the invitations they send,
//! other than the address they sign in with (which the invitation email
//! would otherwise show to every invitee).
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000009_operator_contact"
    }
}

#[derive(DeriveIden)]
enum User {
    Table,
    ContactEmail,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(User::Table)
                .add_column(string_null(User::ContactEmail))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(User::Table)
                .drop_column(User::ContactEmail)
                .to_owned(),
        )
        .await
    }
}
