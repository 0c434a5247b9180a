//! A user's acceptance of an organization's privacy statement and terms.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub organization_id: Uuid,
    /// The privacy statement's version; `None` when the organization had
    /// none to accept.
    pub privacy_version: Option<String>,
    /// The terms' version and the language they were read in; `None` when
    /// the organization had published none.
    pub terms_version: Option<i32>,
    pub automatic: bool,
    pub client_address: Option<String>,
    pub user_agent: Option<String>,
    pub accepted_at: DateTimeUtc,
    pub terms_language: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
