//! Server-side sessions. The cookie holds a random 256-bit token; the
//! database keeps only its SHA-256, so a leaked database row cannot be used
//! as a cookie. Sessions end after an idle and an absolute timeout, and on
//! sign-out on the server. Operators and customers have separate sessions.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::clock::Clock;
use crate::secret::{random_token, token_digest as digest};
use crate::store::entities::session;

/// Operator sessions: 30 minutes without a request, 12 hours in all.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
pub const ABSOLUTE_TIMEOUT: Duration = Duration::from_secs(12 * 3600);

/// Whom a session is for. Operators and customers sign in differently (a
/// customer may use an emailed code), so each has its own cookie and a
/// customer's session never opens the dashboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "lowercase")]
pub enum Audience {
    Operator,
    Customer,
}

impl Audience {
    fn code(self) -> &'static str {
        self.into()
    }

    /// Sessions written before audiences existed are operators'.
    fn of(row: &session::Model) -> Audience {
        row.data["audience"]
            .as_str()
            .and_then(|a| a.parse().ok())
            .unwrap_or(Audience::Operator)
    }
}

#[derive(Clone, Debug)]
pub struct SessionCookie {
    /// `Secure` and the `__Host-` name prefix when Lobby is served over https.
    pub secure: bool,
    pub audience: Audience,
}

impl SessionCookie {
    pub fn operator(secure: bool) -> SessionCookie {
        SessionCookie {
            secure,
            audience: Audience::Operator,
        }
    }

    /// The customers' cookie, served the same way as this one.
    pub fn for_customers(&self) -> SessionCookie {
        SessionCookie {
            secure: self.secure,
            audience: Audience::Customer,
        }
    }

    pub fn name(&self) -> &'static str {
        match (self.audience, self.secure) {
            (Audience::Operator, true) => "__Host-lobby_session",
            (Audience::Operator, false) => "lobby_session",
            (Audience::Customer, true) => "__Host-lobby_visit",
            (Audience::Customer, false) => "lobby_visit",
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

    /// The token from a request's `Cookie` headers, if present.
    pub fn token_in(&self, headers: &axum::http::HeaderMap) -> Option<String> {
        headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| self.token_from(v))
    }
}

/// A live session and the CSRF token that its forms must carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveSession {
    pub id: String,
    pub user_id: Uuid,
    pub csrf: String,
}

fn after(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::hours(1))
}

/// Where a session was started from, so that its owner can tell their
/// sessions apart (ASVS 7.5.2). Both are what the client said, shortened.
#[derive(Clone, Debug, Default)]
pub struct StartedFrom {
    pub agent: String,
    pub address: String,
}

/// How much of a `User-Agent` a session keeps.
const AGENT_MAX_CHARS: usize = 200;

/// Starts an operator's session for `user_id`; returns the cookie token
/// (shown only here).
pub async fn start(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    from: StartedFrom,
    clock: &dyn Clock,
) -> Result<String, DbErr> {
    let agent: String = from.agent.chars().take(AGENT_MAX_CHARS).collect();
    let data = json!({ "csrf": random_token(), "agent": agent, "address": from.address });
    insert(db, Some(user_id), data, clock).await
}

