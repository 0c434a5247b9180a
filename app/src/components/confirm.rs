//! A destructive action in two steps (issue 24): the first opens what will
//! happen, the second does it. Plain `<details>`, so it works by keyboard
//! and without JavaScript.

use leptos::prelude::*;

/// `opener` reveals `consequence` and the action (`children`, a form whose
/// button says exactly what it does).
#[component]
pub fn Confirm(
    #[prop(into)] opener: Signal<String>,
    #[prop(into)] consequence: Signal<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary>{opener}</summary>
            <div class="confirm-body">
                <p>{consequence}</p>
                {children()}
            </div>
        </details>
    }
}
