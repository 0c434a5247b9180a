//! `/admin/webhooks`: the endpoints that hear of the organization's events,
//! each with its latest deliveries. Admins add endpoints (the signing secret
//! is shown once, in the answer), remove them, and resend a delivery;
//! operators see the list.

use leptos::prelude::*;
use leptos_meta::Title;
use strum::VariantArray;

use super::apps::uri_problem_text;
use crate::api::operator::signed_in_operator;
use crate::api::webhooks::{load_webhooks, RegisterWebhook, RemoveWebhook, ResendDelivery};
use crate::components::admin_nav::AdminNav;
use crate::components::local_time::LocalTime;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::DashboardStrings;
use crate::model::operator::CurrentOperator;
use crate::model::webhooks::{
    DeliveryRow, DeliveryState, Event, WebhookOutcome, WebhookProblem, WebhookRow,
};

/// What is wrong with an endpoint, in the dashboard's words (the command
/// line says the same in English).
pub fn problem_text(s: &DashboardStrings, problem: &WebhookProblem) -> String {
    match problem {
        WebhookProblem::Url(why) => String::from(uri_problem_text(s, *why)),
        WebhookProblem::PrivateAddress { host, address } => {
            fill!(s, webhook_problem_private, host = host, address = address)
        }
        WebhookProblem::Unresolved(host) => fill!(s, webhook_problem_unresolved, host = host),
        WebhookProblem::NoEvents => s.webhook_problem_no_events.to_owned(),
        WebhookProblem::UnknownEvent(event) => {
            fill!(s, webhook_problem_unknown_event, event = event)
        }
    }
}

fn event_text(s: &DashboardStrings, event: Event) -> &'static str {
    match event {
        Event::InvitationCreated => s.webhook_event_invitation_created,
        Event::InvitationAccepted => s.webhook_event_invitation_accepted,
        Event::InvitationRevoked => s.webhook_event_invitation_revoked,
        Event::CompanyCreated => s.webhook_event_company_created,
        Event::ConsentGiven => s.webhook_event_consent_given,
        Event::UserDeleted => s.webhook_event_user_deleted,
        Event::ImportFinished => s.webhook_event_import_finished,
    }
}

fn outcome_view(s: &'static DashboardStrings, outcome: WebhookOutcome) -> AnyView {
    let notice =
        |text: &'static str| view! { <p class="notice" role="status">{text}</p> }.into_any();
    let alert =
        |text: &'static str| view! { <p class="notice alert" role="alert">{text}</p> }.into_any();
    match outcome {
        WebhookOutcome::Created { secret } => view! {
            <div class="notice" role="status">
                <p>{s.webhook_created}</p>
                <p>
                    <strong>{s.webhook_secret_label}": "</strong>
                    <code id="webhook-secret">{secret}</code>
                </p>
                <p>{s.webhook_secret_once}</p>
            </div>
        }
        .into_any(),
        WebhookOutcome::Removed => notice(s.webhook_removed),
        WebhookOutcome::Resent => notice(s.webhook_resent),
        WebhookOutcome::NotFound => alert(s.webhook_not_found),
        WebhookOutcome::NotAdmin => alert(s.admins_only),
        WebhookOutcome::Invalid(problems) => view! {
            <ul class="notice alert" role="alert">
                {problems.iter().map(|p| view! { <li>{problem_text(s, p)}</li> }).collect_view()}
            </ul>
        }
        .into_any(),
    }
}

