//! `/admin`: the overview. The redemption funnel of the invitations the
//! operator picks (a period, one import, one inviter), the numbers checked
//! first, and invitations per day by outcome; every figure leads to the
//! list of those invitations. A plain GET form, so it works without
//! JavaScript. The server only lets signed-in operators reach it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::charts::{FunnelChart, OutcomeChart, OutcomeLegend};
use super::invitations::list_href;
use super::names::step_name;
use crate::api::invitations::load_overview;
use crate::api::operator::signed_in_operator;
use crate::api::ApiError;
use crate::components::admin_nav::AdminNav;
use crate::components::error_notice::ErrorNotice;
use crate::fill;
use crate::i18n::{use_locale, DashboardStrings};
use crate::model::invitation::{InvitationStatus, ListFilter};
use crate::model::overview::{
    percent, Overview, OverviewOutcome, PeriodProblem, Scope, ScopeChoice, FUNNEL,
};

fn period_problem(s: &'static DashboardStrings, problem: PeriodProblem) -> &'static str {
    match problem {
        PeriodProblem::NotADate => s.period_not_a_date,
        PeriodProblem::EndBeforeStart => s.period_end_before_start,
        PeriodProblem::TooLong => s.period_too_long,
    }
}

/// A duration in minutes as days and hours, or hours and minutes.
fn duration(s: &'static DashboardStrings, minutes: u64) -> String {
    let (days, hours) = (minutes / 1440, minutes % 1440 / 60);
    if days > 0 {
        fill!(
            s,
            duration_days,
            days = days.to_string(),
            hours = hours.to_string()
        )
    } else {
        fill!(
            s,
            duration_hours,
            hours = hours.to_string(),
            minutes = (minutes % 60).to_string()
        )
    }
}

/// The scope the list behind a figure reads: the overview's own period
/// (chosen or the default), unless one import was read whole.
fn list_scope(asked: &Scope, shown: &Overview) -> Scope {
    let whole_import = asked.import.is_some() && asked.from.is_none() && asked.to.is_none();
    Scope {
        from: (!whole_import).then(|| shown.from.clone()),
        to: (!whole_import).then(|| shown.to.clone()),
        ..asked.clone()
    }
}

#[component]
pub fn AdminHome() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let query = use_query_map();
    let scope = move || {
        let q = query.read();
        let pairs: Vec<(&str, &str)> = q.latest_values().map(|(k, v)| (k.as_ref(), v)).collect();
        Scope::from_pairs(pairs.iter().copied())
    };
    let operator = Resource::new(|| (), |_| signed_in_operator());
    let overview = Resource::new(scope, load_overview);

    view! {
        <Title text=move || t().admin_title/>
        <AdminNav/>
        <section class="card wide overview" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{move || t().overview_heading}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    operator.await.ok().flatten().map(|me| {
                        let email = me.email.clone();
                        view! { <p class="signed-in">{move || fill!(t(), signed_in_as, email = email.clone())}</p> }
                    })
                })}
            </Suspense>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors/> }>
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || {
                    let asked = scope();
                    Suspend::new(async move {
                        let view = match overview.await? {
                            OverviewOutcome::Refused(problem) => view! {
                                <ScopeForm asked=asked.clone() imports=vec![] inviters=vec![]/>
                                <p class="notice alert" role="alert" id="period-problem">
                                    {move || period_problem(t(), problem)}
                                </p>
                            }
                            .into_any(),
                            OverviewOutcome::Shown(shown) => view! { <Figures asked shown/> }.into_any(),
                        };
                        Ok::<_, ApiError>(view)
                    })
                }}
            </Suspense>
            </ErrorBoundary>
        </section>
    }
}

/// Which invitations the overview reads.
#[component]
fn ScopeForm(asked: Scope, imports: Vec<ScopeChoice>, inviters: Vec<ScopeChoice>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let options = |choices: Vec<ScopeChoice>, current: Option<String>| {
        choices
            .into_iter()
            .map(|c| {
                let selected = current.as_deref() == Some(c.id.as_str());
                view! { <option value=c.id selected=selected>{c.label}</option> }
            })
            .collect_view()
    };
    view! {
        <form class="scope" method="get" action="/admin">
            <fieldset>
                <legend>{move || t().scope_legend}</legend>
                <div class="scope-fields">
                    <p>
                        <label for="scope-from">{move || t().scope_from}</label>
                        <input id="scope-from" type="date" name="from" value=asked.from.clone()
                            aria-describedby="period-problem"/>
                    </p>
                    <p>
                        <label for="scope-to">{move || t().scope_to}</label>
                        <input id="scope-to" type="date" name="to" value=asked.to.clone()/>
                    </p>
                    <p>
                        <label for="scope-import">{move || t().scope_import}</label>
                        <select id="scope-import" name="import">
                            <option value="">{move || t().scope_any}</option>
                            {options(imports, asked.import.clone())}
                        </select>
                    </p>
                    <p>
                        <label for="scope-inviter">{move || t().scope_inviter}</label>
                        <select id="scope-inviter" name="inviter">
                            <option value="">{move || t().scope_any}</option>
                            {options(inviters, asked.inviter.clone())}
                        </select>
                    </p>
                </div>
                <button type="submit">{move || t().scope_apply}</button>
            </fieldset>
        </form>
    }
}

