//! A new password with live feedback from the same rule the server applies
//! (the server also checks its bundled list of common passwords). A live
//! part of the sign-in step (`crate::live`): the customer's bundle hydrates it.

use leptos::prelude::*;

use crate::fill;
use crate::i18n::use_locale;
use crate::model::password::{check_password, PasswordProblem, MIN_CHARS};

/// `context`: words a password must not be built from (the address, the
/// organization).
#[component]
pub fn NewPassword(context: Vec<String>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().strings();
    let value = RwSignal::new(String::new());
    let feedback = move || {
        let s = t();
        let password = value.get();
        if password.is_empty() {
            return s.password_hint.to_owned();
        }
        let words: Vec<&str> = context.iter().map(String::as_str).collect();
        match check_password(&password, &words, |_| false) {
            Ok(()) => s.password_feedback_ok.to_owned(),
            Err(PasswordProblem::TooShort { chars }) => fill!(
                s,
                password_feedback_short,
                n = (MIN_CHARS - chars).to_string()
            ),
            Err(PasswordProblem::TooLong { .. }) => s.error_password_long.to_owned(),
            Err(PasswordProblem::Common) => s.error_password_common.to_owned(),
        }
    };
    view! {
        <label for="new-password">{move || t().field_new_password}</label>
        <input
            id="new-password"
            name="password"
            type="password"
            autocomplete="new-password"
            required=true
            minlength="15"
            maxlength="256"
            aria-describedby="password-feedback"
            on:input=move |ev| value.set(event_target_value(&ev))
        />
        <p id="password-feedback" class="hint" aria-live="polite">{feedback}</p>
    }
}
