//! Invitations remember their cc recipient (a resend copies them again) and
//! whether they reset an earlier redemption (the next redemption then binds a
//! new identity to the same user).
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000006_invitation_cc_and_reset"
    }
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    CcEmail,
    ResetRedemption,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds only one at a time.
        m.alter_table(
            Table::alter()
                .table(Invitation::Table)
                .add_column(string_null(Invitation::CcEmail))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Invitation::Table)
                .add_column(boolean(Invitation::ResetRedemption).default(false))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [Invitation::ResetRedemption, Invitation::CcEmail] {
            m.alter_table(
                Table::alter()
                    .table(Invitation::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
