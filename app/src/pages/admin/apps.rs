//! `/admin/apps`: the seller's apps that sign customers in through Lobby
//! (its OpenID provider). Admins register them (a confidential app's secret
//! is shown once, in the answer) and remove them; operators see the list.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::apps::{load_apps, RegisterApp, RemoveApp};
use crate::api::operator::signed_in_operator;
use crate::components::admin_nav::AdminNav;
use crate::components::latest_outcome::show_latest_only;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::DashboardStrings;
use crate::model::apps::{AppOutcome, AppProblem, AppRow, Registered, UriProblem};
use crate::model::operator::CurrentOperator;

pub fn uri_problem_text(s: &DashboardStrings, problem: UriProblem) -> &'static str {
    match problem {
        UriProblem::NotAbsolute => s.uri_problem_not_absolute,
        UriProblem::PlainHttp => s.uri_problem_plain_http,
        UriProblem::Scheme => s.uri_problem_scheme,
        UriProblem::Credentials => s.uri_problem_credentials,
        UriProblem::Fragment => s.uri_problem_fragment,
    }
}

/// What is wrong with an app, in the dashboard's words (the command line
/// says the same in English).
pub fn problem_text(s: &DashboardStrings, problem: &AppProblem) -> String {
    match problem {
        AppProblem::Name => s.app_problem_name.to_owned(),
        AppProblem::NoRedirectUri => s.app_problem_no_redirect.to_owned(),
        AppProblem::TooManyUris => s.app_problem_too_many.to_owned(),
        AppProblem::Scope(scope) => fill!(s, app_problem_scope, scope = scope),
        AppProblem::Uri { uri, problem } => {
            fill!(
                s,
                app_problem_uri,
                uri = uri,
                why = uri_problem_text(s, *problem)
            )
        }
    }
}

