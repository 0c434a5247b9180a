//! An organization's two lists of domains, both edited on the settings
//! page: its own domains, which lead customers from "Sign in to an
//! organization" to its sign-in page, and the trusted domains, whose
//! invitees are redeemed without the terms step.

use serde::{Deserialize, Serialize};

use crate::model::providers::{domain_of, parse_domains, ProviderProblem};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DomainKind {
    /// The organization's own; each belongs to one organization only.
    Own,
    /// Its invitees skip the terms step.
    Trusted,
}

/// What saving a list did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DomainsOutcome {
    Saved,
    NotAdmin,
    /// This entry is not a domain.
    Invalid(String),
    /// This domain is another organization's own.
    Taken(String),
}

/// The domains of a list (commas, spaces or lines between them), lower
/// case and each once; the first entry that is no domain otherwise.
pub fn parse_domain_list(text: &str) -> Result<Vec<String>, String> {
    parse_domains(text).map_err(|problem| match problem {
        ProviderProblem::Domain(entry) => entry,
        other => format!("{other:?}"),
    })
}

/// Whether an address is at one of `domains` (not at a subdomain of one).
pub fn is_at(domains: &[String], email: &str) -> bool {
    let domain = domain_of(email).map(str::to_lowercase);
    domain.is_some_and(|d| domains.contains(&d))
}

/// The domain a visitor typed to find their organization: lower case,
/// without an address's local part or a leading `@`.
pub fn typed_domain(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text.rsplit_once('@').map_or(text, |(_, d)| d);
    parse_domain_list(text)
        .ok()
        .filter(|d| d.len() == 1)
        .and_then(|mut d| d.pop())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_hold_whole_domains_and_addresses_match_them_exactly() {
        let trusted =
            parse_domain_list("Partner.example, @supplier.example\npartner.example").unwrap();
        assert_eq!(trusted, ["partner.example", "supplier.example"]);
        assert!(is_at(&trusted, "kim@partner.example"));
        assert!(is_at(&trusted, "kim@Supplier.Example"));
        assert!(!is_at(&trusted, "kim@eu.partner.example"));
        assert!(!is_at(&trusted, "kim@partner.example.evil.example"));
        assert!(!is_at(&trusted, "partner.example"));
        assert_eq!(
            parse_domain_list("partner.example, not a domain!"),
            Err("not".into())
        );
        assert_eq!(parse_domain_list("x@@y"), Err("x@@y".into()));
        assert_eq!(parse_domain_list(" \n"), Ok(vec![]));
    }

    #[test]
    fn a_typed_domain_may_be_an_address() {
        assert_eq!(typed_domain(" GFMS.example "), Some("gfms.example".into()));
        assert_eq!(
            typed_domain("ada@gfms.example"),
            Some("gfms.example".into())
        );
        assert_eq!(typed_domain("gfms"), None);
        assert_eq!(typed_domain("a.example b.example"), None);
        assert_eq!(typed_domain(""), None);
    }
}
