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
    /// The same in Korean, when written.
    pub markdown_ko: Option<String>,
    pub html_ko: Option<String>,
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
    Published {
        version: i32,
    },
    /// The texts are those of the current version: nothing published.
    Unchanged {
        version: i32,
    },
    NotAdmin,
    Empty,
    TooLong {
        max: usize,
    },
}

/// What customers would not be asked to accept, for the warning before
/// inviting them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingDocuments {
    pub privacy: bool,
    pub terms: bool,
}

/// The Korean text as the form sends it: `None` when left empty.
pub fn korean_text(raw: Option<String>) -> Option<String> {
    raw.filter(|text| !text.trim().is_empty())
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
        assert_eq!(korean_text(Some(" \n".into())), None);
        assert_eq!(
            korean_text(Some("# 약관".into())).as_deref(),
            Some("# 약관")
        );
    }
}
