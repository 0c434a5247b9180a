//! Every redeem ticket an invitation ever had, so that a replaced ticket is
//! recognised as replaced rather than unknown.
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000004_invitation_tickets"
    }
}

#[derive(DeriveIden)]
enum InvitationTicket {
    Table,
    TicketHash,
    InvitationId,
    CreatedAt,
    ReplacedAt,
}

#[derive(DeriveIden)]
enum Invitation {
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
                .table(InvitationTicket::Table)
                .col(string(InvitationTicket::TicketHash).primary_key())
                .col(uuid(InvitationTicket::InvitationId))
                .col(timestamp_with_time_zone(InvitationTicket::CreatedAt))
                .col(timestamp_with_time_zone_null(InvitationTicket::ReplacedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_invitation_ticket_invitation")
                        .from(InvitationTicket::Table, InvitationTicket::InvitationId)
                        .to(Invitation::Table, Invitation::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(InvitationTicket::Table).to_owned())
            .await
    }
}
