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
    /// `LOBBY_PRODUCT_NAME` as of the last start; `None`: the organization's name.
    pub product_name: Option<String>,
}

impl Model {
    /// The name of the portal its customers see in emails, titles and footers.
    pub fn portal_name(&self) -> &str {
        self.product_name.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