async fn insert(
    db: &impl ConnectionTrait,
    user_id: Option<Uuid>,
    data: serde_json::Value,
    clock: &dyn Clock,
) -> Result<String, DbErr> {
    let now = clock.now();
    let token = random_token();
    session::ActiveModel {
        id: Set(digest(&token)),
        user_id: Set(user_id),
        data: Set(data),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(after(now, ABSOLUTE_TIMEOUT)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Whether a session is within both its absolute and its idle lifetime.
fn is_live(row: &session::Model, now: DateTime<Utc>) -> bool {
    now < row.expires_at && now < after(row.last_seen_at, IDLE_TIMEOUT)
}

/// The live session row for `token`, marked as seen; expired ones are deleted.
async fn live(
    db: &impl ConnectionTrait,
    token: &str,
    clock: &dyn Clock,
) -> Result<Option<session::Model>, DbErr> {
    let now = clock.now();
    let Some(row) = session::Entity::find_by_id(digest(token)).one(db).await? else {
        return Ok(None);
    };
    if !is_live(&row, now) {
        session::Entity::delete_by_id(row.id).exec(db).await?;
        return Ok(None);
    }
    // Writing on every request would be wasteful; a minute's precision is enough.
    if now - row.last_seen_at > chrono::Duration::seconds(60) {
        let mut active = row.clone().into_active_model();
        active.last_seen_at = Set(now);
        active.update(db).await?;
    }
    Ok(Some(row))
}

/// The live operator session for `token`.
pub async fn resume(
    db: &impl ConnectionTrait,
    token: &str,
    clock: &dyn Clock,
) -> Result<Option<ActiveSession>, DbErr> {
    let Some(row) = live(db, token, clock).await? else {
        return Ok(None);
    };
    if Audience::of(&row) != Audience::Operator {
        return Ok(None);
    }
    let (Some(user_id), Some(csrf)) = (row.user_id, row.data["csrf"].as_str().map(str::to_owned))
    else {
        return Ok(None);
    };
    Ok(Some(ActiveSession {
        id: row.id,
        user_id,
        csrf,
    }))
}

/// A customer's session: from their first step on the invitation's pages,
/// before anyone is signed in (the emailed codes are bound to it).
#[derive(Clone, Debug, PartialEq)]
pub struct Visit {
    pub id: String,
    /// Set once sign-in has finished.
    pub user_id: Option<Uuid>,
    /// What the unfinished steps keep (e.g. a new account waiting for its code).
    pub data: serde_json::Value,
}

impl Visit {
    /// How and when the customer signed in: the method and the time.
    pub fn sign_in(&self) -> Option<(&str, DateTime<Utc>)> {
        let signed_in = &self.data["signed_in"];
        let at = DateTime::from_timestamp(signed_in["at"].as_i64()?, 0)?;
        Some((signed_in["method"].as_str()?, at))
    }

    /// The row as a customer's session; `None` for an operator's.
    fn of(row: session::Model) -> Option<Visit> {
        (Audience::of(&row) == Audience::Customer).then_some(Visit {
            id: row.id,
            user_id: row.user_id,
            data: row.data,
        })
    }
}

/// Starts a customer's session before anyone signed in; returns the
/// cookie token and the session.
pub async fn start_visit(
    db: &impl ConnectionTrait,
    clock: &dyn Clock,
) -> Result<(String, Visit), DbErr> {
    let data = json!({ "audience": Audience::Customer.code() });
    let token = insert(db, None, data.clone(), clock).await?;
    let visit = Visit {
        id: digest(&token),
        user_id: None,
        data,
    };
    Ok((token, visit))
}

/// Starts the session of a customer who has just signed in as `user_id`
/// by `method` (`email_otp`, `password`, `federated`…), with what it takes
/// over from the session it replaces (`carried`); returns the cookie
/// token. The apps Lobby signs them in to learn how and when.
pub async fn start_signed_in_visit(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    method: &str,
    carried: serde_json::Map<String, serde_json::Value>,
    clock: &dyn Clock,
) -> Result<String, DbErr> {
    let mut data = json!({
        "audience": Audience::Customer.code(),
        "signed_in": { "method": method, "at": clock.now().timestamp() },
    });
    if let Some(map) = data.as_object_mut() {
        map.extend(carried);
    }
    insert(db, Some(user_id), data, clock).await
}

/// The live customer session for `token`.
pub async fn resume_visit(
    db: &impl ConnectionTrait,
    token: &str,
    clock: &dyn Clock,
) -> Result<Option<Visit>, DbErr> {
    Ok(live(db, token, clock).await?.and_then(Visit::of))
}

/// The customer session `id` that the session layer has just found live.
pub async fn visit_by_id(db: &impl ConnectionTrait, id: &str) -> Result<Option<Visit>, DbErr> {
    Ok(session::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .and_then(Visit::of))
}

/// Keeps `value` under `key` in the customer session `id` (`Null` removes it).
pub async fn set_visit_value(
    db: &impl ConnectionTrait,
    visit: &Visit,
    key: &str,
    value: serde_json::Value,
) -> Result<(), DbErr> {
    let mut data = visit.data.clone();
    if let Some(map) = data.as_object_mut() {
        if value.is_null() {
            map.remove(key);
        } else {
            map.insert(key.to_owned(), value);
        }
    }
    session::Entity::update_many()
        .col_expr(session::Column::Data, sea_orm::sea_query::Expr::value(data))
        .filter(session::Column::Id.eq(visit.id.as_str()))
        .exec(db)
        .await
        .map(|_| ())
}

/// Ends the session of `token` on the server.
pub async fn end(db: &impl ConnectionTrait, token: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(digest(token))
        .exec(db)
        .await
        .map(|_| ())
}

/// Ends the customer session `id` (as [`Visit::id`] holds it).
pub async fn end_visit(db: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(id.to_owned())
        .exec(db)
        .await
        .map(|_| ())
}

/// Ends the sessions that `which` selects; how many there were.
async fn end_where(db: &impl ConnectionTrait, which: Condition) -> Result<u64, DbErr> {
    session::Entity::delete_many()
        .filter(which)
        .exec(db)
        .await
        .map(|r| r.rows_affected)
}

/// Ends every session of a user (after a password change, for instance);
/// how many there were.
pub async fn end_all_for(db: &impl ConnectionTrait, user_id: Uuid) -> Result<u64, DbErr> {
    end_where(
        db,
        Condition::all().add(session::Column::UserId.eq(user_id)),
    )
    .await
}

/// Ends every signed-in session, of operators and customers, but `keep`
/// (the id of the session asking); how many ended. Anonymous visits, which
/// no one has signed in to yet, stay.
pub async fn end_all_but(db: &impl ConnectionTrait, keep: &str) -> Result<u64, DbErr> {
    let which = Condition::all()
        .add(session::Column::UserId.is_not_null())
        .add(session::Column::Id.ne(keep));
    end_where(db, which).await
}

/// An operator's live session, as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnSession {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub agent: String,
    pub address: String,
}

/// The live operator sessions of `user_id`, newest first.
pub async fn live_of(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    clock: &dyn Clock,
) -> Result<Vec<OwnSession>, DbErr> {
    use sea_orm::QueryOrder;
    let now = clock.now();
    let rows = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .order_by_desc(session::Column::CreatedAt)
        .all(db)
        .await?;
    let text = |row: &session::Model, key: &str| row.data[key].as_str().unwrap_or("").to_owned();
    Ok(rows
        .into_iter()
        .filter(|row| is_live(row, now) && Audience::of(row) == Audience::Operator)
        .map(|row| OwnSession {
            agent: text(&row, "agent"),
            address: text(&row, "address"),
            id: row.id,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
        })
        .collect())
}

/// Ends the session `id` if it is `user_id`'s; whether it was.
pub async fn end_one_of(db: &impl ConnectionTrait, user_id: Uuid, id: &str) -> Result<bool, DbErr> {
    let which = Condition::all()
        .add(session::Column::UserId.eq(user_id))
        .add(session::Column::Id.eq(id));
    Ok(end_where(db, which).await? == 1)
}

/// Ends every session of `user_id` but `keep`; how many ended.
pub async fn end_others_of(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    keep: &str,
) -> Result<u64, DbErr> {
    let which = Condition::all()
        .add(session::Column::UserId.eq(user_id))
        .add(session::Column::Id.ne(keep));
    end_where(db, which).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_attributes_follow_the_scheme() {
        let plain = SessionCookie::operator(false);
        assert_eq!(
            plain.set("t"),
            "lobby_session=t; Path=/; HttpOnly; SameSite=Lax"
        );
        let https = SessionCookie::operator(true);
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
        let customer = https.for_customers();
        assert_eq!(customer.name(), "__Host-lobby_visit");
        assert_eq!(customer.token_from("__Host-lobby_session=abc"), None);
    }
}
