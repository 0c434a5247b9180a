//! A customer's IT administrator approves the seller's application (issue
//! 23, point 1): each request carries a `state` bound to one invitation and
//! the tenant it was made for, and records the administrator's answer.
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000015_admin_approval"
    }
}

#[derive(DeriveIden)]
enum AdminApproval {
    Table,
    Id,
    OrganizationId,
    InvitationId,
    ProviderId,
    StateHash,
    Tenant,
    TicketSealed,
    Locale,
    AdminEmail,
    CreatedAt,
    ExpiresAt,
    ApprovedTenant,
    ApprovedAt,
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
                .table(AdminApproval::Table)
                .col(pk_uuid(AdminApproval::Id))
                .col(uuid(AdminApproval::OrganizationId))
                .col(uuid(AdminApproval::InvitationId))
                .col(uuid(AdminApproval::ProviderId))
                // SHA-256 of the `state` the administrator brings back.
                .col(string_uniq(AdminApproval::StateHash))
                // The tenant asked for: its id, or `organizations` when
                // the invitee's domain named none.
                .col(string(AdminApproval::Tenant))
                // The invitee's link, sealed with the server key, for the
                // "you can continue now" email.
                .col(text(AdminApproval::TicketSealed))
                .col(string(AdminApproval::Locale))
                // Whom the invitee asked, the last time.
                .col(string_null(AdminApproval::AdminEmail))
                .col(timestamp_with_time_zone(AdminApproval::CreatedAt))
                .col(timestamp_with_time_zone(AdminApproval::ExpiresAt))
                .col(string_null(AdminApproval::ApprovedTenant))
                .col(timestamp_with_time_zone_null(AdminApproval::ApprovedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_admin_approval_invitation")
                        .from(AdminApproval::Table, AdminApproval::InvitationId)
                        .to(Invitation::Table, Invitation::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_admin_approval_invitation")
                .table(AdminApproval::Table)
                .col(AdminApproval::InvitationId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AdminApproval::Table).to_owned())
            .await
    }
}
