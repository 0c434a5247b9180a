//! What the transports say of a message they could not deliver.

/// Why a message was not delivered: what the row records, and whether
/// trying again could help.
#[derive(Debug)]
pub struct Undelivered {
    pub reason: String,
    /// Refused for good (an SMTP 5xx answer, a message that cannot be
    /// built): the row fails at once instead of being tried again.
    pub permanent: bool,
}

impl Undelivered {
    pub fn for_now(reason: impl Into<String>) -> Undelivered {
        Undelivered {
            reason: reason.into(),
            permanent: false,
        }
    }

    pub fn permanent(reason: impl Into<String>) -> Undelivered {
        Undelivered {
            reason: reason.into(),
            permanent: true,
        }
    }

    pub fn from_smtp(e: &lettre::transport::smtp::Error) -> Undelivered {
        Undelivered {
            reason: e.to_string(),
            permanent: e.is_permanent(),
        }
    }
}
