//! `/v1.0/users`: the organization's customers, shaped like Microsoft
//! Graph's guest users (`userType: Guest`, `externalUserState`,
//! `creationType: Invitation`, `identities`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::{page_size, ErrorEnvelope, GraphError};
use crate::api_tokens::ApiCaller;
use crate::customers::users::{self, Customer, ListQuery};
use crate::customers::ListError;
use crate::http::AppState;

/// A customer as Graph shows a guest user.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: Uuid,
    pub mail: String,
    pub display_name: Option<String>,
    /// Always `Guest`: the seller's customers.
    pub user_type: &'static str,
    /// `PendingAcceptance` until they accept an invitation, then `Accepted`.
    pub external_user_state: &'static str,
    pub external_user_state_change_date_time: DateTime<Utc>,
    /// Always `Invitation`.
    pub creation_type: &'static str,
    pub created_date_time: DateTime<Utc>,
    pub preferred_language: Option<String>,
    pub identities: Vec<ObjectIdentity>,
}

/// How the customer signs in, as Graph's `objectIdentity`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ObjectIdentity {
    /// `emailAddress` (Lobby's own sign-in: a code or a password) or `federated`.
    pub sign_in_type: &'static str,
    pub issuer: String,
    pub issuer_assigned_id: String,
}

/// A page of users, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserList {
    pub value: Vec<User>,
    #[serde(rename = "@odata.nextLink", skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

fn to_resource(customer: Customer, lobby: &str) -> User {
    let user = customer.user;
    // Lobby's own sign-in proves the address; each provider's identity too.
    let mut identities = vec![ObjectIdentity {
        sign_in_type: "emailAddress",
        issuer: lobby.to_owned(),
        issuer_assigned_id: user.email.clone(),
    }];
    identities.extend(customer.identities.into_iter().map(|i| ObjectIdentity {
        sign_in_type: "federated",
        issuer: i.issuer,
        issuer_assigned_id: i.subject,
    }));
    User {
        id: user.id,
        mail: user.email,
        display_name: user.display_name,
        user_type: "Guest",
        external_user_state: customer.state.code(),
        external_user_state_change_date_time: customer.state_changed_at,
        creation_type: "Invitation",
        created_date_time: user.created_at,
        preferred_language: user.locale,
        identities,
    }
}

fn lobby_issuer(state: &AppState) -> String {
    state.public_url.host_str().unwrap_or_default().to_owned()
}

pub(super) fn from_list(e: ListError) -> GraphError {
    match e {
        ListError::BadQuery(message) => GraphError::bad_request(message),
        ListError::Database(e) => e.into(),
    }
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `mail eq '…'` and/or `externalUserState eq 'PendingAcceptance'|'Accepted'`, joined by `and`.
    #[serde(rename = "$filter")]
    filter: Option<String>,
    /// Page size, 1 to 100 (default 50).
    #[serde(rename = "$top")]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    top: Option<String>,
    /// From a previous page's `@odata.nextLink`.
    #[serde(rename = "$skiptoken")]
    skiptoken: Option<String>,
}

/// The organization's customers, oldest first, with `@odata.nextLink` while more remain.
#[utoipa::path(
    get,
    path = "/v1.0/users",
    params(ListParams),
    responses(
        (status = 200, body = UserList),
        (status = 400, description = "Bad $filter, $top or $skiptoken", body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<UserList>, GraphError> {
    let Query(params) = params.map_err(|r| GraphError::bad_request(r.body_text()))?;
    let top = page_size(params.top.as_deref())?;
    let (mail, user_state) = match params.filter.as_deref() {
        Some(raw) => users::parse_filter(raw).map_err(GraphError::bad_request)?,
        None => (None, None),
    };
    let query = ListQuery {
        mail,
        state: user_state,
        top,
        cursor: params.skiptoken.clone(),
    };
    let page = users::list(&state.db, caller.organization_id, query)
        .await
        .map_err(from_list)?;
    let lobby = lobby_issuer(&state);
    let value = page
        .customers
        .into_iter()
        .map(|c| to_resource(c, &lobby))
        .collect();
    let next_link = match page.next {
        None => None,
        Some(next) => {
            let mut link = state
                .public_url
                .join("/v1.0/users")
                .map_err(|_| GraphError::unavailable())?;
            {
                let mut pairs = link.query_pairs_mut();
                if let Some(filter) = &params.filter {
                    pairs.append_pair("$filter", filter);
                }
                pairs.append_pair("$top", &top.to_string());
                pairs.append_pair("$skiptoken", &next);
            }
            Some(link.to_string())
        }
    };
    Ok(Json(UserList { value, next_link }))
}

/// One customer.
#[utoipa::path(
    get,
    path = "/v1.0/users/{id}",
    params(("id" = Uuid, Path, description = "The user's id")),
    responses(
        (status = 200, body = User),
        (status = 401, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn get_one(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<User>, GraphError> {
    let id = Uuid::try_parse(&id).map_err(|_| GraphError::not_found("The user"))?;
    let customer = users::get(&state.db, caller.organization_id, id)
        .await?
        .ok_or_else(|| GraphError::not_found("The user"))?;
    Ok(Json(to_resource(customer, &lobby_issuer(&state))))
}

/// Removes a customer: their sessions end, and so do the tokens the
/// seller's apps hold for them; the audit trail keeps what happened.
/// Only an admin's token may.
#[utoipa::path(
    delete,
    path = "/v1.0/users/{id}",
    params(("id" = Uuid, Path, description = "The user's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = ErrorEnvelope),
        (status = 403, description = "A token of an operator who is not an admin", body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<StatusCode, GraphError> {
    let role = crate::operators::role_in(&state.db, caller.organization_id, caller.user_id).await?;
    if role != Some(crate::operators::Role::Admin) {
        return Err(GraphError::new(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Only an admin's token can remove a user.",
        ));
    }
    let id = Uuid::try_parse(&id).map_err(|_| GraphError::not_found("The user"))?;
    let removed = users::remove(
        &state.db,
        caller.organization_id,
        id,
        caller.user_id,
        state.clock.as_ref(),
    )
    .await?;
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(GraphError::not_found("The user"))
    }
}
