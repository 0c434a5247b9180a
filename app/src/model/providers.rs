//! The identity providers an organization federates with (architecture.md §3.2), as
//! admins add them in the dashboard: a generic OpenID provider for a
//! customer's own domains, and Google and Microsoft presets that fill in
//! the issuer. The checks run in the browser and again on the server.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::email::normalize_email;

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
#[strum(serialize_all = "snake_case")]
pub enum ProviderKind {
    /// A customer organization's own provider, chosen by email domain.
    Oidc,
    Google,
    Microsoft,
}

/// Microsoft's multi-tenant issuer: each token's `tid` fills in the tenant.
pub const TENANT_PLACEHOLDER: &str = "{tenantid}";

/// Whether `issuer` is a multi-tenant template, which signs in the users of
/// every tenant.
pub fn any_tenant(issuer: &str) -> bool {
    issuer.contains(TENANT_PLACEHOLDER)
}

impl ProviderKind {
    pub const ALL: &[ProviderKind] = <ProviderKind as strum::VariantArray>::VARIANTS;

    /// The name stored and sent in forms: `oidc`, `google`, `microsoft`.
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<ProviderKind> {
        code.parse().ok()
    }

    /// The issuer the preset fills in.
    pub fn preset_issuer(self) -> &'static str {
        match self {
            ProviderKind::Oidc => "",
            ProviderKind::Google => "https://accounts.google.com",
            ProviderKind::Microsoft => "https://login.microsoftonline.com/{tenantid}/v2.0",
        }
    }

    /// Google signs in Google mail addresses, whatever the form says.
    pub fn fixed_domains(self) -> Option<[&'static str; 2]> {
        (self == ProviderKind::Google).then_some(["gmail.com", "googlemail.com"])
    }
}

/// A provider as the dashboard lists it; its client secret never leaves
/// the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRow {
    pub id: String,
    pub kind: ProviderKind,
    pub display_name: String,
    pub issuer: String,
    pub client_id: String,
    pub domains: Vec<String>,
    pub authoritative: bool,
}

/// What the providers page shows: the providers and the redirect URI to
/// register with each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvidersView {
    pub providers: Vec<ProviderRow>,
    pub redirect_uri: String,
}

/// The "Add a provider" form. Fields left out read as empty.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderForm {
    pub kind: String,
    pub display_name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Domains separated by commas, spaces or lines.
    pub domains: String,
    /// The checkbox, sent only when ticked.
    pub authoritative: Option<String>,
}

impl fmt::Debug for ProviderForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderForm")
            .field("kind", &self.kind)
            .field("display_name", &self.display_name)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("domains", &self.domains)
            .finish()
    }
}

/// What is wrong with a form, one per field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProviderProblem {
    Kind,
    NameMissing,
    /// Not an https URL (http only on this machine), or with a query.
    Issuer,
    /// `{tenantid}` belongs to Microsoft's issuer only.
    TenantPlaceholder,
    /// "Owns these domains" with the multi-tenant issuer: a user of any
    /// tenant can put any address in their token ("nOAuth").
    OwnsWithAnyTenant,
    ClientIdMissing,
    ClientSecretMissing,
    NoDomains,
    Domain(String),
    /// Google and Microsoft can be added once each.
    KindTaken(ProviderKind),
    /// Another provider already signs in this domain.
    DomainTaken(String),
    /// Lobby read the issuer's discovery document and keys when the form
    /// was saved, and could not use them: why, as the server saw it.
    Discovery(String),
}

/// A checked form.
#[derive(Clone, PartialEq, Eq)]
pub struct NewProvider {
    pub kind: ProviderKind,
    pub display_name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub domains: Vec<String>,
    pub authoritative: bool,
}

impl fmt::Debug for NewProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewProvider")
            .field("kind", &self.kind)
            .field("display_name", &self.display_name)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("domains", &self.domains)
            .field("authoritative", &self.authoritative)
            .finish()
    }
}

/// What adding or removing a provider did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProviderOutcome {
    Saved,
    Removed,
    NotAdmin,
    Invalid(Vec<ProviderProblem>),
}

/// An issuer Lobby may talk to: https, or http on the loopback interface
/// (a provider on this machine), without query or fragment.
pub fn issuer_problem(issuer: &str, kind: ProviderKind) -> Option<ProviderProblem> {
    let (https, rest) = match (
        issuer.strip_prefix("https://"),
        issuer.strip_prefix("http://"),
    ) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        (None, None) => return Some(ProviderProblem::Issuer),
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => authority,
    };
    let loopback = matches!(host, "127.0.0.1" | "localhost" | "[::1]");
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
    let clean = !rest.contains(['?', '#', ' ']) && host_ok;
    if !clean || !(https || loopback) {
        return Some(ProviderProblem::Issuer);
    }
    if any_tenant(issuer) && kind != ProviderKind::Microsoft {
        return Some(ProviderProblem::TenantPlaceholder);
    }
    None
}

