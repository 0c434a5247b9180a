//! `/admin/invitations/{id}`: one invitation, its timeline of audit events,
//! and the operator's actions on it (send again, revoke); admins may also
//! sign its invitee out everywhere.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::invitations::{get_invitation_detail, ResendInvitation, RevokeInvitation};
use crate::api::operator::signed_in_operator;
use crate::api::operators::EndInviteeSessions;
use crate::components::admin_nav::AdminNav;
use crate::components::company_fields::company_label;
use crate::components::confirm::Confirm;
use crate::components::copy_button::CopyButton;
use crate::components::latest_outcome::show_latest_only;
use crate::components::local_time::LocalTime;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::DashboardStrings;
use crate::model::invitation::InvitationDetail;
use crate::model::invitation::{InvitationActionOutcome, InvitationStatus, MailState};
use crate::model::operator::CurrentOperator;
use crate::model::progress::ProgressStep;
use crate::pages::admin::names::{method_text, status_name, step_name};
use crate::pages::admin::operators::access_notice;

/// The name of an event of the invitation's timeline; an action this
/// dashboard does not know yet shows as it is stored, never as "Changed".
fn event_name(s: &'static DashboardStrings, action: &str) -> String {
    match action {
        "invitation.created" => s.event_created,
        "invitation.resent" => s.event_resent,
        "invitation.revoked" => s.event_revoked,
        "invitation.sessions_ended" => s.event_sessions_ended,
        "invitation.admin_approval_asked" => s.event_admin_asked,
        "invitation.admin_approved" => s.event_admin_approved,
        "invitation.accepted" => s.event_accepted,
        "invitation.new_link_requested" => s.event_new_link,
        "invitation.sign_in_link_sent" => s.event_sign_in_link,
        "invitation.link_opened" => s.event_link_opened,
        "invitation.finished" => s.event_finished,
        "customer.signed_in" => s.event_signed_in,
        "customer.consent_declined" => s.event_declined,
        other => return other.to_owned(),
    }
    .to_owned()
}

/// Each step of the way in, with its time or "not yet", and the facts
/// behind them.
fn progress_view(
    t: impl Fn() -> &'static DashboardStrings + Copy + Send + Sync + 'static,
    d: &InvitationDetail,
) -> impl IntoView {
    let steps = d
        .steps
        .iter()
        .map(|reached| {
            let (step, at) = (reached.step, reached.at.clone());
            let done = at.is_some();
            view! {
                <li class:done=done>
                    <strong>{move || step_name(t(), step)}</strong>" "
                    {match at {
                        Some(at) => view! { <LocalTime utc=at/> }.into_any(),
                        None => view! { <span class="hint">{move || t().step_not_yet}</span> }.into_any(),
                    }}
                </li>
            }
        })
        .collect_view();
    let facts = d.facts.clone();
    let opened = match (facts.first_opened.clone(), facts.last_opened.clone()) {
        (Some(first), Some(last)) => Some(view! {
            <dt>{move || t().progress_link_opened}</dt>
            <dd>{move || fill!(t(), fact_opened, first = first.clone(), last = last.clone())}</dd>
        }),
        _ => None,
    };
    let method = facts.sign_in_method.map(|_| {
        let facts = facts.clone();
        view! {
            <dt>{move || t().fact_signed_in_with}</dt>
            <dd>{move || method_text(t(), facts.sign_in_method, facts.sign_in_source.as_deref())}</dd>
        }
    });
    let consent = facts.consent.clone().map(|c| {
        // A document there was none of reads as a dash.
        let terms = match (c.terms_version, c.terms_language.as_deref()) {
            (Some(v), Some(language)) => format!("{v} ({language})"),
            (Some(v), None) => v.to_string(),
            (None, _) => "—".to_owned(),
        };
        let privacy = c.privacy_version.clone().unwrap_or_else(|| "—".to_owned());
        view! {
            <dt>{move || t().fact_consent}</dt>
            <dd>
                {move || fill!(t(), fact_consent_versions, terms = terms.clone(), privacy = privacy.clone())}
                {c.automatic.then(|| view! { " · " {move || t().fact_consent_automatic} })}
            </dd>
        }
    });
    let company = facts.company.clone().map(|c| {
        view! {
            <dt>{move || t().fact_company}</dt>
            <dd><a href=format!("/admin/companies/{}", c.id)>{c.name}</a></dd>
        }
    });
    view! {
        <h2>{move || t().steps_heading}</h2>
        <ol class="steps-reached">{steps}</ol>
        <dl class="facts">{opened}{method}{consent}{company}</dl>
    }
}

