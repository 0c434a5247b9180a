//! What an invitation link shows: the invitation's state, and who invited
//! whom to what.

use serde::{Deserialize, Serialize};

/// The state of the invitation behind a link, as its page tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    /// Waiting for the invitee: "Get started now".
    Pending,
    /// Past its expiry.
    Expired,
    /// An operator withdrew it.
    Revoked,
    /// A newer link was sent; this one no longer works.
    Replaced,
    /// Someone already redeemed it.
    Accepted,
}

impl LinkState {
    /// Expired and replaced links may ask for a new one; a revoked or
    /// accepted invitation is over.
    pub fn offers_new_link(self) -> bool {
        matches!(self, LinkState::Expired | LinkState::Replaced)
    }
}

/// The landing page's data. The invitee's address, name and the personal
/// message are shown only while the invitation can still be redeemed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Landing {
    /// The link's ticket as the invitee's link has it, for the page's own links.
    pub ticket: String,
    pub state: LinkState,
    pub org_name: String,
    /// The inviter's name, else their address.
    pub inviter: String,
    pub invited_email: Option<String>,
    pub invitee_name: Option<String>,
    pub message: Option<String>,
    /// When it expires (pending), expired (expired) or was accepted
    /// (accepted), as `YYYY-MM-DD HH:MM UTC`.
    pub date: Option<String>,
    /// An accepted invitation whose redeemer can sign in through the link
    /// to go on (their account is still at the invited address).
    pub sign_in: bool,
}

/// What "Send me a new link" did; the page shows it from the query string.
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
    strum::VariantArray,
)]
#[strum(serialize_all = "kebab-case")]
pub enum NewLinkOutcome {
    /// A new link went to the invited address and the inviter was told.
    Sent,
    /// One was sent less than [`NEW_LINK_PAUSE_MINUTES`] ago; nothing was sent.
    #[strum(to_string = "recent")]
    SentRecently,
    /// The invitation's state offers no new link.
    NotOffered,
}

/// Minutes between two links sent at the invitee's request.
pub const NEW_LINK_PAUSE_MINUTES: i64 = 10;

impl NewLinkOutcome {
    /// The name in the page's query string.
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<NewLinkOutcome> {
        code.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_expired_and_replaced_links_offer_a_new_one() {
        use LinkState::*;
        let offered: Vec<_> = [Pending, Expired, Revoked, Replaced, Accepted]
            .into_iter()
            .filter(|s| s.offers_new_link())
            .collect();
        assert_eq!(offered, [Expired, Replaced]);
    }

    #[test]
    fn outcomes_round_trip_through_the_query_string() {
        for o in [
            NewLinkOutcome::Sent,
            NewLinkOutcome::SentRecently,
            NewLinkOutcome::NotOffered,
        ] {
            assert_eq!(NewLinkOutcome::from_code(o.code()), Some(o));
        }
        assert_eq!(NewLinkOutcome::from_code("x"), None);
    }
}
