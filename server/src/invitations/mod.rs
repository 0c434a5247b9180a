//! Invitations: validated requests, creation in one transaction with its
//! ticket, email and audit event; listing, resending, revoking; and how an
//! invitation's status looks from outside.

pub mod bulk;
pub mod create;
mod dashboard;
pub mod funnel;
pub mod manage;
pub mod request;
pub mod selection;
pub mod standing;
pub mod ticket;

use chrono::{DateTime, Utc};

use crate::store::entities::invitation;

pub use app::model::invitation::InvitationStatus;

/// The status as Graph shows it: a pending invitation past its expiry is `Expired`.
pub fn status_at(row: &invitation::Model, now: DateTime<Utc>) -> InvitationStatus {
    status_of(&row.status, row.expires_at, now)
}

/// The status of an invitation stored as `code`, expiring at `expires_at`.
pub fn status_of(code: &str, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> InvitationStatus {
    use InvitationStatus::*;
    match InvitationStatus::from_code(code) {
        Some(s @ (Accepted | Revoked)) => s,
        _ if now >= expires_at => Expired,
        _ => PendingAcceptance,
    }
}
