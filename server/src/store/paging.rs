//! Paging through a list ordered by creation time and id: the token of a
//! page's place is the last row's time and id, stable while rows are added.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The token that continues after the row created at `at` with `id`.
pub fn encode_cursor(at: DateTime<Utc>, id: Uuid) -> String {
    format!("{}_{}", at.timestamp_micros(), id.simple())
}

/// The time and id a token continues after; `None` for no such token.
pub fn decode_cursor(raw: &str) -> Option<(DateTime<Utc>, Uuid)> {
    let (micros, id) = raw.split_once('_')?;
    Some((
        DateTime::from_timestamp_micros(micros.parse().ok()?)?,
        Uuid::try_parse(id).ok()?,
    ))
}
