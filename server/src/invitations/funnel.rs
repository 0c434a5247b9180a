//! The overview's figures (issue 24, point 1): the redemption funnel of the
//! invitations an operator picked, the numbers checked first, the median
//! time from invitation to company, and invitations per day by outcome.
//! Each is one aggregate query over the organization's invitations, so the
//! overview of 100 000 stays quick; only the median reads rows (the
//! finished ones' two times).

use app::model::overview::{funnel, OutcomeBucket, Overview, OverviewOutcome, Scope, ScopeChoice};
use app::model::progress::ProgressStep;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use std::collections::BTreeMap;
use uuid::Uuid;

use super::selection::Selection;
use super::InvitationStatus;
use crate::store::entities::{bulk_import, invitation, org_role, user};
use invitation::Column;

/// Longer periods are drawn per week.
const DAILY_UP_TO_DAYS: i64 = 92;
/// The imports offered to narrow the overview to, newest first.
const IMPORT_CHOICES: u64 = 50;

/// A count as the database gives it (a sum of nothing is NULL).
fn count(n: Option<i64>) -> u64 {
    u64::try_from(n.unwrap_or(0)).unwrap_or(0)
}

/// 1 where `condition` holds, else 0, summed.
fn count_where(condition: Expr) -> Expr {
    Func::sum(Expr::case(condition, 1).finally(0)).into()
}

/// The day (UTC, `YYYY-MM-DD`) an invitation was created.
fn created_day(backend: DatabaseBackend) -> Expr {
    match backend {
        // Stored as RFC 3339 text in UTC.
        DatabaseBackend::Sqlite => Expr::cust("substr(\"created_at\", 1, 10)"),
        _ => Expr::cust("to_char(\"created_at\" AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
    }
}

fn finished() -> Expr {
    Column::Progress.is_in([
        ProgressStep::CompanyCreated.code(),
        ProgressStep::Welcomed.code(),
    ])
}

fn pending(now: DateTime<Utc>) -> Expr {
    Column::Status
        .eq(InvitationStatus::PendingAcceptance.code())
        .and(Column::ExpiresAt.gt(now))
}

/// The overview of the invitations of `org` that `scope` picks, at `now`.
pub async fn overview(
    db: &impl ConnectionTrait,
    org: Uuid,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Result<OverviewOutcome, DbErr> {
    let today = now.date_naive();
    let (selection, period) = match Selection::of(scope, today, true) {
        Ok(picked) => picked,
        Err(problem) => return Ok(OverviewOutcome::Refused(problem)),
    };
    let picked =
        || selection.apply(invitation::Entity::find().filter(Column::OrganizationId.eq(org)));

    let stopped: BTreeMap<String, i64> = picked()
        .select_only()
        .column(Column::Progress)
        .column_as(Column::Id.count(), "n")
        .group_by(Column::Progress)
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let steps = funnel(|step| count(stopped.get(step.code()).copied()));

    let week = now + chrono::Duration::days(7);
    let headline: Option<(Option<i64>, Option<i64>, Option<i64>)> = picked()
        .select_only()
        .expr(count_where(pending(now)))
        .expr(count_where(pending(now).and(Column::ExpiresAt.lte(week))))
        .expr(count_where(
            Column::MailFailedAt
                .is_not_null()
                .and(Column::Status.ne(InvitationStatus::Revoked.code()))
                .and(finished().not()),
        ))
        .into_tuple()
        .one(db)
        .await?;
    let (pending_now, expiring, failed) = headline.unwrap_or_default();

    let days = per_day(db, picked(), now).await?;
    let (from, to) = match period {
        Some(p) => (p.from, p.to),
        // One import, read whole: from its first invitation's day to its last.
        None => (
            days.keys().next().copied().unwrap_or(today),
            days.keys().next_back().copied().unwrap_or(today),
        ),
    };
    let weekly = (to - from).num_days() + 1 > DAILY_UP_TO_DAYS;
    let buckets = buckets(&days, from, to, weekly);

    Ok(OverviewOutcome::Shown(Overview {
        from: from.to_string(),
        to: to.to_string(),
        steps,
        median_minutes_to_company: median_minutes(db, picked()).await?,
        pending: count(pending_now),
        expiring_this_week: count(expiring),
        failed_emails: count(failed),
        buckets,
        weekly,
        imports: import_choices(db, org).await?,
        inviters: inviter_choices(db, org).await?,
    }))
}

/// The invitations `picked` selects, by the day they were created, by
/// outcome now.
async fn per_day(
    db: &impl ConnectionTrait,
    picked: Select<invitation::Entity>,
    now: DateTime<Utc>,
) -> Result<BTreeMap<NaiveDate, OutcomeBucket>, DbErr> {
    let day = created_day(db.get_database_backend());
    let revoked = Column::Status.eq(InvitationStatus::Revoked.code());
    let expired = Column::Status
        .eq(InvitationStatus::PendingAcceptance.code())
        .and(Column::ExpiresAt.lte(now));
    type Row = (String, Option<i64>, Option<i64>, Option<i64>, i64);
    let rows: Vec<Row> = picked
        .select_only()
        .expr(day.clone())
        .expr(count_where(finished()))
        .expr(count_where(revoked.clone().and(finished().not())))
        .expr(count_where(expired.and(finished().not())))
        .expr(Column::Id.count())
        .group_by(day)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(day, finished, revoked, expired, all)| {
            let date = NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()?;
            let (finished, revoked, expired) = (count(finished), count(revoked), count(expired));
            let open = count(Some(all)).saturating_sub(finished + revoked + expired);
            let bucket = OutcomeBucket {
                start: day,
                finished,
                open,
                expired,
                revoked,
            };
            Some((date, bucket))
        })
        .collect())
}

