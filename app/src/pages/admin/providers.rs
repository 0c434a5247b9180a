//! `/admin/providers`: the identity providers invitees sign in with
//! (architecture.md §3.2). Admins add a customer organization's OpenID provider, or
//! Google or Microsoft from a preset that fills in the issuer, and remove
//! them; operators see the list. Client secrets are never shown again.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::operator::signed_in_operator;
use crate::api::providers::{load_providers, AddProvider, RemoveProvider};
use crate::components::admin_nav::AdminNav;
use crate::components::latest_outcome::show_latest_only;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::DashboardStrings;
use crate::model::operator::CurrentOperator;
use crate::model::providers::{ProviderKind, ProviderOutcome, ProviderProblem, ProviderRow};

pub fn kind_name(s: &DashboardStrings, kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::Oidc => s.provider_kind_oidc,
        ProviderKind::Google => s.provider_kind_google,
        ProviderKind::Microsoft => s.provider_kind_microsoft,
    }
}

fn problem_text(s: &DashboardStrings, problem: &ProviderProblem) -> String {
    match problem {
        ProviderProblem::Kind => s.provider_problem_kind.to_owned(),
        ProviderProblem::NameMissing => s.provider_problem_name.to_owned(),
        ProviderProblem::Issuer => s.provider_problem_issuer.to_owned(),
        ProviderProblem::TenantPlaceholder => s.provider_problem_tenant.to_owned(),
        ProviderProblem::OwnsWithAnyTenant => s.provider_problem_owns_any_tenant.to_owned(),
        ProviderProblem::ClientIdMissing => s.provider_problem_client_id.to_owned(),
        ProviderProblem::ClientSecretMissing => s.provider_problem_secret.to_owned(),
        ProviderProblem::NoDomains => s.provider_problem_no_domains.to_owned(),
        ProviderProblem::Domain(d) => fill!(s, provider_problem_domain, domain = d),
        ProviderProblem::KindTaken(k) => {
            fill!(s, provider_problem_kind_taken, kind = kind_name(s, *k))
        }
        ProviderProblem::DomainTaken(d) => fill!(s, provider_problem_domain_taken, domain = d),
        ProviderProblem::Discovery(why) => fill!(s, provider_problem_discovery, why = why),
    }
}

