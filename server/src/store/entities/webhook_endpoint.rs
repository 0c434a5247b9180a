//! Where an organization wants to hear of its events: a URL, the events it
//! receives, and the secret its deliveries are signed with.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoint")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// The event names it receives (a JSON array of strings).
    pub events: Json,
    /// The `whsec_…` signing secret, sealed with the server key.
    #[sea_orm(column_type = "Text")]
    pub secret_sealed: String,
    /// Private, loopback and link-local addresses may be reached.
    pub allow_private: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
