//! What Lobby tells an app about a customer: who they are, for which
//! seller, in which company and role, which terms they accepted and how
//! they signed in. The ID token and the userinfo endpoint say the same.

use openidconnect::core::CoreGenderClaim;
use openidconnect::{
    EndUserEmail, EndUserName, LanguageTag, StandardClaims, SubjectIdentifier, UserInfoClaims,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::documents::Documents;
use crate::invitations::InvitationStatus;
use crate::store::entities::{company, invitation, membership, organization, user};

/// Lobby's claims beyond OpenID Connect's standard ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyClaims {
    /// The seller organization.
    pub org_id: Uuid,
    pub org_slug: String,
    pub company_id: Uuid,
    pub company_name: String,
    /// `company_admin` or `member`.
    pub company_role: String,
    /// The terms of use version the customer accepted (0: none published).
    pub terms_version: i32,
}

impl openidconnect::AdditionalClaims for CompanyClaims {}

/// An onboarded customer of an organization, as the tokens describe them.
pub struct Customer {
    pub user: user::Model,
    pub company: CompanyClaims,
}

/// How a session's sign-in is named in `amr` (RFC 8176): `pwd` for a
/// password, `otp` for an emailed one-time code, `fed` for an identity
/// provider; a new account or a reset password took both a password and
/// an emailed code.
pub fn amr_of(method: &str) -> Vec<String> {
    let names: &[&str] = match method {
        "email_otp" => &["otp"],
        "federated" => &["fed"],
        "new_account" | "password_reset" => &["pwd", "otp"],
        _ => &["pwd"],
    };
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// Where a signed-in person stands with the organization `org`.
pub enum Standing {
    /// Invited, terms accepted and company chosen: the tokens say who.
    Onboarded(Box<Customer>),
    /// An invitation of the organization waits for them to finish.
    Unfinished,
    /// No invitation of the organization is theirs.
    Stranger,
}

/// The person `user_id`'s standing with the organization `org_id`.
pub async fn standing(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    org_id: Uuid,
) -> Result<Standing, DbErr> {
    let Some(user) = user::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(Standing::Stranger);
    };
    let invitations = invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(org_id))
        .filter(invitation::Column::InvitedEmail.eq(user.email.as_str()))
        .order_by_desc(invitation::Column::CreatedAt)
        .all(db)
        .await?;
    let accepted = InvitationStatus::Accepted.code();
    let done = invitations
        .iter()
        .find(|i| i.status == accepted && i.redeemed_by == Some(user.id) && i.company_id.is_some());
    let Some(done) = done else {
        return Ok(if invitations.is_empty() {
            Standing::Stranger
        } else {
            Standing::Unfinished
        });
    };
    let Some(org) = organization::Entity::find_by_id(org_id).one(db).await? else {
        return Ok(Standing::Stranger);
    };
    let documents = Documents::current(db, &org).await?;
    // The claim's 0: no terms published.
    let terms = documents.terms_version().unwrap_or(0);
    let consented = documents.is_empty() || documents.accepted_by(db, org_id, user.id).await?;
    let company_id = done.company_id.unwrap_or_default();
    let company = company::Entity::find_by_id(company_id).one(db).await?;
    let role = membership::Entity::find()
        .filter(membership::Column::CompanyId.eq(company_id))
        .filter(membership::Column::UserId.eq(user.id))
        .one(db)
        .await?;
    let (true, Some(company), Some(role)) = (consented, company, role) else {
        return Ok(Standing::Unfinished);
    };
    Ok(Standing::Onboarded(Box::new(Customer {
        company: CompanyClaims {
            org_id,
            org_slug: org.slug,
            company_id,
            company_name: company.legal_name,
            company_role: role.role,
            terms_version: terms,
        },
        user,
    })))
}

/// The standard claims `scope` lets an app see.
pub fn standard(customer: &Customer, scope: &[String]) -> StandardClaims<CoreGenderClaim> {
    let has = |s: &str| scope.iter().any(|x| x == s);
    let user = &customer.user;
    let mut claims = StandardClaims::new(SubjectIdentifier::new(user.id.to_string()));
    if has("email") {
        claims = claims
            .set_email(Some(EndUserEmail::new(user.email.clone())))
            .set_email_verified(Some(user.email_verified));
    }
    if has("profile") {
        claims = claims
            .set_name(
                user.display_name
                    .clone()
                    .map(|n| EndUserName::new(n).into()),
            )
            .set_locale(user.locale.clone().map(LanguageTag::new));
    }
    claims
}

/// Userinfo's claims beyond the standard ones: Lobby's, and how the
/// customer signed in (which the ID token carries as its own `amr`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserinfoExtra {
    #[serde(flatten)]
    pub company: CompanyClaims,
    pub amr: Vec<String>,
}

impl openidconnect::AdditionalClaims for UserinfoExtra {}

/// What the userinfo endpoint answers: what the ID token said.
pub fn userinfo(
    customer: &Customer,
    scope: &[String],
    amr: Vec<String>,
) -> UserInfoClaims<UserinfoExtra, CoreGenderClaim> {
    let extra = UserinfoExtra {
        company: customer.company.clone(),
        amr,
    };
    UserInfoClaims::new(standard(customer, scope), extra)
}
