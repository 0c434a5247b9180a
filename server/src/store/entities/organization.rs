//! The seller that invites its customers (the resource tenant).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub accent_color: String,
    pub logo_url: Option<String>,
    pub privacy_url: Option<String>,
    pub privacy_version: String,
    pub default_locale: String,
    pub verified_domains: Json,
    pub redemption_order: Json,
    pub email_otp_enabled: bool,
    pub trusted_domains: Json,
    pub welcome_links: Json,
    pub allowed_redirect_prefixes: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
