//! The operator behind the current request, as the pages see it.

use serde::{Deserialize, Serialize};

/// Put into the request by the server's session layer; read by the pages
/// through [`crate::api::operator::signed_in_operator`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentOperator {
    pub email: String,
    pub display_name: Option<String>,
    /// `operator` or `admin`.
    pub role: String,
    /// The session's CSRF token, carried by every form that changes state.
    pub csrf: String,
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
    /// `operator` or `admin`.
    pub role: String,
    pub has_password: bool,
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

#[cfg(test)]
mod tests {
    use super::same_token;

    #[test]
    fn tokens_are_compared_in_full() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "abcd"));
    }
}
