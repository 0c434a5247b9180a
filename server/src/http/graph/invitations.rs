//! `/v1.0/invitations`: Graph's invitation resource.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{Detail, GraphError};
use crate::api_tokens::ApiCaller;
use crate::http::AppState;
use crate::invitations::create::{self, CreateError, CreateRequest, Inviter};
use crate::invitations::manage::{self, ListQuery, ManageError};
use crate::invitations::status_at;
use crate::store::entities::{invitation, organization, user};

/// The invitation as the API shows it. The redeem URL exists only in the
/// answer that created the ticket: Lobby keeps nothing but the ticket's hash.
pub fn to_json(
    row: &invitation::Model,
    now: chrono::DateTime<chrono::Utc>,
    redeem_url: Option<&str>,
) -> Value {
    json!({
        "id": row.id,
        "inviteRedeemUrl": redeem_url,
        "invitedUserEmailAddress": row.invited_email,
        "invitedUserDisplayName": row.invited_display_name,
        "inviteRedirectUrl": row.redirect_url,
        "sendInvitationMessage": row.send_count > 0,
        "invitedUserMessageInfo": {
            "customizedMessageBody": row.message,
            "messageLanguage": row.message_language,
        },
        "invitedUserType": row.user_type,
        "invitedUser": { "id": row.invited_user_id },
        "status": status_at(row, now),
        "createdAt": row.created_at,
        "expiresAt": row.expires_at,
        "company": row.company_draft,
        "companyId": row.company_id,
    })
}

fn invalid(errors: Vec<create::FieldError>) -> GraphError {
    let mut e = GraphError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "InvalidField",
        "One or more fields are invalid; see details.",
    );
    e.details = errors
        .into_iter()
        .map(|f| Detail {
            target: f.target,
            message: f.message,
        })
        .collect();
    e
}

/// `POST /v1.0/invitations`
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    body: Result<Json<CreateRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), GraphError> {
    let Json(request) = body.map_err(|rejection| {
        GraphError::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            format!(
                "The body is not a valid invitation: {}",
                rejection.body_text()
            ),
        )
    })?;
    let org = organization::Entity::find_by_id(state.organization_id)
        .one(&state.db)
        .await?
        .ok_or_else(GraphError::unavailable)?;
    let configured: Vec<String> =
        serde_json::from_value(org.allowed_redirect_prefixes.clone()).unwrap_or_default();
    let allowed = if configured.is_empty() {
        vec![state.public_url.to_string()]
    } else {
        configured
    };
    let valid = create::validate(request, &allowed).map_err(invalid)?;

    let me = user::Entity::find_by_id(caller.user_id)
        .one(&state.db)
        .await?
        .ok_or_else(GraphError::unauthenticated)?;
    let inviter = Inviter {
        user_id: me.id,
        name: me.display_name.clone().unwrap_or_else(|| me.email.clone()),
        email: me.email.clone(),
    };
    match create::create(&state.db, &org, &inviter, valid, &state.public_url, state.clock.as_ref()).await {
        Ok(created) => Ok((
            StatusCode::CREATED,
            Json(to_json(&created.invitation, state.clock.now(), Some(&created.redeem_url))),
        )),
        Err(CreateError::Invalid(errors)) => Err(invalid(errors)),
        Err(CreateError::PendingInvitation { invitation_id }) => Err(GraphError::new(
            StatusCode::CONFLICT,
            "InvitationPending",
            "This email address already has a pending invitation. Resend or revoke it instead.",
        )
        .with("existingInvitationId", json!(invitation_id))
        .with("possibleActions", json!(["resend", "revoke"]))),
        Err(CreateError::ExistingUser { user_id }) => Err(GraphError::new(
            StatusCode::CONFLICT,
            "UserExists",
            "This email address already belongs to an account in the organization. Reset its redemption to invite it again.",
        )
        .with("existingUserId", json!(user_id))
        .with("possibleActions", json!(["resetRedemption"]))),
        Err(CreateError::Database(e)) => Err(e.into()),
    }
}

/// `GET /v1.0/invitations/{id}`
pub async fn get_one(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<Value>, GraphError> {
    let id = Uuid::try_parse(&id).map_err(|_| GraphError::not_found("The invitation"))?;
    let row = invitation::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|i| i.organization_id == caller.organization_id)
        .ok_or_else(|| GraphError::not_found("The invitation"))?;
    Ok(Json(to_json(&row, state.clock.now(), None)))
}

