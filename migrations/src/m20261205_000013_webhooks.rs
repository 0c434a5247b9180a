//! Signed webhooks (issue 21): the endpoints an organization's admins
//! register, and one delivery per event and endpoint, written in the
//! transaction of the change it reports and worked off like the email outbox.
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000013_webhooks"
    }
}

#[derive(DeriveIden)]
enum WebhookEndpoint {
    Table,
    Id,
    OrganizationId,
    Url,
    Events,
    SecretSealed,
    AllowPrivate,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookDelivery {
    Table,
    Id,
    EventId,
    EndpointId,
    OrganizationId,
    EventType,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    ClaimedBy,
    LastStatus,
    LastError,
    CreatedAt,
    DeliveredAt,
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
                .table(WebhookEndpoint::Table)
                .col(pk_uuid(WebhookEndpoint::Id))
                .col(uuid(WebhookEndpoint::OrganizationId))
                .col(text(WebhookEndpoint::Url))
                // The event names it receives, a JSON array of strings.
                .col(json(WebhookEndpoint::Events))
                // The signing secret, sealed with the server key: Lobby needs
                // it to sign, so it cannot keep only a hash.
                .col(text(WebhookEndpoint::SecretSealed))
                // Private, loopback and link-local addresses allowed.
                .col(boolean(WebhookEndpoint::AllowPrivate))
                .col(uuid_null(WebhookEndpoint::CreatedBy))
                .col(timestamp_with_time_zone(WebhookEndpoint::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_webhook_endpoint_organization")
                        .from(WebhookEndpoint::Table, WebhookEndpoint::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WebhookDelivery::Table)
                .col(pk_uuid(WebhookDelivery::Id))
                // The `webhook-id`: one per event, the same for every
                // endpoint and every attempt, so receivers can drop repeats.
                .col(uuid(WebhookDelivery::EventId))
                .col(uuid(WebhookDelivery::EndpointId))
                .col(uuid(WebhookDelivery::OrganizationId))
                .col(string(WebhookDelivery::EventType))
                // The body exactly as signed and sent.
                .col(text(WebhookDelivery::Payload))
                .col(string(WebhookDelivery::Status))
                .col(integer(WebhookDelivery::Attempts))
                .col(timestamp_with_time_zone(WebhookDelivery::NextAttemptAt))
                .col(timestamp_with_time_zone_null(WebhookDelivery::ClaimedUntil))
                .col(uuid_null(WebhookDelivery::ClaimedBy))
                // The HTTP status of the last answer, if there was one.
                .col(integer_null(WebhookDelivery::LastStatus))
                .col(text_null(WebhookDelivery::LastError))
                .col(timestamp_with_time_zone(WebhookDelivery::CreatedAt))
                .col(timestamp_with_time_zone_null(WebhookDelivery::DeliveredAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_webhook_delivery_endpoint")
                        .from(WebhookDelivery::Table, WebhookDelivery::EndpointId)
                        .to(WebhookEndpoint::Table, WebhookEndpoint::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // What the worker looks for, and what the dashboard lists.
        m.create_index(
            Index::create()
                .name("idx_webhook_delivery_due")
                .table(WebhookDelivery::Table)
                .col(WebhookDelivery::Status)
                .col(WebhookDelivery::NextAttemptAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhook_delivery_endpoint")
                .table(WebhookDelivery::Table)
                .col(WebhookDelivery::EndpointId)
                .col(WebhookDelivery::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookDelivery::Table.into_iden(),
            WebhookEndpoint::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
