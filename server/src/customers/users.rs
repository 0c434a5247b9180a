//! The organization's customers: the users its invitations made (never its
//! operators), with their state as Graph names it (`PendingAcceptance`
//! until they accept an invitation, then `Accepted`) and the identities
//! they sign in with. Removing one ends their sessions and the tokens the
//! seller's apps hold for them; the audit trail keeps what happened.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use super::ListError;
use crate::auth::session;
use crate::clock::Clock;
use crate::invitations::InvitationStatus;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{identity, invitation, org_role, user};
use crate::store::paging::{decode_cursor, encode_cursor};

/// Graph's `externalUserState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExternalState {
    PendingAcceptance,
    Accepted,
}

impl ExternalState {
    pub fn code(self) -> &'static str {
        match self {
            ExternalState::PendingAcceptance => "PendingAcceptance",
            ExternalState::Accepted => "Accepted",
        }
    }

    pub fn from_code(code: &str) -> Option<ExternalState> {
        match code {
            "PendingAcceptance" => Some(ExternalState::PendingAcceptance),
            "Accepted" => Some(ExternalState::Accepted),
            _ => None,
        }
    }
}

/// A customer as the API shows them.
pub struct Customer {
    pub user: user::Model,
    pub state: ExternalState,
    /// When the state last changed: the acceptance, or the latest invitation.
    pub state_changed_at: DateTime<Utc>,
    pub identities: Vec<identity::Model>,
}

/// What a list asks for (Graph's `$filter` on `mail` and
/// `externalUserState`, `$top`, `$skiptoken`).
#[derive(Default)]
pub struct ListQuery {
    pub mail: Option<String>,
    pub state: Option<ExternalState>,
    pub top: u64,
    pub cursor: Option<String>,
}

pub struct Page {
    pub customers: Vec<Customer>,
    pub next: Option<String>,
}

/// Reads Graph's `$filter` as far as the users list supports it: clauses
/// `mail eq '…'` and `externalUserState eq '…'`, joined by `and`.
pub fn parse_filter(raw: &str) -> Result<(Option<String>, Option<ExternalState>), String> {
    let mut mail = None;
    let mut state = None;
    for clause in raw.split(" and ") {
        let clause = clause.trim();
        let Some((field, value)) = clause.split_once(" eq ") else {
            return Err(format!(
                "$filter supports `field eq 'value'` clauses joined by `and`, not {clause:?}"
            ));
        };
        let value = value.trim();
        let Some(value) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) else {
            return Err(format!(
                "$filter: the value of {} must be in single quotes",
                field.trim()
            ));
        };
        // OData doubles a quote inside a string.
        let value = value.replace("''", "'");
        match field.trim() {
            "mail" => mail = Some(value),
            "externalUserState" => {
                state = Some(ExternalState::from_code(&value).ok_or_else(|| {
                    format!("externalUserState is PendingAcceptance or Accepted, not {value:?}")
                })?);
            }
            other => {
                return Err(format!(
                    "$filter supports mail and externalUserState, not {other:?}"
                ))
            }
        }
    }
    Ok((mail, state))
}

/// The ids of the organization's customers: invited by it, not its operators.
fn customers_of(org: Uuid) -> Condition {
    let invited = Query::select()
        .column(invitation::Column::InvitedUserId)
        .from(invitation::Entity)
        .and_where(Expr::col(invitation::Column::OrganizationId).eq(org))
        .and_where(Expr::col(invitation::Column::InvitedUserId).is_not_null())
        .to_owned();
    let operators = Query::select()
        .column(org_role::Column::UserId)
        .from(org_role::Entity)
        .and_where(Expr::col(org_role::Column::OrganizationId).eq(org))
        .to_owned();
    Condition::all()
        .add(user::Column::Id.in_subquery(invited))
        .add(user::Column::Id.not_in_subquery(operators))
}

/// The organization's customers who accepted one of its invitations.
fn accepted_in(org: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(invitation::Column::RedeemedBy)
        .from(invitation::Entity)
        .and_where(Expr::col(invitation::Column::OrganizationId).eq(org))
        .and_where(Expr::col(invitation::Column::Status).eq(InvitationStatus::Accepted.code()))
        .and_where(Expr::col(invitation::Column::RedeemedBy).is_not_null())
        .to_owned()
}

