//! `/admin/invitations/new`: invite one customer. Every field is checked as
//! the operator types, by the same rules the server applies; the button stays
//! disabled until all is valid (a company value the rules refuse only
//! warns: the customer corrects it). The answer shows the invitation link once.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::invitations::CreateInvitation;
use crate::api::operator::signed_in_operator;
use crate::api::terms::load_missing_documents;
use crate::branding::Branding;
use crate::components::admin_nav::AdminNav;
use crate::components::company_fields::company_label;
use crate::components::company_fields::{company_input, CompanyInput};
use crate::components::copy_button::CopyButton;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::{company_problem_message, DashboardStrings, Locale};
use crate::model::company::{check_field, refuses_draft, CompanyField, Completeness};
use crate::model::email::{normalize_email, EmailProblem};
use crate::model::invitation::{self as rules, NewInvitationOutcome, MESSAGE_MAX_CHARS};
use crate::model::terms::MissingDocuments;

fn email_error(s: &'static DashboardStrings, raw: &str) -> Option<&'static str> {
    normalize_email(raw)
        .err()
        .map(|problem| email_problem_text(s, problem))
}

/// What is wrong with an address, in the reader's language.
pub fn email_problem_text(s: &'static DashboardStrings, problem: EmailProblem) -> &'static str {
    match problem {
        EmailProblem::Empty => s.error_email_required,
        EmailProblem::TooLong => s.error_email_too_long,
        EmailProblem::Malformed => s.error_email_invalid,
        EmailProblem::MixedScripts => s.error_email_mixed_scripts,
    }
}

/// Before inviting: what customers would not be asked to accept, with
/// where to set it.
fn missing_warning(
    t: impl Fn() -> &'static DashboardStrings + Copy + Send + Sync + 'static,
    missing: MissingDocuments,
) -> Option<AnyView> {
    if !missing.privacy && !missing.terms {
        return None;
    }
    let privacy = missing.privacy.then(|| view! {
        <li>{move || t().missing_privacy}" "<a href="/admin/settings#privacy-heading">{move || t().missing_privacy_link}</a></li>
    });
    let terms = missing.terms.then(|| view! {
        <li>{move || t().missing_terms}" "<a href="/admin/terms">{move || t().missing_terms_link}</a></li>
    });
    Some(
        view! {
            <div class="notice warning" role="note" aria-labelledby="missing-documents-heading">
                <h2 id="missing-documents-heading">{move || t().missing_documents_heading}</h2>
                <ul>{privacy}{terms}</ul>
            </div>
        }
        .into_any(),
    )
}

#[component]
pub fn NewInvitation() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let org = use_context::<Branding>().unwrap_or_default().org_name;
    let operator = Resource::new(|| (), |_| signed_in_operator());
    let missing = Resource::new(|| (), |_| load_missing_documents());
    let action = ServerAction::<CreateInvitation>::new();
    // "Reset the redemption and invite again", offered when the address
    // belongs to an account already. Only the latest answer is shown.
    let reset = ServerAction::<CreateInvitation>::new();
    Effect::new(move |_| {
        if reset.value().with(Option::is_some) {
            action.value().set(None);
        }
    });
    Effect::new(move |_| {
        if action.value().with(Option::is_some) {
            reset.value().set(None);
        }
    });
    let csrf = move || {
        operator
            .get()
            .and_then(|o| o.ok().flatten())
            .map(|o| o.csrf)
            .unwrap_or_default()
    };
    let is_admin = move || {
        operator
            .get()
            .and_then(|o| o.ok().flatten())
            .is_some_and(|o| o.is_admin())
    };

    let email = RwSignal::new(String::new());
    let email_touched = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let language = RwSignal::new(locale.get_untracked().code().to_owned());
    let send_email = RwSignal::new(true);

    let email_problem = Memo::new(move |_| email_error(t(), &email.get()));
    // The server's own rules for these fields, so both always agree.
    let name_problem = Memo::new(move |_| {
        rules::display_name(&name.get())
            .is_err()
            .then(|| t().error_name_too_long)
    });
    let message_problem = Memo::new(move |_| {
        rules::message(&message.get()).is_err().then(|| {
            fill!(
                t(),
                error_message_too_long,
                max = MESSAGE_MAX_CHARS.to_string()
            )
        })
    });
    // The company draft: each field with its value and whether it was left once.
    let company =
        CompanyField::ALL.map(|f| (f, RwSignal::new(String::new()), RwSignal::new(false)));
    let country = company[4].1;
    let company_problem = move |field: CompanyField, value: RwSignal<String>| {
        check_field(field, &value.get(), &country.get(), Completeness::Draft).err()
    };
    let valid = move || {
        email_problem.get().is_none()
            && name_problem.get().is_none()
            && message_problem.get().is_none()
            // A value the rules refuse does not stop the invitation (the
            // customer corrects it); only a malformed one does.
            && company.iter().all(|(f, v, _)| {
                company_problem(*f, *v).is_none_or(|p| !refuses_draft(*f, &v.get(), p))
            })
    };
    let show_email_problem = move || email_touched.get().then(|| email_problem.get()).flatten();

    let outcome = move || {
        let s = t();
        let org = org.clone();
        let last = action.value().get().or_else(|| reset.value().get());
        last.map(|result| match result {
            Ok(NewInvitationOutcome::Created { id, email, redeem_url, sent, draft_problems }) => view! {
                <div class="notice" role="status">
                    <p>{fill!(s, invitation_created, email = email)}" "
                        <a href=format!("/admin/invitations/{id}")>{s.open_created_invitation}</a>
                    </p>
                    {sent.then(|| view! { <p>{s.invitation_email_queued}</p> })}
                    {(!draft_problems.is_empty()).then(|| view! {
                        <p>{s.invitation_draft_to_fix}</p>
                        <ul>
                            {draft_problems.iter().map(|(field, problem)| view! {
                                <li>{company_label(s, *field)}": "{company_problem_message(s, *problem)}</li>
                            }).collect_view()}
                        </ul>
                    })}
                    <label for="redeem-url">{s.invitation_link_label}</label>
                    <input id="redeem-url" readonly=true value=redeem_url/>
                    <CopyButton target="redeem-url"/>
                </div>
            }
            .into_any(),
            Ok(NewInvitationOutcome::PendingExists { invitation_id }) => view! {
                <div class="notice alert" role="alert">
                    <p>{s.error_pending_exists}</p>
                    <p><a href=format!("/admin/invitations/{invitation_id}")>{s.open_pending_invitation}</a></p>
                </div>
            }
            .into_any(),
            // Only admins may reset a redemption: others are told whom to ask.
            Ok(NewInvitationOutcome::AccountExists { .. }) if !is_admin() => view! {
                <div class="notice alert" role="alert">
                    <p>{fill!(s, error_account_exists, org = org)}</p>
                    <p>{s.error_reset_needs_admin}</p>
                </div>
            }
            .into_any(),
            Ok(NewInvitationOutcome::AccountExists { user_id }) => view! {
                <div class="notice alert" role="alert">
                    <p>{fill!(s, error_account_exists, org = org)}</p>
                    <p>{s.reset_redemption_intro}</p>
                    <ActionForm action=reset>
                        <input type="hidden" name="csrf" value=csrf()/>
                        <input type="hidden" name="form[email]" value=email.get_untracked()/>
                        <input type="hidden" name="form[display_name]" value=name.get_untracked()/>
                        <input type="hidden" name="form[language]" value=language.get_untracked()/>
                        <input type="hidden" name="form[message]" value=message.get_untracked()/>
                        {send_email.get_untracked().then(|| view! { <input type="hidden" name="form[send_email]" value="true"/> })}
                        <input type="hidden" name="form[reset_user_id]" value=user_id/>
                        {company.map(|(field, value, _)| view! {
                            <input type="hidden" name=format!("form[{}]", field.form_name()) value=value.get_untracked()/>
                        })}
                        <button type="submit" disabled=move || reset.pending().get()>{s.reset_redemption_button}</button>
                    </ActionForm>
                </div>
            }
            .into_any(),
            Ok(NewInvitationOutcome::OperatorAccount) => view! {
                <p class="notice alert" role="alert">{fill!(s, error_operator_account, org = org)}</p>
            }
            .into_any(),
            Ok(NewInvitationOutcome::ResetNeedsAdmin) => view! {
                <p class="notice alert" role="alert">{s.error_reset_needs_admin}</p>
            }
            .into_any(),
            Ok(NewInvitationOutcome::Invalid { .. }) => {
                view! { <p class="notice alert" role="alert">{s.error_server_invalid}</p> }.into_any()
            }
            Err(_) => view! { <p class="notice alert" role="alert">{s.error_try_again}</p> }.into_any(),
        })
    };

    view! {
        <Title text=move || t().new_invitation_title/>
        <AdminNav/>
        <section class="card narrow" aria-labelledby="new-invitation-heading">
            <h1 id="new-invitation-heading">{move || t().new_invitation_heading}</h1>
            {outcome}
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let csrf = operator.await.ok().flatten().map(|o| o.csrf).unwrap_or_default();
                    let warning = missing.await.ok().map(|m| missing_warning(t, m));
                    view! {
                        {warning}
                        <ActionForm action=action attr:class="stack" attr:novalidate=true>
                            <input type="hidden" name="csrf" value=csrf/>
                            <label for="invitee-email">{move || t().field_invitee_email}</label>
                            <input
                                id="invitee-email"
                                name="form[email]"
                                type="email"
                                autocomplete="off"
                                required=true
                                prop:value=email
                                on:input=move |ev| email.set(event_target_value(&ev))
                                on:blur=move |_| email_touched.set(true)
                                aria-invalid=move || show_email_problem().is_some().to_string()
                                aria-describedby="invitee-email-error"
                            />
                            <p id="invitee-email-error" class="field-error" aria-live="polite">{show_email_problem}</p>
                            <label for="display-name">{move || t().field_display_name}</label>
                            <input
                                id="display-name"
                                name="form[display_name]"
                                prop:value=name
                                on:input=move |ev| name.set(event_target_value(&ev))
                                aria-invalid=move || name_problem.get().is_some().to_string()
                                aria-describedby="display-name-error"
                            />
                            <p id="display-name-error" class="field-error" aria-live="polite">{move || name_problem.get()}</p>
                            <label for="language">{move || t().field_language}</label>
                            <select id="language" name="form[language]" on:change=move |ev| language.set(event_target_value(&ev))>
                                {Locale::ALL
                                    .iter()
                                    .copied()
                                    .map(|l| {
                                        let label = move || match l {
                                            Locale::En => t().language_en,
                                            Locale::Ko => t().language_ko,
                                        };
                                        view! { <option value=l.code() selected=move || language.get() == l.code()>{label}</option> }
                                    })
                                    .collect_view()}
                            </select>
                            <label for="message">{move || t().field_message}</label>
                            <textarea
                                id="message"
                                name="form[message]"
                                rows="4"
                                prop:value=message
                                on:input=move |ev| message.set(event_target_value(&ev))
                                aria-invalid=move || message_problem.get().is_some().to_string()
                                aria-describedby="message-error"
                            ></textarea>
                            <p id="message-error" class="field-error" aria-live="polite">{move || message_problem.get()}</p>
                            <fieldset class="company">
                                <legend>{move || t().company_draft_legend}</legend>
                                {company
                                    .into_iter()
                                    .map(|(field, value, touched)| {
                                        company_input(CompanyInput {
                                            field,
                                            value,
                                            touched,
                                            country,
                                            completeness: Completeness::Draft,
                                            name: format!("form[{}]", field.form_name()),
                                        })
                                    })
                                    .collect_view()}
                            </fieldset>
                            <label class="checkbox">
                                <input
                                    type="checkbox"
                                    name="form[send_email]"
                                    value="true"
                                    checked=true
                                    on:change=move |ev| send_email.set(event_target_checked(&ev))
                                />
                                {move || t().field_send_email}
                            </label>
                            <button type="submit" class="primary" disabled=move || !valid() || action.pending().get()>
                                {move || t().create_invitation_button}
                            </button>
                        </ActionForm>
                    }
                })}
            </Suspense>
        </section>
    }
}
