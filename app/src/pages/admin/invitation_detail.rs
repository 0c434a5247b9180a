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
use crate::components::copy_button::CopyButton;
use crate::components::latest_outcome::show_latest_only;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::DashboardStrings;
use crate::model::invitation::{InvitationActionOutcome, InvitationStatus, MailState};
use crate::model::operator::CurrentOperator;
use crate::pages::admin::invitations::status_name;
use crate::pages::admin::operators::access_notice;

fn event_name(s: &'static DashboardStrings, action: &str) -> &'static str {
    match action {
        "invitation.created" => s.event_created,
        "invitation.resent" => s.event_resent,
        "invitation.revoked" => s.event_revoked,
        "invitation.sessions_ended" => s.event_sessions_ended,
        "invitation.admin_approval_asked" => s.event_admin_asked,
        "invitation.admin_approved" => s.event_admin_approved,
        _ => s.event_other,
    }
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
                                    <dd>{d.row.created_at.clone()}</dd>
                                    <dt>{move || t().column_expires}</dt>
                                    <dd>{d.row.expires_at.clone()}</dd>
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
                                {open.then(move || {
                                    // Each form's children own their values.
                                    let (csrf_resend, id_resend) = (csrf.clone(), id.clone());
                                    view! {
                                    <div class="actions">
                                        <ActionForm action=resend>
                                            <input type="hidden" name="csrf" value=csrf_resend/>
                                            <input type="hidden" name="id" value=id_resend/>
                                            <button type="submit">{move || t().resend_button}</button>
                                        </ActionForm>
                                        <ActionForm action=revoke>
                                            <input type="hidden" name="csrf" value=csrf/>
                                            <input type="hidden" name="id" value=id/>
                                            <button type="submit" class="danger">{move || t().revoke_button}</button>
                                        </ActionForm>
                                    </div>
                                    }
                                })}
                                <h2>{move || t().timeline_heading}</h2>
                                <ol class="timeline">
                                    {d.timeline
                                        .into_iter()
                                        .map(|e| {
                                            let action = e.action.clone();
                                            view! {
                                                <li>
                                                    <time>{e.at}</time>" "
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
