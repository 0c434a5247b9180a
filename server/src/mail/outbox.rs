//! Writing messages to the outbox table.

use chrono::{DateTime, Utc};
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

impl OutgoingEmail {
    /// A plain notice to one address: `text`, and `body` in the simple
    /// document every such email shares.
    pub fn notice(
        locale: app::i18n::Locale,
        to: &str,
        subject: String,
        text: String,
        body: crate::html::Html,
    ) -> Self {
        let html = crate::html!(
            "<!DOCTYPE html><html lang=\"{lang}\"><body style=\"font-family:system-ui,sans-serif\">{body}</body></html>",
            lang = locale.code(),
            body = body,
        )
        .into_string();
        OutgoingEmail {
            to: to.to_owned(),
            cc: None,
            subject,
            text,
            html: Some(html),
        }
    }
}

/// Queues `email` on `conn`. Pass the transaction of the change that causes the
/// email, so that both commit or neither does.
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    email: OutgoingEmail,
    clock: &dyn Clock,
) -> Result<Uuid, DbErr> {
    Ok(queued(email, clock.now()).insert(conn).await?.id)
}

/// The outbox row for `email`, due at once; for callers that insert many
/// rows in one statement.
pub fn queued(email: OutgoingEmail, now: DateTime<Utc>) -> email_outbox::ActiveModel {
    email_outbox::ActiveModel {
        id: Set(Uuid::new_v4()),
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
        invitation_id: Set(None),
    }
}

/// The outbox row for the email of invitation `invitation_id`, due at once.
pub fn queued_for(
    email: OutgoingEmail,
    invitation_id: Uuid,
    now: DateTime<Utc>,
) -> email_outbox::ActiveModel {
    email_outbox::ActiveModel {
        invitation_id: Set(Some(invitation_id)),
        ..queued(email, now)
    }
}
