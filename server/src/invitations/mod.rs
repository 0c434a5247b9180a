//! Invitations: validated requests, creation in one transaction with its
//! ticket, email and audit event; listing, resending, revoking; and how an
//! invitation's status looks from outside.

pub mod bulk;
pub mod create;
pub mod manage;
pub mod ticket;

use chrono::{DateTime, Utc};

use crate::store::entities::invitation;

pub const PENDING: &str = "PendingAcceptance";
pub const ACCEPTED: &str = "Accepted";
pub const REVOKED: &str = "Revoked";
pub const EXPIRED: &str = "Expired";

/// The status as Graph shows it: a pending invitation past its expiry is `Expired`.
pub fn status_at(row: &invitation::Model, now: DateTime<Utc>) -> &'static str {
    match row.status.as_str() {
        ACCEPTED => ACCEPTED,
        REVOKED => REVOKED,
        _ if now >= row.expires_at => EXPIRED,
        _ => PENDING,
    }
}
