//! Invitations as the dashboard shows them.

use serde::{Deserialize, Serialize};

/// The statuses an operator can filter by, as the API names them.
pub const STATUSES: [&str; 4] = ["PendingAcceptance", "Accepted", "Expired", "Revoked"];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: String,
    pub email: String,
    pub display_name: Option<String>,
    /// One of [`STATUSES`].
    pub status: String,
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
