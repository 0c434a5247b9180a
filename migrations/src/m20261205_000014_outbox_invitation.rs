//! Which invitation an email is for (issue 23, point 5): the invitation
//! shows whether its email was delivered, is waiting for a retry, or was
//! refused for good, with the mail server's answer.
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000014_outbox_invitation"
    }
}

#[derive(DeriveIden)]
enum EmailOutbox {
    Table,
    InvitationId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(EmailOutbox::Table)
                .add_column(uuid_null(EmailOutbox::InvitationId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_email_outbox_invitation")
                .table(EmailOutbox::Table)
                .col(EmailOutbox::InvitationId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_email_outbox_invitation")
                .table(EmailOutbox::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(EmailOutbox::Table)
                .drop_column(EmailOutbox::InvitationId)
                .to_owned(),
        )
        .await
    }
}
