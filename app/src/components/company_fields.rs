//! The fields of a company, each checked as it is typed by the shared
//! rules in `model::company` (the server runs the same), its message shown
//! once the field was left. Used by the operator's invitation form (a draft)
//! and by the invitee's company step (complete data).

use leptos::either::Either;
use leptos::prelude::*;

use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::{company_problem_message, Strings};
use crate::model::company::{
    check_field, countries_by_name, postal_example, tax_example, CompanyField, Completeness,
};

pub fn company_label(s: &'static Strings, field: CompanyField) -> &'static str {
    match field {
        CompanyField::LegalName => s.field_legal_name,
        CompanyField::Street => s.field_street,
        CompanyField::PostalCode => s.field_postal_code,
        CompanyField::City => s.field_city,
        CompanyField::Country => s.field_country,
        CompanyField::TaxId => s.field_tax_id,
        CompanyField::Phone => s.field_phone,
        CompanyField::Website => s.field_website,
    }
}

/// The element id of a field's control.
pub fn field_id(field: CompanyField) -> String {
    format!("company-{}", field.form_name())
}

/// One field: its value, whether it was left once, the company's country
/// (rules depend on it), how complete the data must be, and the name the
/// form sends it under.
pub struct CompanyInput {
    pub field: CompanyField,
    pub value: RwSignal<String>,
    pub touched: RwSignal<bool>,
    pub country: RwSignal<String>,
    pub completeness: Completeness,
    pub name: String,
}

pub fn company_input(input: CompanyInput) -> impl IntoView {
    let CompanyInput {
        field,
        value,
        touched,
        country,
        completeness,
        name,
    } = input;
    let locale = use_locale();
    let t = move || locale.get().strings();
    let id = field_id(field);
    let error_id = format!("{id}-error");
    let problem = move || {
        let p = check_field(field, &value.get(), &country.get(), completeness).err()?;
        touched.get().then(|| company_problem_message(t(), p))
    };
    let example = move || {
        let c = country.get();
        let example = match field {
            CompanyField::PostalCode => postal_example(&c),
            CompanyField::TaxId => tax_example(&c),
            _ => None,
        }?;
        Some(fill!(t(), hint_example, example = example))
    };
    // `Either`, not `AnyView`: a type-erased view would carry its async
    // hydration into the customer's bundle (`crate::live`).
    let control = if field == CompanyField::Country {
        let options = move || {
            countries_by_name(locale.get())
                .into_iter()
                .map(|(code, name)| view! { <option value=code selected=move || value.get() == code>{name}</option> })
                .collect_view()
        };
        Either::Left(view! {
            <select
                id=id.clone()
                name=name
                on:change=move |ev| {
                    value.set(event_target_value(&ev));
                    touched.set(true);
                }
                aria-invalid=move || problem().is_some().to_string()
                aria-describedby=error_id.clone()
            >
                <option value="">{move || t().choose_country}</option>
                {options}
            </select>
        })
    } else {
        Either::Right(view! {
            <input
                id=id.clone()
                name=name
                prop:value=value
                value=value.get_untracked()
                on:input=move |ev| value.set(event_target_value(&ev))
                on:blur=move |_| touched.set(true)
                aria-invalid=move || problem().is_some().to_string()
                aria-describedby=error_id.clone()
            />
        })
    };
    view! {
        <label for=id>{move || company_label(t(), field)}</label>
        {control}
        <p class="field-hint">{example}</p>
        <p id=error_id class="field-error" aria-live="polite">{problem}</p>
    }
}
