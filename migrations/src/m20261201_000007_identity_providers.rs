//! The identity providers an organization federates with (architecture.md §3.2): a
//! generic OpenID provider for a customer's own domains, Google, Microsoft.
//! The client secret is stored sealed with the server key.
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000007_identity_providers"
    }
}

#[derive(DeriveIden)]
enum IdentityProvider {
    Table,
    Id,
    OrganizationId,
    Kind,
    DisplayName,
    Issuer,
    ClientId,
    ClientSecretSealed,
    Domains,
    Authoritative,
    CreatedAt,
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
                .table(IdentityProvider::Table)
                .col(pk_uuid(IdentityProvider::Id))
                .col(uuid(IdentityProvider::OrganizationId))
                .col(string(IdentityProvider::Kind))
                .col(string(IdentityProvider::DisplayName))
                .col(string(IdentityProvider::Issuer))
                .col(string(IdentityProvider::ClientId))
                .col(string(IdentityProvider::ClientSecretSealed))
                .col(json(IdentityProvider::Domains))
                .col(boolean(IdentityProvider::Authoritative))
                .col(timestamp_with_time_zone(IdentityProvider::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_identity_provider_organization")
                        .from(IdentityProvider::Table, IdentityProvider::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IdentityProvider::Table).to_owned())
            .await
    }
}
