//! Server-side sessions. The cookie holds a random 256-bit token; the
//! database keeps only its SHA-256, so a leaked database row cannot be used
//! as a cookie. Sessions end after an idle and an absolute timeout, and on
//! sign-out on the server.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::clock::Clock;
use crate::store::entities::session;

/// Operator sessions: 30 minutes without a request, 12 hours in all.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
pub const ABSOLUTE_TIMEOUT: Duration = Duration::from_secs(12 * 3600);

#[derive(Clone, Debug)]
pub struct SessionCookie {
    /// `Secure` and the `__Host-` name prefix when Lobby is served over https.
    pub secure: bool,
}

impl SessionCookie {
    pub fn name(&self) -> &'static str {
        if self.secure {
            "__Host-lobby_session"
        } else {
            "lobby_session"
        }
    }

    pub fn set(&self, token: &str) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!(
            "{}={token}; Path=/; HttpOnly; SameSite=Lax{secure}",
            self.name()
        )
    }

    pub fn clear(&self) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
            self.name()
        )
    }

    /// The token from a `Cookie` request header, if present.
    pub fn token_from(&self, cookie_header: &str) -> Option<String> {
        cookie_header.split(';').find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == self.name() && !value.is_empty()).then(|| value.to_owned())
        })
    }
}

/// A live session and the CSRF token that its forms must carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveSession {
    pub id: String,
    pub user_id: Uuid,
    pub csrf: String,
}

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

fn after(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::hours(1))
}

/// Starts a session for `user_id`; returns the cookie token (shown only here).
pub async fn start(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    clock: &dyn Clock,
) -> Result<String, DbErr> {
    let now = clock.now();
    let token = random_token();
    session::ActiveModel {
        id: Set(digest(&token)),
        user_id: Set(Some(user_id)),
        data: Set(json!({ "csrf": random_token() })),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(after(now, ABSOLUTE_TIMEOUT)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The live session for `token`, marking it as seen; expired ones are deleted.
pub async fn resume(
    db: &impl ConnectionTrait,
    token: &str,
    clock: &dyn Clock,
) -> Result<Option<ActiveSession>, DbErr> {
    let now = clock.now();
    let Some(row) = session::Entity::find_by_id(digest(token)).one(db).await? else {
        return Ok(None);
    };
    let idle_end = after(row.last_seen_at, IDLE_TIMEOUT);
    if now >= row.expires_at || now >= idle_end {
        session::Entity::delete_by_id(row.id).exec(db).await?;
        return Ok(None);
    }
    let (Some(user_id), Some(csrf)) = (row.user_id, row.data["csrf"].as_str().map(str::to_owned))
    else {
        return Ok(None);
    };
    let id = row.id.clone();
    // Writing on every request would be wasteful; a minute's precision is enough.
    if now - row.last_seen_at > chrono::Duration::seconds(60) {
        let mut active = row.into_active_model();
        active.last_seen_at = Set(now);
        active.update(db).await?;
    }
    Ok(Some(ActiveSession { id, user_id, csrf }))
}

/// Ends the session of `token` on the server.
pub async fn end(db: &impl ConnectionTrait, token: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(digest(token))
        .exec(db)
        .await
        .map(|_| ())
}

/// Ends every session of a user (after a password change, for instance).
pub async fn end_all_for(db: &impl ConnectionTrait, user_id: Uuid) -> Result<(), DbErr> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_attributes_follow_the_scheme() {
        let plain = SessionCookie { secure: false };
        assert_eq!(
            plain.set("t"),
            "lobby_session=t; Path=/; HttpOnly; SameSite=Lax"
        );
        let https = SessionCookie { secure: true };
        assert_eq!(
            https.set("t"),
            "__Host-lobby_session=t; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
        assert!(https.clear().contains("Max-Age=0"));
        assert_eq!(
            plain.token_from("a=1; lobby_session=abc; b=2").as_deref(),
            Some("abc")
        );
        assert_eq!(plain.token_from("lobby_session=; b=2"), None);
    }
}