#[component]
pub fn AdminProviders() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let add = ServerAction::<AddProvider>::new();
    let remove = ServerAction::<RemoveProvider>::new();
    let view_data = Resource::new(
        move || (add.version().get(), remove.version().get()),
        |_| load_providers(),
    );
    let me = Resource::new(|| (), |_| signed_in_operator());
    show_latest_only(add.value(), remove.value());

    let outcome = move || {
        let s = t();
        let last = add.value().get().or_else(|| remove.value().get())?;
        Some(match last {
            Ok(ProviderOutcome::Saved) => {
                view! { <p class="notice" role="status">{s.provider_added}</p> }.into_any()
            }
            Ok(ProviderOutcome::Removed) => {
                view! { <p class="notice" role="status">{s.provider_removed}</p> }.into_any()
            }
            Ok(ProviderOutcome::NotAdmin) => {
                view! { <p class="notice alert" role="alert">{s.admins_only}</p> }.into_any()
            }
            Ok(ProviderOutcome::Invalid(problems)) => view! {
                <ul class="notice alert" role="alert">
                    {problems.iter().map(|p| view! { <li>{problem_text(s, p)}</li> }).collect_view()}
                </ul>
            }
            .into_any(),
            Err(_) => {
                view! { <p class="notice alert" role="alert">{s.error_try_again}</p> }.into_any()
            }
        })
    };

    view! {
        <Title text=move || t().providers_title/>
        <AdminNav/>
        <section class="card" aria-labelledby="providers-heading">
            <h1 id="providers-heading">{move || t().providers_heading}</h1>
            {outcome}
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let (Ok(data), me) = (view_data.await, me.await.ok().flatten()) else {
                        return view! { <p class="notice alert" role="alert">{move || t().error_try_again}</p> }.into_any();
                    };
                    let admin_csrf = me.filter(CurrentOperator::is_admin).map(|m| m.csrf);
                    view! {
                        <p>{move || t().providers_intro}</p>
                        <p><code id="redirect-uri">{data.redirect_uri.clone()}</code></p>
                        <ProviderList rows=data.providers csrf=admin_csrf remove/>
                    }
                    .into_any()
                })}
            </Suspense>
            // Apart from the list, which loads again after every submit, so
            // that a refused form keeps what the admin typed.
            <Suspense>
                {move || Suspend::new(async move {
                    match me.await.ok().flatten().filter(CurrentOperator::is_admin) {
                        Some(me) => view! { <AddProviderForm csrf=me.csrf add/> }.into_any(),
                        None => view! { <p class="hint">{move || t().admins_only}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ProviderList(
    rows: Vec<ProviderRow>,
    csrf: Option<String>,
    remove: ServerAction<RemoveProvider>,
) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    if rows.is_empty() {
        return view! { <p>{move || t().providers_empty}</p> }.into_any();
    }
    let items = rows
        .into_iter()
        .map(|row| {
            let name = row.display_name.clone();
            let removal = csrf.clone().map(|csrf| {
                let label = move || fill!(t(), provider_remove_button, name = name);
                view! {
                    <ActionForm action=remove>
                        <input type="hidden" name="csrf" value=csrf/>
                        <input type="hidden" name="id" value=row.id.clone()/>
                        <button type="submit" class="danger">{label}</button>
                    </ActionForm>
                }
            });
            let kind = row.kind;
            view! {
                <li class="provider">
                    <h2>{row.display_name.clone()}" "<span class="hint">"("{move || kind_name(t(), kind)}")"</span></h2>
                    <dl>
                        <dt>{move || t().provider_col_issuer}</dt>
                        <dd><code>{row.issuer.clone()}</code></dd>
                        <dt>{move || t().provider_col_client}</dt>
                        <dd><code>{row.client_id.clone()}</code></dd>
                        <dt>{move || t().provider_col_domains}</dt>
                        <dd>{row.domains.join(", ")}</dd>
                    </dl>
                    {row.authoritative.then(|| view! { <p class="hint">{move || t().provider_owns_domains}</p> })}
                    {removal}
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="plain-list" aria-label=move || t().providers_list_label>{items}</ul>
    }
    .into_any()
}

#[component]
fn AddProviderForm(csrf: String, add: ServerAction<AddProvider>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let issuer = RwSignal::new(String::new());
    // Once a provider is added the form starts empty again: no secret stays
    // in the page, and nothing carries over to the next provider.
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(ProviderOutcome::Saved)) = add.value().get() {
            if let Some(form) = form_ref.get() {
                form.reset();
            }
            issuer.set(String::new());
        }
    });
    // Choosing a preset fills in its issuer, unless one was typed.
    let choose = move |ev| {
        let Some(kind) = ProviderKind::from_code(&event_target_value(&ev)) else {
            return;
        };
        let typed = issuer.get_untracked();
        let is_preset = ProviderKind::ALL.iter().any(|k| k.preset_issuer() == typed);
        if typed.is_empty() || is_preset {
            issuer.set(kind.preset_issuer().to_owned());
        }
    };
    let options = ProviderKind::ALL
        .iter()
        .map(|k| view! { <option value=k.code()>{move || kind_name(t(), *k)}</option> })
        .collect_view();
    view! {
        <h2 id="add-provider-heading">{move || t().provider_add_heading}</h2>
        <ActionForm action=add node_ref=form_ref attr:class="stack" attr:aria-labelledby="add-provider-heading">
            <input type="hidden" name="csrf" value=csrf/>
            <label for="provider-kind">{move || t().provider_kind_label}</label>
            <select id="provider-kind" name="form[kind]" on:change=choose>{options}</select>
            <label for="provider-name">{move || t().provider_name_label}</label>
            <input id="provider-name" name="form[display_name]" maxlength="100" required=true/>
            <label for="provider-issuer">{move || t().provider_issuer_label}</label>
            <input
                id="provider-issuer"
                name="form[issuer]"
                type="url"
                prop:value=issuer
                on:input=move |ev| issuer.set(event_target_value(&ev))
                aria-describedby="provider-issuer-hint"
            />
            <p id="provider-issuer-hint" class="hint">{move || t().provider_issuer_hint}</p>
            <label for="provider-client-id">{move || t().provider_client_id_label}</label>
            <input id="provider-client-id" name="form[client_id]" required=true autocomplete="off"/>
            <label for="provider-secret">{move || t().provider_secret_label}</label>
            <input
                id="provider-secret"
                name="form[client_secret]"
                type="password"
                required=true
                autocomplete="new-password"
                aria-describedby="provider-secret-hint"
            />
            <p id="provider-secret-hint" class="hint">{move || t().provider_secret_hint}</p>
            <label for="provider-domains">{move || t().provider_domains_label}</label>
            <input id="provider-domains" name="form[domains]" aria-describedby="provider-domains-hint"/>
            <p id="provider-domains-hint" class="hint">{move || t().provider_domains_hint}</p>
            <label class="checkbox">
                <input type="checkbox" name="form[authoritative]" value="on"/>
                {move || t().provider_authoritative_label}
            </label>
            <button type="submit" class="primary" disabled=move || add.pending().get()>
                {move || t().provider_add_button}
            </button>
        </ActionForm>
    }
}