#[derive(Debug, serde::Deserialize)]
pub struct ListParams {
    status: Option<String>,
    email: Option<String>,
    #[serde(rename = "$top")]
    top: Option<String>,
    #[serde(rename = "$skiptoken")]
    skiptoken: Option<String>,
}

fn bad_request(message: impl Into<String>) -> GraphError {
    GraphError::new(StatusCode::BAD_REQUEST, "BadRequest", message)
}

fn from_manage(e: ManageError) -> GraphError {
    match e {
        ManageError::NotFound => GraphError::not_found("The invitation"),
        ManageError::Conflict(message) => {
            GraphError::new(StatusCode::CONFLICT, "InvitationStateConflict", message)
        }
        ManageError::BadQuery(message) => bad_request(message),
        ManageError::Database(e) => e.into(),
    }
}

/// `GET /v1.0/invitations?status=&email=&$top=&$skiptoken=`: newest first,
/// with `@odata.nextLink` while more remain.
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Value>, GraphError> {
    let Query(params) = params.map_err(|r| bad_request(r.body_text()))?;
    let top = match params.top.as_deref() {
        None => 50,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| bad_request("$top must be a whole number from 1 to 100"))?,
    };
    let query = ListQuery {
        status: params.status.clone(),
        email: params.email.clone(),
        top,
        cursor: params.skiptoken,
    };
    let page = manage::list(
        &state.db,
        caller.organization_id,
        query,
        state.clock.as_ref(),
    )
    .await
    .map_err(from_manage)?;
    let now = state.clock.now();
    let value: Vec<Value> = page
        .rows
        .iter()
        .map(|row| to_json(row, now, None))
        .collect();
    let mut body = json!({ "value": value });
    if let Some(next) = page.next {
        let mut link = state
            .public_url
            .join("/v1.0/invitations")
            .map_err(|_| GraphError::unavailable())?;
        {
            let mut pairs = link.query_pairs_mut();
            if let Some(s) = &params.status {
                pairs.append_pair("status", s);
            }
            if let Some(e) = &params.email {
                pairs.append_pair("email", e);
            }
            pairs.append_pair("$top", &top.to_string());
            pairs.append_pair("$skiptoken", &next);
        }
        body["@odata.nextLink"] = json!(link.to_string());
    }
    Ok(Json(body))
}

async fn inviter_for(
    state: &AppState,
    caller: &ApiCaller,
) -> Result<(organization::Model, Inviter), GraphError> {
    let org = organization::Entity::find_by_id(caller.organization_id)
        .one(&state.db)
        .await?
        .ok_or_else(GraphError::unavailable)?;
    let me = user::Entity::find_by_id(caller.user_id)
        .one(&state.db)
        .await?
        .ok_or_else(GraphError::unauthenticated)?;
    let inviter = Inviter {
        user_id: me.id,
        name: me.display_name.clone().unwrap_or_else(|| me.email.clone()),
        email: me.email,
    };
    Ok((org, inviter))
}

/// `POST /v1.0/invitations/{id}/resend`: a new ticket and the email again.
pub async fn resend(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<Value>, GraphError> {
    let id = Uuid::try_parse(&id).map_err(|_| GraphError::not_found("The invitation"))?;
    let (org, inviter) = inviter_for(&state, &caller).await?;
    let resent = manage::resend(
        &state.db,
        &org,
        &inviter,
        id,
        &state.public_url,
        state.clock.as_ref(),
    )
    .await
    .map_err(from_manage)?;
    Ok(Json(to_json(
        &resent.invitation,
        state.clock.now(),
        Some(&resent.redeem_url),
    )))
}

/// `POST /v1.0/invitations/{id}/revoke`
pub async fn revoke(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<Value>, GraphError> {
    let id = Uuid::try_parse(&id).map_err(|_| GraphError::not_found("The invitation"))?;
    let row = manage::revoke(
        &state.db,
        caller.organization_id,
        caller.user_id,
        id,
        state.clock.as_ref(),
    )
    .await
    .map_err(from_manage)?;
    Ok(Json(to_json(&row, state.clock.now(), None)))
}
