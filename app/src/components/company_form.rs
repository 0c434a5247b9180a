//! The company step's form: the company data the seller registered, every
//! field checked as it is typed by the rules the server applies. **CREATE
//! COMPANY** stays grey and disabled while anything is invalid and takes the
//! organization's accent colour once all is valid; Enter on an invalid form
//! moves to the first field to fix. A live part (`crate::live`): the
//! customer's bundle hydrates it.

use leptos::prelude::*;

use crate::components::company_fields::{company_input, field_id, CompanyInput};
use crate::components::step_indicator::StepIndicator;
use crate::fill;
use crate::i18n::use_locale;
use crate::model::company::{check_field, draft_problems, CompanyField, Completeness};
use crate::model::journey::{CompanyPage, Stage};

#[component]
pub fn CompanyForm(company: CompanyPage, ticket: String) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().strings();
    let value_of = |field: CompanyField| {
        company
            .values
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    // Sent back by the server: every message shows at once. Values of the
    // seller's draft that the rules refuse are marked from the start.
    let to_fix: Vec<CompanyField> = draft_problems(&company.values)
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    let fields = CompanyField::ALL.map(|f| {
        (
            f,
            RwSignal::new(value_of(f)),
            RwSignal::new(company.resubmitted || to_fix.contains(&f)),
        )
    });
    let fix_first = company.resubmitted || !to_fix.is_empty();
    let country = fields[4].1;
    let first_invalid = move || {
        fields.iter().find_map(|(f, value, _)| {
            check_field(*f, &value.get(), &country.get(), Completeness::Complete)
                .is_err()
                .then_some(*f)
        })
    };
    let valid = move || first_invalid().is_none();
    // Without JavaScript the server checks the form, so the button is
    // disabled only where the page checks as the invitee types.
    let checking_live = RwSignal::new(false);
    Effect::new(move |_| checking_live.set(true));
    // Enter while something is invalid: to the first field to fix, with its message.
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Enter" || valid() {
            return;
        }
        ev.prevent_default();
        if let Some(field) = first_invalid() {
            for (f, _, touched) in fields.iter() {
                if *f == field {
                    touched.set(true);
                }
            }
            focus(&field_id(field));
        }
    };
    let org = company.org_name.clone();
    let inputs = fields
        .into_iter()
        .map(|(field, value, touched)| {
            company_input(CompanyInput {
                field,
                value,
                touched,
                country,
                completeness: Completeness::Complete,
                name: field.form_name().to_owned(),
            })
        })
        .collect_view();
    view! {
        <section class="card narrow" aria-labelledby="company-heading">
            <StepIndicator stage=Stage::Company/>
            <h1 id="company-heading">{move || t().company_heading}</h1>
            <p>{move || fill!(t(), company_intro, org = org)}</p>
            {fix_first.then(|| view! {
                <p class="notice alert" role="alert">{move || t().company_fix}</p>
            })}
            <form
                method="post"
                action=format!("/invite/{ticket}/company")
                class="stack"
                novalidate=true
                on:keydown=on_keydown
            >
                <fieldset class="company">
                    <legend>{move || t().company_legend}</legend>
                    {inputs}
                </fieldset>
                <button type="submit" class="create-company" disabled=move || checking_live.get() && !valid()>
                    {move || t().company_create_button}
                </button>
            </form>
            <form method="post" action="/signout">
                <button type="submit">{move || t().sign_out_button}</button>
            </form>
        </section>
    }
}

/// Moves the focus to the element `id` (in the browser).
fn focus(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}