/// What the operator gave the invitation: message, language, copy, draft.
fn given_view(
    t: impl Fn() -> &'static DashboardStrings + Copy + Send + Sync + 'static,
    d: &InvitationDetail,
) -> impl IntoView {
    let message = d
        .message
        .clone()
        .map(|m| view! { <dt>{move || t().fact_message}</dt><dd class="message">{m}</dd> });
    let language = d
        .language
        .clone()
        .map(|l| view! { <dt>{move || t().fact_language}</dt><dd>{l}</dd> });
    let cc =
        d.cc.clone()
            .map(|c| view! { <dt>{move || t().fact_cc}</dt><dd>{c}</dd> });
    let draft = (!d.draft.is_empty()).then(|| {
        let fields = d
            .draft
            .iter()
            .map(|(field, value)| {
                let (field, value) = (*field, value.clone());
                view! { <li>{move || company_label(t(), field)}": "{value}</li> }
            })
            .collect_view();
        view! { <dt>{move || t().fact_draft}</dt><dd><ul>{fields}</ul></dd> }
    });
    let any = d.message.is_some() || d.language.is_some() || d.cc.is_some() || !d.draft.is_empty();
    any.then(|| {
        view! {
            <h2>{move || t().given_heading}</h2>
            <dl class="facts">{message}{language}{cc}{draft}</dl>
        }
    })
}

