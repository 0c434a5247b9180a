//! The invitee's sign-in (architecture.md §3.2–3.3): what `/invite/{ticket}/start`
//! shows, and what the last form post said. The forms are plain posts, so
//! their outcome travels in the query string as a [`Notice`].

use serde::{Deserialize, Serialize};

use crate::model::discovery::{Method, Step};
use crate::model::journey::{Stage, WelcomeLink};

/// The longest note an invitee may add for their IT administrator.
pub const ADMIN_NOTE_MAX: usize = 500;

/// The customer's browser session, put into the request by the server's
/// session layer (a cookie apart from the operators').
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visitor {
    pub session_id: String,
    /// Set once sign-in has finished.
    pub user_id: Option<String>,
    /// The client's address, for what the journey records (consent).
    pub address: String,
}

/// A code this browser asked for and has not used yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pending {
    /// The one-time passcode that signs in.
    Passcode,
    /// The code that proves a new account's address.
    VerifyEmail,
    /// The code that allows a new password.
    ResetPassword,
}

/// The step an invitee is shown, for the invited address only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInStep {
    pub org_name: String,
    pub invited_email: String,
    pub step: Step,
    pub pending: Option<Pending>,
    /// The identity provider a federated step signs in with, by name.
    pub provider: Option<String>,
    /// The address the provider signed in, when it was not the invited one.
    pub signed_in_elsewhere: Option<String>,
    /// The other ways in the organization allows, for a provider's step
    /// (see `discovery::alternatives`).
    pub alternatives: Vec<Method>,
    /// The provider's step the invitee left for one of the alternatives,
    /// to go back to: its provider's name.
    pub left_provider: Option<String>,
    /// After the provider said the invitee's IT administrator must approve
    /// the seller's application: the address of that approval.
    pub admin_approval: Option<String>,
}

/// What `/invite/{ticket}/start` leads to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StartPage {
    Step(SignInStep),
    /// Signed in as the invited address: on to the first unfinished step.
    Continue,
    /// Signed in with another address: the invitation is not theirs.
    OtherAccount {
        signed_in_as: String,
        invited_email: String,
    },
    /// The invitation can no longer be redeemed: its link's page says why.
    Ended,
}

/// Where a signed-in invitee stands (consent and company come next).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub org_name: String,
    pub email: String,
    pub display_name: Option<String>,
    /// The step the invitee is at.
    pub stage: Stage,
    /// The company the invitation made them a member of, once there is one.
    pub company_name: Option<String>,
    /// The organization's links for the welcome page.
    pub links: Vec<WelcomeLink>,
    /// The seller's apps they may open (name, launch address).
    pub apps: Vec<WelcomeLink>,
    /// The app that sent them to sign in, waiting for them (name, the
    /// address that asks for its code again).
    pub continue_to: Option<WelcomeLink>,
}

/// What the last sign-in form did, as the page tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    CodeSent,
    /// A code went out less than a minute ago; wait this many seconds.
    TooSoon {
        wait: i64,
    },
    WrongCode {
        left: i32,
    },
    /// Not six digits; no try was used.
    MalformedCode,
    /// No live code: used, expired, out of tries, or never asked for here.
    NeedNewCode,
    PasswordShort,
    PasswordLong,
    PasswordCommon,
    /// The password does not match (or there is no such account).
    WrongPassword,
    /// Too many failed passwords: a reset code is needed.
    Locked,
    PasswordChanged,
    /// The provider signed in another address (named on the page).
    ProviderOtherAccount,
    /// The provider does not vouch for the invited address.
    ProviderUnverified,
    /// The provider shared no email address.
    ProviderNoEmail,
    /// The invitee cancelled at the provider.
    ProviderCancelled,
    /// The provider's answer did not hold up (expired, forged, refused).
    ProviderFailed,
    /// The provider could not be reached, or said it cannot answer now.
    ProviderUnavailable,
    /// The provider needs the invitee's IT administrator to approve the
    /// seller's application for their organization first.
    ProviderNeedsAdmin,
    /// The approval link went to the IT administrator.
    AdminAsked,
    /// The IT administrator's address is not an email address.
    AdminEmailInvalid,
    /// The note for the IT administrator is too long.
    AdminNoteTooLong,
    /// A reset invitation's address has become another account's since it
    /// was sent: the account cannot move there.
    AddressTaken,
}

