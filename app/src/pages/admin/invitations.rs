//! `/admin/invitations`: the organization's invitations with their status
//! and how far each customer got, filtered by either and paged; plain links, so it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::names::{method_text, status_name, step_name};
use crate::api::invitations::{list_invitations, RemindInvitees};
use crate::api::operator::signed_in_operator;
use crate::api::ApiError;
use crate::branding::Branding;
use crate::components::admin_nav::AdminNav;
use crate::components::error_notice::ErrorNotice;
use crate::components::local_time::{local_time, LocalTime};
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::DashboardStrings;
use crate::model::invitation::{
    InvitationRow, InvitationStatus, ListFilter, MailState, Sort, SortColumn,
};
use crate::model::progress::ProgressStep;
use crate::query::encode;

/// The list's address with `filter`, from `cursor` on.
pub fn list_href(filter: &ListFilter, cursor: Option<&str>) -> String {
    let mut query = filter.query();
    if let Some(c) = cursor {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&format!("cursor={}", encode(c)));
    }
    if query.is_empty() {
        "/admin/invitations".to_owned()
    } else {
        format!("/admin/invitations?{query}")
    }
}

/// The CSV of the invitations the list shows, all pages of them.
fn export_href(filter: &ListFilter) -> String {
    list_href(filter, None).replacen("/admin/invitations", "/admin/invitations.csv", 1)
}