#[component]
pub fn InvitationDetailPage() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let id = move || use_params_map().read().get("id").unwrap_or_default();
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let end_sessions = ServerAction::<EndInviteeSessions>::new();
    let detail = Resource::new(
        move || {
            let versions = [resend.version(), revoke.version(), end_sessions.version()];
            (id(), versions.map(|v| v.get()))
        },
        |(id, _)| get_invitation_detail(id),
    );
    let operator = Resource::new(|| (), |_| signed_in_operator());
    show_latest_only(resend.value(), revoke.value());

    let outcome = move || {
        let s = t();
        let last = resend.value().get().or_else(|| revoke.value().get())?;
        Some(match last {
            Ok(InvitationActionOutcome::Resent { redeem_url }) => view! {
                <div class="notice" role="status">
                    <p>{s.action_resent}</p>
                    <label for="new-redeem-url">{s.invitation_link_label}</label>
                    <input id="new-redeem-url" readonly=true value=redeem_url/>
                    <CopyButton target="new-redeem-url"/>
                </div>
            }
            .into_any(),
            Ok(InvitationActionOutcome::Revoked) => {
                view! { <p class="notice" role="status">{s.action_revoked}</p> }.into_any()
            }
            Ok(InvitationActionOutcome::NotPossible) => {
                view! { <p class="notice alert" role="alert">{s.action_not_possible}</p> }
                    .into_any()
            }
            Ok(InvitationActionOutcome::NotFound) => {
                view! { <p class="notice alert" role="alert">{s.invitation_not_found}</p> }
                    .into_any()
            }
            Err(_) => {
                view! { <p class="notice alert" role="alert">{s.error_try_again}</p> }.into_any()
            }
        })
    };

    let end_outcome = move || {
        end_sessions
            .value()
            .get()
            .map(|result| access_notice(t(), result))
    };

    view! {
        <Title text=move || t().detail_title/>
        <AdminNav/>
        <section class="card" aria-labelledby="detail-heading">
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let me = operator.await.ok().flatten();
                    let admin = me.as_ref().is_some_and(CurrentOperator::is_admin);
                    let csrf = me.map(|o| o.csrf).unwrap_or_default();
                    match detail.await {
                        Ok(Some(d)) => {
                            let status = d.row.status;
                            let email = d.row.email.clone();
                            let open = matches!(status, InvitationStatus::PendingAcceptance | InvitationStatus::Expired);
                            // Accepted but not finished: a reminder, with a link that leads on.
                            let unfinished = status == InvitationStatus::Accepted
                                && d.row.progress != ProgressStep::Welcomed;
                            let id = d.row.id.clone();
                            view! {
                                <h1 id="detail-heading">{move || fill!(t(), detail_heading, email = email)}</h1>
                                {outcome}
                                {end_outcome}
                                <dl class="facts">
                                    <dt>{move || t().column_status}</dt>
                                    <dd>{move || status_name(t(), status)}</dd>
                                    <dt>{move || t().column_name}</dt>
                                    <dd>{d.row.display_name.clone().unwrap_or_default()}</dd>
                                    <dt>{move || t().column_inviter}</dt>
                                    <dd>{d.row.inviter.clone().unwrap_or_default()}</dd>
                                    <dt>{move || t().column_created}</dt>
                                    <dd><LocalTime utc=d.row.created_at.clone()/></dd>
                                    <dt>{move || t().column_expires}</dt>
                                    <dd><LocalTime utc=d.row.expires_at.clone()/></dd>
                                    <dt>{move || t().detail_emails_sent}</dt>
                                    <dd>{d.send_count}</dd>
                                    {d.row.mail.clone().map(|mail| view! {
                                        <dt>{move || t().detail_mail_state}</dt>
                                        <dd>{move || mail_text(t(), &mail)}</dd>
                                    })}
                                </dl>
                                {admin.then(|| {
                                    let (csrf, id) = (csrf.clone(), id.clone());
                                    view! {
                                        <ActionForm action=end_sessions>
                                            <input type="hidden" name="csrf" value=csrf/>
                                            <input type="hidden" name="id" value=id/>
                                            <button type="submit">{move || t().end_invitee_sessions_button}</button>
                                        </ActionForm>
                                    }
                                })}
                                {(open || unfinished).then(move || {
                                    // Each form's children own their values.
                                    let (csrf_resend, id_resend) = (csrf.clone(), id.clone());
                                    view! {
                                    <div class="actions">
                                        <ActionForm action=resend>
                                            <input type="hidden" name="csrf" value=csrf_resend/>
                                            <input type="hidden" name="id" value=id_resend/>
                                            <button type="submit">{move || t().resend_button}</button>
                                        </ActionForm>
                                        {open.then(|| view! {
                                            <Confirm
                                                opener=Signal::derive(move || t().revoke_opener.to_owned())
                                                consequence=Signal::derive(move || t().revoke_invitation_consequence.to_owned())
                                            >
                                                <ActionForm action=revoke>
                                                    <input type="hidden" name="csrf" value=csrf/>
                                                    <input type="hidden" name="id" value=id/>
                                                    <button type="submit" class="danger">{move || t().revoke_invitation_confirm}</button>
                                                </ActionForm>
                                            </Confirm>
                                        })}
                                    </div>
                                    }
                                })}
                                {progress_view(t, &d)}
                                {given_view(t, &d)}
                                <h2>{move || t().timeline_heading}</h2>
                                <ol class="timeline">
                                    {d.timeline
                                        .into_iter()
                                        .map(|e| {
                                            let action = e.action.clone();
                                            view! {
                                                <li>
                                                    <LocalTime utc=e.at/>" "
                                                    <strong>{move || event_name(t(), &action)}</strong>
                                                    {e.actor.map(|a| view! { " · " {a} })}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ol>
                            }
                                .into_any()
                        }
                        _ => view! { <h1 id="detail-heading">{move || t().invitation_not_found}</h1> }.into_any(),
                    }
                })}
            </Suspense>
            <p><a href="/admin/invitations">{move || t().back_to_list}</a></p>
        </section>
    }
}

/// Where the invitation's latest email stands, in the operator's words.
fn mail_text(s: &'static DashboardStrings, mail: &MailState) -> String {
    match mail {
        MailState::Delivered { at } => fill!(s, mail_delivered, at = at),
        MailState::Queued {
            retry_at: Some(at),
            last_error,
        } => fill!(
            s,
            mail_retrying,
            at = at,
            answer = last_error.clone().unwrap_or_default()
        ),
        MailState::Queued { retry_at: None, .. } => s.mail_queued.to_owned(),
        MailState::Failed { error } => fill!(s, mail_failed, answer = error),
    }
}