/// Every day (or week, from `from`) of the period, empty ones included.
fn buckets(
    days: &BTreeMap<NaiveDate, OutcomeBucket>,
    from: NaiveDate,
    to: NaiveDate,
    weekly: bool,
) -> Vec<OutcomeBucket> {
    let step = if weekly { 7 } else { 1 };
    let mut out = Vec::new();
    let mut start = from;
    while start <= to {
        let end = Ord::min(start + chrono::Duration::days(step - 1), to);
        let mut bucket = OutcomeBucket {
            start: start.to_string(),
            ..OutcomeBucket::default()
        };
        for (_, day) in days.range(start..=end) {
            bucket.finished += day.finished;
            bucket.open += day.open;
            bucket.expired += day.expired;
            bucket.revoked += day.revoked;
        }
        out.push(bucket);
        start = end + chrono::Duration::days(1);
    }
    out
}

/// The median time from invitation to company of those that got there.
async fn median_minutes(
    db: &impl ConnectionTrait,
    picked: Select<invitation::Entity>,
) -> Result<Option<u64>, DbErr> {
    let times: Vec<(DateTime<Utc>, DateTime<Utc>)> = picked
        .select_only()
        .column(Column::CreatedAt)
        .column(Column::CompanyAt)
        .filter(Column::CompanyAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut minutes: Vec<i64> = times
        .iter()
        .map(|(created, company)| Ord::max((*company - *created).num_minutes(), 0))
        .collect();
    if minutes.is_empty() {
        return Ok(None);
    }
    let middle = minutes.len() / 2;
    let (_, &mut upper, _) = minutes.select_nth_unstable(middle);
    let median = if minutes.len().is_multiple_of(2) {
        let lower = minutes[..middle].iter().copied().max().unwrap_or(upper);
        (lower + upper) / 2
    } else {
        upper
    };
    Ok(Some(median as u64))
}

async fn import_choices(db: &impl ConnectionTrait, org: Uuid) -> Result<Vec<ScopeChoice>, DbErr> {
    let imports = bulk_import::Entity::find()
        .filter(bulk_import::Column::OrganizationId.eq(org))
        .order_by_desc(bulk_import::Column::CreatedAt)
        .limit(IMPORT_CHOICES)
        .all(db)
        .await?;
    Ok(imports
        .into_iter()
        .map(|i| ScopeChoice {
            id: i.id.to_string(),
            label: format!("{} ({})", i.file_name, crate::clock::minutes(i.created_at)),
        })
        .collect())
}

/// The organization's operators, by name.
async fn inviter_choices(db: &impl ConnectionTrait, org: Uuid) -> Result<Vec<ScopeChoice>, DbErr> {
    let ids: Vec<Uuid> = org_role::Entity::find()
        .filter(org_role::Column::OrganizationId.eq(org))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    let mut choices: Vec<ScopeChoice> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| ScopeChoice {
            id: u.id.to_string(),
            label: u.display_name.unwrap_or(u.email),
        })
        .collect();
    choices.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(choices)
}
