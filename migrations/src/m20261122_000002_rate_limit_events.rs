//! Rate-limit events live in the database, so that every server process
//! sharing it counts the same attempts.
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000002_rate_limit_events"
    }
}

#[derive(DeriveIden)]
enum RateLimitEvent {
    Table,
    Id,
    Key,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RateLimitEvent::Table)
                .col(pk_uuid(RateLimitEvent::Id))
                .col(string(RateLimitEvent::Key))
                .col(timestamp_with_time_zone(RateLimitEvent::At))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_rate_limit_event_key_at")
                .table(RateLimitEvent::Table)
                .col(RateLimitEvent::Key)
                .col(RateLimitEvent::At)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RateLimitEvent::Table).to_owned())
            .await
    }
}
