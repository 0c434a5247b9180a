//! `/admin/imports/{id}`: the dry run of an uploaded file (a verdict per row),
//! "confirm", then the job's progress, which survives a reload because it is
//! read from the server: polled once a second with JavaScript, refreshed by
//! the page itself without.

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::imports::{get_import, ConfirmImport};
use crate::api::operator::signed_in_operator;
use crate::components::admin_nav::AdminNav;
use crate::components::local_time::LocalTime;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::{problem_message, DashboardStrings};
use crate::model::bulk::{ConfirmOutcome, ImportRowView, ImportStatus, ImportView, Verdict};
use crate::pages::admin::import_upload::import_status_name;

pub fn verdict_name(s: &'static DashboardStrings, verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Valid => s.verdict_valid,
        Verdict::Invalid => s.verdict_invalid,
        Verdict::Duplicate => s.verdict_duplicate,
        Verdict::AlreadyInvited => s.verdict_already_invited,
        Verdict::ExistingUser => s.verdict_existing_user,
    }
}

fn in_progress(view: &ImportView) -> bool {
    matches!(
        view.summary.status,
        ImportStatus::Queued | ImportStatus::Running
    )
}

fn row_view(s: &'static DashboardStrings, row: ImportRowView) -> impl IntoView {
    let problems = row
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.column, problem_message(s, p)))
        .collect::<Vec<_>>()
        .join("; ");
    let outcome = row.outcome.map(|o| {
        if o == "created" {
            s.outcome_created
        } else {
            s.outcome_skipped
        }
    });
    view! {
        <tr class=format!("verdict-{}", row.verdict.code())>
            <td>{row.row_number}</td>
            <td>{row.email}</td>
            <td>{verdict_name(s, row.verdict)}</td>
            <td>{problems}</td>
            <td>{outcome}</td>
        </tr>
    }
}

#[component]
pub fn ImportDetail() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let id = move || use_params_map().read().get("id").unwrap_or_default();
    let after = move || {
        use_query_map()
            .read()
            .get("after")
            .and_then(|a| a.parse::<i32>().ok())
    };
    let confirm = ServerAction::<ConfirmImport>::new();
    let tick = RwSignal::new(0u32);
    let import = Resource::new(
        move || (id(), after(), confirm.version().get(), tick.get()),
        |(id, after, _, _)| get_import(id, after),
    );
    let me = Resource::new(|| (), |_| signed_in_operator());

    // In the browser: ask again every second while the job runs.
    let running = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(Some(v))) = import.get() {
            running.set(in_progress(&v));
        }
    });
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                if running.get_untracked() {
                    tick.update(|n| *n = n.wrapping_add(1));
                }
            },
            Duration::from_secs(1),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });

    let outcome = move || {
        let s = t();
        let text = match confirm.value().get()? {
            Ok(ConfirmOutcome::Queued) => s.import_queued_notice,
            Ok(ConfirmOutcome::AlreadyConfirmed) => s.import_already_confirmed,
            Ok(ConfirmOutcome::NothingToCreate) => s.import_nothing_to_create,
            Ok(ConfirmOutcome::NotFound) => s.import_not_found,
            Err(_) => s.error_try_again,
        };
        Some(view! { <p class="notice" role="status">{text}</p> }.into_any())
    };

    view! {
        <Title text=move || t().import_detail_title/>
        <AdminNav/>
        <section class="card" aria-labelledby="import-detail-heading">
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let s = t();
                    let csrf = me.await.ok().flatten().map(|o| o.csrf).unwrap_or_default();
                    let Ok(Some(v)) = import.await else {
                        return view! {
                            <h1 id="import-detail-heading">{s.import_detail_title}</h1>
                            <p class="notice alert" role="alert">{s.import_not_found}</p>
                        }
                        .into_any();
                    };
                    render_import(s, v, csrf, confirm, outcome).into_any()
                })}
            </Suspense>
        </section>
    }
}

