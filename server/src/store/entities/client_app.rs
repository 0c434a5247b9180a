//! An app of the seller's that signs customers in through Lobby (its
//! OpenID provider): where it may send them back, and who may use it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    #[sea_orm(unique)]
    pub client_id: String,
    pub name: String,
    /// Exact redirect URIs (a JSON array of strings).
    pub redirect_uris: Json,
    pub post_logout_uris: Json,
    /// SHA-256 (hex) of the client secret; `None` for a public app (PKCE only).
    pub secret_hash: Option<String>,
    /// The scopes it may ask for (a JSON array of strings).
    pub scopes: Json,
    /// Where its tile on the welcome page leads.
    pub launch_url: Option<String>,
    /// Only customers who are their company's admin may use it.
    pub company_admins_only: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
