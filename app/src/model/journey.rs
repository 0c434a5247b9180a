//! Where a signed-in invitee stands (architecture.md §3.4–3.6): the terms, the
//! company, the welcome page. The server decides the step; a page of a later
//! step leads to the current one.

use serde::{Deserialize, Serialize};

use crate::model::company::{check_field, CompanyField, CompanyProblem, Completeness};

/// The steps of redeeming an invitation, as the step indicator counts them
/// from the first the invitee does: signing in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    SignIn,
    Consent,
    Company,
    Welcome,
}

impl Stage {
    /// How many steps the indicator shows.
    pub const STEPS: usize = 4;

    /// The step's number in "Step n of 4".
    pub fn number(self) -> usize {
        match self {
            Stage::SignIn => 1,
            Stage::Consent => 2,
            Stage::Company => 3,
            Stage::Welcome => 4,
        }
    }

    /// The page of the step for the link `ticket`.
    pub fn path(self, ticket: &str) -> String {
        let page = match self {
            Stage::SignIn => "start",
            Stage::Consent => "consent",
            Stage::Company => "company",
            Stage::Welcome => "continue",
        };
        format!("/invite/{ticket}/{page}")
    }
}

/// What the terms step shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentPage {
    pub org_name: String,
    pub invited_email: String,
    /// The privacy statement, when the organization links one.
    pub privacy_url: Option<String>,
    pub privacy_version: Option<String>,
    /// `None` while the organization has published no terms of use.
    pub terms_version: Option<i32>,
    /// The terms in each language they are written in (English first),
    /// rendered from Markdown on the server, with any HTML of their own
    /// shown as text.
    pub terms: Vec<(crate::model::locale::Locale, String)>,
}

impl ConsentPage {
    /// The terms for a reader of `locale`: theirs when written, else the
    /// first (English); with the language shown.
    pub fn terms_for(
        &self,
        locale: crate::model::locale::Locale,
    ) -> Option<&(crate::model::locale::Locale, String)> {
        self.terms
            .iter()
            .find(|(l, _)| *l == locale)
            .or_else(|| self.terms.first())
    }
}

/// The terms step, or the step to go to instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentView {
    Show(ConsentPage),
    Elsewhere(Stage),
}

/// What the company step shows: the seller's draft, or what the invitee
/// sent when the server found a problem in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyPage {
    pub org_name: String,
    /// Every field, in [`CompanyField::ALL`]'s order.
    pub values: Vec<(CompanyField, String)>,
    /// The values come back from the server, which found problems: every
    /// field shows its message at once.
    pub resubmitted: bool,
}

/// The company step, or the step to go to instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompanyView {
    Show(CompanyPage),
    Elsewhere(Stage),
}

/// A link the organization offers on its welcome page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WelcomeLink {
    pub label: String,
    pub url: String,
    /// Shown only to customers reading this language; to all when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<crate::model::locale::Locale>,
}

impl WelcomeLink {
    /// Whether a customer reading `locale` sees it.
    pub fn for_reader(&self, locale: crate::model::locale::Locale) -> bool {
        self.language.is_none_or(|l| l == locale)
    }
}

/// At most this many links on the welcome page.
pub const WELCOME_LINKS_MAX: usize = 10;

/// Why a line of the welcome links cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkProblem {
    /// Not "label | https://address".
    Shape,
    LabelLength,
    /// Not an https address.
    Address,
    TooMany,
}

/// Reads the welcome links as admins write them, one a line:
/// `label | https://address`, optionally followed by `| ko` (or `| en`) for
/// a link in one language only. Blank lines are skipped; a problem names
/// its line (from 1).
pub fn parse_welcome_links(text: &str) -> Result<Vec<WelcomeLink>, (usize, LinkProblem)> {
    let mut links = Vec::new();
    for (n, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
        if line.is_empty() {
            continue;
        }
        let (rest, language) = match line.rsplit_once('|') {
            Some((rest, last)) => match crate::model::locale::Locale::from_code(last.trim()) {
                Some(language) => (rest, Some(language)),
                None => (line, None),
            },
            None => (line, None),
        };
        let (label, url) = rest.rsplit_once('|').ok_or((n, LinkProblem::Shape))?;
        let label = label.trim();
        if !(1..=80).contains(&label.chars().count()) {
            return Err((n, LinkProblem::LabelLength));
        }
        let url = url.trim();
        if !url.to_ascii_lowercase().starts_with("https://") {
            return Err((n, LinkProblem::Address));
        }
        let url = check_field(CompanyField::Website, url, "", Completeness::Draft)
            .map_err(|_| (n, LinkProblem::Address))?;
        if links.len() == WELCOME_LINKS_MAX {
            return Err((n, LinkProblem::TooMany));
        }
        links.push(WelcomeLink {
            label: label.to_owned(),
            url,
            language,
        });
    }
    Ok(links)
}

/// The links as the form shows them.
pub fn welcome_links_text(links: &[WelcomeLink]) -> String {
    links
        .iter()
        .map(|l| match l.language {
            Some(language) => format!("{} | {} | {}", l.label, l.url, language.code()),
            None => format!("{} | {}", l.label, l.url),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What saving the welcome links did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinksOutcome {
    Saved,
    NotAdmin,
    Invalid { line: usize, problem: LinkProblem },
}

/// The privacy statement invitees accept: where it is, and its version
/// (a new version asks every invitee again).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Privacy {
    pub url: Option<String>,
    pub version: String,
}

/// Why a privacy statement setting cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrivacyProblem {
    /// Not an https address.
    Address,
    /// Not 1 to 20 letters, digits, dots, dashes or underscores.
    Version,
}

/// What saving the privacy statement did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrivacyOutcome {
    Saved,
    NotAdmin,
    Invalid(PrivacyProblem),
}