#[component]
pub fn AdminInvitations() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let org = use_context::<Branding>().unwrap_or_default().org_name;
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let pairs: Vec<(&str, &str)> = q.latest_values().map(|(k, v)| (k.as_ref(), v)).collect();
        ListFilter::from_pairs(pairs.iter().copied())
    };
    let cursor = move || query.read().get("cursor");
    let remind = ServerAction::<RemindInvitees>::new();
    let me = Resource::new(|| (), |_| signed_in_operator());
    let page = Resource::new(
        move || (filter(), cursor(), remind.version().get()),
        |(filter, cursor, _)| list_invitations(filter, cursor),
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

    // A row of filter links: each keeps the rest of the filter.
    let links = move |choices: Vec<(ListFilter, bool, String)>| {
        choices
            .into_iter()
            .map(|(to, selected, name)| view! {
                <li><a href=list_href(&to, None) aria-current=selected.then_some("page")>{name}</a></li>
            })
            .collect_view()
    };
    let steps = move || {
        let current = filter();
        let s = t();
        let choices = std::iter::once(None)
            .chain(ProgressStep::ALL.iter().map(|&p| Some(p)))
            .map(|progress| {
                let name = progress.map(|p| step_name(s, p)).unwrap_or(s.progress_all);
                (
                    ListFilter {
                        progress,
                        ..current.clone()
                    },
                    current.progress == progress,
                    name.to_owned(),
                )
            })
            .collect();
        links(choices)
    };
    let mail = move || {
        let current = filter();
        let s = t();
        links(vec![
            (
                ListFilter {
                    failed_mail: false,
                    ..current.clone()
                },
                !current.failed_mail,
                s.mail_any.to_owned(),
            ),
            (
                ListFilter {
                    failed_mail: true,
                    ..current.clone()
                },
                current.failed_mail,
                s.failed_mail_filter.to_owned(),
            ),
        ])
    };
    // What the overview narrowed the list to, with a way back to all.
    let narrowed = move || {
        let current = filter();
        let scope = current.scope.clone();
        (scope != Default::default()).then(|| {
            let s = t();
            let mut parts = Vec::new();
            if scope.from.is_some() || scope.to.is_some() {
                let (from, to) = (
                    scope.from.clone().unwrap_or_default(),
                    scope.to.clone().unwrap_or_default(),
                );
                parts.push(fill!(s, scope_period, from = from, to = to));
            }
            if scope.import.is_some() {
                parts.push(s.scope_of_import.to_owned());
            }
            if scope.inviter.is_some() {
                parts.push(s.scope_of_inviter.to_owned());
            }
            let all = ListFilter {
                scope: Default::default(),
                ..current
            };
            view! {
                <p class="notice" role="status">
                    {fill!(s, list_scope, scope = parts.join(", "))}" "
                    <a href=list_href(&all, None)>{s.list_scope_clear}</a>
                </p>
            }
        })
    };
    let row = move |r: InvitationRow| {
        let status = r.status;
        // Accepted is said of a customer who finished; one who stopped
        // after the terms is not finished yet.
        let unfinished = status == InvitationStatus::Accepted && !r.finished();
        let badge = if unfinished {
            "badge status-unfinished".to_owned()
        } else {
            format!("badge status-{}", status.code().to_lowercase())
        };
        let failed = matches!(r.mail, Some(MailState::Failed { .. }));
        let (progress, progress_at) = (r.progress, r.progress_at.clone());
        let since = local_time(&progress_at);
        let company = match (r.company, r.company_draft) {
            (Some(c), _) => Some(view! { <a href=format!("/admin/companies/{}", c.id)>{c.name}</a> }.into_any()),
            (None, Some(name)) => Some(view! { <span>{move || fill!(t(), company_draft_name, name = name.clone())}</span> }.into_any()),
            _ => None,
        };
        let (method, source) = (r.sign_in_method, r.sign_in_source);
        view! {
            <tr>
                <td data-label=move || t().column_email><a href=format!("/admin/invitations/{}", r.id)>{r.email}</a></td>
                <td data-label=move || t().column_name class="fold">{r.display_name}</td>
                <td data-label=move || t().column_status>
                    <span class=badge>{move || if unfinished { t().status_unfinished } else { status_name(t(), status) }}</span>
                    {failed.then(|| view! { " "<span class="badge mail-failed">{move || t().mail_failed_badge}</span> })}
                </td>
                <td data-label=move || t().column_progress title=format!("{progress_at} UTC")>
                    {move || fill!(t(), progress_since, step = step_name(t(), progress), at = since.get())}
                </td>
                <td data-label=move || t().column_company class="fold">{company}</td>
                <td data-label=move || t().column_sign_in class="fold">{move || method_text(t(), method, source.as_deref())}</td>
                <td data-label=move || t().column_activity class="fold"><LocalTime utc=r.last_activity/></td>
                <td data-label=move || t().column_inviter class="fold">{r.inviter}</td>
                <td data-label=move || t().column_created class="fold"><LocalTime utc=r.created_at/></td>
                <td data-label=move || t().column_expires class="fold"><LocalTime utc=r.expires_at/></td>
            </tr>
        }
    };
    // A column's heading: a link that orders the list by it, up, then down.
    let heading = move |column: SortColumn, name: fn(&'static DashboardStrings) -> &'static str| {
        let current = filter();
        let now = current.sort.filter(|s| s.column == column);
        let next = Sort {
            column,
            descending: now.is_some_and(|s| !s.descending),
        };
        let href = list_href(
            &ListFilter {
                sort: Some(next),
                ..current
            },
            None,
        );
        let aria = now.map(|s| {
            if s.descending {
                "descending"
            } else {
                "ascending"
            }
        });
        view! {
            <th scope="col" aria-sort=aria>
                <a href=href>{move || name(t())}</a>
            </th>
        }
    };
    let status_counts = move |counts: Vec<(InvitationStatus, u64)>| {
        let current = filter();
        let s = t();
        let all: u64 = counts.iter().map(|(_, n)| n).sum();
        let choices = std::iter::once((None, all))
            .chain(counts.into_iter().map(|(st, n)| (Some(st), n)))
            .map(|(status, n)| {
                let name = status.map(|st| status_name(s, st)).unwrap_or(s.status_all);
                let label = fill!(s, status_count, status = name, count = n.to_string());
                (
                    ListFilter {
                        status,
                        ..current.clone()
                    },
                    current.status == status,
                    label,
                )
            })
            .collect();
        links(choices)
    };

    view! {
        <Title text=move || t().invitations_title/>
        <AdminNav/>
        <section class="card wide" aria-labelledby="invitations-heading">
            <h1 id="invitations-heading">{move || t().invitations_heading}</h1>
            <form class="search" method="get" action="/admin/invitations" role="search">
                {move || {
                    filter()
                        .pairs()
                        .into_iter()
                        .filter(|(k, _)| *k != "q")
                        .map(|(k, v)| (k, v.to_owned()))
                        .chain(filter().sort.map(|s| ("sort", s.code())))
                        .map(|(k, v)| view! { <input type="hidden" name=k value=v/> })
                        .collect_view()
                }}
                <label for="invitation-search">{move || t().search_label}</label>
                <div class="search-row">
                    <input id="invitation-search" type="search" name="q" value=move || filter().search maxlength="200"/>
                    <button type="submit">{move || t().search_button}</button>
                </div>
            </form>
            {narrowed}
            <nav class="filters" aria-label=move || t().progress_filter_label>
                <ul>{steps}</ul>
            </nav>
            <nav class="filters" aria-label=move || t().mail_filter_label>
                <ul>{mail}</ul>
            </nav>
            {reminded}
            // A failed load reaches the boundary, which says why in the page's language.
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors/> }>
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || {
                    let org = org.clone();
                    // Read before the await: reactive reads must not happen after it.
                    let current = filter();
                    Suspend::new(async move {
                        let csrf = me.await.ok().flatten().map(|o| o.csrf);
                        let p = page.await?;
                        let counts = view! {
                            <nav class="filters" aria-label=move || t().invitations_filter_label>
                                <ul>{status_counts(p.counts.clone())}</ul>
                            </nav>
                        };
                        if p.rows.is_empty() {
                            return Ok::<_, ApiError>(view! { {counts}<p>{move || t().no_invitations}</p> }.into_any());
                        }
                        let next = p.next.map(|c| list_href(&current, Some(&c)));
                        Ok(view! {
                            {counts}
                            <div class="table-scroll folding" role="region" aria-labelledby="invitations-caption" tabindex="0">
                                <table>
                                    <caption id="invitations-caption">{move || fill!(t(), invitations_caption, org = org)}</caption>
                                    <thead>
                                        <tr>
                                            {heading(SortColumn::Email, |s| s.column_email)}
                                            {heading(SortColumn::Name, |s| s.column_name)}
                                            {heading(SortColumn::Status, |s| s.column_status)}
                                            {heading(SortColumn::Progress, |s| s.column_progress)}
                                            {heading(SortColumn::Company, |s| s.column_company)}
                                            {heading(SortColumn::SignIn, |s| s.column_sign_in)}
                                            {heading(SortColumn::Activity, |s| s.column_activity)}
                                            {heading(SortColumn::Inviter, |s| s.column_inviter)}
                                            {heading(SortColumn::Created, |s| s.column_created)}
                                            {heading(SortColumn::Expires, |s| s.column_expires)}
                                        </tr>
                                    </thead>
                                    <tbody>{p.rows.into_iter().map(row).collect_view()}</tbody>
                                </table>
                            </div>
                            {next.map(|href| view! { <p><a href=href rel="next">{move || t().next_page}</a></p> })}
                            <p>
                                <a href=export_href(&current) rel="external" download="">
                                    {move || t().invitations_download}
                                </a>
                            </p>
                            // Who to nudge: everyone of a step at once.
                            {current.progress.is_some().then_some(()).zip(csrf).map(|((), csrf)| view! {
                                <ActionForm action=remind>
                                    <input type="hidden" name="csrf" value=csrf/>
                                    <input type="hidden" name="filter" value=current.query()/>
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
