//! The overview's figures (issue 24, point 1): the redemption funnel of the
//! invitations an operator picked, the numbers checked first, the median
//! time from invitation to company, and invitations per day by outcome.
//! One grouped scan of the picked invitations gives all but the median,
//! which the database finds by its order, reading at most two rows.

use app::model::overview::{funnel, OutcomeBucket, Overview, OverviewOutcome, Scope, ScopeChoice};
use app::model::progress::ProgressStep;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Order};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use std::collections::BTreeMap;
use uuid::Uuid;

use super::selection::Selection;
use super::InvitationStatus;
use crate::store::entities::{bulk_import, invitation, org_role, user};
use crate::store::sums::{count, count_where};
use invitation::Column;

/// Longer periods are drawn per week.
const DAILY_UP_TO_DAYS: i64 = 92;
/// The imports offered to narrow the overview to, newest first.
const IMPORT_CHOICES: u64 = 50;

/// The day (UTC, `YYYY-MM-DD`) an invitation was created.
fn created_day(backend: DatabaseBackend) -> Expr {
    match backend {
        // Stored as RFC 3339 text in UTC.
        DatabaseBackend::Sqlite => Expr::cust("substr(\"created_at\", 1, 10)"),
        _ => Expr::cust("to_char(\"created_at\" AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
    }
}

fn pending(now: DateTime<Utc>) -> Expr {
    Column::Status
        .eq(InvitationStatus::PendingAcceptance.code())
        .and(Column::ExpiresAt.gt(now))
}

/// What one scan of the invitations gives: how many stopped at each step,
/// the numbers checked first, invitations per day by outcome, and how many
/// reached their company with its time known.
#[derive(Default)]
struct Tally {
    stopped: BTreeMap<String, u64>,
    pending: u64,
    expiring: u64,
    failed: u64,
    with_company_time: u64,
    days: BTreeMap<NaiveDate, OutcomeBucket>,
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

    let tally = tally(db, picked(), now).await?;
    let steps = funnel(|step| tally.stopped.get(step.code()).copied().unwrap_or(0));
    let (from, to) = match period {
        Some(p) => (p.from, p.to),
        // One import, read whole: from its first invitation's day to its last.
        None => (
            tally.days.keys().next().copied().unwrap_or(today),
            tally.days.keys().next_back().copied().unwrap_or(today),
        ),
    };
    let weekly = (to - from).num_days() + 1 > DAILY_UP_TO_DAYS;
    let buckets = buckets(&tally.days, from, to, weekly);
    let median = median_minutes(db, picked(), tally.with_company_time).await?;

    Ok(OverviewOutcome::Shown(Overview {
        from: from.to_string(),
        to: to.to_string(),
        steps,
        median_minutes_to_company: median,
        pending: tally.pending,
        expiring_this_week: tally.expiring,
        failed_emails: tally.failed,
        buckets,
        weekly,
        imports: import_choices(db, org).await?,
        inviters: inviter_choices(db, org).await?,
    }))
}

/// Reads the invitations `picked` selects once, grouped by the day they
/// were created and the step they stopped at.
async fn tally(
    db: &impl ConnectionTrait,
    picked: Select<invitation::Entity>,
    now: DateTime<Utc>,
) -> Result<Tally, DbErr> {
    let day = created_day(db.get_database_backend());
    let week = now + chrono::Duration::days(7);
    let revoked = Column::Status.eq(InvitationStatus::Revoked.code());
    let expired = Column::Status
        .eq(InvitationStatus::PendingAcceptance.code())
        .and(Column::ExpiresAt.lte(now));
    type Row = (
        String,
        String,
        i64,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let rows: Vec<Row> = picked
        .select_only()
        .expr(day.clone())
        .column(Column::Progress)
        // COUNT(*), not of a column: the index holds all the scan reads.
        .expr(Expr::cust("COUNT(*)"))
        .expr(count_where(revoked.clone()))
        .expr(count_where(expired))
        .expr(count_where(pending(now)))
        .expr(count_where(pending(now).and(Column::ExpiresAt.lte(week))))
        .expr(count_where(
            Column::MailFailedAt.is_not_null().and(revoked.not()),
        ))
        .expr(count_where(Column::CompanyAt.is_not_null()))
        .group_by(day)
        .group_by(Column::Progress)
        .into_tuple()
        .all(db)
        .await?;
    let done = [
        ProgressStep::CompanyCreated.code(),
        ProgressStep::Welcomed.code(),
    ];
    let mut tally = Tally::default();
    for (day, progress, all, revoked, expired, pending, expiring, failed, company) in rows {
        let Ok(date) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") else {
            continue;
        };
        let all = count(Some(all));
        *tally.stopped.entry(progress.clone()).or_default() += all;
        tally.pending += count(pending);
        tally.expiring += count(expiring);
        tally.with_company_time += count(company);
        let bucket = tally.days.entry(date).or_insert_with(|| OutcomeBucket {
            start: day,
            ..OutcomeBucket::default()
        });
        if done.contains(&progress.as_str()) {
            bucket.finished += all;
        } else {
            // Only an unfinished customer's failed email is still to fix.
            tally.failed += count(failed);
            let (revoked, expired) = (count(revoked), count(expired));
            bucket.revoked += revoked;
            bucket.expired += expired;
            bucket.open += all.saturating_sub(revoked + expired);
        }
    }
    Ok(tally)
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

/// Minutes from invitation to company, as the database computes them.
fn minutes_to_company(backend: DatabaseBackend) -> Expr {
    match backend {
        DatabaseBackend::Sqlite => {
            Expr::cust("(julianday(\"company_at\") - julianday(\"created_at\")) * 1440.0")
        }
        _ => Expr::cust(
            "CAST(EXTRACT(EPOCH FROM (\"company_at\" - \"created_at\")) AS DOUBLE PRECISION) / 60.0",
        ),
    }
}

/// The median time from invitation to company of the `known` invitations
/// `picked` selects that got there: the middle one or two in the
/// database's order, so no more than two rows are read.
async fn median_minutes(
    db: &impl ConnectionTrait,
    picked: Select<invitation::Entity>,
    known: u64,
) -> Result<Option<u64>, DbErr> {
    if known == 0 {
        return Ok(None);
    }
    let minutes = minutes_to_company(db.get_database_backend());
    let middle: Vec<f64> = picked
        .select_only()
        .expr(minutes.clone())
        .filter(Column::CompanyAt.is_not_null())
        .order_by(minutes, Order::Asc)
        .offset((known - 1) / 2)
        .limit(if known.is_multiple_of(2) { 2 } else { 1 })
        .into_tuple()
        .all(db)
        .await?;
    let median = middle.iter().sum::<f64>() / middle.len().max(1) as f64;
    // Whole minutes, rounded to the nearest (the database's arithmetic on
    // days is not exact to the second).
    Ok(Some(median.max(0.0).round() as u64))
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
