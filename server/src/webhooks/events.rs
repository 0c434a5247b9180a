//! Recording events: one delivery row per endpoint that receives the event,
//! written on the connection (the transaction) of the change it reports,
//! so the two commit together or not at all.

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use uuid::Uuid;

use super::endpoints::receives;
use super::{Event, PENDING};
use crate::clock::Clock;
use crate::invitations::InvitationStatus;
use crate::store::entities::{invitation, user, webhook_delivery, webhook_endpoint};

/// Rows per insert statement: SQLite takes at most 32 766 values in one.
const ROWS_PER_INSERT: usize = 1000;

/// Records that `event` happened in the organization, with `data`.
pub async fn emit(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    event: Event,
    data: Value,
    clock: &dyn Clock,
) -> Result<(), DbErr> {
    emit_all(conn, organization_id, vec![(event, data)], clock.now()).await
}

/// Records several events of the organization at once (a batch of
/// invitations): the endpoints are read once, the rows inserted in a few
/// statements. Nothing is written when no endpoint receives them.
pub async fn emit_all(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    events: Vec<(Event, Value)>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if events.is_empty() {
        return Ok(());
    }
    let endpoints = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::OrganizationId.eq(organization_id))
        .all(conn)
        .await?;
    if endpoints.is_empty() {
        return Ok(());
    }
    let mut rows = Vec::new();
    for (event, data) in events {
        let event_id = Uuid::new_v4();
        let payload = payload(event, &data, now);
        for endpoint in endpoints.iter().filter(|e| receives(e, event)) {
            rows.push(delivery(event_id, endpoint, event, payload.clone(), now));
        }
    }
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(ROWS_PER_INSERT));
        webhook_delivery::Entity::insert_many(std::mem::replace(&mut rows, rest))
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// The body receivers get, as the specification suggests: the event's
/// `type`, when it happened, and its `data`.
fn payload(event: Event, data: &Value, at: DateTime<Utc>) -> String {
    json!({
        "type": event.name(),
        "timestamp": at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "data": data,
    })
    .to_string()
}

fn delivery(
    event_id: Uuid,
    endpoint: &webhook_endpoint::Model,
    event: Event,
    payload: String,
    now: DateTime<Utc>,
) -> webhook_delivery::ActiveModel {
    webhook_delivery::ActiveModel {
        id: Set(Uuid::new_v4()),
        event_id: Set(event_id),
        endpoint_id: Set(endpoint.id),
        organization_id: Set(endpoint.organization_id),
        event_type: Set(event.name().to_owned()),
        payload: Set(payload),
        status: Set(PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        claimed_by: Set(None),
        last_status: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
    }
}

/// What an event about an invitation says of it, in the invitations API's
/// words; never its redeem URL, which is the invitee's alone.
pub fn invitation_data(invitation: &invitation::Model, status: InvitationStatus) -> Value {
    json!({
        "id": invitation.id,
        "invitedUserEmailAddress": invitation.invited_email,
        "invitedUserDisplayName": invitation.invited_display_name,
        "invitedUser": { "id": invitation.invited_user_id },
        "status": status.code(),
        "companyId": invitation.company_id,
    })
}

/// What `consent.given` says: who accepted which versions, through which
/// invitation, and whether on their behalf (their domain is trusted).
pub fn consent_data(
    invitation: &invitation::Model,
    user: &user::Model,
    privacy_version: Option<&str>,
    terms_version: Option<i32>,
    automatic: bool,
) -> Value {
    json!({
        "user": { "id": user.id, "mail": user.email },
        "invitationId": invitation.id,
        "privacyVersion": privacy_version,
        "termsVersion": terms_version,
        "automatic": automatic,
    })
}
