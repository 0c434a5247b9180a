//! Where a signed-in invitee stands (DESIGN §5, steps 4–6): the terms, the
//! company, the welcome page. The server decides the step; a page of a later
//! step leads to the current one.

use serde::{Deserialize, Serialize};

/// The steps of redeeming an invitation, as the step indicator counts them;
/// the invitation's own page is step 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    SignIn,
    Consent,
    Company,
    Welcome,
}

impl Stage {
    /// How many steps the indicator shows.
    pub const STEPS: usize = 5;

    /// The step's number in "Step n of 5".
    pub fn number(self) -> usize {
        match self {
            Stage::SignIn => 2,
            Stage::Consent => 3,
            Stage::Company => 4,
            Stage::Welcome => 5,
        }
    }

    /// The page of the step for the link `ticket`.
    pub fn path(self, ticket: &str) -> String {
        let page = match self {
            Stage::SignIn => "start",
            Stage::Consent => "consent",
            Stage::Company | Stage::Welcome => "continue",
        };
        format!("/invite/{ticket}/{page}")
    }
}

/// What the terms step shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentPage {
    pub org_name: String,
    pub invited_email: String,
    pub privacy_url: Option<String>,
    pub privacy_version: String,
    /// 0 while the organization has published no terms of use.
    pub terms_version: i32,
    /// The terms rendered from Markdown on the server, with any HTML of
    /// their own shown as text.
    pub terms_html: Option<String>,
}

/// The terms step, or the step to go to instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentView {
    Show(ConsentPage),
    Elsewhere(Stage),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_count_from_the_invitation_to_the_welcome_page() {
        let all = [
            Stage::SignIn,
            Stage::Consent,
            Stage::Company,
            Stage::Welcome,
        ];
        let numbers: Vec<_> = all.iter().map(|s| s.number()).collect();
        assert_eq!(numbers, [2, 3, 4, 5]);
        assert_eq!(Stage::Welcome.number(), Stage::STEPS);
        assert_eq!(Stage::Consent.path("t"), "/invite/t/consent");
        assert_eq!(Stage::SignIn.path("t"), "/invite/t/start");
    }
}