/// Checks the privacy statement's address (may be left empty) and version.
pub fn check_privacy(url: &str, version: &str) -> Result<Privacy, PrivacyProblem> {
    let url = url.trim();
    let url = if url.is_empty() {
        None
    } else if url.to_ascii_lowercase().starts_with("https://") {
        Some(
            check_field(CompanyField::Website, url, "", Completeness::Draft)
                .map_err(|_| PrivacyProblem::Address)?,
        )
    } else {
        return Err(PrivacyProblem::Address);
    };
    let version = version.trim();
    let version_ok = (1..=20).contains(&version.chars().count())
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !version_ok {
        return Err(PrivacyProblem::Version);
    }
    Ok(Privacy {
        url,
        version: version.to_owned(),
    })
}

/// Each field of a company with its value, in [`CompanyField::ALL`]'s order.
pub type CompanyValues = Vec<(CompanyField, String)>;
/// The fields of a company that have a problem, each with its problem.
pub type CompanyProblems = Vec<(CompanyField, CompanyProblem)>;

/// The company as the invitee submits it: every field checked as complete
/// company data, by the rules the page runs as the invitee types. The
/// values as stored, or one problem per field that has one.
pub fn check_company(
    value_of: impl Fn(CompanyField) -> String,
) -> Result<CompanyValues, CompanyProblems> {
    let country = value_of(CompanyField::Country);
    let mut values = Vec::new();
    let mut problems = Vec::new();
    for field in CompanyField::ALL {
        match check_field(field, &value_of(field), &country, Completeness::Complete) {
            Ok(value) => values.push((field, value)),
            Err(problem) => problems.push((field, problem)),
        }
    }
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_count_from_signing_in_to_the_welcome_page() {
        let all = [
            Stage::SignIn,
            Stage::Consent,
            Stage::Company,
            Stage::Welcome,
        ];
        let numbers: Vec<_> = all.iter().map(|s| s.number()).collect();
        assert_eq!(numbers, [1, 2, 3, 4]);
        assert_eq!(Stage::Welcome.number(), Stage::STEPS);
        assert_eq!(Stage::Consent.path("t"), "/invite/t/consent");
        assert_eq!(Stage::SignIn.path("t"), "/invite/t/start");
        assert_eq!(Stage::Company.path("t"), "/invite/t/company");
    }

    #[test]
    fn a_privacy_statement_is_an_https_address_with_a_version() {
        assert_eq!(
            check_privacy(" https://gfms.example/privacy ", "2026-12"),
            Ok(Privacy {
                url: Some("https://gfms.example/privacy".into()),
                version: "2026-12".into()
            })
        );
        assert_eq!(check_privacy("", "1").map(|p| p.url), Ok(None));
        assert_eq!(
            check_privacy("http://gfms.example/privacy", "1"),
            Err(PrivacyProblem::Address)
        );
        assert_eq!(
            check_privacy("https://gfms.example", " "),
            Err(PrivacyProblem::Version)
        );
        assert_eq!(
            check_privacy("https://gfms.example", "v 2"),
            Err(PrivacyProblem::Version)
        );
    }

    #[test]
    fn welcome_links_are_label_and_https_address_a_line() {
        let links = parse_welcome_links(
            "Service requests | https://support.gfms.example/new\n\n  Docs|https://docs.gfms.example ",
        )
        .unwrap();
        assert_eq!(links.len(), 2);
        assert_eq!(links[1].label, "Docs");
        assert_eq!(links[1].url, "https://docs.gfms.example");
        assert_eq!(welcome_links_text(&links).lines().count(), 2);
        assert_eq!(parse_welcome_links(&welcome_links_text(&links)), Ok(links));
        for (text, problem) in [
            ("Docs https://docs.example", (1, LinkProblem::Shape)),
            (" | https://docs.example", (1, LinkProblem::LabelLength)),
            (
                "ok | https://a.example\nDocs | http://docs.example",
                (2, LinkProblem::Address),
            ),
            ("Docs | javascript:alert(1)", (1, LinkProblem::Address)),
        ] {
            assert_eq!(parse_welcome_links(text), Err(problem), "{text}");
        }
        let eleven = (0..11)
            .map(|i| format!("L{i} | https://l{i}.example"))
            .collect::<Vec<_>>();
        assert_eq!(
            parse_welcome_links(&eleven.join("\n")),
            Err((11, LinkProblem::TooMany))
        );
    }

    #[test]
    fn a_company_is_complete_or_has_a_problem_per_field() {
        let complete = |f: CompanyField| {
            match f {
                CompanyField::LegalName => "Hanbit Trading Co., Ltd.",
                CompanyField::Street => "12 Teheran-ro",
                CompanyField::PostalCode => "06234",
                CompanyField::City => "Seoul",
                CompanyField::Country => "kr",
                _ => "",
            }
            .to_owned()
        };
        let values = check_company(complete).unwrap();
        assert_eq!(values.len(), CompanyField::ALL.len());
        assert!(values.contains(&(CompanyField::Country, "KR".to_owned())));
        let problems = check_company(|f| match f {
            CompanyField::LegalName => "1".to_owned(),
            CompanyField::Website => "http://x.example".to_owned(),
            other => complete(other),
        })
        .unwrap_err();
        let fields: Vec<_> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, [CompanyField::LegalName, CompanyField::Website]);
    }
}
