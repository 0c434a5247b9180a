//! What a customer granted an app at the authorization endpoint: the code
//! the app exchanges once (stored hashed), and what the tokens issued from
//! it say. A replayed code revokes the grant, and with it those tokens.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "authorization_grant")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// SHA-256 (hex) of the authorization code.
    #[sea_orm(unique)]
    pub code_hash: String,
    pub app_id: Uuid,
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub redirect_uri: String,
    /// The PKCE S256 challenge.
    pub code_challenge: String,
    pub nonce: Option<String>,
    /// The granted scopes, space-separated.
    pub scope: String,
    /// When the customer signed in (the session's sign-in).
    pub auth_time: DateTimeUtc,
    /// How they signed in (`amr` values, a JSON array).
    pub amr: Json,
    pub created_at: DateTimeUtc,
    pub code_expires_at: DateTimeUtc,
    pub redeemed_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
