//! Invitations as the dashboard shows them.

use serde::{Deserialize, Serialize};

/// Where an invitation stands, named as Microsoft Graph names it. Only
/// `PendingAcceptance`, `Accepted` and `Revoked` are stored: a pending
/// invitation past its expiry shows as `Expired`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
pub enum InvitationStatus {
    PendingAcceptance,
    Accepted,
    Expired,
    Revoked,
}

impl InvitationStatus {
    /// Every status, in the order an operator can filter by them.
    pub const ALL: &[InvitationStatus] = <InvitationStatus as strum::VariantArray>::VARIANTS;

    /// The name stored and sent: `PendingAcceptance`, `Accepted`, …
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<InvitationStatus> {
        code.parse().ok()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: String,
    pub email: String,
    pub display_name: Option<String>,
    pub status: InvitationStatus,
    pub inviter: Option<String>,
    /// `YYYY-MM-DD HH:MM` in UTC.
    pub created_at: String,
    pub expires_at: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPage {
    pub rows: Vec<InvitationRow>,
    /// The cursor of the next page, if any.
    pub next: Option<String>,
}

/// The dashboard's "New invitation" form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInvitationForm {
    pub email: String,
    pub display_name: String,
    /// `en` or `ko`.
    pub language: String,
    pub message: String,
    /// A checkbox: absent when unchecked.
    #[serde(default)]
    pub send_email: bool,
    /// Set to invite an existing user again, resetting their redemption.
    #[serde(default)]
    pub reset_user_id: String,
    /// The company draft, by [`crate::model::company::CompanyField::form_name`].
    #[serde(default)]
    pub legal_name: String,
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub tax_id: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub website: String,
}

impl NewInvitationForm {
    pub fn company_value(&self, field: crate::model::company::CompanyField) -> &str {
        use crate::model::company::CompanyField::*;
        match field {
            LegalName => &self.legal_name,
            Street => &self.street,
            PostalCode => &self.postal_code,
            City => &self.city,
            Country => &self.country,
            TaxId => &self.tax_id,
            Phone => &self.phone,
            Website => &self.website,
        }
    }
}

/// What became of a submitted form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NewInvitationOutcome {
    Created {
        id: String,
        email: String,
        redeem_url: String,
        sent: bool,
    },
    /// Fields the server refused, by form field name.
    Invalid {
        fields: Vec<String>,
    },
    PendingExists {
        invitation_id: String,
    },
    AccountExists {
        user_id: String,
    },
    /// The address, or the account to reset, is an operator's or admin's.
    OperatorAccount,
    /// Only admins reset a redemption.
    ResetNeedsAdmin,
}

pub const MESSAGE_MAX_CHARS: usize = 2000;

/// One invitation with what happened to it, oldest event first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationDetail {
    pub row: InvitationRow,
    pub send_count: i32,
    pub timeline: Vec<TimelineEvent>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// `YYYY-MM-DD HH:MM` in UTC.
    pub at: String,
    /// The audit action, e.g. `invitation.created`.
    pub action: String,
    pub actor: Option<String>,
}

/// What became of a Resend or Revoke from the dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationActionOutcome {
    Resent {
        redeem_url: String,
    },
    Revoked,
    /// Not possible in the invitation's state (accepted, revoked).
    NotPossible,
    NotFound,
}
