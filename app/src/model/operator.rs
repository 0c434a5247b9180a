//! The operator behind the current request, as the pages see it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::email::EmailProblem;

/// What an operator may do in their organization.
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
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Role {
    /// Invites customers and manages invitations.
    Operator,
    /// Also manages operators, settings, providers and terms.
    Admin,
}

impl Role {
    /// The name stored with the role and shown in forms: `operator`, `admin`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Role> {
        s.parse().ok()
    }
}

/// A user's id as stored: an operator's, an admin's, an invitee's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct UserId(pub Uuid);

/// A session's id: the hash of its cookie, never the cookie itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SessionId(pub String);

/// Put into the request by the server's session layer; read by the pages
/// through [`crate::api::operator::signed_in_operator`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentOperator {
    pub email: String,
    pub display_name: Option<String>,
    pub role: Role,
    /// The session's CSRF token, carried by every form that changes state.
    pub csrf: String,
    /// Who acts, for the server's own use; never sent to the browser.
    #[serde(skip)]
    pub id: UserId,
    /// The session they act in, for the server's own use; never sent to
    /// the browser.
    #[serde(skip)]
    pub session: SessionId,
}

impl CurrentOperator {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The operator's admin rights, if they hold the admin role: what every
    /// admin-only port method takes, so none is reached without this check.
    pub fn admin(&self) -> Option<Admin> {
        self.is_admin().then(|| Admin {
            id: self.id,
            session: self.session.clone(),
        })
    }
}

/// Proof that the signed-in operator is an admin. Only
/// [`CurrentOperator::admin`] makes one; the server checks the role again
/// where it acts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Admin {
    id: UserId,
    session: SessionId,
}

impl Admin {
    pub fn id(&self) -> UserId {
        self.id
    }

    /// The session the admin acts in (which "sign everyone out" keeps).
    pub fn session(&self) -> &SessionId {
        &self.session
    }
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// An operator as the dashboard lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorRow {
    pub email: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub has_password: bool,
    /// The address invitees see in this operator's invitations, when it is
    /// not the one they sign in with.
    pub contact_email: Option<String>,
}

/// Saving the address invitees see in the operator's invitations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactOutcome {
    /// Invitations now show `contact` (the sign-in address when cleared).
    Saved {
        contact: String,
    },
    Invalid(EmailProblem),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddOperatorForm {
    pub email: String,
    pub display_name: String,
    /// `operator` or `admin`.
    pub role: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddOperatorOutcome {
    Added { email: String },
    InvalidEmail,
    Exists,
    NotAdmin,
}

/// What `/setup?token=…` shows (see the server's `operators::first_admin`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetupLink {
    /// The form to create the first admin.
    Live,
    /// No admin yet, but the link is wrong, used or expired.
    Invalid,
    /// An admin exists: there is no setup page.
    Gone,
}

/// One of the operator's personal API tokens, as the dashboard lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: String,
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenOutcome {
    /// The token itself, shown this once.
    Created {
        token: String,
    },
    Revoked,
    InvalidName,
    NotFound,
}

/// An admin's action on another operator's access, or on everyone's sessions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessOutcome {
    /// The operator has no role any more; their sessions and tokens ended.
    Removed {
        email: String,
    },
    /// This many sessions ended.
    SessionsEnded {
        count: u64,
    },
    /// The operator's earlier wrong passwords no longer count.
    Unlocked {
        email: String,
    },
    /// Admins act on others; their own sessions are on the sessions page.
    NotYourself,
    NotAdmin,
    NotFound,
}

/// One of the signed-in operator's own live sessions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    /// The session's id (a hash, not the cookie's token).
    pub id: String,
    /// The session this page was asked from.
    pub current: bool,
    /// `YYYY-MM-DD HH:MM` in UTC.
    pub started: String,
    pub last_seen: String,
    /// The browser's `User-Agent` and the client address at sign-in.
    pub agent: String,
    pub address: String,
}

/// What became of ending one's own sessions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndSessionsOutcome {
    Ended {
        count: u64,
    },
    /// The password did not match; nothing ended.
    WrongPassword,
    /// Too many wrong passwords lately (the sign-in's own limit).
    TooManyTries,
    /// No such session of theirs (or only the current one, which "Sign out" ends).
    NotFound,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_compared_in_full() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "abcd"));
    }

    #[test]
    fn only_an_admin_gets_admin_rights() {
        let me = |role| CurrentOperator {
            email: "ada@gfms.example".into(),
            display_name: None,
            role,
            csrf: "c".into(),
            id: UserId(Uuid::from_u128(7)),
            session: SessionId("s".into()),
        };
        assert_eq!(me(Role::Operator).admin(), None);
        let admin = me(Role::Admin).admin().expect("an admin");
        assert_eq!(admin.id(), UserId(Uuid::from_u128(7)));
        assert_eq!(admin.session(), &SessionId("s".into()));
    }
}
