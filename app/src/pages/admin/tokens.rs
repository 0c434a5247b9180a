//! `/admin/tokens`: the signed-in operator's personal API tokens: create one
//! (shown once), see when each was last used, revoke.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::operator::signed_in_operator;
use crate::api::operators::{list_tokens, CreateToken, RevokeToken};
use crate::components::admin_nav::AdminNav;
use crate::components::confirm::Confirm;
use crate::components::latest_outcome::show_latest_only;
use crate::components::local_time::LocalTime;
use crate::i18n::use_locale;
use crate::model::operator::TokenOutcome;

#[component]
pub fn AdminTokens() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    let me = Resource::new(|| (), |_| signed_in_operator());
    let name = RwSignal::new(String::new());
    let name_valid = Memo::new(move |_| (1..=100).contains(&name.get().trim().chars().count()));
    show_latest_only(create.value(), revoke.value());

    let outcome = move || {
        let s = t();
        let last = create.value().get().or_else(|| revoke.value().get())?;
        Some(match last {
            Ok(TokenOutcome::Created { token }) => view! {
                <div class="notice" role="status">
                    <p>{s.token_created}</p>
                    <label for="new-token">{s.token_label}</label>
                    <input id="new-token" readonly=true value=token/>
                </div>
            }
            .into_any(),
            Ok(TokenOutcome::Revoked) => {
                view! { <p class="notice" role="status">{s.token_revoked_notice}</p> }.into_any()
            }
            Ok(TokenOutcome::InvalidName) => {
                view! { <p class="notice alert" role="alert">{s.error_token_name}</p> }.into_any()
            }
            Ok(TokenOutcome::NotFound) | Err(_) => {
                view! { <p class="notice alert" role="alert">{s.error_try_again}</p> }.into_any()
            }
        })
    };

    view! {
        <Title text=move || t().tokens_title/>
        <AdminNav/>
        <section class="card" aria-labelledby="tokens-heading">
            <h1 id="tokens-heading">{move || t().tokens_heading}</h1>
            <p>{move || t().tokens_intro}</p>
            {outcome}
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let csrf = me.await.ok().flatten().map(|o| o.csrf).unwrap_or_default();
                    let rows = tokens.await.unwrap_or_default();
                    let list = if rows.is_empty() {
                        view! { <p>{move || t().no_tokens}</p> }.into_any()
                    } else {
                        let csrf = csrf.clone();
                        view! {
                            <div class="table-scroll" role="region" aria-labelledby="tokens-caption" tabindex="0">
                                <table>
                                    <caption id="tokens-caption">{move || t().tokens_caption}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{move || t().column_name}</th>
                                            <th scope="col">{move || t().column_token}</th>
                                            <th scope="col">{move || t().column_created}</th>
                                            <th scope="col">{move || t().column_last_used}</th>
                                            <th scope="col">{move || t().column_status}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rows
                                            .into_iter()
                                            .map(|r| {
                                                let csrf = csrf.clone();
                                                let last_used = r.last_used_at.clone();
                                                view! {
                                                    <tr>
                                                        <td>{r.name}</td>
                                                        <td><code>{r.prefix}"…"</code></td>
                                                        <td><LocalTime utc=r.created_at/></td>
                                                        <td>
                                                            {match last_used {
                                                                Some(at) => view! { <LocalTime utc=at/> }.into_any(),
                                                                None => view! { {move || t().never} }.into_any(),
                                                            }}
                                                        </td>
                                                        <td>
                                                            {if r.revoked {
                                                                view! { {move || t().token_revoked} }.into_any()
                                                            } else {
                                                                view! {
                                                                    <Confirm
                                                                        opener=Signal::derive(move || t().revoke_opener.to_owned())
                                                                        consequence=Signal::derive(move || t().revoke_token_consequence.to_owned())
                                                                    >
                                                                        <ActionForm action=revoke>
                                                                            <input type="hidden" name="csrf" value=csrf/>
                                                                            <input type="hidden" name="id" value=r.id/>
                                                                            <button type="submit" class="danger">{move || t().revoke_token_confirm}</button>
                                                                        </ActionForm>
                                                                    </Confirm>
                                                                }
                                                                    .into_any()
                                                            }}
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                            .into_any()
                    };
                    view! {
                        {list}
                        <ActionForm action=create attr:class="stack">
                            <input type="hidden" name="csrf" value=csrf/>
                            <label for="token-name">{move || t().field_token_name}</label>
                            <input
                                id="token-name"
                                name="name"
                                maxlength="100"
                                prop:value=name
                                on:input=move |ev| name.set(event_target_value(&ev))
                            />
                            <button type="submit" class="primary" disabled=move || !name_valid.get() || create.pending().get()>
                                {move || t().create_token_button}
                            </button>
                        </ActionForm>
                    }
                })}
            </Suspense>
        </section>
    }
}
