//! Which invitations an operator picked (issue 24): created in a period, sent
//! by one bulk import, sent by one operator. The overview's funnel and the
//! list it links to read the same selection, so a step's count and the list
//! behind it agree.

use app::model::overview::{PeriodProblem, Scope, DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, QueryFilter, Select};
use uuid::Uuid;

use crate::store::entities::{bulk_import_row, invitation};

/// Days of creation, both included, in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The period's days as `[start, end)` instants.
    pub fn bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        (
            midnight(self.from),
            midnight(self.to) + chrono::Duration::days(1),
        )
    }

    /// Its length in days.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

fn day(text: &str) -> Result<NaiveDate, PeriodProblem> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| PeriodProblem::NotADate)
}

/// The period `scope` asks for. A missing end is today; a missing start is
/// [`DEFAULT_PERIOD_DAYS`] before the end.
pub fn period_of(scope: &Scope, today: NaiveDate) -> Result<Period, PeriodProblem> {
    let to = scope.to.as_deref().map(day).transpose()?.unwrap_or(today);
    let from = match scope.from.as_deref() {
        Some(text) => day(text)?,
        None => to - chrono::Duration::days(DEFAULT_PERIOD_DAYS - 1),
    };
    let period = Period { from, to };
    if to < from {
        return Err(PeriodProblem::EndBeforeStart);
    }
    if period.days() > MAX_PERIOD_DAYS {
        return Err(PeriodProblem::TooLong);
    }
    Ok(period)
}

/// The invitations picked, besides their organization.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Created in `[start, end)`.
    pub created: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub import: Option<Uuid>,
    pub inviter: Option<Uuid>,
}

impl Selection {
    /// The selection `scope` names. An import or an inviter that is not an
    /// id picks nothing more; a period applies only when one is given,
    /// unless `always_a_period` (the overview reads one period at a time,
    /// except of one import, which it reads whole).
    pub fn of(
        scope: &Scope,
        today: NaiveDate,
        always_a_period: bool,
    ) -> Result<(Selection, Option<Period>), PeriodProblem> {
        let id = |v: &Option<String>| v.as_deref().and_then(|v| Uuid::parse_str(v).ok());
        let import = id(&scope.import);
        let asked = scope.from.is_some() || scope.to.is_some();
        let period = if asked || (always_a_period && import.is_none()) {
            Some(period_of(scope, today)?)
        } else {
            None
        };
        let selection = Selection {
            created: period.map(|p| p.bounds()),
            import,
            inviter: id(&scope.inviter),
        };
        Ok((selection, period))
    }

    /// Narrows `select` (of invitations) to the selection.
    pub fn apply(&self, mut select: Select<invitation::Entity>) -> Select<invitation::Entity> {
        if let Some((start, end)) = self.created {
            select = select
                .filter(invitation::Column::CreatedAt.gte(start))
                .filter(invitation::Column::CreatedAt.lt(end));
        }
        if let Some(inviter) = self.inviter {
            select = select.filter(invitation::Column::InviterId.eq(inviter));
        }
        if let Some(import) = self.import {
            let rows = Query::select()
                .column(bulk_import_row::Column::InvitationId)
                .from(bulk_import_row::Entity)
                .and_where(Expr::col(bulk_import_row::Column::ImportId).eq(import))
                .and_where(Expr::col(bulk_import_row::Column::InvitationId).is_not_null())
                .to_owned();
            select = select.filter(invitation::Column::Id.in_subquery(rows));
        }
        select
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(from: Option<&str>, to: Option<&str>) -> Scope {
        Scope {
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            ..Scope::default()
        }
    }

    fn date(text: &str) -> NaiveDate {
        day(text).unwrap()
    }

    #[test]
    fn a_period_defaults_to_the_last_thirty_days_and_is_at_most_two_years() {
        let today = date("2026-12-05");
        let last = period_of(&scope(None, None), today).unwrap();
        assert_eq!((last.from, last.to), (date("2026-11-06"), today));
        assert_eq!(last.days(), 30);
        let two_years = scope(Some("2024-12-05"), Some("2026-12-05"));
        assert_eq!(period_of(&two_years, today).unwrap().days(), 731);
        let longer = scope(Some("2024-12-04"), Some("2026-12-05"));
        assert_eq!(period_of(&longer, today), Err(PeriodProblem::TooLong));
        let backwards = scope(Some("2026-12-05"), Some("2026-12-04"));
        assert_eq!(
            period_of(&backwards, today),
            Err(PeriodProblem::EndBeforeStart)
        );
        let not_a_day = scope(Some("2026-02-30"), None);
        assert_eq!(period_of(&not_a_day, today), Err(PeriodProblem::NotADate));
    }

    #[test]
    fn a_period_covers_its_last_day_whole() {
        let one = period_of(
            &scope(Some("2026-12-01"), Some("2026-12-01")),
            date("2026-12-05"),
        );
        let (start, end) = one.unwrap().bounds();
        assert_eq!(start.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-02T00:00:00+00:00");
    }

    #[test]
    fn an_import_is_read_whole_unless_a_period_is_given() {
        let import = Uuid::nil().to_string();
        let today = date("2026-12-05");
        let whole = Scope {
            import: Some(import.clone()),
            ..Scope::default()
        };
        let (selection, period) = Selection::of(&whole, today, true).unwrap();
        assert_eq!((selection.created, period), (None, None));
        assert_eq!(selection.import, Some(Uuid::nil()));
        let (list, _) = Selection::of(&Scope::default(), today, false).unwrap();
        assert_eq!(
            list,
            Selection::default(),
            "the list is not narrowed by default"
        );
        let junk = Scope {
            inviter: Some("not-an-id".into()),
            ..Scope::default()
        };
        assert_eq!(Selection::of(&junk, today, false).unwrap().0.inviter, None);
    }
}
