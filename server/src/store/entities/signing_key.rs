//! A key that signs the tokens Lobby issues to apps; the private half is
//! sealed with the server key (see `crate::sealed`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signing_key")]
pub struct Model {
    /// The key id (`kid`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `RS256`.
    pub algorithm: String,
    /// The private key as PKCS#8 PEM, sealed for this row.
    pub private_sealed: String,
    /// The public key as a JWK (JSON text), as the JWKS publishes it.
    pub public_jwk: String,
    pub created_at: DateTimeUtc,
    /// Published from its creation, it signs only from this time on, so
    /// that every instance and every app's cache has seen it first. It
    /// signs until a newer key's time comes.
    pub usable_from: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
