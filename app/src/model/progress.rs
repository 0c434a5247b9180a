//! Where each customer stands (issue 23, point 3): the steps of the way in,
//! in order, and how the customer signed in. An invitation's status says
//! whether it can still be redeemed; its progress says how far the customer
//! got, so one who stopped at the company step is not shown as finished.

use serde::{Deserialize, Serialize};

/// A step of the customer's way in; each one reached stays reached.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ProgressStep {
    /// The invitation exists (its email may be queued).
    Invited,
    /// The mail server accepted the invitation email.
    EmailDelivered,
    /// The customer opened the link.
    LinkOpened,
    SignedIn,
    TermsAccepted,
    /// A member of their company: made it, or joined the invitation's.
    CompanyCreated,
    /// The welcome page: the way in is finished.
    Welcomed,
}

impl ProgressStep {
    /// Every step, first to last.
    pub const ALL: &[ProgressStep] = <ProgressStep as strum::VariantArray>::VARIANTS;

    /// The name stored, sent in the list's filter and in the API.
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<ProgressStep> {
        code.parse().ok()
    }

    /// The steps before this one, of which an invitation may advance to it.
    pub fn earlier(self) -> impl Iterator<Item = ProgressStep> {
        Self::ALL.iter().copied().filter(move |s| *s < self)
    }
}

/// How a customer signed in.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SignInMethod {
    /// Their organization's own identity provider (named by the source).
    OrganizationIdp,
    Google,
    /// Microsoft (the source is the tenant).
    Microsoft,
    EmailPasscode,
    /// A Lobby account's password (or a new one after a reset code).
    Password,
    /// A new Lobby account, its address proven by a code.
    NewAccount,
}

impl SignInMethod {
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<SignInMethod> {
        code.parse().ok()
    }
}

/// One step of an invitation's timeline as the dashboard shows it; times
/// are `YYYY-MM-DD HH:MM` in UTC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepReached {
    pub step: ProgressStep,
    /// `None` for a step not reached yet.
    pub at: Option<String>,
}

/// A company as the dashboard shows it, with its members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyDetail {
    pub name: String,
    /// Its data, field by field (empty optional fields left out).
    pub fields: Vec<(crate::model::company::CompanyField, String)>,
    pub created_at: String,
    pub members: Vec<CompanyMember>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyMember {
    pub email: String,
    pub name: Option<String>,
    pub role: crate::model::company::CompanyRole,
    pub since: String,
}

/// What the dashboard and the API tell of one customer's way in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressFacts {
    pub first_opened: Option<String>,
    pub last_opened: Option<String>,
    pub sign_in_method: Option<SignInMethod>,
    /// The organization provider's name, or Microsoft's tenant.
    pub sign_in_source: Option<String>,
    /// The terms' and the privacy statement's versions accepted, and
    /// whether that was automatic (a trusted domain's).
    pub consent: Option<ConsentFact>,
    /// The company the customer is a member of through this invitation.
    pub company: Option<CompanyRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentFact {
    /// `None`: there were no terms (or no privacy statement) to accept.
    pub terms_version: Option<i32>,
    pub privacy_version: Option<String>,
    /// The language the terms were read in.
    pub terms_language: Option<String>,
    pub automatic: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyRef {
    pub id: String,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_come_in_order_and_round_trip_through_their_codes() {
        assert_eq!(ProgressStep::ALL.first(), Some(&ProgressStep::Invited));
        assert_eq!(ProgressStep::ALL.last(), Some(&ProgressStep::Welcomed));
        for step in ProgressStep::ALL {
            assert_eq!(ProgressStep::from_code(step.code()), Some(*step));
        }
        assert_eq!(ProgressStep::CompanyCreated.code(), "company_created");
        assert_eq!(
            ProgressStep::SignedIn.earlier().collect::<Vec<_>>(),
            [
                ProgressStep::Invited,
                ProgressStep::EmailDelivered,
                ProgressStep::LinkOpened
            ]
        );
        assert_eq!(ProgressStep::from_code("finished"), None);
        assert_eq!(
            SignInMethod::from_code("organization_idp"),
            Some(SignInMethod::OrganizationIdp)
        );
    }
}
