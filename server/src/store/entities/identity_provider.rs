//! An OpenID provider an organization federates with; its client secret is
//! sealed with the server key (see `crate::sealed`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "identity_provider")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    /// `oidc`, `google` or `microsoft`.
    pub kind: String,
    pub display_name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret_sealed: String,
    /// The email domains it signs in (lower case).
    pub domains: Json,
    /// Its email claims count as verified for its domains even without
    /// `email_verified`.
    pub authoritative: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
