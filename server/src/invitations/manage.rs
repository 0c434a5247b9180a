//! Listing, resending and revoking invitations.

use app::model::email::normalize_email;
use app::model::invitation::{ListFilter, SortColumn};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::create::{queue_email, Inviter};
use super::selection::Selection;
use super::ticket::{redeem_url, InvitationTicket};
use super::{status_at, InvitationStatus};
use crate::clock::Clock;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{company, invitation, invitation_ticket, organization, user};
use crate::store::paging::{decode_cursor, encode_cursor};
use crate::store::sums::{count, count_where};
use crate::webhooks::{self, Event};

#[derive(Debug, thiserror::Error)]
pub enum ManageError {
    #[error("no such invitation")]
    NotFound,
    #[error("{0}")]
    Conflict(&'static str),
    #[error("{0}")]
    BadQuery(String),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// A page of the list: newest first; `cursor` continues after a row.
#[derive(Clone, Default)]
pub struct ListQuery {
    pub status: Option<String>,
    /// The furthest step reached (the dashboard's "stopped at").
    pub progress: Option<app::model::progress::ProgressStep>,
    /// Only those whose latest email was refused for good.
    pub failed_mail: bool,
    /// A period, an import, an inviter (the overview's funnel).
    pub selection: Selection,
    pub email: Option<String>,
    /// Part of the email, the display name or the company's legal name,
    /// without regard to case.
    pub search: Option<String>,
    /// A column to order by; newest first without one.
    pub sort: Option<app::model::invitation::Sort>,
    pub top: u64,
    pub cursor: Option<String>,
}

impl ListQuery {
    /// The dashboard's list filter, `top` rows a page. A period that is not
    /// one is ignored, as any other value the list does not know.
    pub fn of_filter(filter: &ListFilter, today: chrono::NaiveDate, top: u64) -> ListQuery {
        let selection = Selection::of(&filter.scope, today, false)
            .or_else(|_| {
                let without_period = app::model::overview::Scope {
                    from: None,
                    to: None,
                    ..filter.scope.clone()
                };
                Selection::of(&without_period, today, false)
            })
            .map(|(selection, _)| selection)
            .unwrap_or_default();
        ListQuery {
            status: filter.status.map(|s| s.code().to_owned()),
            progress: filter.progress,
            failed_mail: filter.failed_mail,
            selection,
            search: filter.search.clone(),
            sort: filter.sort,
            top,
            ..ListQuery::default()
        }
    }
}

pub struct Page {
    pub rows: Vec<invitation::Model>,
    /// Pass back as `cursor` for the next page; `None` on the last one.
    pub next: Option<String>,
}

/// The invitations of `org` that `q` selects, in no order and unpaged.
fn selected(
    org: Uuid,
    q: &ListQuery,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Select<invitation::Entity>, ManageError> {
    let mut select = invitation::Entity::find().filter(invitation::Column::OrganizationId.eq(org));
    let status = q
        .status
        .as_deref()
        .map(|s| {
            InvitationStatus::from_code(s).ok_or_else(|| {
                ManageError::BadQuery(format!(
                    "status must be PendingAcceptance, Accepted, Expired or Revoked, not {s:?}"
                ))
            })
        })
        .transpose()?;
    select = match status {
        None => select,
        Some(status) => select.filter(has_status(status, now)),
    };
    if let Some(step) = q.progress {
        select = select.filter(invitation::Column::Progress.eq(step.code()));
    }
    if q.failed_mail {
        select = select.filter(invitation::Column::MailFailedAt.is_not_null());
    }
    select = q.selection.apply(select);
    if let Some(email) = q.email.as_deref() {
        // Stored addresses are normalized; one that cannot be matches nothing.
        let email = normalize_email(email).unwrap_or_else(|_| email.trim().to_lowercase());
        select = select.filter(invitation::Column::InvitedEmail.eq(email));
    }
    if let Some(text) = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let escaped: String = text
            .to_lowercase()
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        let pattern = format!("%{escaped}%");
        let contains = |column: Expr| {
            Expr::expr(Func::lower(column)).like(LikeExpr::new(&pattern).escape('\\'))
        };
        let companies = Query::select()
            .column(company::Column::Id)
            .from(company::Entity)
            .and_where(Expr::col(company::Column::OrganizationId).eq(org))
            .and_where(contains(Expr::col(company::Column::LegalName)))
            .to_owned();
        select = select.filter(
            Condition::any()
                .add(contains(Expr::col(invitation::Column::InvitedEmail)))
                .add(contains(Expr::col(invitation::Column::InvitedDisplayName)))
                .add(invitation::Column::CompanyId.in_subquery(companies)),
        );
    }
    Ok(select)
}

/// The condition of an invitation that has `status` at `now`.
fn has_status(status: InvitationStatus, now: chrono::DateTime<chrono::Utc>) -> Expr {
    let pending = InvitationStatus::PendingAcceptance.code();
    match status {
        InvitationStatus::PendingAcceptance => invitation::Column::Status
            .eq(pending)
            .and(invitation::Column::ExpiresAt.gt(now)),
        InvitationStatus::Expired => invitation::Column::Status
            .eq(pending)
            .and(invitation::Column::ExpiresAt.lte(now)),
        stored => invitation::Column::Status.eq(stored.code()),
    }
}

/// How many invitations of each status `q` selects, whatever its status.
pub async fn counts(
    db: &DatabaseConnection,
    org: Uuid,
    q: &ListQuery,
    clock: &dyn Clock,
) -> Result<Vec<(InvitationStatus, u64)>, ManageError> {
    let now = clock.now();
    let any_status = ListQuery {
        status: None,
        ..q.clone()
    };
    let mut select = selected(org, &any_status, now)?.select_only();
    for &status in InvitationStatus::ALL {
        select = select.expr(count_where(has_status(status, now)));
    }
    type Sums = (Option<i64>, Option<i64>, Option<i64>, Option<i64>);
    let sums: Option<Sums> = select.into_tuple().one(db).await?;
    let (a, b, c, d) = sums.unwrap_or_default();
    let sums = [a, b, c, d].map(count);
    Ok(InvitationStatus::ALL.iter().copied().zip(sums).collect())
}

/// The expression a sort column orders by.
fn sort_key(column: SortColumn) -> Expr {
    use invitation::Column as C;
    // A correlated look-up of the invitation's company or inviter by id.
    match column {
        SortColumn::Email => Expr::col(C::InvitedEmail),
        SortColumn::Name => Expr::col(C::InvitedDisplayName),
        SortColumn::Status => Expr::col(C::Status),
        SortColumn::Progress => Expr::col(C::Progress),
        SortColumn::SignIn => Expr::col(C::SignInMethod),
        SortColumn::Activity => Expr::case(
            Expr::col(C::LastOpenedAt).gt(Expr::col(C::ProgressAt)),
            Expr::col(C::LastOpenedAt),
        )
        .finally(Expr::col(C::ProgressAt))
        .into(),
        SortColumn::Created => Expr::col(C::CreatedAt),
        SortColumn::Expires => Expr::col(C::ExpiresAt),
        SortColumn::Company => Expr::SubQuery(
            None,
            Box::new(
                Query::select()
                    .column(company::Column::LegalName)
                    .from(company::Entity)
                    .and_where(
                        Expr::col((company::Entity, company::Column::Id))
                            .equals((invitation::Entity, C::CompanyId)),
                    )
                    .to_owned()
                    .into(),
            ),
        ),
        SortColumn::Inviter => Expr::SubQuery(
            None,
            Box::new(
                Query::select()
                    .expr(Func::coalesce([
                        Expr::col(user::Column::DisplayName),
                        Expr::col(user::Column::Email),
                    ]))
                    .from(user::Entity)
                    .and_where(
                        Expr::col((user::Entity, user::Column::Id))
                            .equals((invitation::Entity, C::InviterId)),
                    )
                    .to_owned()
                    .into(),
            ),
        ),
    }
}

/// Offset paging of a sorted list: the cursor says how many rows came before.
const OFFSET: &str = "o:";

pub async fn list(
    db: &DatabaseConnection,
    org: Uuid,
    q: ListQuery,
    clock: &dyn Clock,
) -> Result<Page, ManageError> {
    let bad_cursor = || ManageError::BadQuery("the paging token is not valid".into());
    let mut select = selected(org, &q, clock.now())?;
    if let Some(sort) = q.sort {
        // Sorted by a column: paged by position, ties broken by id.
        let skip = match q.cursor.as_deref() {
            Some(raw) => raw
                .strip_prefix(OFFSET)
                .and_then(|n| n.parse::<u64>().ok())
                .ok_or_else(bad_cursor)?,
            None => 0,
        };
        let order = if sort.descending {
            Order::Desc
        } else {
            Order::Asc
        };
        let mut rows = select
            .order_by(sort_key(sort.column), order.clone())
            .order_by(invitation::Column::Id, order)
            .offset(skip)
            .limit(q.top + 1)
            .all(db)
            .await?;
        let more = rows.len() as u64 > q.top;
        rows.truncate(q.top as usize);
        let next = more.then(|| format!("{OFFSET}{}", skip + q.top));
        return Ok(Page { rows, next });
    }
    if let Some(raw) = q.cursor.as_deref() {
        let (at, id) = decode_cursor(raw).ok_or_else(bad_cursor)?;
        select = select.filter(
            Condition::any()
                .add(invitation::Column::CreatedAt.lt(at))
                .add(
                    Condition::all()
                        .add(invitation::Column::CreatedAt.eq(at))
                        .add(invitation::Column::Id.lt(id)),
                ),
        );
    }
    let mut rows = select
        .order_by_desc(invitation::Column::CreatedAt)
        .order_by_desc(invitation::Column::Id)
        .limit(q.top + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > q.top;
    rows.truncate(q.top as usize);
    let next = if more {
        rows.last().map(|row| encode_cursor(row.created_at, row.id))
    } else {
        None
    };
    Ok(Page { rows, next })
}

async fn find(
    txn: &impl sea_orm::ConnectionTrait,
    org: Uuid,
    id: Uuid,
) -> Result<invitation::Model, ManageError> {
    invitation::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .filter(|i| i.organization_id == org)
        .ok_or(ManageError::NotFound)
}

pub struct Resent {
    pub invitation: invitation::Model,
    pub redeem_url: String,
}

/// A new ticket (the old one is then recognised as replaced), a new validity
/// period as long as the first, and the email again.
pub async fn resend(
    db: &DatabaseConnection,
    org: &organization::Model,
    inviter: &Inviter,
    id: Uuid,
    public_url: &url::Url,
    clock: &dyn Clock,
) -> Result<Resent, ManageError> {
    resend_unless_sent_since(db, org, inviter, id, None, public_url, clock)
        .await?
        .ok_or(ManageError::NotFound)
}

/// [`resend`], except that an invitation emailed after `since` is left as
/// it is (`None`): decided on the locked row, so two operators reminding
/// the same customers at once send each of them one email.
async fn resend_unless_sent_since(
    db: &DatabaseConnection,
    org: &organization::Model,
    inviter: &Inviter,
    id: Uuid,
    since: Option<chrono::DateTime<chrono::Utc>>,
    public_url: &url::Url,
    clock: &dyn Clock,
) -> Result<Option<Resent>, ManageError> {
    let now = clock.now();
    let txn = crate::store::begin_write(db).await?;
    let row = find(&txn, org.id, id).await?;
    if since.is_some_and(|since| row.sent_at.is_some_and(|sent| sent > since)) {
        return Ok(None);
    }
    match status_at(&row, now) {
        // A customer who accepted but stopped before the welcome page may
        // be reminded: the new link leads them on where they stopped.
        InvitationStatus::Accepted if row.welcomed_at.is_some() => {
            return Err(ManageError::Conflict(
                "the customer has finished; reset the redemption to invite again",
            ))
        }
        InvitationStatus::Revoked => {
            return Err(ManageError::Conflict(
                "the invitation was revoked; create a new one",
            ))
        }
        _ => {}
    }
    let (updated, url) = reissue(&txn, row, public_url, now).await?;
    let send_count = updated.send_count;
    queue_email(&txn, org, inviter, &updated, &url, clock).await?;
    audit(
        &txn,
        org.id,
        inviter.user_id,
        "invitation.resent",
        updated.id,
        json!({ "sendCount": send_count }),
        clock,
    )
    .await?;
    txn.commit().await?;
    Ok(Some(Resent {
        invitation: updated,
        redeem_url: url,
    }))
}

/// Gives the invitation a new ticket (the old one is then recognised as
/// replaced) and a new validity period as long as the first. Returns the
/// updated row and its redeem URL; the caller queues the email.
pub(crate) async fn reissue(
    txn: &DatabaseTransaction,
    row: invitation::Model,
    public_url: &url::Url,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(invitation::Model, String), DbErr> {
    // The current period began with the current ticket (at creation or the
    // last resend): the new one is as long as that, not as long as the
    // invitation's whole life so far.
    let current = invitation_ticket::Entity::find()
        .filter(invitation_ticket::Column::InvitationId.eq(row.id))
        .filter(invitation_ticket::Column::ReplacedAt.is_null())
        .one(txn)
        .await?;
    let began = current.map_or(row.created_at, |t| t.created_at);
    let validity = (row.expires_at - began).max(chrono::Duration::days(1));
    invitation_ticket::Entity::update_many()
        .col_expr(invitation_ticket::Column::ReplacedAt, Expr::value(now))
        .filter(invitation_ticket::Column::InvitationId.eq(row.id))
        .filter(invitation_ticket::Column::ReplacedAt.is_null())
        .exec(txn)
        .await?;
    let ticket = InvitationTicket::generate();
    invitation_ticket::ActiveModel {
        ticket_hash: Set(ticket.hash()),
        invitation_id: Set(row.id),
        created_at: Set(now),
        replaced_at: Set(None),
    }
    .insert(txn)
    .await?;
    let send_count = row.send_count + 1;
    let mut active = row.into_active_model();
    active.ticket_hash = Set(ticket.hash());
    active.send_count = Set(send_count);
    active.sent_at = Set(Some(now));
    active.expires_at = Set(now + validity);
    // A new email is on its way: the failed one is no longer the latest.
    active.mail_failed_at = Set(None);
    let updated = active.update(txn).await?;
    Ok((updated, redeem_url(public_url, &ticket)))
}

/// Revokes a pending or expired invitation; revoking twice changes nothing.
pub async fn revoke(
    db: &DatabaseConnection,
    org: Uuid,
    actor: Uuid,
    id: Uuid,
    clock: &dyn Clock,
) -> Result<invitation::Model, ManageError> {
    let now = clock.now();
    let txn = crate::store::begin_write(db).await?;
    let row = find(&txn, org, id).await?;
    match status_at(&row, now) {
        InvitationStatus::Revoked => return Ok(row),
        InvitationStatus::Accepted => {
            return Err(ManageError::Conflict(
                "the invitation was accepted; it can no longer be revoked",
            ))
        }
        _ => {}
    }
    let mut active = row.into_active_model();
    active.status = Set(InvitationStatus::Revoked.code().to_owned());
    active.revoked_at = Set(Some(now));
    let updated = active.update(&txn).await?;
    audit(
        &txn,
        org,
        actor,
        "invitation.revoked",
        updated.id,
        json!({}),
        clock,
    )
    .await?;
    let data = webhooks::events::invitation_data(&updated, InvitationStatus::Revoked);
    webhooks::emit(&txn, org, Event::InvitationRevoked, data, clock).await?;
    txn.commit().await?;
    Ok(updated)
}

async fn audit(
    txn: &impl sea_orm::ConnectionTrait,
    org: Uuid,
    actor: Uuid,
    action: &str,
    id: Uuid,
    details: serde_json::Value,
    clock: &dyn Clock,
) -> Result<(), DbErr> {
    let entry = AuditEntry {
        organization_id: Some(org),
        actor_id: Some(actor),
        action,
        target_type: "invitation",
        target_id: id.to_string(),
        details,
    };
    audit::record(txn, entry, clock).await
}

/// Every invitation `query` selects, all its pages read (`query.top` rows
/// at a time), in the list's order.
pub async fn list_all(
    db: &DatabaseConnection,
    org: Uuid,
    mut query: ListQuery,
    clock: &dyn Clock,
) -> Result<Vec<invitation::Model>, ManageError> {
    let mut all = Vec::new();
    loop {
        let page = list(db, org, query.clone(), clock).await?;
        all.extend(page.rows);
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => return Ok(all),
        }
    }
}

/// A customer is reminded at most this often.
pub const REMINDER_PAUSE_HOURS: i64 = 24;

/// What reminding a group of customers did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reminded {
    /// Sent again, each with a new link.
    pub sent: u64,
    /// Left out: their invitation email went out less than a day ago.
    pub recent: u64,
}

/// Sends a reminder to every customer `query` selects who has not finished:
/// their invitation again with a new link (as **Send again** does), except
/// to those whose email went out in the last [`REMINDER_PAUSE_HOURS`].
/// Revoked invitations and finished customers are left out. Each reminder
/// is audited as a resend, and the whole as `invitations.reminded`.
pub async fn remind(
    db: &DatabaseConnection,
    org: &organization::Model,
    inviter: &Inviter,
    query: ListQuery,
    public_url: &url::Url,
    clock: &dyn Clock,
) -> Result<Reminded, ManageError> {
    let now = clock.now();
    let pause = chrono::Duration::hours(REMINDER_PAUSE_HOURS);
    let mut due = Vec::new();
    let mut done = Reminded::default();
    for row in list_all(db, org.id, query.clone(), clock).await? {
        let open = match status_at(&row, now) {
            InvitationStatus::Revoked => false,
            InvitationStatus::Accepted => row.welcomed_at.is_none(),
            _ => true,
        };
        if !open {
            continue;
        }
        if row.sent_at.is_some_and(|sent| now - sent < pause) {
            done.recent += 1;
        } else {
            due.push(row.id);
        }
    }
    let since = Some(now - pause);
    for id in due {
        match resend_unless_sent_since(db, org, inviter, id, since, public_url, clock).await {
            Ok(Some(_)) => done.sent += 1,
            // Reminded meanwhile by another operator.
            Ok(None) => done.recent += 1,
            // Revoked or finished since the list was read.
            Err(ManageError::Conflict(_) | ManageError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    let entry = AuditEntry {
        organization_id: Some(org.id),
        actor_id: Some(inviter.user_id),
        action: "invitations.reminded",
        target_type: "organization",
        target_id: org.id.to_string(),
        details: json!({
            "sent": done.sent,
            "recent": done.recent,
            "progress": query.progress.map(|p| p.code()),
            "status": query.status,
        }),
    };
    audit::record(db, entry, clock).await?;
    Ok(done)
}
