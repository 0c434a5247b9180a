//! Audit events: who did what to which object, written on the connection (or
//! transaction) of the change itself, so the two commit together.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::Value;
use uuid::Uuid;

use super::entities::audit_event;
use crate::clock::Clock;

pub struct AuditEntry<'a> {
    pub organization_id: Option<Uuid>,
    /// `None` for the command line.
    pub actor_id: Option<Uuid>,
    /// e.g. `invitation.created`.
    pub action: &'a str,
    /// e.g. `invitation`, `user`, `api_token`.
    pub target_type: &'a str,
    pub target_id: String,
    pub details: Value,
}

pub async fn record(
    conn: &impl ConnectionTrait,
    entry: AuditEntry<'_>,
    clock: &dyn Clock,
) -> Result<(), DbErr> {
    event(entry, clock.now()).insert(conn).await.map(|_| ())
}

/// The row for `entry`; for callers that insert many events in one statement.
pub fn event(entry: AuditEntry<'_>, now: DateTime<Utc>) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        organization_id: Set(entry.organization_id),
        actor_id: Set(entry.actor_id),
        action: Set(entry.action.to_owned()),
        target_type: Set(entry.target_type.to_owned()),
        target_id: Set(entry.target_id),
        details: Set(entry.details),
        created_at: Set(now),
    }
}
