//! One published version of an organization's terms of use (Markdown).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "terms_version")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub version: i32,
    #[sea_orm(column_type = "Text")]
    /// The English text.
    pub body_markdown: String,
    pub published_by: Option<Uuid>,
    pub published_at: DateTimeUtc,
    /// The text in each other language, by language code (`{"ko": "…"}`).
    pub translations: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
