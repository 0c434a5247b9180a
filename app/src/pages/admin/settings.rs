//! `/admin/settings`: how invitees sign in. Admins order the methods that
//! discovery tries (architecture.md §3.2) and switch emailed passcodes on or off;
//! operators see the settings. The order is checked as it is chosen, by
//! the same rule the server applies.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::operator::signed_in_operator;
use crate::api::settings::{load_sign_in_settings, SaveSignInSettings};
use crate::components::admin_nav::AdminNav;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::DashboardStrings;
use crate::model::discovery::{
    parse_order, Method, OrderProblem, SettingsOutcome, SignInSettings, SignInSettingsForm,
};
use crate::model::domains::DomainKind;
use crate::pages::admin::domain_list::DomainList;
use crate::pages::admin::privacy::PrivacyStatement;
use crate::pages::admin::welcome_links::WelcomeLinks;

pub fn method_name(s: &DashboardStrings, method: Method) -> &'static str {
    match method {
        Method::ExistingAccount => s.method_existing_account,
        Method::OrganizationIdp => s.method_organization_idp,
        Method::Google => s.method_google,
        Method::Microsoft => s.method_microsoft,
        Method::EmailPasscode => s.method_email_passcode,
        Method::NewAccount => s.method_new_account,
    }
}

fn problem_text(s: &DashboardStrings, problem: &OrderProblem) -> String {
    match problem {
        OrderProblem::Repeated(m) => fill!(s, order_repeated, method = method_name(s, *m)),
        OrderProblem::Missing(m) => fill!(s, order_missing, method = method_name(s, *m)),
        OrderProblem::Unknown(code) => fill!(s, order_unknown, method = code),
    }
}

