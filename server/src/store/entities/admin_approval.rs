//! An invitee's request that their IT administrator approve the seller's
//! application for their Microsoft tenant, and the administrator's answer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "admin_approval")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub invitation_id: Uuid,
    pub provider_id: Uuid,
    /// SHA-256 of the `state` the administrator brings back.
    #[sea_orm(unique)]
    pub state_hash: String,
    /// The tenant asked for, or `organizations` when none was known.
    pub tenant: String,
    /// The invitee's link, sealed with the server key and bound to `id`.
    #[sea_orm(column_type = "Text")]
    pub ticket_sealed: String,
    /// The invitee's language, for the emails.
    pub locale: String,
    pub admin_email: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub approved_tenant: Option<String>,
    pub approved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
