//! `/v1.0/companies`: Lobby's extension for the companies the customers
//! created or joined, with the data the customer confirmed, and their members.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::page_size;
use super::users::from_list;
use super::{ErrorEnvelope, GraphError};
use crate::api_tokens::ApiCaller;
use crate::customers::companies;
use crate::http::AppState;
use crate::store::entities::company;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Company {
    pub id: Uuid,
    pub legal_name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub tax_id: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    /// The customer who created it, while their account exists.
    pub created_by: Option<Uuid>,
    pub created_date_time: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CompanyList {
    pub value: Vec<Company>,
    #[serde(rename = "@odata.nextLink", skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

/// A member of a company.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The user's id (as `/v1.0/users/{id}` knows it).
    pub id: Uuid,
    pub mail: String,
    pub display_name: Option<String>,
    /// `company_admin` or `member`.
    pub company_role: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberList {
    pub value: Vec<Member>,
}

fn to_resource(row: company::Model) -> Company {
    Company {
        id: row.id,
        legal_name: row.legal_name,
        street: row.street,
        postal_code: row.postal_code,
        city: row.city,
        country: row.country,
        tax_id: row.tax_id,
        phone: row.phone,
        website: row.website,
        created_by: row.created_by,
        created_date_time: row.created_at,
    }
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, 1 to 100 (default 50).
    #[serde(rename = "$top")]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    top: Option<String>,
    /// From a previous page's `@odata.nextLink`.
    #[serde(rename = "$skiptoken")]
    skiptoken: Option<String>,
}

/// The organization's companies, oldest first, with `@odata.nextLink` while more remain.
#[utoipa::path(
    get,
    path = "/v1.0/companies",
    params(ListParams),
    responses(
        (status = 200, body = CompanyList),
        (status = 400, description = "Bad $top or $skiptoken", body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<CompanyList>, GraphError> {
    let Query(params) = params.map_err(|r| GraphError::bad_request(r.body_text()))?;
    let top = page_size(params.top.as_deref())?;
    let page = companies::list(
        &state.db,
        caller.organization_id,
        top,
        params.skiptoken.as_deref(),
    )
    .await
    .map_err(from_list)?;
    let next_link = match page.next {
        None => None,
        Some(next) => {
            let mut link = state
                .public_url
                .join("/v1.0/companies")
                .map_err(|_| GraphError::unavailable())?;
            link.query_pairs_mut()
                .append_pair("$top", &top.to_string())
                .append_pair("$skiptoken", &next);
            Some(link.to_string())
        }
    };
    let value = page.companies.into_iter().map(to_resource).collect();
    Ok(Json(CompanyList { value, next_link }))
}

/// One company.
#[utoipa::path(
    get,
    path = "/v1.0/companies/{id}",
    params(("id" = Uuid, Path, description = "The company's id")),
    responses(
        (status = 200, body = Company),
        (status = 401, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn get_one(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<Company>, GraphError> {
    let id = Uuid::try_parse(&id).map_err(|_| GraphError::not_found("The company"))?;
    let row = companies::get(&state.db, caller.organization_id, id)
        .await?
        .ok_or_else(|| GraphError::not_found("The company"))?;
    Ok(Json(to_resource(row)))
}

/// A company's members and their roles.
#[utoipa::path(
    get,
    path = "/v1.0/companies/{id}/members",
    params(("id" = Uuid, Path, description = "The company's id")),
    responses(
        (status = 200, body = MemberList),
        (status = 401, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn members(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<MemberList>, GraphError> {
    let id = Uuid::try_parse(&id).map_err(|_| GraphError::not_found("The company"))?;
    let members = companies::members(&state.db, caller.organization_id, id)
        .await?
        .ok_or_else(|| GraphError::not_found("The company"))?;
    let value = members
        .into_iter()
        .map(|m| Member {
            id: m.user.id,
            mail: m.user.email,
            display_name: m.user.display_name,
            company_role: m.role,
        })
        .collect();
    Ok(Json(MemberList { value }))
}
