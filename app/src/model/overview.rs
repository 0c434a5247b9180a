//! The dashboard's overview (issue 24, point 1): the redemption funnel of
//! the invitations an operator picks (created in a period, sent by one
//! import, or by one inviter), the numbers checked first, and invitations
//! per day by outcome.

use serde::{Deserialize, Serialize};

use super::progress::ProgressStep;

/// The longest period the overview reads, in days (two years).
pub const MAX_PERIOD_DAYS: i64 = 731;
/// The period shown when none is asked for, in days up to today.
pub const DEFAULT_PERIOD_DAYS: i64 = 30;

/// Which invitations the overview and the list read. Each part is as the
/// query string gives it; the server reads and checks them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scope {
    /// First and last day of creation, `YYYY-MM-DD` in UTC, both included.
    pub from: Option<String>,
    pub to: Option<String>,
    /// One bulk import's invitations.
    pub import: Option<String>,
    /// One operator's invitations.
    pub inviter: Option<String>,
}

impl Scope {
    /// Reads a query string's pairs; blank values count as absent.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Scope {
        let mut scope = Scope::default();
        for (key, value) in pairs {
            let value = value.trim();
            let slot = match key {
                "from" => &mut scope.from,
                "to" => &mut scope.to,
                "import" => &mut scope.import,
                "inviter" => &mut scope.inviter,
                _ => continue,
            };
            *slot = (!value.is_empty()).then(|| value.to_owned());
        }
        scope
    }

    /// Its query pairs, in a fixed order.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("from", &self.from),
            ("to", &self.to),
            ("import", &self.import),
            ("inviter", &self.inviter),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect()
    }
}

/// Why a period was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeriodProblem {
    /// A day that is not `YYYY-MM-DD`.
    NotADate,
    EndBeforeStart,
    /// Longer than [`MAX_PERIOD_DAYS`].
    TooLong,
}

/// One step of the funnel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelStep {
    pub step: ProgressStep,
    /// Invitations that reached this step or went further.
    pub reached: u64,
    /// Of those, the ones that stopped here.
    pub stopped: u64,
}

/// `part` of `whole` in whole percent, rounded down so a step short of
/// everyone never shows 100 %; `None` of nothing.
pub fn percent(part: u64, whole: u64) -> Option<u64> {
    (whole > 0).then(|| part.min(whole) * 100 / whole)
}

/// Invitations created in one day (or week) of the period, by outcome now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeBucket {
    /// Its first day, `YYYY-MM-DD`.
    pub start: String,
    /// The customer reached the company step.
    pub finished: u64,
    /// Still open: pending, or accepted and not finished.
    pub open: u64,
    pub expired: u64,
    pub revoked: u64,
}

impl OutcomeBucket {
    pub fn total(&self) -> u64 {
        self.finished + self.open + self.expired + self.revoked
    }
}

/// A choice of the scope's import or inviter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeChoice {
    pub id: String,
    pub label: String,
}

/// The overview of a scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    /// The period read, `YYYY-MM-DD`, both days included.
    pub from: String,
    pub to: String,
    /// Invited → … → company created, each with what reached it.
    pub steps: Vec<FunnelStep>,
    /// The median time from invitation to company, in minutes, of the
    /// customers who got there; `None` when none did.
    pub median_minutes_to_company: Option<u64>,
    /// Still open and redeemable now.
    pub pending: u64,
    /// Of those, the ones whose link expires within seven days.
    pub expiring_this_week: u64,
    /// Unfinished invitations whose latest email was refused for good.
    pub failed_emails: u64,
    /// Invitations created, per day (or per week when `weekly`).
    pub buckets: Vec<OutcomeBucket>,
    pub weekly: bool,
    /// What the scope may be narrowed to.
    pub imports: Vec<ScopeChoice>,
    pub inviters: Vec<ScopeChoice>,
}

impl Overview {
    /// The number of invitations in the scope.
    pub fn invited(&self) -> u64 {
        self.steps.first().map_or(0, |s| s.reached)
    }
}

/// What the overview answers: the figures, or why the period is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OverviewOutcome {
    Shown(Overview),
    Refused(PeriodProblem),
}

/// The funnel's steps (the welcome page counts as the company step).
pub const FUNNEL: [ProgressStep; 6] = [
    ProgressStep::Invited,
    ProgressStep::EmailDelivered,
    ProgressStep::LinkOpened,
    ProgressStep::SignedIn,
    ProgressStep::TermsAccepted,
    ProgressStep::CompanyCreated,
];

/// The funnel from how many invitations stopped at each step: each step
/// counts those that reached it or went further.
pub fn funnel(stopped_at: impl Fn(ProgressStep) -> u64) -> Vec<FunnelStep> {
    let stopped: Vec<u64> = FUNNEL
        .iter()
        .map(|&step| match step {
            ProgressStep::CompanyCreated => {
                stopped_at(ProgressStep::CompanyCreated) + stopped_at(ProgressStep::Welcomed)
            }
            other => stopped_at(other),
        })
        .collect();
    FUNNEL
        .iter()
        .enumerate()
        .map(|(i, &step)| FunnelStep {
            step,
            reached: stopped[i..].iter().sum(),
            stopped: stopped[i],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_counts_those_that_reached_it_or_went_further() {
        let steps = funnel(|s| match s {
            ProgressStep::Invited => 5,
            ProgressStep::LinkOpened => 3,
            ProgressStep::CompanyCreated => 1,
            ProgressStep::Welcomed => 2,
            _ => 0,
        });
        let reached: Vec<u64> = steps.iter().map(|s| s.reached).collect();
        assert_eq!(reached, [11, 6, 6, 3, 3, 3]);
        assert_eq!(steps[0].stopped, 5);
        assert_eq!(steps[5].stopped, 3, "the welcome page is past the company");
    }

    #[test]
    fn percentages_round_down_and_nothing_of_nothing() {
        assert_eq!(percent(199, 200), Some(99));
        assert_eq!(percent(200, 200), Some(100));
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn a_scope_reads_its_own_keys_and_drops_blank_ones() {
        let scope = Scope::from_pairs([
            ("from", "2026-11-01"),
            ("to", " "),
            ("inviter", "abc"),
            ("sort", "x"),
        ]);
        assert_eq!(scope.from.as_deref(), Some("2026-11-01"));
        assert_eq!(scope.to, None);
        assert_eq!(scope.pairs(), [("from", "2026-11-01"), ("inviter", "abc")]);
    }
}