impl Notice {
    /// The query string that carries this notice.
    pub fn query(self) -> String {
        match self {
            Notice::CodeSent => "notice=code-sent".into(),
            Notice::TooSoon { wait } => format!("notice=too-soon&wait={wait}"),
            Notice::WrongCode { left } => format!("notice=wrong-code&left={left}"),
            Notice::MalformedCode => "notice=malformed-code".into(),
            Notice::NeedNewCode => "notice=need-new-code".into(),
            Notice::PasswordShort => "notice=password-short".into(),
            Notice::PasswordLong => "notice=password-long".into(),
            Notice::PasswordCommon => "notice=password-common".into(),
            Notice::WrongPassword => "notice=wrong-password".into(),
            Notice::Locked => "notice=locked".into(),
            Notice::PasswordChanged => "notice=password-changed".into(),
            Notice::ProviderOtherAccount => "notice=provider-other-account".into(),
            Notice::ProviderUnverified => "notice=provider-unverified".into(),
            Notice::ProviderNoEmail => "notice=provider-no-email".into(),
            Notice::ProviderCancelled => "notice=provider-cancelled".into(),
            Notice::ProviderFailed => "notice=provider-failed".into(),
            Notice::ProviderUnavailable => "notice=provider-unavailable".into(),
            Notice::ProviderNeedsAdmin => "notice=provider-needs-admin".into(),
            Notice::AdminAsked => "notice=admin-asked".into(),
            Notice::AdminEmailInvalid => "notice=admin-email-invalid".into(),
            Notice::AdminNoteTooLong => "notice=admin-note-too-long".into(),
            Notice::AddressTaken => "notice=address-taken".into(),
        }
    }

    /// Reads the query's `notice`, with its `wait` or `left` number.
    pub fn from_query(notice: &str, number: Option<&str>) -> Option<Notice> {
        let n = || number.and_then(|n| n.parse::<i64>().ok());
        Some(match notice {
            "code-sent" => Notice::CodeSent,
            "too-soon" => Notice::TooSoon {
                wait: n().unwrap_or(60).clamp(1, 60),
            },
            "wrong-code" => Notice::WrongCode {
                left: n().unwrap_or(0).clamp(0, 5) as i32,
            },
            "malformed-code" => Notice::MalformedCode,
            "need-new-code" => Notice::NeedNewCode,
            "password-short" => Notice::PasswordShort,
            "password-long" => Notice::PasswordLong,
            "password-common" => Notice::PasswordCommon,
            "wrong-password" => Notice::WrongPassword,
            "locked" => Notice::Locked,
            "password-changed" => Notice::PasswordChanged,
            "provider-other-account" => Notice::ProviderOtherAccount,
            "provider-unverified" => Notice::ProviderUnverified,
            "provider-no-email" => Notice::ProviderNoEmail,
            "provider-cancelled" => Notice::ProviderCancelled,
            "provider-failed" => Notice::ProviderFailed,
            "provider-unavailable" => Notice::ProviderUnavailable,
            "provider-needs-admin" => Notice::ProviderNeedsAdmin,
            "admin-asked" => Notice::AdminAsked,
            "admin-email-invalid" => Notice::AdminEmailInvalid,
            "admin-note-too-long" => Notice::AdminNoteTooLong,
            "address-taken" => Notice::AddressTaken,
            _ => return None,
        })
    }

    /// Whether it reports something the invitee must fix.
    pub fn is_problem(self) -> bool {
        !matches!(
            self,
            Notice::CodeSent | Notice::PasswordChanged | Notice::AdminAsked
        )
    }

    /// Whether the provider did not sign the invitee in: the page offers
    /// trying again and the other ways in.
    pub fn is_provider_problem(self) -> bool {
        matches!(
            self,
            Notice::ProviderOtherAccount
                | Notice::ProviderUnverified
                | Notice::ProviderNoEmail
                | Notice::ProviderCancelled
                | Notice::ProviderFailed
                | Notice::ProviderUnavailable
                | Notice::ProviderNeedsAdmin
                | Notice::AdminAsked
                | Notice::AdminEmailInvalid
                | Notice::AdminNoteTooLong
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_round_trip_through_the_query_string() {
        let all = [
            Notice::CodeSent,
            Notice::TooSoon { wait: 42 },
            Notice::WrongCode { left: 3 },
            Notice::MalformedCode,
            Notice::NeedNewCode,
            Notice::PasswordShort,
            Notice::PasswordLong,
            Notice::PasswordCommon,
            Notice::WrongPassword,
            Notice::Locked,
            Notice::PasswordChanged,
            Notice::ProviderOtherAccount,
            Notice::ProviderUnverified,
            Notice::ProviderNoEmail,
            Notice::ProviderCancelled,
            Notice::ProviderFailed,
            Notice::ProviderUnavailable,
            Notice::ProviderNeedsAdmin,
            Notice::AdminAsked,
            Notice::AdminEmailInvalid,
            Notice::AdminNoteTooLong,
            Notice::AddressTaken,
        ];
        for notice in all {
            let query = notice.query();
            let mut pairs = query.split('&').map(|p| p.split_once('=').unwrap().1);
            let (name, number) = (pairs.next().unwrap(), pairs.next());
            assert_eq!(Notice::from_query(name, number), Some(notice), "{query}");
        }
        assert_eq!(Notice::from_query("x", None), None);
        // Numbers from the address bar stay within what the rules allow.
        assert_eq!(
            Notice::from_query("wrong-code", Some("99")),
            Some(Notice::WrongCode { left: 5 })
        );
    }
}
