//! The organization's terms of use as the dashboard shows and publishes
//! them: versioned Markdown; each new version asks every invitee again.

use serde::{Deserialize, Serialize};

/// The longest terms accepted, in characters.
pub const TERMS_MAX_CHARS: usize = 100_000;

/// A published version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedTerms {
    pub version: i32,
    pub published_at: String,
    /// The Markdown as written.
    pub markdown: String,
    /// As invitees see it (rendered on the server, its own HTML as text).
    pub html: String,
}

/// What the terms page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsView {
    pub current: Option<PublishedTerms>,
    /// Consents given so far, for the export link.
    pub consents: u64,
}

/// What publishing did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TermsOutcome {
    Published { version: i32 },
    NotAdmin,
    Empty,
    TooLong { max: usize },
}

/// The problem with terms as written, if any.
pub fn terms_problem(markdown: &str) -> Option<TermsOutcome> {
    if markdown.trim().is_empty() {
        Some(TermsOutcome::Empty)
    } else if markdown.chars().count() > TERMS_MAX_CHARS {
        Some(TermsOutcome::TooLong {
            max: TERMS_MAX_CHARS,
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_need_text_within_the_limit() {
        assert_eq!(terms_problem(" \n"), Some(TermsOutcome::Empty));
        assert_eq!(
            terms_problem(&"x".repeat(TERMS_MAX_CHARS + 1)),
            Some(TermsOutcome::TooLong {
                max: TERMS_MAX_CHARS
            })
        );
        assert_eq!(terms_problem("# Terms"), None);
    }
}
