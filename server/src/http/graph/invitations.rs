//! `/v1.0/invitations`: Graph's invitation resource.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use sea_orm::EntityTrait;
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::request::{detail, CreateRequest};
use super::{Detail, ErrorEnvelope, GraphError};
use crate::api_tokens::ApiCaller;
use crate::http::AppState;
use crate::invitations::create::{self, CreateError, FieldError, Inviter};
use crate::invitations::manage::{self, ListQuery, ManageError};
use crate::invitations::request::validate;
use crate::invitations::status_at;
use crate::store::entities::{invitation, organization, user};

/// The invitation as the API shows it. The redeem URL exists only in the
/// answer that created the ticket: Lobby keeps nothing but the ticket's hash.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub id: Uuid,
    /// Only in the answers of create and resend; `null` otherwise.
    pub invite_redeem_url: Option<String>,
    pub invited_user_email_address: String,
    pub invited_user_display_name: Option<String>,
    pub invite_redirect_url: String,
    pub send_invitation_message: bool,
    pub invited_user_message_info: MessageInfoOut,
    pub invited_user_type: String,
    pub invited_user: InvitedUser,
    /// The invitation resets an earlier redemption of `invitedUser`.
    pub reset_redemption: bool,
    /// `PendingAcceptance`, `Accepted`, `Expired` or `Revoked`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[schema(value_type = Option<Object>)]
    pub company: Option<Value>,
    pub company_id: Option<Uuid>,
    /// With `companyId`: `member` or `company_admin`.
    pub company_role: Option<String>,
    /// Lobby's extension: the values of `company` that the rules refuse
    /// (a stale postal code, say). The invitation is created all the same,
    /// and the customer corrects them on the company step, where they are
    /// marked. Empty when there are none.
    pub company_draft_problems: Vec<DraftProblem>,
    /// Lobby's extension: how far the customer got. The status says
    /// whether the invitation can still be redeemed; this says where the
    /// customer stands (`Accepted` customers may still be short of their
    /// company).
    pub progress: Progress,
}

/// Where the customer stands.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// The furthest step: `invited`, `email_delivered`, `link_opened`,
    /// `signed_in`, `terms_accepted`, `company_created` or `welcomed` (the
    /// way in is finished).
    pub step: String,
    /// Since when the customer is at `step`.
    pub since: DateTime<Utc>,
    pub first_opened_at: Option<DateTime<Utc>>,
    pub last_opened_at: Option<DateTime<Utc>>,
    pub signed_in_at: Option<DateTime<Utc>>,
    /// `organization_idp`, `google`, `microsoft`, `email_passcode`,
    /// `password` or `new_account`.
    pub sign_in_method: Option<String>,
    /// The organization provider's name, or Microsoft's tenant.
    pub sign_in_source: Option<String>,
    pub terms_accepted_at: Option<DateTime<Utc>>,
    pub welcomed_at: Option<DateTime<Utc>>,
}

fn progress_of(row: &invitation::Model) -> Progress {
    Progress {
        step: row.progress.clone(),
        since: row.progress_at.unwrap_or(row.created_at),
        first_opened_at: row.first_opened_at,
        last_opened_at: row.last_opened_at,
        signed_in_at: row.signed_in_at,
        sign_in_method: row.sign_in_method.clone(),
        sign_in_source: row.sign_in_source.clone(),
        terms_accepted_at: row.redeemed_at,
        welcomed_at: row.welcomed_at,
    }
}

/// A value of the company draft that the customer must correct.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DraftProblem {
    /// The field, as in `company` (`postalCode`, `taxId` …).
    pub field: String,
    /// e.g. `postal_code_invalid`.
    pub code: String,
    /// The same in English.
    pub message: String,
}

