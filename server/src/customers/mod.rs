//! The organization's customers as the seller's systems read them over the
//! API (issue 21, point 5): the users its invitations made, in Microsoft
//! Graph's guest-user shape, and the companies they created or joined.

pub mod companies;
pub mod users;

#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("{0}")]
    BadQuery(String),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
}
