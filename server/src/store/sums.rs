//! Counting in one scan: a sum of 1 where a condition holds, and the
//! database's answer (NULL for a sum of nothing) as a count.

use sea_orm::sea_query::{Expr, Func};

/// 1 where `condition` holds, else 0, summed.
pub fn count_where(condition: Expr) -> Expr {
    Func::sum(Expr::case(condition, 1).finally(0)).into()
}

/// A count as the database gives it (a sum of nothing is NULL).
pub fn count(n: Option<i64>) -> u64 {
    u64::try_from(n.unwrap_or(0)).unwrap_or(0)
}