/// The domains of a list, lower case, each checked as an address's domain.
pub fn parse_domains(text: &str) -> Result<Vec<String>, ProviderProblem> {
    let mut domains: Vec<String> = Vec::new();
    for raw in text.split([',', ' ', '\n', '\r', '\t', ';']) {
        let raw = raw.trim().trim_start_matches('@');
        if raw.is_empty() {
            continue;
        }
        let domain = normalize_email(&format!("x@{raw}"))
            .map(|e| e[2..].to_owned())
            .map_err(|_| ProviderProblem::Domain(raw.to_owned()))?;
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    Ok(domains)
}

impl ProviderForm {
    /// Whether the authoritative checkbox is ticked.
    pub fn authoritative(&self) -> bool {
        self.authoritative.is_some()
    }

    /// The form as a provider, or every problem it has.
    pub fn check(&self) -> Result<NewProvider, Vec<ProviderProblem>> {
        let mut problems = Vec::new();
        let kind = ProviderKind::from_code(self.kind.trim());
        if kind.is_none() {
            problems.push(ProviderProblem::Kind);
        }
        let kind = kind.unwrap_or(ProviderKind::Oidc);
        let display_name = self.display_name.trim();
        if display_name.is_empty() {
            problems.push(ProviderProblem::NameMissing);
        }
        // A preset's issuer when none is given.
        let issuer = match self.issuer.trim().trim_end_matches('/') {
            "" => kind.preset_issuer(),
            typed => typed,
        };
        problems.extend(issuer_problem(issuer, kind));
        if self.authoritative() && any_tenant(issuer) {
            problems.push(ProviderProblem::OwnsWithAnyTenant);
        }
        if self.client_id.trim().is_empty() {
            problems.push(ProviderProblem::ClientIdMissing);
        }
        if self.client_secret.is_empty() {
            problems.push(ProviderProblem::ClientSecretMissing);
        }
        let domains = match kind.fixed_domains() {
            Some(fixed) => fixed.map(str::to_owned).to_vec(),
            None => match parse_domains(&self.domains) {
                Ok(d) if d.is_empty() => {
                    problems.push(ProviderProblem::NoDomains);
                    d
                }
                Ok(d) => d,
                Err(problem) => {
                    problems.push(problem);
                    Vec::new()
                }
            },
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(NewProvider {
            kind,
            display_name: display_name.to_owned(),
            issuer: issuer.to_owned(),
            client_id: self.client_id.trim().to_owned(),
            client_secret: self.client_secret.clone(),
            domains,
            authoritative: self.authoritative(),
        })
    }
}

/// The domain of an address, lower case.
pub fn domain_of(email: &str) -> Option<&str> {
    email.rsplit_once('@').map(|(_, d)| d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, issuer: &str, domains: &str) -> ProviderForm {
        ProviderForm {
            kind: kind.into(),
            display_name: "Contoso".into(),
            issuer: issuer.into(),
            client_id: "lobby".into(),
            client_secret: "s3cret".into(),
            domains: domains.into(),
            authoritative: None,
        }
    }

    #[test]
    fn a_generic_provider_needs_https_and_its_domains() {
        let ok = form(
            "oidc",
            "https://idp.contoso.example/",
            "Contoso.example, @sub.contoso.example\nContoso.example",
        )
        .check()
        .unwrap();
        assert_eq!(ok.issuer, "https://idp.contoso.example");
        assert_eq!(ok.domains, ["contoso.example", "sub.contoso.example"]);
        assert!(form("oidc", "http://127.0.0.1:4000", "c.example")
            .check()
            .is_ok());
        for (issuer, problem) in [
            ("http://idp.contoso.example", ProviderProblem::Issuer),
            ("idp.contoso.example", ProviderProblem::Issuer),
            ("https://idp.contoso.example/?x=1", ProviderProblem::Issuer),
            ("https://user@idp.contoso.example", ProviderProblem::Issuer),
            ("https://", ProviderProblem::Issuer),
            (
                "https://login.microsoftonline.com/{tenantid}/v2.0",
                ProviderProblem::TenantPlaceholder,
            ),
        ] {
            assert_eq!(
                form("oidc", issuer, "c.example").check().err(),
                Some(vec![problem]),
                "{issuer}"
            );
        }
        assert_eq!(
            form("oidc", "https://i.example", " ").check().err(),
            Some(vec![ProviderProblem::NoDomains])
        );
        assert_eq!(
            form("oidc", "https://i.example", "c.example, not a domain")
                .check()
                .err(),
            Some(vec![ProviderProblem::Domain("not".into())])
        );
        let empty = ProviderForm::default().check().unwrap_err();
        assert!(empty.contains(&ProviderProblem::Kind));
        assert!(empty.contains(&ProviderProblem::NameMissing));
        assert!(empty.contains(&ProviderProblem::ClientSecretMissing));
    }

    #[test]
    fn presets_fill_in_what_they_fix() {
        let google = form("google", "", "").check().unwrap();
        assert_eq!(google.domains, ["gmail.com", "googlemail.com"]);
        assert_eq!(google.issuer, "https://accounts.google.com");
        let microsoft = form("microsoft", "", "outlook.com").check().unwrap();
        assert_eq!(
            microsoft.issuer,
            "https://login.microsoftonline.com/{tenantid}/v2.0"
        );
    }

    #[test]
    fn the_secret_never_prints() {
        let f = form("oidc", "https://i.example", "c.example");
        assert!(!format!("{f:?}").contains("s3cret"));
        assert!(!format!("{:?}", f.check().unwrap()).contains("s3cret"));
    }

    #[test]
    fn the_multi_tenant_issuer_cannot_own_domains() {
        let any_tenant = "https://login.microsoftonline.com/{tenantid}/v2.0";
        let one_tenant =
            "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0";
        let owning = |issuer: &str| ProviderForm {
            authoritative: Some("on".into()),
            ..form("microsoft", issuer, "fabrikam.example")
        };
        assert_eq!(
            owning(any_tenant).check().err(),
            Some(vec![ProviderProblem::OwnsWithAnyTenant])
        );
        assert_eq!(
            owning("").check().err(),
            Some(vec![ProviderProblem::OwnsWithAnyTenant]),
            "the preset issuer is the multi-tenant one"
        );
        assert!(owning(one_tenant).check().unwrap().authoritative);
        assert!(
            !form("microsoft", any_tenant, "fabrikam.example")
                .check()
                .unwrap()
                .authoritative
        );
    }
}
