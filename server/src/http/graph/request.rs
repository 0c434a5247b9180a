//! The body of `POST /v1.0/invitations`, Graph's wire shape, and the
//! [`NewInvitation`] it asks for.

use app::model::company::CompanyField;
use app::model::invitation::InvitationField;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::Detail;
use crate::invitations::request::{NewInvitation, Reset};

/// The body of `POST /v1.0/invitations`, as Graph names its fields, plus
/// Lobby's `company`, `companyId`, `companyRole` and `expiresInDays`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "invitedUserEmailAddress": "jun@customer.example",
    "invitedUserDisplayName": "Jun Park",
    "inviteRedirectUrl": "https://lobby.example/welcome",
    "sendInvitationMessage": true,
    "invitedUserMessageInfo": {"messageLanguage": "ko"},
    "company": {"legalName": "Customer Co., Ltd.", "country": "KR"}
}))]
pub struct CreateRequest {
    /// Required. The invitee's address.
    // Optional in Rust so that a missing field gets its own "is required"
    // detail next to the others, rather than serde's first-error message.
    #[schema(required = true, value_type = String, format = Email, max_length = 254)]
    pub invited_user_email_address: Option<String>,
    /// Required. Where the invitee lands after redemption; must lie under one of
    /// the organization's allowed redirect prefixes.
    #[schema(required = true, value_type = String, pattern = "^https?://")]
    pub invite_redirect_url: Option<String>,
    pub invited_user_display_name: Option<String>,
    /// Queue the invitation email (default false, as in Graph).
    #[serde(default)]
    pub send_invitation_message: bool,
    pub invited_user_message_info: Option<MessageInfo>,
    /// `Guest` (default) or `Member`.
    pub invited_user_type: Option<String>,
    /// A company draft: legalName, street, postalCode, city, country, taxId, phone, website (all text).
    #[schema(value_type = Option<Object>)]
    pub company: Option<Map<String, Value>>,
    /// An existing company of the organization to join (instead of `company`).
    pub company_id: Option<String>,
    /// With `companyId`: the invitee's role in that company, `member`
    /// (default) or `company_admin`. Whoever creates a company administers it.
    pub company_role: Option<String>,
    /// 1 to 90, default 30.
    #[schema(minimum = 1, maximum = 90)]
    pub expires_in_days: Option<i64>,
    /// Invite again someone who already redeemed: their next redemption binds
    /// a new identity (and this email) to the same user. Needs `invitedUser.id`.
    #[serde(default)]
    pub reset_redemption: bool,
    /// With `resetRedemption`: the user to invite again.
    pub invited_user: Option<InvitedUserRef>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitedUserRef {
    pub id: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageInfo {
    /// At most 2000 characters; shown as text, never as markup.
    pub customized_message_body: Option<String>,
    /// `en` or `ko` (region tags such as `ko-KR` are accepted).
    pub message_language: Option<String>,
    /// At most one recipient of a copy.
    #[serde(default)]
    pub cc_recipients: Vec<Recipient>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    pub email_address: RecipientAddress,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RecipientAddress {
    pub address: String,
    pub name: Option<String>,
}

impl CreateRequest {
    /// The invitation asked for, and what only this wire shape can get
    /// wrong: company keys that are no company field, and values that are
    /// not text.
    pub fn into_new(self) -> (NewInvitation, Vec<Detail>) {
        let mut details = Vec::new();
        let company = self.company.map(|draft| {
            let mut fields = Vec::new();
            for (key, value) in draft {
                let target = format!("company.{key}");
                let Some(field) = CompanyField::from_api_name(&key) else {
                    details.push(Detail {
                        target,
                        message: format!(
                            "is not a company field (expected one of {})",
                            CompanyField::ALL.map(CompanyField::api_name).join(", ")
                        ),
                    });
                    continue;
                };
                match value {
                    Value::String(text) => fields.push((field, text)),
                    Value::Null => {}
                    _ => details.push(Detail {
                        target,
                        message: "must be text".into(),
                    }),
                }
            }
            fields
        });
        let info = self.invited_user_message_info.unwrap_or_default();
        let new = NewInvitation {
            email: self.invited_user_email_address,
            redirect_url: self.invite_redirect_url,
            display_name: self.invited_user_display_name,
            message: info.customized_message_body,
            language: info.message_language,
            cc: info
                .cc_recipients
                .into_iter()
                .map(|r| r.email_address.address)
                .collect(),
            user_type: self.invited_user_type,
            company,
            company_id: self.company_id,
            company_role: self.company_role,
            expires_in_days: self.expires_in_days,
            send_email: self.send_invitation_message,
            reset: Reset {
                requested: self.reset_redemption,
                user_id: self.invited_user.and_then(|u| u.id),
            },
            import_id: None,
        };
        (new, details)
    }
}

/// A refused field as Graph reports it.
pub fn detail(field: InvitationField, message: String) -> Detail {
    Detail {
        target: field.api_name().into_owned(),
        message,
    }
}
