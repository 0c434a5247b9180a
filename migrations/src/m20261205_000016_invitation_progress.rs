//! Where each customer stands (issue 23, point 3): the furthest step of an
//! invitation's way in and since when, for the list's filter, and the facts
//! of each step that nothing else keeps (the link opened, how the customer
//! signed in, the welcome page reached).
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000016_invitation_progress"
    }
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    OrganizationId,
    Progress,
    ProgressAt,
    FirstOpenedAt,
    LastOpenedAt,
    SignedInAt,
    SignInMethod,
    SignInSource,
    WelcomedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column at a time: SQLite adds one per statement.
        let columns = [
            string(Invitation::Progress).default("invited").to_owned(),
            timestamp_with_time_zone_null(Invitation::ProgressAt),
            timestamp_with_time_zone_null(Invitation::FirstOpenedAt),
            timestamp_with_time_zone_null(Invitation::LastOpenedAt),
            timestamp_with_time_zone_null(Invitation::SignedInAt),
            string_null(Invitation::SignInMethod),
            string_null(Invitation::SignInSource),
            timestamp_with_time_zone_null(Invitation::WelcomedAt),
        ];
        for mut column in columns {
            m.alter_table(
                Table::alter()
                    .table(Invitation::Table)
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
        }
        // What is known of the invitations made before: created, or signed in
        // when accepted.
        let db = m.get_connection();
        db.execute_unprepared("UPDATE invitation SET progress_at = created_at")
            .await?;
        db.execute_unprepared(
            "UPDATE invitation SET progress = 'signed_in', progress_at = redeemed_at, \
             signed_in_at = redeemed_at WHERE redeemed_at IS NOT NULL",
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_invitation_progress")
                .table(Invitation::Table)
                .col(Invitation::OrganizationId)
                .col(Invitation::Progress)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_invitation_progress")
                .table(Invitation::Table)
                .to_owned(),
        )
        .await?;
        for column in [
            Invitation::Progress,
            Invitation::ProgressAt,
            Invitation::FirstOpenedAt,
            Invitation::LastOpenedAt,
            Invitation::SignedInAt,
            Invitation::SignInMethod,
            Invitation::SignInSource,
            Invitation::WelcomedAt,
        ] {
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