#[component]
pub fn AdminSettings() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let save = ServerAction::<SaveSignInSettings>::new();
    let settings = Resource::new(move || save.version().get(), |_| load_sign_in_settings());
    let me = Resource::new(|| (), |_| signed_in_operator());

    let outcome = move || {
        let s = t();
        save.value().get().map(|result| match result {
            Ok(SettingsOutcome::Saved) => {
                view! { <p class="notice" role="status">{s.settings_saved}</p> }.into_any()
            }
            Ok(SettingsOutcome::NotAdmin) => {
                view! { <p class="notice alert" role="alert">{s.admins_only}</p> }.into_any()
            }
            Ok(SettingsOutcome::Invalid(problem)) => {
                view! { <p class="notice alert" role="alert">{problem_text(s, &problem)}</p> }
                    .into_any()
            }
            Err(_) => {
                view! { <p class="notice alert" role="alert">{s.error_try_again}</p> }.into_any()
            }
        })
    };

    // Each section is a card of its own with its own Save: saving one
    // never sends another's unsaved edits.
    let section = |id: &'static str, body: AnyView| {
        view! {
            <section class="card settings-section" aria-labelledby=id>{body}</section>
        }
    };
    let jump = move |id: &'static str, name: fn(&'static DashboardStrings) -> &'static str| {
        view! { <li><a href=format!("#{id}")>{move || name(t())}</a></li> }
    };
    view! {
        <Title text=move || t().settings_title/>
        <AdminNav/>
        <section class="card" aria-labelledby="settings-page-heading">
            <h1 id="settings-page-heading">{move || t().settings_page_heading}</h1>
            <nav aria-label=move || t().settings_sections_label>
                <ul class="section-links">
                    {jump("settings-heading", |s| s.settings_heading)}
                    {jump("privacy-heading", |s| s.privacy_heading)}
                    {jump("own-domains-heading", |s| s.own_domains_heading)}
                    {jump("trusted-domains-heading", |s| s.trusted_heading)}
                    {jump("welcome-links-heading", |s| s.links_heading)}
                </ul>
            </nav>
        </section>
        <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
            {move || Suspend::new(async move {
                let (Ok(current), me) = (settings.await, me.await.ok().flatten()) else {
                    return view! { <p class="notice alert" role="alert">{move || t().error_try_again}</p> }.into_any();
                };
                let csrf = me.filter(|me| me.is_admin()).map(|me| me.csrf);
                let sign_in = match csrf.clone() {
                    Some(csrf) => view! { <SettingsForm current csrf save/> }.into_any(),
                    None => view! { <SettingsSummary current/> }.into_any(),
                };
                view! {
                    {section("settings-heading", view! {
                        <h2 id="settings-heading">{move || t().settings_heading}</h2>
                        <p>{move || t().settings_intro}</p>
                        {outcome}
                        {sign_in}
                    }.into_any())}
                    {section("privacy-heading", view! { <PrivacyStatement csrf=csrf.clone()/> }.into_any())}
                    {section("own-domains-heading", view! { <DomainList kind=DomainKind::Own csrf=csrf.clone()/> }.into_any())}
                    {section("trusted-domains-heading", view! { <DomainList kind=DomainKind::Trusted csrf=csrf.clone()/> }.into_any())}
                    {section("welcome-links-heading", view! { <WelcomeLinks csrf/> }.into_any())}
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// What operators who are not admins see.
#[component]
fn SettingsSummary(current: SignInSettings) -> impl IntoView {
    let locale = use_locale();
    move || {
        let s = locale.get().dashboard_strings();
        let passcode = if current.passcode_enabled {
            s.yes
        } else {
            s.no
        };
        view! {
            <ol>
                {current.order.iter().map(|m| view! { <li>{method_name(s, *m)}</li> }).collect_view()}
            </ol>
            <p>{s.settings_passcode_label}": "{passcode}</p>
            <p class="hint">{s.admins_only}</p>
        }
    }
}

#[component]
fn SettingsForm(
    current: SignInSettings,
    csrf: String,
    save: ServerAction<SaveSignInSettings>,
) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let places: Vec<RwSignal<String>> = current
        .order
        .iter()
        .map(|m| RwSignal::new(m.code().to_owned()))
        .collect();
    let chosen = places.clone();
    let problem = Memo::new(move |_| {
        let codes: Vec<String> = chosen.iter().map(|p| p.get()).collect();
        parse_order(&codes.join(",")).err()
    });
    let selects = SignInSettingsForm::PLACES
        .iter()
        .zip(places)
        .enumerate()
        .map(|(i, (field, value))| {
            let id = format!("place-{field}");
            let selected = value.get_untracked();
            let options = Method::DEFAULT_ORDER
                .iter()
                .map(|m| {
                    let code = m.code();
                    view! {
                        <option value=code selected=code == selected>
                            {move || method_name(t(), *m)}
                        </option>
                    }
                })
                .collect_view();
            view! {
                <label for=id.clone()>{move || fill!(t(), settings_place, n = (i + 1).to_string())}</label>
                <select
                    id=id
                    name=format!("form[{field}]")
                    on:change=move |ev| value.set(event_target_value(&ev))
                    aria-describedby="order-problem"
                >
                    {options}
                </select>
            }
        })
        .collect_view();
    view! {
        <ActionForm action=save attr:class="stack">
            <input type="hidden" name="csrf" value=csrf/>
            <fieldset>
                <legend>{move || t().settings_order_legend}</legend>
                {selects}
                <p id="order-problem" class="field-error" aria-live="polite">
                    {move || problem.get().map(|p| problem_text(t(), &p))}
                </p>
            </fieldset>
            <label class="checkbox">
                <input
                    type="checkbox"
                    name="form[passcode]"
                    value="on"
                    checked=current.passcode_enabled
                    aria-describedby="passcode-hint"
                />
                {move || t().settings_passcode_label}
            </label>
            <p id="passcode-hint" class="hint">{move || t().settings_passcode_hint}</p>
            <button type="submit" class="primary" disabled=move || problem.get().is_some() || save.pending().get()>
                {move || t().settings_save_button}
            </button>
        </ActionForm>
    }
}
