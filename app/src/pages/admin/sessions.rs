//! `/admin/sessions`: the browsers signed in to the operator's account;
//! ending one, or all but this one, takes the password again (ASVS 7.5.2).
//! Admins may also sign everyone else out (ASVS 7.4.5).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::operator::signed_in_operator;
use crate::api::operators::{list_own_sessions, EndEverySession, EndOwnSessions};
use crate::components::admin_nav::AdminNav;
use crate::components::confirm::Confirm;
use crate::components::local_time::LocalTime;
use crate::fill;
use crate::i18n::use_locale;
use crate::model::operator::{CurrentOperator, EndSessionsOutcome, SessionRow};
use crate::pages::admin::operators::access_notice;

#[component]
pub fn AdminSessions() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let end_own = ServerAction::<EndOwnSessions>::new();
    let end_every = ServerAction::<EndEverySession>::new();
    let sessions = Resource::new(
        move || (end_own.version().get(), end_every.version().get()),
        |_| list_own_sessions(),
    );
    let me = Resource::new(|| (), |_| signed_in_operator());

    let own_outcome = move || {
        let s = t();
        end_own.value().get().map(|result| match result {
            Ok(EndSessionsOutcome::Ended { count }) => view! {
                <p class="notice" role="status">{fill!(s, sessions_ended, count = count.to_string())}</p>
            }
            .into_any(),
            Ok(EndSessionsOutcome::WrongPassword) => {
                view! { <p class="notice alert" role="alert">{s.error_wrong_password}</p> }.into_any()
            }
            Ok(EndSessionsOutcome::TooManyTries) => {
                view! { <p class="notice alert" role="alert">{s.error_too_many_passwords}</p> }.into_any()
            }
            Ok(EndSessionsOutcome::NotFound) => {
                view! { <p class="notice alert" role="alert">{s.error_session_gone}</p> }.into_any()
            }
            Err(_) => view! { <p class="notice alert" role="alert">{s.error_try_again}</p> }.into_any(),
        })
    };
    let every_outcome = move || {
        end_every
            .value()
            .get()
            .map(|result| access_notice(t(), result))
    };

    view! {
        <Title text=move || t().sessions_title/>
        <AdminNav/>
        <section class="card" aria-labelledby="sessions-heading">
            <h1 id="sessions-heading">{move || t().sessions_heading}</h1>
            <p>{move || t().sessions_intro}</p>
            {own_outcome}
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let csrf = me.await.ok().flatten().map(|o| o.csrf).unwrap_or_default();
                    let rows = sessions.await.unwrap_or_default();
                    let others: Vec<SessionRow> = rows.iter().filter(|r| !r.current).cloned().collect();
                    view! {
                        <SessionTable rows/>
                        {if others.is_empty() {
                            view! { <p>{move || t().no_other_sessions}</p> }.into_any()
                        } else {
                            view! {
                                <ActionForm action=end_own attr:class="stack">
                                    <input type="hidden" name="csrf" value=csrf/>
                                    <label for="session-which">{move || t().field_which_session}</label>
                                    <select id="session-which" name="id">
                                        <option value="" selected=true>{move || t().all_other_sessions}</option>
                                        {others
                                            .into_iter()
                                            .map(|r| {
                                                let text = move || {
                                                    let at = fill!(t(), session_started_at, at = r.started);
                                                    format!("{at} · {} · {}", r.address, r.agent)
                                                };
                                                view! { <option value=r.id.clone()>{text}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                    <label for="session-password">{move || t().field_your_password}</label>
                                    <input id="session-password" name="password" type="password" autocomplete="current-password" required=true/>
                                    <button type="submit" class="danger" disabled=move || end_own.pending().get()>
                                        {move || t().end_session_button}
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }}
                    }
                })}
            </Suspense>
        </section>
        <Suspense>
            {move || Suspend::new(async move {
                me.await.ok().flatten().filter(CurrentOperator::is_admin).map(|me| view! {
                    <section class="card narrow" aria-labelledby="everyone-heading">
                        <h2 id="everyone-heading">{move || t().everyone_heading}</h2>
                        <p>{move || t().everyone_intro}</p>
                        {every_outcome}
                        <Confirm
                            opener=Signal::derive(move || t().end_every_session_opener.to_owned())
                            consequence=Signal::derive(move || t().end_every_session_consequence.to_owned())
                        >
                            <ActionForm action=end_every>
                                <input type="hidden" name="csrf" value=me.csrf/>
                                <button type="submit" class="danger">{move || t().end_every_session_confirm}</button>
                            </ActionForm>
                        </Confirm>
                    </section>
                })
            })}
        </Suspense>
    }
}

/// The operator's live sessions, the current one marked.
#[component]
fn SessionTable(rows: Vec<SessionRow>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    view! {
        <div class="table-scroll" role="region" aria-labelledby="sessions-caption" tabindex="0">
            <table>
                <caption id="sessions-caption">{move || t().sessions_caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || t().column_started}</th>
                        <th scope="col">{move || t().column_last_active}</th>
                        <th scope="col">{move || t().column_address}</th>
                        <th scope="col">{move || t().column_browser}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            let current = r.current;
                            view! {
                                <tr>
                                    <td>
                                        <LocalTime utc=r.started/>
                                        {current.then(|| view! { " " <strong>{move || t().this_session}</strong> })}
                                    </td>
                                    <td><LocalTime utc=r.last_seen/></td>
                                    <td>{r.address}</td>
                                    <td class="wrap">{r.agent}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