/// The overview's figures and charts.
#[component]
fn Figures(asked: Scope, shown: Overview) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let scope = list_scope(&asked, &shown);
    let href = move |filter: ListFilter| {
        list_href(
            &ListFilter {
                scope: scope.clone(),
                ..filter
            },
            None,
        )
    };
    let pending_href = href(ListFilter {
        status: Some(InvitationStatus::PendingAcceptance),
        ..ListFilter::default()
    });
    let failed_href = href(ListFilter {
        failed_mail: true,
        ..ListFilter::default()
    });
    let invited = shown.invited();
    let (from, to) = (shown.from.clone(), shown.to.clone());
    let median = shown.median_minutes_to_company;
    let last = FUNNEL.len() - 1;
    let rows = shown
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let s = *s;
            let before = i.checked_sub(1).map(|b| shown.steps[b].reached);
            let share = move |whole: Option<u64>| {
                whole
                    .and_then(|w| percent(s.reached, w))
                    .map(|p| fill!(t(), percent, n = p.to_string()))
                    .unwrap_or_else(|| "—".to_owned())
            };
            let stopped = (i < last && s.stopped > 0).then(|| {
                let link = href(ListFilter {
                    progress: Some(s.step),
                    ..ListFilter::default()
                });
                view! {
                    <a href=link>{move || fill!(t(), stopped_link, count = s.stopped.to_string(), step = step_name(t(), s.step))}</a>
                }
            });
            view! {
                <tr>
                    <th scope="row">{move || step_name(t(), s.step)}</th>
                    <td class="number">{s.reached}</td>
                    <td class="number">{move || share(Some(invited))}</td>
                    <td class="number">{move || share(before)}</td>
                    <td>{stopped}</td>
                </tr>
            }
        })
        .collect_view();
    let weekly = shown.weekly;
    let (first_day, last_day) = (
        shown
            .buckets
            .first()
            .map(|b| b.start.clone())
            .unwrap_or_default(),
        shown
            .buckets
            .last()
            .map(|b| b.start.clone())
            .unwrap_or_default(),
    );
    let highest = shown.buckets.iter().map(|b| b.total()).max().unwrap_or(0);
    let day_rows = shown
        .buckets
        .iter()
        .map(|b| {
            view! {
                <tr>
                    <th scope="row">{b.start.clone()}</th>
                    <td class="number">{b.finished}</td>
                    <td class="number">{b.open}</td>
                    <td class="number">{b.expired}</td>
                    <td class="number">{b.revoked}</td>
                    <td class="number">{b.total()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ScopeForm asked=asked.clone() imports=shown.imports.clone() inviters=shown.inviters.clone()/>
        <p class="overview-scope">{move || fill!(t(), overview_scope, from = from.clone(), to = to.clone(), count = invited.to_string())}</p>

        <h2 id="glance-heading">{move || t().glance_heading}</h2>
        <dl class="figures" aria-labelledby="glance-heading">
            <div>
                <dt>{move || t().glance_pending}</dt>
                <dd><a href=pending_href.clone()>{shown.pending}</a></dd>
            </div>
            <div>
                <dt>{move || t().glance_expiring}</dt>
                <dd><a href=pending_href>{shown.expiring_this_week}</a></dd>
            </div>
            <div>
                <dt>{move || t().glance_failed}</dt>
                <dd><a href=failed_href>{shown.failed_emails}</a></dd>
            </div>
            <div>
                <dt>{move || t().glance_median}</dt>
                <dd class=if median.is_some() { "" } else { "words" }>
                    {move || median.map(|m| duration(t(), m)).unwrap_or_else(|| t().glance_no_median.to_owned())}
                </dd>
            </div>
        </dl>

        <h2 id="funnel-heading">{move || t().funnel_heading}</h2>
        <div class="funnel">
            <FunnelChart steps=shown.steps.clone()/>
            <div class="table-scroll" role="region" aria-labelledby="funnel-caption" tabindex="0">
                <table>
                    <caption id="funnel-caption">{move || t().funnel_caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{move || t().column_step}</th>
                            <th scope="col">{move || t().column_reached}</th>
                            <th scope="col">{move || t().column_of_invited}</th>
                            <th scope="col">{move || t().column_of_previous}</th>
                            <th scope="col">{move || t().column_stopped}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </div>

        <h2 id="days-heading">{move || if weekly { t().weeks_heading } else { t().days_heading }}</h2>
        <figure class="outcomes">
            <OutcomeChart buckets=shown.buckets.clone()/>
            <figcaption>
                <span>{first_day}</span>
                <span>{move || fill!(t(), chart_highest, count = highest.to_string())}</span>
                <span>{last_day}</span>
            </figcaption>
            <OutcomeLegend/>
        </figure>
        <details>
            <summary>{move || t().days_table_summary}</summary>
            <div class="table-scroll" role="region" aria-labelledby="days-caption" tabindex="0">
                <table>
                    <caption id="days-caption">{move || if weekly { t().weeks_heading } else { t().days_heading }}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{move || if weekly { t().column_week } else { t().column_day }}</th>
                            <th scope="col">{move || t().outcome_finished}</th>
                            <th scope="col">{move || t().outcome_open}</th>
                            <th scope="col">{move || t().outcome_expired}</th>
                            <th scope="col">{move || t().outcome_revoked}</th>
                            <th scope="col">{move || t().column_total}</th>
                        </tr>
                    </thead>
                    <tbody>{day_rows}</tbody>
                </table>
            </div>
        </details>
    }
}
