//! A page with two actions (add and remove, resend and revoke) shows only
//! the latest one's outcome: each answer clears the other's.

use leptos::prelude::*;

/// Clears each of the two actions' answers (their `value()`) when the
/// other one answers.
pub fn show_latest_only<A, B, T, U>(first: A, second: B)
where
    A: With<Value = Option<T>> + Set<Value = Option<T>> + Copy + Send + Sync + 'static,
    B: With<Value = Option<U>> + Set<Value = Option<U>> + Copy + Send + Sync + 'static,
    T: 'static,
    U: 'static,
{
    Effect::new(move |_| {
        if first.with(Option::is_some) {
            second.set(None);
        }
    });
    Effect::new(move |_| {
        if second.with(Option::is_some) {
            first.set(None);
        }
    });
}
