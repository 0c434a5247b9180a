//! Writing messages to the outbox table.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use uuid::Uuid;

use crate::clock::Clock;
use crate::store::entities::email_outbox;

/// Waiting for delivery (again, after a failed attempt).
pub const PENDING: &str = "pending";
/// Accepted by the mail server.
pub const SENT: &str = "sent";
/// Gave up after the retry policy's last attempt; kept with its last error.
pub const FAILED: &str = "failed";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: String,
    pub cc: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// Queues `email` on `conn`. Pass the transaction of the change that causes the
/// email, so that both commit or neither does.
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    email: OutgoingEmail,
    clock: &dyn Clock,
) -> Result<Uuid, DbErr> {
    let now = clock.now();
    let id = Uuid::new_v4();
    email_outbox::ActiveModel {
        id: Set(id),
        to_address: Set(email.to),
        cc_address: Set(email.cc),
        subject: Set(email.subject),
        body_text: Set(email.text),
        body_html: Set(email.html),
        status: Set(PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        claimed_by: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(id)
}