fn render_import(
    s: &'static DashboardStrings,
    v: ImportView,
    csrf: String,
    confirm: ServerAction<ConfirmImport>,
    outcome: impl Fn() -> Option<AnyView> + Send + Sync + 'static + Copy,
) -> impl IntoView {
    let id = v.summary.id.clone();
    let status = v.summary.status;
    let total = v.summary.total_rows;
    let valid = v
        .verdict_counts
        .iter()
        .find(|(verdict, _)| *verdict == Verdict::Valid)
        .map_or(0, |(_, n)| *n);
    let counts = v
        .verdict_counts
        .iter()
        .map(|(verdict, n)| {
            view! {
                <dt>{verdict_name(s, *verdict)}</dt>
                <dd class=format!("count-{}", verdict.code())>{*n}</dd>
            }
        })
        .collect_view();
    let same_file = v.same_file_imported_at.clone().map(|date| {
        view! { <p class="notice" role="note">{fill!(s, same_file_notice, date = date)}</p> }
    });
    let confirm_form = (status == ImportStatus::Preview).then(|| {
        let id = id.clone();
        if valid == 0 {
            return view! { <p class="notice">{s.import_nothing_to_create}</p> }.into_any();
        }
        let label = fill!(s, confirm_import_button, count = valid.to_string());
        view! {
            <ActionForm action=confirm>
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="primary" disabled=move || confirm.pending().get()>{label}</button>
            </ActionForm>
        }
        .into_any()
    });
    let progress = (status != ImportStatus::Preview).then(|| {
        let text = fill!(
            s,
            progress_text,
            done = v.processed_rows.to_string(),
            total = total.to_string(),
            created = v.created_count.to_string(),
            skipped = v.skipped_count.to_string()
        );
        view! {
            <label for="import-progress">{s.progress_label}</label>
            <progress id="import-progress" max=total value=v.processed_rows></progress>
            <p id="import-progress-text" role="status">{text}</p>
        }
    });
    // Without JavaScript the page reloads itself while the job runs.
    let refresh = in_progress(&v).then(|| {
        view! { <noscript><meta http-equiv="refresh" content="2"/></noscript> }
    });
    let result_href = format!("/admin/imports/{id}/result.csv");
    let next = v
        .next_after
        .map(|n| view! { <a href=format!("/admin/imports/{id}?after={n}")>{s.next_rows}</a> });
    let first =
        v.rows.first().is_some_and(|r| r.row_number > 2).then(
            || view! { <a href=format!("/admin/imports/{}", v.summary.id)>{s.first_rows}</a> },
        );
    let rows = v.rows.into_iter().map(|r| row_view(s, r)).collect_view();
    view! {
        <h1 id="import-detail-heading">{fill!(s, import_detail_heading, file = v.summary.file_name)}</h1>
        {refresh}
        {outcome}
        <dl class="facts">
            <dt>{s.column_status}</dt>
            <dd id="import-status">{import_status_name(s, status)}</dd>
            <dt>{s.column_rows}</dt>
            <dd>{total}</dd>
            <dt>{s.column_uploaded}</dt>
            <dd><LocalTime utc=v.summary.created_at.clone()/></dd>
        </dl>
        {same_file}
        <h2 id="verdicts-caption">{s.verdicts_caption}</h2>
        <dl class="facts verdicts" aria-labelledby="verdicts-caption">{counts}</dl>
        {confirm_form}
        {progress}
        <p><a href=result_href download="" rel="external">{s.download_result}</a></p>
        <h2 id="rows-caption">{s.rows_caption}</h2>
        <div class="table-scroll" role="region" aria-labelledby="rows-caption" tabindex="0">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{s.column_row}</th>
                        <th scope="col">{s.column_email}</th>
                        <th scope="col">{s.column_verdict}</th>
                        <th scope="col">{s.column_problems}</th>
                        <th scope="col">{s.column_outcome}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager">{first}{next}</nav>
    }
}
