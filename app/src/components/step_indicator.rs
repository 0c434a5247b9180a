//! "Step 2 of 4": where the invitee is on the way from the invitation to
//! the welcome page.

use leptos::prelude::*;

use crate::fill;
use crate::i18n::use_locale;
use crate::model::journey::Stage;

#[component]
pub fn StepIndicator(stage: Stage) -> impl IntoView {
    let locale = use_locale();
    move || {
        let s = locale.get().strings();
        let (n, of) = (stage.number().to_string(), Stage::STEPS.to_string());
        let name = match stage {
            Stage::SignIn => s.step_sign_in,
            Stage::Consent => s.step_consent,
            Stage::Company => s.step_company,
            Stage::Welcome => s.step_welcome,
        };
        view! {
            <p class="step-indicator">
                <span>{fill!(s, step_of, n = n, of = of)}</span>
                " · "
                <span>{name}</span>
            </p>
        }
    }
}