#[component]
pub fn AdminWebhooks() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let register = ServerAction::<RegisterWebhook>::new();
    let remove = ServerAction::<RemoveWebhook>::new();
    let resend = ServerAction::<ResendDelivery>::new();
    let view_data = Resource::new(
        move || {
            (
                register.version().get(),
                remove.version().get(),
                resend.version().get(),
            )
        },
        |_| load_webhooks(),
    );
    let me = Resource::new(|| (), |_| signed_in_operator());
    // The latest answer of the three actions is the one shown.
    let latest = RwSignal::new(None);
    for value in [register.value(), remove.value(), resend.value()] {
        Effect::new(move |_| {
            if let Some(answer) = value.get() {
                latest.set(Some(answer));
            }
        });
    }
    let outcome = move || {
        latest.get().map(|answer| match answer {
            Ok(outcome) => outcome_view(t(), outcome),
            Err(_) => {
                view! { <p class="notice alert" role="alert">{t().error_try_again}</p> }.into_any()
            }
        })
    };

    view! {
        <Title text=move || t().webhooks_title/>
        <AdminNav/>
        <section class="card" aria-labelledby="webhooks-heading">
            <h1 id="webhooks-heading">{move || t().webhooks_heading}</h1>
            <p>{move || t().webhooks_intro}</p>
            {outcome}
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let (Ok(data), me) = (view_data.await, me.await.ok().flatten()) else {
                        return view! { <p class="notice alert" role="alert">{move || t().error_try_again}</p> }.into_any();
                    };
                    let admin_csrf = me.filter(CurrentOperator::is_admin).map(|m| m.csrf);
                    view! { <EndpointList rows=data.endpoints csrf=admin_csrf remove resend/> }.into_any()
                })}
            </Suspense>
            // Apart from the list, which loads again after every submit, so
            // that a refused form keeps what the admin typed.
            <Suspense>
                {move || Suspend::new(async move {
                    match me.await.ok().flatten().filter(CurrentOperator::is_admin) {
                        Some(me) => view! { <AddEndpointForm csrf=me.csrf register/> }.into_any(),
                        None => view! { <p class="hint">{move || t().admins_only}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn EndpointList(
    rows: Vec<WebhookRow>,
    csrf: Option<String>,
    remove: ServerAction<RemoveWebhook>,
    resend: ServerAction<ResendDelivery>,
) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    if rows.is_empty() {
        return view! { <p>{move || t().webhooks_empty}</p> }.into_any();
    }
    let items = rows
        .into_iter()
        .map(|row| {
            let url = row.url.clone();
            let removal = csrf.clone().map(|csrf| {
                let url = url.clone();
                let label = move || fill!(t(), webhook_remove_button, url = url);
                view! {
                    <ActionForm action=remove>
                        <input type="hidden" name="csrf" value=csrf/>
                        <input type="hidden" name="id" value=row.id.clone()/>
                        <button type="submit" class="danger">{label}</button>
                    </ActionForm>
                }
            });
            let private = row.allow_private;
            let deliveries_label = {
                let url = url.clone();
                move || fill!(t(), webhook_deliveries_label, url = url)
            };
            view! {
                <li class="provider">
                    <h2><code>{row.url.clone()}</code></h2>
                    <dl>
                        <dt>{move || t().webhook_col_events}</dt>
                        <dd><code>{row.events.join(" ")}</code></dd>
                        <dt>{move || t().webhook_col_network}</dt>
                        <dd>{move || if private { t().webhook_private_allowed } else { t().webhook_public_only }}</dd>
                    </dl>
                    <h3>{move || t().webhook_deliveries_heading}</h3>
                    <DeliveryTable rows=row.deliveries label=deliveries_label csrf=csrf.clone() resend/>
                    {removal}
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="plain-list" aria-label=move || t().webhooks_list_label>{items}</ul>
    }
    .into_any()
}

#[component]
fn DeliveryTable(
    rows: Vec<DeliveryRow>,
    label: impl Fn() -> String + Send + Sync + 'static,
    csrf: Option<String>,
    resend: ServerAction<ResendDelivery>,
) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    if rows.is_empty() {
        return view! { <p>{move || t().webhook_deliveries_empty}</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|d| {
            let state = d.state;
            let answer = match (d.last_status, d.last_error.clone()) {
                (_, Some(error)) => error,
                (Some(status), None) => status.to_string(),
                (None, None) => String::new(),
            };
            let action = csrf.clone().map(|csrf| {
                let (event, when) = (d.event.clone(), d.created_at.clone());
                let label = move || fill!(t(), webhook_resend_button, event = event, when = when);
                view! {
                    <ActionForm action=resend>
                        <input type="hidden" name="csrf" value=csrf/>
                        <input type="hidden" name="id" value=d.id.clone()/>
                        <button type="submit">{label}</button>
                    </ActionForm>
                }
            });
            view! {
                <tr>
                    <td><LocalTime utc=d.created_at.clone()/></td>
                    <td><code>{d.event.clone()}</code></td>
                    <td>{move || match state {
                        DeliveryState::Pending => t().webhook_state_pending,
                        DeliveryState::Delivered => t().webhook_state_delivered,
                        DeliveryState::Failed => t().webhook_state_failed,
                    }}</td>
                    <td>{d.attempts}</td>
                    <td>{answer}</td>
                    <td><code>{d.message_id.clone()}</code></td>
                    <td>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" tabindex="0" aria-label=label>
            <table>
                <thead>
                    <tr>
                        <th scope="col">{move || t().webhook_col_when}</th>
                        <th scope="col">{move || t().webhook_col_event}</th>
                        <th scope="col">{move || t().webhook_col_state}</th>
                        <th scope="col">{move || t().webhook_col_attempts}</th>
                        <th scope="col">{move || t().webhook_col_answer}</th>
                        <th scope="col">{move || t().webhook_col_message}</th>
                        <th scope="col">{move || t().webhook_col_action}</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn AddEndpointForm(csrf: String, register: ServerAction<RegisterWebhook>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    // Once an endpoint is added the form starts empty again.
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(WebhookOutcome::Created { .. })) = register.value().get() {
            if let Some(form) = form_ref.get() {
                form.reset();
            }
        }
    });
    let boxes = Event::VARIANTS
        .iter()
        .map(|&event| {
            let name = format!("form[events][{}]", event.name());
            view! {
                <label class="checkbox">
                    <input type="checkbox" name=name value="on"/>
                    <span><code>{event.name()}</code>": "{move || event_text(t(), event)}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <h2 id="add-webhook-heading">{move || t().webhook_add_heading}</h2>
        <ActionForm action=register node_ref=form_ref attr:class="stack" attr:aria-labelledby="add-webhook-heading">
            <input type="hidden" name="csrf" value=csrf/>
            <label for="webhook-url">{move || t().webhook_url_label}</label>
            <input id="webhook-url" name="form[url]" type="url" required=true aria-describedby="webhook-url-hint"/>
            <p id="webhook-url-hint" class="hint">{move || t().webhook_url_hint}</p>
            <fieldset>
                <legend>{move || t().webhook_events_legend}</legend>
                {boxes}
            </fieldset>
            <label class="checkbox">
                <input type="checkbox" name="form[allow_private]" value="on"/>
                {move || t().webhook_allow_private_label}
            </label>
            <button type="submit" class="primary" disabled=move || register.pending().get()>
                {move || t().webhook_add_button}
            </button>
        </ActionForm>
    }
}
