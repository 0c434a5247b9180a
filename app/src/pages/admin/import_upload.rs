//! `/admin/invitations/import`: upload a CSV of invitees (a plain multipart
//! form, so it works without JavaScript), and the latest imports.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::imports::list_imports;
use crate::api::operator::signed_in_operator;
use crate::components::admin_nav::AdminNav;
use crate::components::local_time::LocalTime;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::DashboardStrings;
use crate::model::bulk::{FileProblem, ImportStatus, COLUMNS};

pub fn import_status_name(s: &'static DashboardStrings, status: ImportStatus) -> &'static str {
    match status {
        ImportStatus::Preview => s.import_status_preview,
        ImportStatus::Queued => s.import_status_queued,
        ImportStatus::Running => s.import_status_running,
        ImportStatus::Done => s.import_status_done,
    }
}

fn file_problem_message(s: &'static DashboardStrings, problem: &FileProblem) -> String {
    let columns = COLUMNS.join(", ");
    match problem {
        FileProblem::TooLarge => s.file_too_large.to_owned(),
        FileProblem::TooManyRows => s.file_too_many_rows.to_owned(),
        FileProblem::Empty => s.file_empty.to_owned(),
        FileProblem::NotUtf8 { line } => fill!(s, file_not_utf8, line = line.to_string()),
        FileProblem::Malformed { line } => fill!(s, file_malformed, line = line.to_string()),
        FileProblem::NoEmailColumn => s.file_no_email_column.to_owned(),
        FileProblem::UnknownColumn { name } => {
            fill!(s, file_unknown_column, column = name, columns = columns)
        }
        FileProblem::RepeatedColumn { name } => fill!(s, file_repeated_column, column = name),
        FileProblem::BadForm => s.file_bad_form.to_owned(),
    }
}

#[component]
pub fn ImportUpload() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let query = use_query_map();
    let problem = move || {
        let q = query.read();
        FileProblem::from_query(
            &q.get("error")?,
            q.get("line").and_then(|l| l.parse().ok()),
            q.get("column"),
        )
    };
    let me = Resource::new(|| (), |_| signed_in_operator());
    let imports = Resource::new(|| (), |_| list_imports());

    view! {
        <Title text=move || t().import_title/>
        <AdminNav/>
        <section class="card" aria-labelledby="import-heading">
            <h1 id="import-heading">{move || t().import_heading}</h1>
            <p>{move || fill!(t(), import_intro, columns = COLUMNS.join(", "))}</p>
            <p>{move || t().import_limits}</p>
            <p>
                <a href="/admin/imports/template.csv" download="" rel="external">{move || t().import_template_link}</a>
            </p>
            {move || problem().map(|p| view! {
                <p class="notice alert" role="alert" id="import-error">{file_problem_message(t(), &p)}</p>
            })}
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let csrf = me.await.ok().flatten().map(|o| o.csrf).unwrap_or_default();
                    view! {
                        <form
                            class="stack"
                            method="post"
                            action="/admin/invitations/import"
                            enctype="multipart/form-data"
                        >
                            <input type="hidden" name="csrf" value=csrf/>
                            <label for="csv-file">{move || t().field_csv_file}</label>
                            <input
                                id="csv-file"
                                type="file"
                                name="file"
                                accept=".csv,text/csv"
                                required=true
                                aria-describedby=move || problem().map(|_| "import-error")
                            />
                            <button type="submit" class="primary">{move || t().upload_button}</button>
                        </form>
                    }
                })}
            </Suspense>
        </section>
        <section class="card" aria-labelledby="imports-caption">
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let rows = imports.await.unwrap_or_default();
                    if rows.is_empty() {
                        return view! {
                            <h2 id="imports-caption">{move || t().recent_imports_caption}</h2>
                            <p>{move || t().no_imports}</p>
                        }
                        .into_any();
                    }
                    let rows = rows
                        .into_iter()
                        .map(|i| {
                            let status = i.status;
                            view! {
                                <tr>
                                    <td><a href=format!("/admin/imports/{}", i.id)>{i.file_name}</a></td>
                                    <td>{move || import_status_name(t(), status)}</td>
                                    <td>{i.total_rows}</td>
                                    <td><LocalTime utc=i.created_at/></td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <h2 id="imports-caption">{move || t().recent_imports_caption}</h2>
                        <div class="table-scroll" role="region" aria-labelledby="imports-caption" tabindex="0">
                            <table>
                                <thead>
                                    <tr>
                                        <th scope="col">{move || t().column_file}</th>
                                        <th scope="col">{move || t().column_status}</th>
                                        <th scope="col">{move || t().column_rows}</th>
                                        <th scope="col">{move || t().column_uploaded}</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                })}
            </Suspense>
        </section>
    }
}
