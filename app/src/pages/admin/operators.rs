//! `/admin/operators`: who operates this Lobby; admins add operators here
//! (each receives a link to set a password), sign an operator out
//! everywhere, or remove one, which ends their sessions and API tokens.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::operator::signed_in_operator;
use crate::api::operators::{
    list_operators, AddOperator, EndOperatorSessions, RemoveOperator, SaveContactAddress,
    UnlockOperator,
};
use crate::api::ApiError;
use crate::branding::Branding;
use crate::components::admin_nav::AdminNav;
use crate::components::confirm::Confirm;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::DashboardStrings;
use crate::model::email::normalize_email;
use crate::model::operator::{
    AccessOutcome, AddOperatorOutcome, ContactOutcome, CurrentOperator, Role,
};
use crate::pages::admin::new_invitation::email_problem_text;

/// What an admin's action on someone's access came to, as a notice.
pub fn access_notice(
    s: &'static DashboardStrings,
    result: Result<AccessOutcome, ApiError>,
) -> AnyView {
    let Ok(outcome) = result else {
        return view! { <p class="notice alert" role="alert">{s.error_try_again}</p> }.into_any();
    };
    match outcome {
        AccessOutcome::Removed { email } => view! {
            <p class="notice" role="status">{fill!(s, operator_removed, email = email)}</p>
        }
        .into_any(),
        AccessOutcome::Unlocked { email } => view! {
            <p class="notice" role="status">{fill!(s, operator_unlocked, email = email)}</p>
        }
        .into_any(),
        AccessOutcome::SessionsEnded { count } => view! {
            <p class="notice" role="status">{fill!(s, sessions_ended, count = count.to_string())}</p>
        }
        .into_any(),
        AccessOutcome::NotYourself => view! { <p class="notice alert" role="alert">{s.error_not_yourself}</p> }.into_any(),
        AccessOutcome::NotAdmin => view! { <p class="notice alert" role="alert">{s.admins_only_access}</p> }.into_any(),
        AccessOutcome::NotFound => view! { <p class="notice alert" role="alert">{s.error_access_not_found}</p> }.into_any(),
    }
}

