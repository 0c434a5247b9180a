//! No secret stays readable at rest: the bodies of emails already delivered
//! (or given up on) carried live invitation links, set-password links and
//! codes, and are cleared; rate-limit events were keyed by raw addresses and
//! emails and are now keyed by their hash, so the old ones (of use for a day
//! at most) are removed.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000008_secrets_at_rest"
    }
}

#[derive(DeriveIden)]
enum EmailOutbox {
    Table,
    Status,
    BodyText,
    BodyHtml,
}

#[derive(DeriveIden)]
enum RateLimitEvent {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let clear = Query::update()
            .table(EmailOutbox::Table)
            .value(EmailOutbox::BodyText, "")
            .value(EmailOutbox::BodyHtml, Option::<String>::None)
            .and_where(Expr::col(EmailOutbox::Status).is_in(["sent", "failed"]))
            .to_owned();
        m.exec_stmt(clear).await?;
        m.exec_stmt(Query::delete().from_table(RateLimitEvent::Table).to_owned())
            .await
    }

    async fn down(&self, _: &SchemaManager) -> Result<(), DbErr> {
        // What was cleared is gone; nothing to undo.
        Ok(())
    }
}