/// The problems of the stored draft `draft` (API names to values).
fn draft_problems_of(draft: Option<&Value>) -> Vec<DraftProblem> {
    let english = app::i18n::Locale::En.strings();
    crate::invitations::request::stored_draft_problems(draft)
        .into_iter()
        .map(|(field, problem)| DraftProblem {
            field: field.api_name().to_owned(),
            code: problem.code().to_owned(),
            message: app::i18n::company_problem_message(english, problem).to_owned(),
        })
        .collect()
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageInfoOut {
    pub customized_message_body: Option<String>,
    pub message_language: Option<String>,
    pub cc_recipients: Vec<RecipientOut>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecipientOut {
    pub email_address: AddressOut,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AddressOut {
    pub address: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitedUser {
    pub id: Option<Uuid>,
}

/// A page of invitations, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationList {
    pub value: Vec<Invitation>,
    /// The next page's address, while more remain.
    #[serde(rename = "@odata.nextLink", skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

pub fn to_resource(
    row: &invitation::Model,
    now: DateTime<Utc>,
    redeem_url: Option<&str>,
) -> Invitation {
    Invitation {
        id: row.id,
        invite_redeem_url: redeem_url.map(str::to_owned),
        invited_user_email_address: row.invited_email.clone(),
        invited_user_display_name: row.invited_display_name.clone(),
        invite_redirect_url: row.redirect_url.clone(),
        send_invitation_message: row.send_count > 0,
        invited_user_message_info: MessageInfoOut {
            customized_message_body: row.message.clone(),
            message_language: row.message_language.clone(),
            cc_recipients: row
                .cc_email
                .iter()
                .map(|address| RecipientOut {
                    email_address: AddressOut {
                        address: address.clone(),
                    },
                })
                .collect(),
        },
        invited_user_type: row.user_type.clone(),
        invited_user: InvitedUser {
            id: row.invited_user_id,
        },
        reset_redemption: row.reset_redemption,
        status: status_at(row, now).code().to_owned(),
        created_at: row.created_at,
        expires_at: row.expires_at,
        company: row.company_draft.clone(),
        company_id: row.company_id,
        company_role: row.company_id.map(|_| row.company_role().code().to_owned()),
        company_draft_problems: draft_problems_of(row.company_draft.as_ref()),
        progress: progress_of(row),
    }
}

fn invalid(details: Vec<Detail>) -> GraphError {
    let mut e = GraphError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "InvalidField",
        "One or more fields are invalid; see details.",
    );
    e.details = details;
    e
}

fn details(errors: Vec<FieldError>) -> Vec<Detail> {
    errors
        .into_iter()
        .map(|f| detail(f.field, f.message))
        .collect()
}

/// Invite someone.
#[utoipa::path(
    post,
    path = "/v1.0/invitations",
    request_body = CreateRequest,
    responses(
        (status = 201, description = "Created; the answer carries inviteRedeemUrl", body = Invitation,
            links(
                ("get" = (operation_id = "get_one", parameters(("id" = "$response.body#/id")))),
                ("resend" = (operation_id = "resend", parameters(("id" = "$response.body#/id")))),
                ("revoke" = (operation_id = "revoke", parameters(("id" = "$response.body#/id")))),
            )),
        (status = 400, description = "Malformed JSON or unknown fields", body = ErrorEnvelope),
        (status = 401, description = "No valid bearer token", body = ErrorEnvelope),
        (status = 403, description = "resetRedemption with a token of an operator who is not an admin", body = ErrorEnvelope),
        (status = 409, description = "A pending invitation or an account exists (existingInvitationId / existingUserId, possibleActions), or the account is an operator's or admin's (OperatorAccount)", body = ErrorEnvelope),
        (status = 422, description = "Invalid fields, one detail each", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    body: Result<Json<CreateRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Invitation>), GraphError> {
    let Json(request) = body.map_err(|rejection| {
        GraphError::bad_request(format!(
            "The body is not a valid invitation: {}",
            rejection.body_text()
        ))
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
    let (new, wire_problems) = request.into_new();
    let valid = match validate(new, &allowed) {
        Ok(valid) if wire_problems.is_empty() => valid,
        Ok(_) => return Err(invalid(wire_problems)),
        Err(errors) => {
            let mut all = details(errors);
            all.extend(wire_problems);
            return Err(invalid(all));
        }
    };

    let me = user::Entity::find_by_id(caller.user_id)
        .one(&state.db)
        .await?
        .ok_or_else(GraphError::unauthenticated)?;
    let role = crate::operators::role_in(&state.db, org.id, me.id).await?;
    let inviter = Inviter::from_user(&me).with_role(role);
    match create::create(&state.db, &org, &inviter, valid, &state.public_url, state.clock.as_ref()).await {
        Ok(created) => Ok((
            StatusCode::CREATED,
            Json(to_resource(&created.invitation, state.clock.now(), Some(&created.redeem_url))),
        )),
        Err(CreateError::Invalid(errors)) => Err(invalid(details(errors))),
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
        Err(CreateError::OperatorAccount) => Err(GraphError::new(
            StatusCode::CONFLICT,
            "OperatorAccount",
            "This account belongs to an operator or admin. Operators are managed on the operators page; their redemption is never reset.",
        )),
        Err(CreateError::ResetNeedsAdmin) => Err(GraphError::new(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Only an admin's token can reset a redemption.",
        )),
        Err(CreateError::Database(e)) => Err(e.into()),
    }
}

/// One invitation.
#[utoipa::path(
    get,
    path = "/v1.0/invitations/{id}",
    params(("id" = Uuid, Path, description = "The invitation's id")),
    responses(
        (status = 200, body = Invitation),
        (status = 401, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn get_one(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<Invitation>, GraphError> {
    let id = Uuid::try_parse(&id).map_err(|_| GraphError::not_found("The invitation"))?;
    let row = invitation::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|i| i.organization_id == caller.organization_id)
        .ok_or_else(|| GraphError::not_found("The invitation"))?;
    Ok(Json(to_resource(&row, state.clock.now(), None)))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `PendingAcceptance`, `Accepted`, `Expired` or `Revoked`.
    status: Option<String>,
    /// The invited address, exactly (case does not matter).
    email: Option<String>,
    /// Page size, 1 to 100 (default 50).
    #[serde(rename = "$top")]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    top: Option<String>,
    /// From a previous page's `@odata.nextLink`.
    #[serde(rename = "$skiptoken")]
    skiptoken: Option<String>,
}

fn from_manage(e: ManageError) -> GraphError {
    match e {
        ManageError::NotFound => GraphError::not_found("The invitation"),
        ManageError::Conflict(message) => {
            GraphError::new(StatusCode::CONFLICT, "InvitationStateConflict", message)
        }
        ManageError::BadQuery(message) => GraphError::bad_request(message),
        ManageError::Database(e) => e.into(),
    }
}

/// The organization's invitations, newest first, with `@odata.nextLink` while more remain.
#[utoipa::path(
    get,
    path = "/v1.0/invitations",
    params(ListParams),
    responses(
        (status = 200, body = InvitationList),
        (status = 400, description = "Bad status, $top or $skiptoken", body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<InvitationList>, GraphError> {
    let Query(params) = params.map_err(|r| GraphError::bad_request(r.body_text()))?;
    let top = super::page_size(params.top.as_deref())?;
    let query = ListQuery {
        status: params.status.clone(),
        email: params.email.clone(),
        top,
        cursor: params.skiptoken,
        ..ListQuery::default()
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
    let value = page
        .rows
        .iter()
        .map(|row| to_resource(row, now, None))
        .collect();
    let mut body = InvitationList {
        value,
        next_link: None,
    };
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
        body.next_link = Some(link.to_string());
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
    let inviter = Inviter::from_user(&me);
    Ok((org, inviter))
}

/// Send again: a new ticket (the old link then counts as replaced), a new
/// validity period as long as the first, and the email.
#[utoipa::path(
    post,
    path = "/v1.0/invitations/{id}/resend",
    params(("id" = Uuid, Path, description = "The invitation's id")),
    responses(
        (status = 200, description = "Resent; the answer carries the new inviteRedeemUrl", body = Invitation),
        (status = 401, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, description = "Accepted or revoked", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn resend(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<Invitation>, GraphError> {
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
    Ok(Json(to_resource(
        &resent.invitation,
        state.clock.now(),
        Some(&resent.redeem_url),
    )))
}

/// Revoke; revoking twice changes nothing.
#[utoipa::path(
    post,
    path = "/v1.0/invitations/{id}/revoke",
    params(("id" = Uuid, Path, description = "The invitation's id")),
    responses(
        (status = 200, body = Invitation),
        (status = 401, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, description = "Already accepted", body = ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn revoke(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
) -> Result<Json<Invitation>, GraphError> {
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
    Ok(Json(to_resource(&row, state.clock.now(), None)))
}
