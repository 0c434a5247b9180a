//! `/admin/companies/{id}`: a customer's company, with the data it was
//! created with and its members.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::invitations::get_company_detail;
use crate::components::admin_nav::AdminNav;
use crate::components::company_fields::company_label;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::DashboardStrings;
use crate::model::company::CompanyRole;

pub fn role_name(s: &'static DashboardStrings, role: CompanyRole) -> &'static str {
    match role {
        CompanyRole::CompanyAdmin => s.company_role_admin,
        CompanyRole::Member => s.company_role_member,
    }
}

#[component]
pub fn CompanyPage() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let id = move || use_params_map().read().get("id").unwrap_or_default();
    let detail = Resource::new(id, get_company_detail);
    view! {
        <Title text=move || t().company_page_title/>
        <AdminNav/>
        <section class="card" aria-labelledby="company-heading">
            <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let Ok(Some(c)) = detail.await else {
                        return view! { <h1 id="company-heading">{move || t().company_not_found}</h1> }.into_any();
                    };
                    let name = c.name.clone();
                    let fields = c
                        .fields
                        .into_iter()
                        .map(|(field, value)| view! {
                            <dt>{move || company_label(t(), field)}</dt>
                            <dd>{value}</dd>
                        })
                        .collect_view();
                    let members = c
                        .members
                        .into_iter()
                        .map(|m| {
                            let role = m.role;
                            view! {
                                <tr>
                                    <td>{m.email}</td>
                                    <td>{m.name.unwrap_or_default()}</td>
                                    <td>{move || role_name(t(), role)}</td>
                                    <td>{m.since}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <h1 id="company-heading">{c.name.clone()}</h1>
                        <dl class="facts">
                            {fields}
                            <dt>{move || t().fact_created}</dt>
                            <dd>{c.created_at}</dd>
                        </dl>
                        <h2>{move || t().company_members_heading}</h2>
                        <div class="table-scroll" role="region" aria-labelledby="members-caption" tabindex="0">
                            <table>
                                <caption id="members-caption">{move || fill!(t(), company_members_caption, name = name)}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{move || t().column_email}</th>
                                        <th scope="col">{move || t().column_name}</th>
                                        <th scope="col">{move || t().column_role}</th>
                                        <th scope="col">{move || t().column_member_since}</th>
                                    </tr>
                                </thead>
                                <tbody>{members}</tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                })}
            </Suspense>
            <p><a href="/admin/invitations">{move || t().back_to_list}</a></p>
        </section>
    }
}
