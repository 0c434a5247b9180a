//! The operator's words for an invitation's status, a step of the way in
//! and how a customer signed in, shared by the dashboard's pages.

use crate::fill;
use crate::i18n::DashboardStrings;
use crate::model::invitation::InvitationStatus;
use crate::model::progress::{ProgressStep, SignInMethod};

/// The translated name of a status.
pub fn status_name(s: &'static DashboardStrings, status: InvitationStatus) -> &'static str {
    match status {
        InvitationStatus::PendingAcceptance => s.status_pending,
        InvitationStatus::Accepted => s.status_accepted,
        InvitationStatus::Expired => s.status_expired,
        InvitationStatus::Revoked => s.status_revoked,
    }
}

/// The translated name of a step of the way in.
pub fn step_name(s: &'static DashboardStrings, step: ProgressStep) -> &'static str {
    match step {
        ProgressStep::Invited => s.progress_invited,
        ProgressStep::EmailDelivered => s.progress_email_delivered,
        ProgressStep::LinkOpened => s.progress_link_opened,
        ProgressStep::SignedIn => s.progress_signed_in,
        ProgressStep::TermsAccepted => s.progress_terms_accepted,
        ProgressStep::CompanyCreated => s.progress_company_created,
        ProgressStep::Welcomed => s.progress_welcomed,
    }
}

/// How the customer signed in, in the operator's words.
pub fn method_text(
    s: &'static DashboardStrings,
    method: Option<SignInMethod>,
    source: Option<&str>,
) -> Option<String> {
    Some(match (method?, source) {
        (SignInMethod::OrganizationIdp, Some(name)) => {
            fill!(s, method_organization_idp_named, name = name)
        }
        (SignInMethod::OrganizationIdp, None) => s.method_organization_idp_used.to_owned(),
        (SignInMethod::Google, _) => s.method_google_used.to_owned(),
        (SignInMethod::Microsoft, Some(tenant)) => {
            fill!(s, method_microsoft_tenant, tenant = tenant)
        }
        (SignInMethod::Microsoft, None) => s.method_microsoft_used.to_owned(),
        (SignInMethod::EmailPasscode, _) => s.method_passcode_used.to_owned(),
        (SignInMethod::Password, _) => s.method_password_used.to_owned(),
        (SignInMethod::NewAccount, _) => s.method_new_account_used.to_owned(),
    })
}
