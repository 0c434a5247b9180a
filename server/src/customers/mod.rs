//! The organization's customers as the seller's systems read them over the
//! API (issue 21, point 5): the users its invitations made, in Microsoft
//! Graph's guest-user shape, and the companies they created or joined.

pub mod companies;
pub mod users;

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A page's place in a list ordered by creation time and id: stable while
/// rows are added.
pub(crate) fn encode_cursor(at: DateTime<Utc>, id: Uuid) -> String {
    format!("{}_{}", at.timestamp_micros(), id.simple())
}

pub(crate) fn decode_cursor(raw: &str) -> Option<(DateTime<Utc>, Uuid)> {
    let (micros, id) = raw.split_once('_')?;
    Some((
        DateTime::from_timestamp_micros(micros.parse().ok()?)?,
        Uuid::try_parse(id).ok()?,
    ))
}

#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("{0}")]
    BadQuery(String),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
}