/// The state and identities of `users`, customers of `org`.
async fn described(
    db: &impl ConnectionTrait,
    org: Uuid,
    users: Vec<user::Model>,
) -> Result<Vec<Customer>, DbErr> {
    let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    let invitations = invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(org))
        .filter(invitation::Column::InvitedUserId.is_in(ids.clone()))
        .all(db)
        .await?;
    let identities = identity::Entity::find()
        .filter(identity::Column::UserId.is_in(ids))
        .order_by_asc(identity::Column::CreatedAt)
        .all(db)
        .await?;
    let accepted = InvitationStatus::Accepted.code();
    Ok(users
        .into_iter()
        .map(|user| {
            let theirs = invitations
                .iter()
                .filter(|i| i.invited_user_id == Some(user.id));
            let acceptance = theirs
                .clone()
                .filter(|i| i.status == accepted && i.redeemed_by == Some(user.id))
                .filter_map(|i| i.redeemed_at)
                .max();
            let (state, state_changed_at) = match acceptance {
                Some(at) => (ExternalState::Accepted, at),
                None => (
                    ExternalState::PendingAcceptance,
                    theirs
                        .map(|i| i.created_at)
                        .max()
                        .unwrap_or(user.created_at),
                ),
            };
            Customer {
                identities: identities
                    .iter()
                    .filter(|i| i.user_id == user.id)
                    .cloned()
                    .collect(),
                user,
                state,
                state_changed_at,
            }
        })
        .collect())
}

/// The organization's customers, oldest first.
pub async fn list(db: &DatabaseConnection, org: Uuid, q: ListQuery) -> Result<Page, ListError> {
    let mut select = user::Entity::find().filter(customers_of(org));
    if let Some(mail) = &q.mail {
        // Stored addresses are normalized; one that cannot be matches nothing.
        let mail =
            app::model::email::normalize_email(mail).unwrap_or_else(|_| mail.trim().to_lowercase());
        select = select.filter(user::Column::Email.eq(mail));
    }
    select = match q.state {
        None => select,
        Some(ExternalState::Accepted) => {
            select.filter(user::Column::Id.in_subquery(accepted_in(org)))
        }
        Some(ExternalState::PendingAcceptance) => {
            select.filter(user::Column::Id.not_in_subquery(accepted_in(org)))
        }
    };
    if let Some(raw) = q.cursor.as_deref() {
        let (at, id) = decode_cursor(raw)
            .ok_or_else(|| ListError::BadQuery("the paging token is not valid".into()))?;
        select = select.filter(
            Condition::any().add(user::Column::CreatedAt.gt(at)).add(
                Condition::all()
                    .add(user::Column::CreatedAt.eq(at))
                    .add(user::Column::Id.gt(id)),
            ),
        );
    }
    let mut rows = select
        .order_by_asc(user::Column::CreatedAt)
        .order_by_asc(user::Column::Id)
        .limit(q.top + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > q.top;
    rows.truncate(q.top as usize);
    let next = more
        .then(|| rows.last().map(|u| encode_cursor(u.created_at, u.id)))
        .flatten();
    Ok(Page {
        customers: described(db, org, rows).await?,
        next,
    })
}

/// The organization's customer `id`, if it is one.
pub async fn get(
    db: &impl ConnectionTrait,
    org: Uuid,
    id: Uuid,
) -> Result<Option<Customer>, DbErr> {
    let found = user::Entity::find_by_id(id)
        .filter(customers_of(org))
        .one(db)
        .await?;
    Ok(described(db, org, found.into_iter().collect()).await?.pop())
}

/// Removes the organization's customer `id`: their sessions end, the
/// grants behind the apps' tokens go with the account (and so do those
/// tokens), their invitations stay, no longer naming them. `false` when
/// they are no customer of the organization.
pub async fn remove(
    db: &DatabaseConnection,
    org: Uuid,
    id: Uuid,
    actor: Uuid,
    clock: &dyn Clock,
) -> Result<bool, DbErr> {
    let txn = crate::store::begin_write(db).await?;
    let Some(found) = user::Entity::find_by_id(id)
        .filter(customers_of(org))
        .one(&txn)
        .await?
    else {
        return Ok(false);
    };
    session::end_all_for(&txn, id).await?;
    user::Entity::delete_by_id(id).exec(&txn).await?;
    let entry = AuditEntry {
        organization_id: Some(org),
        actor_id: Some(actor),
        action: "user.deleted",
        target_type: "user",
        target_id: id.to_string(),
        details: json!({ "mail": found.email }),
    };
    audit::record(&txn, entry, clock).await?;
    let data = json!({ "id": id, "mail": found.email });
    crate::webhooks::emit(&txn, org, crate::webhooks::Event::UserDeleted, data, clock).await?;
    txn.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_reads_mail_and_state_clauses() {
        assert_eq!(
            parse_filter("mail eq 'o''neil@example.com' and externalUserState eq 'Accepted'"),
            Ok((
                Some("o'neil@example.com".into()),
                Some(ExternalState::Accepted)
            ))
        );
        assert!(parse_filter("displayName eq 'x'").is_err());
        assert!(parse_filter("mail eq x").is_err());
        assert!(parse_filter("externalUserState eq 'Expired'").is_err());
        assert!(parse_filter("startswith(mail,'a')").is_err());
    }
}
