//! `/admin/invitations`: the organization's invitations with their status
//! and how far each customer got, filtered by either and paged; plain links, so it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::invitations::{list_invitations, RemindInvitees};
use crate::api::operator::signed_in_operator;
use crate::api::ApiError;
use crate::branding::Branding;
use crate::components::admin_nav::AdminNav;
use crate::components::error_notice::ErrorNotice;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::DashboardStrings;
use crate::model::invitation::{InvitationRow, InvitationStatus, MailState};
use crate::model::progress::ProgressStep;
use crate::query::encode;

/// The translated name of a status.
pub fn status_name(s: &'static DashboardStrings, status: InvitationStatus) -> &'static str {
    match status {
        InvitationStatus::PendingAcceptance => s.status_pending,
        InvitationStatus::Accepted => s.status_accepted,
        InvitationStatus::Expired => s.status_expired,
        InvitationStatus::Revoked => s.status_revoked,
    }
}

/// The translated name of a step of the way in.
pub fn step_name(s: &'static DashboardStrings, step: ProgressStep) -> &'static str {
    match step {
        ProgressStep::Invited => s.progress_invited,
        ProgressStep::EmailDelivered => s.progress_email_delivered,
        ProgressStep::LinkOpened => s.progress_link_opened,
        ProgressStep::SignedIn => s.progress_signed_in,
        ProgressStep::TermsAccepted => s.progress_terms_accepted,
        ProgressStep::CompanyCreated => s.progress_company_created,
        ProgressStep::Welcomed => s.progress_welcomed,
    }
}

/// What the list filters by.
#[derive(Clone, Copy, Default, PartialEq)]
struct Filter {
    status: Option<InvitationStatus>,
    progress: Option<ProgressStep>,
}

fn list_href(filter: Filter, search: Option<&str>, cursor: Option<&str>) -> String {
    let mut query = Vec::new();
    if let Some(s) = filter.status {
        query.push(format!("status={}", s.code()));
    }
    if let Some(p) = filter.progress {
        query.push(format!("progress={}", p.code()));
    }
    if let Some(q) = search {
        query.push(format!("q={}", encode(q)));
    }
    if let Some(c) = cursor {
        query.push(format!("cursor={c}"));
    }
    if query.is_empty() {
        "/admin/invitations".to_owned()
    } else {
        format!("/admin/invitations?{}", query.join("&"))
    }
}

/// The CSV of the invitations the list shows, all pages of them.
fn export_href(filter: Filter, search: Option<&str>) -> String {
    list_href(filter, search, None).replacen("/admin/invitations", "/admin/invitations.csv", 1)
}

#[component]
pub fn AdminInvitations() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let org = use_context::<Branding>().unwrap_or_default().org_name;
    let query = use_query_map();
    let status = move || {
        query
            .read()
            .get("status")
            .and_then(|s| InvitationStatus::from_code(&s))
    };
    let search = move || {
        query
            .read()
            .get("q")
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty())
    };
    // A step that is not one is ignored: the whole list.
    let progress = move || {
        query
            .read()
            .get("progress")
            .and_then(|p| ProgressStep::from_code(&p))
    };
    let filter = move || Filter {
        status: status(),
        progress: progress(),
    };
    let cursor = move || query.read().get("cursor");
    let remind = ServerAction::<RemindInvitees>::new();
    let me = Resource::new(|| (), |_| signed_in_operator());
    let page = Resource::new(
        move || {
            (
                status(),
                progress(),
                search(),
                cursor(),
                remind.version().get(),
            )
        },
        |(status, progress, search, cursor, _)| list_invitations(status, progress, search, cursor),
    );
    let reminded = move || {
        remind.value().get().map(|result| match result {
            Ok(done) => view! {
                <p class="notice" role="status">
                    {move || fill!(t(), reminded, sent = done.sent.to_string(), recent = done.recent.to_string())}
                </p>
            }
            .into_any(),
            Err(_) => view! { <p class="notice alert" role="alert">{move || t().error_try_again}</p> }.into_any(),
        })
    };

    let filters = move || {
        let current = filter();
        std::iter::once(None)
            .chain(InvitationStatus::ALL.iter().map(|&s| Some(s)))
            .map(|s| {
                let selected = current.status == s;
                let to = Filter { status: s, ..current };
                view! {
                    <li>
                        <a href=list_href(to, search().as_deref(), None) aria-current=selected.then_some("page")>
                            {move || s.map(|s| status_name(t(), s)).unwrap_or(t().status_all)}
                        </a>
                    </li>
                }
            })
            .collect_view()
    };
    let steps = move || {
        let current = filter();
        std::iter::once(None)
            .chain(ProgressStep::ALL.iter().map(|&p| Some(p)))
            .map(|p| {
                let selected = current.progress == p;
                let to = Filter { progress: p, ..current };
                view! {
                    <li>
                        <a href=list_href(to, search().as_deref(), None) aria-current=selected.then_some("page")>
                            {move || p.map(|p| step_name(t(), p)).unwrap_or(t().progress_all)}
                        </a>
                    </li>
                }
            })
            .collect_view()
    };
    let row = move |r: InvitationRow| {
        let status = r.status;
        let badge = format!("badge status-{}", status.code().to_lowercase());
        let failed = matches!(r.mail, Some(MailState::Failed { .. }));
        let (progress, progress_at) = (r.progress, r.progress_at.clone());
        view! {
            <tr>
                <td><a href=format!("/admin/invitations/{}", r.id)>{r.email}</a></td>
                <td>{r.display_name.unwrap_or_default()}</td>
                <td>
                    <span class=badge>{move || status_name(t(), status)}</span>
                    {failed.then(|| view! { " "<span class="badge mail-failed">{move || t().mail_failed_badge}</span> })}
                </td>
                <td>{move || fill!(t(), progress_since, step = step_name(t(), progress), at = progress_at.clone())}</td>
                <td>{r.inviter.unwrap_or_default()}</td>
                <td>{r.created_at}</td>
                <td>{r.expires_at}</td>
            </tr>
        }
    };

    view! {
        <Title text=move || t().invitations_title/>
        <AdminNav/>
        <section class="card wide" aria-labelledby="invitations-heading">
            <h1 id="invitations-heading">{move || t().invitations_heading}</h1>
            <form class="search" method="get" action="/admin/invitations" role="search">
                {move || status().map(|s| view! { <input type="hidden" name="status" value=s.code()/> })}
                {move || progress().map(|p| view! { <input type="hidden" name="progress" value=p.code()/> })}
                <label for="invitation-search">{move || t().search_label}</label>
                <div class="search-row">
                    <input id="invitation-search" type="search" name="q" value=search maxlength="200"/>
                    <button type="submit">{move || t().search_button}</button>
                </div>
            </form>
            <nav class="filters" aria-label=move || t().invitations_filter_label>
                <ul>{filters}</ul>
            </nav>
            <nav class="filters" aria-label=move || t().progress_filter_label>
                <ul>{steps}</ul>
            </nav>
            {reminded}
            // A failed load reaches the boundary, which says why in the page's language.
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors/> }>
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || {
                    let org = org.clone();
                    // Read before the await: reactive reads must not happen after it.
                    let current = filter();
                    let text = search();
                    Suspend::new(async move {
                        let csrf = me.await.ok().flatten().map(|o| o.csrf);
                        let p = page.await?;
                        if p.rows.is_empty() {
                            return Ok::<_, ApiError>(view! { <p>{move || t().no_invitations}</p> }.into_any());
                        }
                        let next = p.next.map(|c| list_href(current, text.as_deref(), Some(&c)));
                        Ok(view! {
                            <div class="table-scroll" role="region" aria-labelledby="invitations-caption" tabindex="0">
                                <table>
                                    <caption id="invitations-caption">{move || fill!(t(), invitations_caption, org = org)}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{move || t().column_email}</th>
                                            <th scope="col">{move || t().column_name}</th>
                                            <th scope="col">{move || t().column_status}</th>
                                            <th scope="col">{move || t().column_progress}</th>
                                            <th scope="col">{move || t().column_inviter}</th>
                                            <th scope="col">{move || t().column_created}</th>
                                            <th scope="col">{move || t().column_expires}</th>
                                        </tr>
                                    </thead>
                                    <tbody>{p.rows.into_iter().map(row).collect_view()}</tbody>
                                </table>
                            </div>
                            {next.map(|href| view! { <p><a href=href rel="next">{move || t().next_page}</a></p> })}
                            <p>
                                <a href=export_href(current, text.as_deref()) rel="external" download="">
                                    {move || t().invitations_download}
                                </a>
                            </p>
                            // Who to nudge: everyone of a step at once.
                            {current.progress.zip(csrf).map(|(step, csrf)| view! {
                                <ActionForm action=remind>
                                    <input type="hidden" name="csrf" value=csrf/>
                                    <input type="hidden" name="progress" value=step.code()/>
                                    {current.status.map(|s| view! { <input type="hidden" name="status" value=s.code()/> })}
                                    {text.clone().map(|q| view! { <input type="hidden" name="search" value=q/> })}
                                    <button type="submit" disabled=move || remind.pending().get()>{move || t().remind_button}</button>
                                </ActionForm>
                            })}
                        }
                        .into_any())
                    })
                }}
            </Suspense>
            </ErrorBoundary>
        </section>
    }
}