#[component]
pub fn AdminOperators() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let org = use_context::<Branding>().unwrap_or_default().org_name;
    let add = ServerAction::<AddOperator>::new();
    let remove = ServerAction::<RemoveOperator>::new();
    let end_sessions = ServerAction::<EndOperatorSessions>::new();
    let unlock = ServerAction::<UnlockOperator>::new();
    let operators = Resource::new(
        move || (add.version().get(), remove.version().get()),
        |_| list_operators(),
    );
    let me = Resource::new(|| (), |_| signed_in_operator());
    let email = RwSignal::new(String::new());
    let email_touched = RwSignal::new(false);
    let email_valid = Memo::new(move |_| normalize_email(&email.get()).is_ok());

    let outcome = move || {
        let s = t();
        add.value().get().map(|result| match result {
            Ok(AddOperatorOutcome::Added { email }) => {
                view! { <p class="notice" role="status">{fill!(s, operator_added, email = email)}</p> }.into_any()
            }
            Ok(AddOperatorOutcome::Exists) => view! { <p class="notice alert" role="alert">{s.error_operator_exists}</p> }.into_any(),
            Ok(AddOperatorOutcome::InvalidEmail) => view! { <p class="notice alert" role="alert">{s.error_email_invalid}</p> }.into_any(),
            Ok(AddOperatorOutcome::NotAdmin) => view! { <p class="notice alert" role="alert">{s.admins_only}</p> }.into_any(),
            Err(_) => view! { <p class="notice alert" role="alert">{s.error_try_again}</p> }.into_any(),
        })
    };

    // Only the latest access action's outcome is shown.
    Effect::new(move |_| {
        if remove.value().with(Option::is_some) {
            end_sessions.value().set(None);
            unlock.value().set(None);
        }
    });
    Effect::new(move |_| {
        if end_sessions.value().with(Option::is_some) {
            remove.value().set(None);
            unlock.value().set(None);
        }
    });
    Effect::new(move |_| {
        if unlock.value().with(Option::is_some) {
            remove.value().set(None);
            end_sessions.value().set(None);
        }
    });
    let access_outcome = move || {
        let last = remove
            .value()
            .get()
            .or_else(|| end_sessions.value().get())
            .or_else(|| unlock.value().get())?;
        Some(access_notice(t(), last))
    };

    view! {
        <Title text=move || t().operators_title/>
        <AdminNav/>
        <section class="card" aria-labelledby="operators-heading">
            <h1 id="operators-heading">{move || t().operators_heading}</h1>
            {access_outcome}
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || {
                    let org = org.clone();
                    Suspend::new(async move {
                        let rows = operators.await.unwrap_or_default();
                        // Admins act on the other operators' access.
                        let admin = me.await.ok().flatten().filter(CurrentOperator::is_admin);
                        view! {
                            <div class="table-scroll" role="region" aria-labelledby="operators-caption" tabindex="0">
                                <table>
                                    <caption id="operators-caption">{move || fill!(t(), operators_caption, org = org)}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{move || t().column_email}</th>
                                            <th scope="col">{move || t().column_name}</th>
                                            <th scope="col">{move || t().column_role}</th>
                                            <th scope="col">{move || t().column_password}</th>
                                            {admin.is_some().then(|| view! { <th scope="col">{move || t().column_actions}</th> })}
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rows
                                            .into_iter()
                                            .map(|r| {
                                                let is_admin = r.role == Role::Admin;
                                                let actions = admin.clone().map(|me| {
                                                    let csrf = me.csrf.clone();
                                                    let email = r.email.clone();
                                                    let mine = me.email == r.email;
                                                    view! {
                                                        <td>
                                                            {(!mine).then(|| {
                                                                let (email2, csrf2) = (email.clone(), csrf.clone());
                                                                let (email3, csrf3) = (email.clone(), csrf.clone());
                                                                let unlock_label = {
                                                                    let email = email.clone();
                                                                    move || fill!(t(), unlock_label, email = email)
                                                                };
                                                                let end_label = {
                                                                    let email = email.clone();
                                                                    move || fill!(t(), end_sessions_confirm, email = email.clone())
                                                                };
                                                                let remove_label = {
                                                                    let email = email.clone();
                                                                    move || fill!(t(), remove_operator_confirm, email = email.clone())
                                                                };
                                                                view! {
                                                                    <div class="row-actions">
                                                                        <Confirm
                                                                            opener=Signal::derive(move || t().end_sessions_opener.to_owned())
                                                                            consequence=Signal::derive(move || t().end_sessions_consequence.to_owned())
                                                                        >
                                                                            <ActionForm action=end_sessions>
                                                                                <input type="hidden" name="csrf" value=csrf/>
                                                                                <input type="hidden" name="email" value=email/>
                                                                                <button type="submit" class="danger">{end_label}</button>
                                                                            </ActionForm>
                                                                        </Confirm>
                                                                        <ActionForm action=unlock>
                                                                            <input type="hidden" name="csrf" value=csrf3/>
                                                                            <input type="hidden" name="email" value=email3/>
                                                                            <button type="submit" aria-label=unlock_label>{move || t().unlock_button}</button>
                                                                        </ActionForm>
                                                                        <Confirm
                                                                            opener=Signal::derive(move || t().remove_operator_opener.to_owned())
                                                                            consequence=Signal::derive(move || t().remove_operator_consequence.to_owned())
                                                                        >
                                                                            <ActionForm action=remove>
                                                                                <input type="hidden" name="csrf" value=csrf2/>
                                                                                <input type="hidden" name="email" value=email2/>
                                                                                <button type="submit" class="danger">{remove_label}</button>
                                                                            </ActionForm>
                                                                        </Confirm>
                                                                    </div>
                                                                }
                                                            })}
                                                        </td>
                                                    }
                                                });
                                                view! {
                                                    <tr>
                                                        <td>{r.email}</td>
                                                        <td>{r.display_name.unwrap_or_default()}</td>
                                                        <td>{move || if is_admin { t().role_admin } else { t().role_operator }}</td>
                                                        <td>{move || if r.has_password { t().yes } else { t().no }}</td>
                                                        {actions}
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                    })
                }}
            </Suspense>
        </section>
        <ContactAddress/>
        <section class="card narrow" aria-labelledby="add-operator-heading">
            <h2 id="add-operator-heading">{move || t().add_operator_heading}</h2>
            {outcome}
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    match me.await.ok().flatten() {
                        Some(me) if me.is_admin() => view! {
                            <ActionForm action=add attr:class="stack" attr:novalidate=true>
                                <input type="hidden" name="csrf" value=me.csrf/>
                                <label for="operator-email">{move || t().field_invitee_email}</label>
                                <input
                                    id="operator-email"
                                    name="form[email]"
                                    type="email"
                                    required=true
                                    prop:value=email
                                    on:input=move |ev| email.set(event_target_value(&ev))
                                    on:blur=move |_| email_touched.set(true)
                                    aria-invalid=move || (email_touched.get() && !email_valid.get()).to_string()
                                    aria-describedby="operator-email-error"
                                />
                                <p id="operator-email-error" class="field-error" aria-live="polite">
                                    {move || (email_touched.get() && !email_valid.get()).then(|| t().error_email_invalid)}
                                </p>
                                <label for="operator-name">{move || t().field_display_name}</label>
                                <input id="operator-name" name="form[display_name]"/>
                                <label for="operator-role">{move || t().field_role}</label>
                                <select id="operator-role" name="form[role]">
                                    <option value="operator" selected=true>{move || t().role_operator}</option>
                                    <option value="admin">{move || t().role_admin}</option>
                                </select>
                                <button type="submit" class="primary" disabled=move || !email_valid.get() || add.pending().get()>
                                    {move || t().add_operator_button}
                                </button>
                            </ActionForm>
                        }
                            .into_any(),
                        _ => view! { <p>{move || t().admins_only}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The signed-in operator's contact address for invitees: blank shows the
/// address they sign in with.
#[component]
fn ContactAddress() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let save = ServerAction::<SaveContactAddress>::new();
    let me = Resource::new(|| (), |_| signed_in_operator());
    let rows = Resource::new(|| (), |_| list_operators());
    let contact = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    // Blank is allowed: it means the sign-in address.
    let problem = Memo::new(move |_| {
        let raw = contact.get();
        (!raw.trim().is_empty())
            .then(|| normalize_email(&raw).err())
            .flatten()
    });
    let outcome = move || {
        let s = t();
        save.value().get().map(|result| match result {
            Ok(ContactOutcome::Saved { contact }) => view! {
                <p class="notice" role="status">{fill!(s, contact_saved, contact = contact)}</p>
            }
            .into_any(),
            Ok(ContactOutcome::Invalid(problem)) => {
                view! { <p class="notice alert" role="alert">{email_problem_text(s, problem)}</p> }
                    .into_any()
            }
            Err(_) => {
                view! { <p class="notice alert" role="alert">{s.error_try_again}</p> }.into_any()
            }
        })
    };

    view! {
        <section class="card narrow" aria-labelledby="contact-heading">
            <h2 id="contact-heading">{move || t().contact_heading}</h2>
            {outcome}
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let me = me.await.ok().flatten()?;
                    let current = rows
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .find(|r| r.email == me.email)
                        .and_then(|r| r.contact_email)
                        .unwrap_or_default();
                    contact.set(current);
                    let email = me.email.clone();
                    Some(view! {
                        <p>{move || fill!(t(), contact_intro, email = email)}</p>
                        <ActionForm action=save attr:class="stack" attr:novalidate=true>
                            <input type="hidden" name="csrf" value=me.csrf/>
                            <label for="contact-email">{move || t().field_contact_email}</label>
                            <input
                                id="contact-email"
                                name="contact"
                                type="email"
                                autocomplete="email"
                                prop:value=contact
                                on:input=move |ev| contact.set(event_target_value(&ev))
                                on:blur=move |_| touched.set(true)
                                aria-invalid=move || (touched.get() && problem.get().is_some()).to_string()
                                aria-describedby="contact-email-error"
                            />
                            <p id="contact-email-error" class="field-error" aria-live="polite">
                                {move || touched.get().then(|| problem.get().map(|p| email_problem_text(t(), p))).flatten()}
                            </p>
                            <button type="submit" class="primary" disabled=move || problem.get().is_some() || save.pending().get()>
                                {move || t().save_contact_button}
                            </button>
                        </ActionForm>
                    })
                })}
            </Suspense>
        </section>
    }
}
