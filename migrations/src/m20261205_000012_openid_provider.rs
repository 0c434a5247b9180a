//! Lobby as the OpenID provider of the seller's apps (issue 21): the apps
//! an organization registers, the keys that sign its tokens (sealed at
//! rest), and the grants its authorization codes stand for.
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000012_openid_provider"
    }
}

#[derive(DeriveIden)]
enum App {
    Table,
    Id,
    OrganizationId,
    ClientId,
    Name,
    RedirectUris,
    PostLogoutUris,
    SecretHash,
    Scopes,
    LaunchUrl,
    CompanyAdminsOnly,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SigningKey {
    Table,
    Id,
    Algorithm,
    PrivateSealed,
    PublicJwk,
    CreatedAt,
    UsableFrom,
}

#[derive(DeriveIden)]
enum AuthorizationGrant {
    Table,
    Id,
    CodeHash,
    AppId,
    UserId,
    OrganizationId,
    RedirectUri,
    CodeChallenge,
    Nonce,
    Scope,
    AuthTime,
    Amr,
    CreatedAt,
    CodeExpiresAt,
    RedeemedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum User {
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
                .table(App::Table)
                .col(pk_uuid(App::Id))
                .col(uuid(App::OrganizationId))
                .col(string_uniq(App::ClientId))
                .col(string(App::Name))
                .col(json(App::RedirectUris))
                .col(json(App::PostLogoutUris))
                // SHA-256 of a 256-bit random secret; none for a public app.
                .col(string_null(App::SecretHash))
                .col(json(App::Scopes))
                .col(string_null(App::LaunchUrl))
                .col(boolean(App::CompanyAdminsOnly))
                .col(timestamp_with_time_zone(App::CreatedAt))
                .col(timestamp_with_time_zone(App::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_app_organization")
                        .from(App::Table, App::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SigningKey::Table)
                // The key id (`kid`).
                .col(string(SigningKey::Id).primary_key())
                .col(string(SigningKey::Algorithm))
                .col(text(SigningKey::PrivateSealed))
                .col(text(SigningKey::PublicJwk))
                .col(timestamp_with_time_zone(SigningKey::CreatedAt))
                // Published from its creation, it signs only from here on.
                .col(timestamp_with_time_zone(SigningKey::UsableFrom))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuthorizationGrant::Table)
                .col(pk_uuid(AuthorizationGrant::Id))
                .col(string_uniq(AuthorizationGrant::CodeHash))
                .col(uuid(AuthorizationGrant::AppId))
                .col(uuid(AuthorizationGrant::UserId))
                .col(uuid(AuthorizationGrant::OrganizationId))
                .col(text(AuthorizationGrant::RedirectUri))
                .col(string(AuthorizationGrant::CodeChallenge))
                .col(text_null(AuthorizationGrant::Nonce))
                .col(text(AuthorizationGrant::Scope))
                .col(timestamp_with_time_zone(AuthorizationGrant::AuthTime))
                .col(json(AuthorizationGrant::Amr))
                .col(timestamp_with_time_zone(AuthorizationGrant::CreatedAt))
                .col(timestamp_with_time_zone(AuthorizationGrant::CodeExpiresAt))
                .col(timestamp_with_time_zone_null(
                    AuthorizationGrant::RedeemedAt,
                ))
                .col(timestamp_with_time_zone_null(AuthorizationGrant::RevokedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_authorization_grant_app")
                        .from(AuthorizationGrant::Table, AuthorizationGrant::AppId)
                        .to(App::Table, App::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_authorization_grant_user")
                        .from(AuthorizationGrant::Table, AuthorizationGrant::UserId)
                        .to(User::Table, User::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuthorizationGrant::Table.into_iden(),
            SigningKey::Table.into_iden(),
            App::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
