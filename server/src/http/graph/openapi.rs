//! The OpenAPI 3 document of `/v1.0`, generated from the handlers and types
//! that serve it, at `/v1.0/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::companies::{self, Company, CompanyList, Member, MemberList};
use super::error::{Detail, ErrorBody, ErrorEnvelope};
use super::invitations::{
    self, AddressOut, DraftProblem, Invitation, InvitationList, InvitedUser, MessageInfoOut,
    Progress, RecipientOut,
};
use super::request::{CreateRequest, InvitedUserRef, MessageInfo, Recipient, RecipientAddress};
use super::users::{self, ObjectIdentity, User, UserList};
use super::Me;

#[derive(OpenApi)]
#[openapi(
    info(title = "Lobby API", version = "1.0", description = "Invitations and the customers they made, shaped like Microsoft Graph's invitation and user resources; companies are Lobby's own."),
    paths(
        super::me, invitations::create, invitations::list, invitations::get_one, invitations::resend, invitations::revoke,
        users::list, users::get_one, users::delete, companies::list, companies::get_one, companies::members
    ),
    components(schemas(
        CreateRequest, MessageInfo, Recipient, RecipientAddress, InvitedUserRef, Invitation,
        MessageInfoOut, RecipientOut, AddressOut, InvitedUser, DraftProblem, Progress, InvitationList, Me, ErrorEnvelope, ErrorBody, Detail,
        User, ObjectIdentity, UserList, Company, CompanyList, Member, MemberList
    )),
    modifiers(&BearerToken)
)]
pub struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// `GET /v1.0/openapi.json`, open to all: it describes, it grants nothing.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
