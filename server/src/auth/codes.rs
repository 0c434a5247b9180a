//! Six-digit codes sent by email: the one-time passcode sign-in, a new
//! account's address check and the password reset (architecture.md §4). A code is
//! valid 10 minutes, works once, allows 5 wrong tries before a new one is
//! needed, is sent again only after 60 s, is kept as an HMAC under the
//! server key (six digits are too few for a plain hash to hide them), and
//! works only for the browser session that asked for it.

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use sha2::Sha256;
use uuid::Uuid;

use crate::clock::Clock;
use crate::secret::Secret;
use crate::store::entities::verification_code::{self, Column};

pub const VALIDITY: chrono::Duration = chrono::Duration::minutes(10);
pub const ATTEMPTS: i32 = 5;
pub const RESEND_AFTER: chrono::Duration = chrono::Duration::seconds(60);

#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Purpose {
    /// Email one-time passcode sign-in.
    SignIn,
    /// Proves a new Lobby account owns its address.
    VerifyEmail,
    /// "Forgot password".
    ResetPassword,
}

impl Purpose {
    /// The name stored with each code.
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// What asking for a code gave.
#[derive(Debug)]
pub enum Issued {
    /// The code to send; earlier codes of this session and purpose no longer work.
    Code {
        code: Secret<String>,
        expires_at: DateTime<Utc>,
    },
    /// A code went to this address less than [`RESEND_AFTER`] ago.
    TooSoon { wait_seconds: i64 },
}

/// What checking an entered code gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checked {
    Accepted,
    /// Wrong; this many tries are left (at 0 a new code is needed).
    Wrong {
        attempts_left: i32,
    },
    /// Not six digits: no try is used up.
    Malformed,
    /// No live code for this session: none asked for, used, expired, or out
    /// of tries. The same answer for each, so it tells nothing.
    NeedNew,
}

/// Who asks: the address, for what, and the browser session.
pub struct Request<'a> {
    pub purpose: Purpose,
    pub email: &'a str,
    pub session_id: &'a str,
}

fn digest(key: &[u8; 32], id: Uuid, code: &str) -> String {
    // HMAC takes keys of any length; this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(id.as_bytes());
    mac.update(code.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A fresh code for `who`, in the caller's transaction (with the email that
/// carries it).
pub async fn issue(
    conn: &impl ConnectionTrait,
    key: &[u8; 32],
    who: &Request<'_>,
    clock: &dyn Clock,
) -> Result<Issued, DbErr> {
    let now = clock.now();
    let latest = verification_code::Entity::find()
        .filter(Column::Purpose.eq(who.purpose.code()))
        .filter(Column::Email.eq(who.email))
        .order_by_desc(Column::CreatedAt)
        .one(conn)
        .await?;
    if let Some(last) = latest.filter(|c| now - c.created_at < RESEND_AFTER) {
        let wait = RESEND_AFTER - (now - last.created_at);
        return Ok(Issued::TooSoon {
            wait_seconds: std::cmp::max(wait.num_seconds(), 1),
        });
    }
    // A new code replaces this session's earlier ones.
    verification_code::Entity::update_many()
        .col_expr(Column::ConsumedAt, Expr::value(now))
        .filter(Column::Purpose.eq(who.purpose.code()))
        .filter(Column::Email.eq(who.email))
        .filter(Column::SessionId.eq(who.session_id))
        .filter(Column::ConsumedAt.is_null())
        .exec(conn)
        .await?;
    let code = format!("{:06}", rand::random_range(0..1_000_000u32));
    let id = Uuid::new_v4();
    let expires_at = now + VALIDITY;
    verification_code::ActiveModel {
        id: Set(id),
        purpose: Set(who.purpose.code().to_owned()),
        email: Set(who.email.to_owned()),
        code_hash: Set(digest(key, id, &code)),
        session_id: Set(Some(who.session_id.to_owned())),
        attempts_left: Set(ATTEMPTS),
        expires_at: Set(expires_at),
        consumed_at: Set(None),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(Issued::Code {
        code: Secret::new(code),
        expires_at,
    })
}

/// Whether `who` holds a code that can still be entered.
pub async fn waiting(
    conn: &impl ConnectionTrait,
    who: &Request<'_>,
    clock: &dyn Clock,
) -> Result<bool, DbErr> {
    Ok(live(conn, who, clock.now()).await?.is_some())
}

async fn live(
    conn: &impl ConnectionTrait,
    who: &Request<'_>,
    now: DateTime<Utc>,
) -> Result<Option<verification_code::Model>, DbErr> {
    verification_code::Entity::find()
        .filter(Column::Purpose.eq(who.purpose.code()))
        .filter(Column::Email.eq(who.email))
        .filter(Column::SessionId.eq(who.session_id))
        .filter(Column::ConsumedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .filter(Column::AttemptsLeft.gt(0))
        .order_by_desc(Column::CreatedAt)
        .one(conn)
        .await
}

/// Checks `entered` against `who`'s live code. Each step is one guarded
/// update, so concurrent tries cannot use one code twice or share a try.
pub async fn check(
    conn: &impl ConnectionTrait,
    key: &[u8; 32],
    who: &Request<'_>,
    entered: &str,
    clock: &dyn Clock,
) -> Result<Checked, DbErr> {
    let entered: String = entered
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if entered.len() != 6 || !entered.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Checked::Malformed);
    }
    let now = clock.now();
    let Some(live) = live(conn, who, now).await? else {
        return Ok(Checked::NeedNew);
    };
    let usable = Column::Id
        .eq(live.id)
        .and(Column::ConsumedAt.is_null())
        .and(Column::AttemptsLeft.gt(0));
    if app::model::operator::same_token(&digest(key, live.id, &entered), &live.code_hash) {
        let used = verification_code::Entity::update_many()
            .col_expr(Column::ConsumedAt, Expr::value(now))
            .filter(usable)
            .exec(conn)
            .await?;
        return Ok(if used.rows_affected == 1 {
            Checked::Accepted
        } else {
            Checked::NeedNew
        });
    }
    let counted = verification_code::Entity::update_many()
        .col_expr(Column::AttemptsLeft, Expr::col(Column::AttemptsLeft).sub(1))
        .filter(usable)
        .exec(conn)
        .await?;
    Ok(if counted.rows_affected == 1 {
        Checked::Wrong {
            attempts_left: live.attempts_left - 1,
        }
    } else {
        Checked::NeedNew
    })
}
