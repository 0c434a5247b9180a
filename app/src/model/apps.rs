//! The seller's apps that sign customers in through Lobby (its OpenID
//! provider), as admins register them in the dashboard or with
//! `lobby app create`. The form's shape is checked here; each address's
//! rules (absolute, https or loopback http, no credentials, no fragment)
//! are checked on the server, which parses URLs.

use serde::{Deserialize, Serialize};

/// The scopes Lobby grants: `openid` (always), `profile` (name and
/// language), `email` (the address and that it is verified). Lobby's own
/// claims (organization, company, role, terms) come with `openid`.
pub const SCOPES: [&str; 3] = ["openid", "profile", "email"];

/// An app as the dashboard lists it; its secret is never kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppRow {
    pub client_id: String,
    pub name: String,
    /// Public (in a browser or on a device, PKCE alone) or confidential.
    pub public: bool,
    pub redirect_uris: Vec<String>,
    pub post_logout_uris: Vec<String>,
    pub launch_url: Option<String>,
    pub company_admins_only: bool,
    /// The scopes it may ask for.
    pub scopes: Vec<String>,
}

/// The apps page: the apps and where apps find Lobby (its issuer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppsView {
    pub apps: Vec<AppRow>,
    pub issuer: String,
}

/// Why an address cannot be an app's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UriProblem {
    NotAbsolute,
    /// http off a loopback address.
    PlainHttp,
    /// Neither https nor http.
    Scheme,
    Credentials,
    Fragment,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppProblem {
    Name,
    NoRedirectUri,
    TooManyUris,
    Uri {
        uri: String,
        problem: UriProblem,
    },
    /// A scope Lobby does not grant.
    Scope(String),
}

/// At most this many redirect (or post-logout) addresses per app.
pub const MOST_URIS: usize = 10;

/// The form as the dashboard posts it: addresses one per line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub redirect_uris: String,
    #[serde(default)]
    pub post_logout_uris: String,
    #[serde(default)]
    pub launch_url: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub public: Option<String>,
    #[serde(default)]
    pub company_admins_only: Option<String>,
    /// Checkboxes: the app may ask for the address, for the name.
    #[serde(default)]
    pub scope_email: Option<String>,
    #[serde(default)]
    pub scope_profile: Option<String>,
}

/// An app to register, its form's shape checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApp {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_uris: Vec<String>,
    pub launch_url: Option<String>,
    pub public: bool,
    pub company_admins_only: bool,
    /// The scopes it may ask for; `openid` is always among them.
    pub scopes: Vec<String>,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `openid` and `scopes`, once each, in Lobby's order (unknown ones last).
pub fn with_openid(scopes: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut all: Vec<String> = vec!["openid".to_owned()];
    for scope in scopes {
        if !all.contains(&scope) {
            all.push(scope);
        }
    }
    let rank = |s: &String| SCOPES.iter().position(|k| k == s).unwrap_or(SCOPES.len());
    all.sort_by_key(rank);
    all
}

impl NewApp {
    /// What is wrong with its name and the number of its addresses.
    pub fn shape_problems(&self) -> Vec<AppProblem> {
        let mut problems = Vec::new();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            problems.push(AppProblem::Name);
        }
        if self.redirect_uris.is_empty() {
            problems.push(AppProblem::NoRedirectUri);
        }
        if self.redirect_uris.len() > MOST_URIS || self.post_logout_uris.len() > MOST_URIS {
            problems.push(AppProblem::TooManyUris);
        }
        for scope in &self.scopes {
            if !SCOPES.contains(&scope.as_str()) {
                problems.push(AppProblem::Scope(scope.clone()));
            }
        }
        problems
    }
}

impl AppForm {
    pub fn check(&self) -> Result<NewApp, Vec<AppProblem>> {
        let app = NewApp {
            name: self.name.trim().to_owned(),
            redirect_uris: lines(&self.redirect_uris),
            post_logout_uris: lines(&self.post_logout_uris),
            launch_url: Some(self.launch_url.trim().to_owned()).filter(|u| !u.is_empty()),
            public: self.public.is_some(),
            company_admins_only: self.company_admins_only.is_some(),
            scopes: with_openid(
                [
                    ("email", &self.scope_email),
                    ("profile", &self.scope_profile),
                ]
                .into_iter()
                .filter(|(_, ticked)| ticked.is_some())
                .map(|(scope, _)| scope.to_owned()),
            ),
        };
        let problems = app.shape_problems();
        if problems.is_empty() {
            Ok(app)
        } else {
            Err(problems)
        }
    }
}

/// A registered app: its client id, and a confidential app's secret, which
/// is shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registered {
    pub client_id: String,
    pub secret: Option<String>,
}

/// What the admin's last action on the apps page did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppOutcome {
    Created(Registered),
    Removed,
    NotAdmin,
    Invalid(Vec<AppProblem>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_takes_one_address_per_line_and_needs_a_name_and_a_redirect() {
        let form = AppForm {
            name: "  Shop ".into(),
            redirect_uris: "https://shop.example/cb\n\n  http://127.0.0.1:8080/cb  \n".into(),
            launch_url: " ".into(),
            public: Some("on".into()),
            ..AppForm::default()
        };
        let app = form.check().unwrap();
        assert_eq!(app.name, "Shop");
        assert_eq!(
            app.redirect_uris,
            ["https://shop.example/cb", "http://127.0.0.1:8080/cb"]
        );
        assert_eq!(app.launch_url, None);
        assert!(app.public && !app.company_admins_only);
        assert_eq!(app.scopes, ["openid"], "nothing ticked: openid alone");
        let both = AppForm {
            scope_email: Some("on".into()),
            scope_profile: Some("on".into()),
            ..form.clone()
        };
        assert_eq!(both.check().unwrap().scopes, ["openid", "profile", "email"]);
        assert_eq!(
            AppForm::default().check(),
            Err(vec![AppProblem::Name, AppProblem::NoRedirectUri])
        );
        let many = AppForm {
            name: "Shop".into(),
            redirect_uris: "https://a.example/\n".repeat(11),
            ..AppForm::default()
        };
        assert_eq!(many.check(), Err(vec![AppProblem::TooManyUris]));
    }
}