#[component]
pub fn AdminApps() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let register = ServerAction::<RegisterApp>::new();
    let remove = ServerAction::<RemoveApp>::new();
    let view_data = Resource::new(
        move || (register.version().get(), remove.version().get()),
        |_| load_apps(),
    );
    let me = Resource::new(|| (), |_| signed_in_operator());
    show_latest_only(register.value(), remove.value());

    let outcome = move || {
        let s = t();
        let last = register.value().get().or_else(|| remove.value().get())?;
        Some(match last {
            Ok(AppOutcome::Created(Registered { client_id, secret })) => {
                let secret = secret.map(|secret| {
                    view! {
                        <p>
                            <strong>{s.app_secret_label}": "</strong>
                            <code id="app-secret">{secret}</code>
                        </p>
                        <p>{s.app_secret_once}</p>
                    }
                });
                view! {
                    <div class="notice" role="status">
                        <p>{fill!(s, app_created, client_id = client_id)}</p>
                        {secret}
                    </div>
                }
                .into_any()
            }
            Ok(AppOutcome::Removed) => {
                view! { <p class="notice" role="status">{s.app_removed}</p> }.into_any()
            }
            Ok(AppOutcome::NotAdmin) => {
                view! { <p class="notice alert" role="alert">{s.admins_only}</p> }.into_any()
            }
            Ok(AppOutcome::Invalid(problems)) => view! {
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
        <Title text=move || t().apps_title/>
        <AdminNav/>
        <section class="card" aria-labelledby="apps-heading">
            <h1 id="apps-heading">{move || t().apps_heading}</h1>
            {outcome}
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let (Ok(data), me) = (view_data.await, me.await.ok().flatten()) else {
                        return view! { <p class="notice alert" role="alert">{move || t().error_try_again}</p> }.into_any();
                    };
                    let admin_csrf = me.filter(CurrentOperator::is_admin).map(|m| m.csrf);
                    let issuer = data.issuer.clone();
                    view! {
                        <p>{move || fill!(t(), apps_intro, issuer = issuer)}</p>
                        <AppList rows=data.apps csrf=admin_csrf remove/>
                    }
                    .into_any()
                })}
            </Suspense>
            // Apart from the list, which loads again after every submit, so
            // that a refused form keeps what the admin typed.
            <Suspense>
                {move || Suspend::new(async move {
                    match me.await.ok().flatten().filter(CurrentOperator::is_admin) {
                        Some(me) => view! { <RegisterAppForm csrf=me.csrf register/> }.into_any(),
                        None => view! { <p class="hint">{move || t().admins_only}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn AppList(
    rows: Vec<AppRow>,
    csrf: Option<String>,
    remove: ServerAction<RemoveApp>,
) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    if rows.is_empty() {
        return view! { <p>{move || t().apps_empty}</p> }.into_any();
    }
    let addresses = |uris: Vec<String>| {
        view! { <ul class="plain-list">{uris.into_iter().map(|u| view! { <li><code>{u}</code></li> }).collect_view()}</ul> }
    };
    let items = rows
        .into_iter()
        .map(|row| {
            let name = row.name.clone();
            let client_id = row.client_id.clone();
            let removal = csrf.clone().map(|csrf| {
                let label = move || fill!(t(), app_remove_button, name = name);
                view! {
                    <ActionForm action=remove>
                        <input type="hidden" name="csrf" value=csrf/>
                        <input type="hidden" name="client_id" value=client_id/>
                        <button type="submit" class="danger">{label}</button>
                    </ActionForm>
                }
            });
            let public = row.public;
            let admins_only = row.company_admins_only;
            let post_logout = (!row.post_logout_uris.is_empty()).then(|| {
                view! {
                    <dt>{move || t().app_col_post_logout_uris}</dt>
                    <dd>{addresses(row.post_logout_uris.clone())}</dd>
                }
            });
            let launch = row.launch_url.clone().map(|url| {
                view! {
                    <dt>{move || t().app_col_launch_url}</dt>
                    <dd><code>{url}</code></dd>
                }
            });
            view! {
                <li class="provider">
                    <h2>
                        {row.name.clone()}" "
                        <span class="hint">
                            "("{move || if public { t().app_kind_public } else { t().app_kind_confidential }}")"
                        </span>
                    </h2>
                    <dl>
                        <dt>{move || t().app_col_client_id}</dt>
                        <dd><code>{row.client_id.clone()}</code></dd>
                        <dt>{move || t().app_col_redirect_uris}</dt>
                        <dd>{addresses(row.redirect_uris.clone())}</dd>
                        {post_logout}
                        {launch}
                        <dt>{move || t().app_col_scopes}</dt>
                        <dd><code>{row.scopes.join(" ")}</code></dd>
                        <dt>{move || t().app_col_who}</dt>
                        <dd>{move || if admins_only { t().app_for_company_admins } else { t().app_for_everyone }}</dd>
                    </dl>
                    {removal}
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="plain-list" aria-label=move || t().apps_list_label>{items}</ul>
    }
    .into_any()
}

#[component]
fn RegisterAppForm(csrf: String, register: ServerAction<RegisterApp>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    // Once an app is registered the form starts empty again.
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(AppOutcome::Created(_))) = register.value().get() {
            if let Some(form) = form_ref.get() {
                form.reset();
            }
        }
    });
    view! {
        <h2 id="register-app-heading">{move || t().app_add_heading}</h2>
        <ActionForm action=register node_ref=form_ref attr:class="stack" attr:aria-labelledby="register-app-heading">
            <input type="hidden" name="csrf" value=csrf/>
            <label for="app-name">{move || t().app_name_label}</label>
            <input id="app-name" name="form[name]" maxlength="100" required=true/>
            <label for="app-redirects">{move || t().app_redirect_label}</label>
            <textarea
                id="app-redirects"
                name="form[redirect_uris]"
                rows="3"
                required=true
                aria-describedby="app-redirects-hint"
            ></textarea>
            <p id="app-redirects-hint" class="hint">{move || t().app_redirect_hint}</p>
            <label for="app-post-logout">{move || t().app_post_logout_label}</label>
            <textarea id="app-post-logout" name="form[post_logout_uris]" rows="2"></textarea>
            <label for="app-launch">{move || t().app_launch_label}</label>
            <input id="app-launch" name="form[launch_url]" type="url" aria-describedby="app-launch-hint"/>
            <p id="app-launch-hint" class="hint">{move || t().app_launch_hint}</p>
            <fieldset>
                <legend>{move || t().app_scopes_legend}</legend>
                <label class="checkbox">
                    <input type="checkbox" name="form[scope_email]" value="on" checked=true/>
                    {move || t().app_scope_email_label}
                </label>
                <label class="checkbox">
                    <input type="checkbox" name="form[scope_profile]" value="on" checked=true/>
                    {move || t().app_scope_profile_label}
                </label>
            </fieldset>
            <label class="checkbox">
                <input type="checkbox" name="form[public]" value="on"/>
                {move || t().app_public_label}
            </label>
            <label class="checkbox">
                <input type="checkbox" name="form[company_admins_only]" value="on"/>
                {move || t().app_admins_only_label}
            </label>
            <button type="submit" class="primary" disabled=move || register.pending().get()>
                {move || t().app_add_button}
            </button>
        </ActionForm>
    }
}
