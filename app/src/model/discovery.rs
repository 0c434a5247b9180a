//! Which way in an invitee takes (architecture.md §3.2): the organization's order of
//! methods is walked for the invited address, and the first that applies is
//! the one step the invitee sees. Shared so that the dashboard's settings
//! page and the server read and check an order the same way.

use serde::{Deserialize, Serialize};

/// One way to prove who you are, as an organization orders them.
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
pub enum Method {
    /// An account Lobby already has for the address, with whatever it uses.
    ExistingAccount,
    /// The organization's own identity provider, chosen by email domain.
    // This and the passcode keep the names stored since the schema's first release.
    #[strum(to_string = "federated_domain")]
    OrganizationIdp,
    /// Google, for gmail.com and googlemail.com.
    Google,
    /// Microsoft, for the domains configured for it.
    Microsoft,
    /// A six-digit code sent to the address.
    #[strum(to_string = "email_otp")]
    EmailPasscode,
    /// A new Lobby account: password, then a code to the address.
    NewAccount,
}

impl Method {
    /// Entra's order: the account first, the new account last.
    pub const DEFAULT_ORDER: [Method; 6] = [
        Method::ExistingAccount,
        Method::OrganizationIdp,
        Method::Google,
        Method::Microsoft,
        Method::EmailPasscode,
        Method::NewAccount,
    ];

    /// The name stored in an organization's order.
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<Method> {
        code.trim().parse().ok()
    }
}

/// Why a stored or submitted order cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderProblem {
    Unknown(String),
    Repeated(Method),
    /// Every method must have its place, so none is dropped by mistake.
    Missing(Method),
}

/// Reads an order written as codes separated by commas.
pub fn parse_order(text: &str) -> Result<Vec<Method>, OrderProblem> {
    let mut order = Vec::with_capacity(Method::DEFAULT_ORDER.len());
    for code in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let method = Method::from_code(code).ok_or_else(|| OrderProblem::Unknown(code.into()))?;
        if order.contains(&method) {
            return Err(OrderProblem::Repeated(method));
        }
        order.push(method);
    }
    match Method::DEFAULT_ORDER
        .into_iter()
        .find(|m| !order.contains(m))
    {
        Some(missing) => Err(OrderProblem::Missing(missing)),
        None => Ok(order),
    }
}

pub fn order_text(order: &[Method]) -> String {
    order.iter().map(|m| m.code()).collect::<Vec<_>>().join(",")
}

/// How an organization's invitees sign in, as the dashboard shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInSettings {
    pub order: Vec<Method>,
    pub passcode_enabled: bool,
}

/// The settings form: the method at each place, and the passcode checkbox
/// (sent only when ticked). A place left out reads as empty, so the answer
/// names the method that has no place.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignInSettingsForm {
    pub first: String,
    pub second: String,
    pub third: String,
    pub fourth: String,
    pub fifth: String,
    pub sixth: String,
    pub passcode: Option<String>,
}

impl SignInSettingsForm {
    /// The form's field names of the places, first to last.
    pub const PLACES: [&'static str; 6] = ["first", "second", "third", "fourth", "fifth", "sixth"];

    pub fn order(&self) -> Result<Vec<Method>, OrderProblem> {
        parse_order(
            &[
                &self.first,
                &self.second,
                &self.third,
                &self.fourth,
                &self.fifth,
                &self.sixth,
            ]
            .map(String::as_str)
            .join(","),
        )
    }

    pub fn passcode_enabled(&self) -> bool {
        self.passcode.is_some()
    }
}

/// What saving the settings did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SettingsOutcome {
    Saved,
    NotAdmin,
    Invalid(OrderProblem),
}

/// How an existing account signs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountSignIn {
    Password,
    Passcode,
    /// Through the identity provider it is linked to.
    Provider,
}

/// What the server knows about the invited address.
#[derive(Clone, Copy, Debug, Default)]
pub struct Facts {
    pub account: Option<AccountSignIn>,
    /// A federated organization provider lists the address's domain.
    pub organization_idp: bool,
    /// Google federation is configured.
    pub google: bool,
    /// Microsoft federation is configured for the address's domain.
    pub microsoft: bool,
    /// The organization allows email one-time passcodes.
    pub passcode_enabled: bool,
}

/// The one step the invitee is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    SignIn(AccountSignIn),
    OrganizationIdp,
    Google,
    Microsoft,
    EmailPasscode,
    NewAccount,
}

fn is_google_mail(email: &str) -> bool {
    email.rsplit_once('@').is_some_and(|(_, domain)| {
        domain.eq_ignore_ascii_case("gmail.com") || domain.eq_ignore_ascii_case("googlemail.com")
    })
}

/// The first method of `order` that applies to `email`; a new account when
/// none does (it always can).
pub fn discover(order: &[Method], email: &str, facts: &Facts) -> Step {
    order
        .iter()
        .find_map(|method| match method {
            Method::ExistingAccount => facts.account.map(Step::SignIn),
            Method::OrganizationIdp => facts.organization_idp.then_some(Step::OrganizationIdp),
            Method::Google => (facts.google && is_google_mail(email)).then_some(Step::Google),
            Method::Microsoft => facts.microsoft.then_some(Step::Microsoft),
            Method::EmailPasscode => facts.passcode_enabled.then_some(Step::EmailPasscode),
            Method::NewAccount => Some(Step::NewAccount),
        })
        .unwrap_or(Step::NewAccount)
}

/// Whether `step` signs in through an identity provider.
pub fn is_federated(step: Step) -> bool {
    matches!(
        step,
        Step::OrganizationIdp
            | Step::Google
            | Step::Microsoft
            | Step::SignIn(AccountSignIn::Provider)
    )
}

/// The other ways in an invitee whose step is an identity provider may take
/// instead, in the organization's order: an emailed passcode when the
/// organization allows it, a new account when the address has none. So a
/// customer whose provider refuses (their IT department has not approved the
/// seller, say) is never stuck. None for a step that is not a provider's.
pub fn alternatives(order: &[Method], email: &str, facts: &Facts) -> Vec<Method> {
    if !is_federated(discover(order, email, facts)) {
        return Vec::new();
    }
    order
        .iter()
        .copied()
        .filter(|method| match method {
            Method::EmailPasscode => facts.passcode_enabled,
            Method::NewAccount => facts.account.is_none(),
            _ => false,
        })
        .collect()
}

/// The step for `email` when the invitee chose `chosen` instead of the
/// first that applies: the choice when it is one of the [`alternatives`],
/// else what [`discover`] finds.
pub fn discover_chosen(
    order: &[Method],
    email: &str,
    facts: &Facts,
    chosen: Option<Method>,
) -> Step {
    match chosen {
        Some(method) if alternatives(order, email, facts).contains(&method) => match method {
            Method::EmailPasscode => Step::EmailPasscode,
            _ => Step::NewAccount,
        },
        _ => discover(order, email, facts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER: [Method; 6] = Method::DEFAULT_ORDER;

    #[test]
    fn the_default_order_takes_the_first_that_applies() {
        let all = Facts {
            account: Some(AccountSignIn::Password),
            organization_idp: true,
            google: true,
            microsoft: true,
            passcode_enabled: true,
        };
        let email = "jiwoo@gmail.com";
        assert_eq!(
            discover(&ORDER, email, &all),
            Step::SignIn(AccountSignIn::Password)
        );
        let no_account = Facts {
            account: None,
            ..all
        };
        assert_eq!(discover(&ORDER, email, &no_account), Step::OrganizationIdp);
        let no_idp = Facts {
            organization_idp: false,
            ..no_account
        };
        assert_eq!(discover(&ORDER, email, &no_idp), Step::Google);
        assert_eq!(
            discover(&ORDER, "jiwoo@customer.example", &no_idp),
            Step::Microsoft,
            "Google only for its own domains"
        );
        assert_eq!(discover(&ORDER, "J@GoogleMail.com", &no_idp), Step::Google);
        let no_microsoft = Facts {
            microsoft: false,
            ..no_idp
        };
        assert_eq!(
            discover(&ORDER, "jiwoo@customer.example", &no_microsoft),
            Step::EmailPasscode
        );
        let nothing = Facts::default();
        assert_eq!(
            discover(&ORDER, "jiwoo@customer.example", &nothing),
            Step::NewAccount
        );
    }

    #[test]
    fn an_organization_reorders_the_methods() {
        let order = parse_order(
            "email_otp, existing_account,federated_domain,google,microsoft,new_account",
        )
        .unwrap();
        let facts = Facts {
            account: Some(AccountSignIn::Provider),
            passcode_enabled: true,
            ..Facts::default()
        };
        assert_eq!(
            discover(&order, "a@customer.example", &facts),
            Step::EmailPasscode
        );
        assert_eq!(
            order_text(&order),
            "email_otp,existing_account,federated_domain,google,microsoft,new_account"
        );
        assert_eq!(parse_order(&order_text(&ORDER)).unwrap(), ORDER);
    }

    #[test]
    fn the_settings_form_reads_as_an_order() {
        let mut form = SignInSettingsForm {
            first: "email_otp".into(),
            second: "existing_account".into(),
            third: "federated_domain".into(),
            fourth: "google".into(),
            fifth: "microsoft".into(),
            sixth: "new_account".into(),
            passcode: None,
        };
        assert_eq!(form.order().unwrap()[0], Method::EmailPasscode);
        assert!(!form.passcode_enabled());
        form.sixth = "google".into();
        assert_eq!(form.order(), Err(OrderProblem::Repeated(Method::Google)));
    }

    #[test]
    fn an_order_names_every_method_once() {
        assert_eq!(
            parse_order("google,sms"),
            Err(OrderProblem::Unknown("sms".into()))
        );
        assert_eq!(
            parse_order("google,google"),
            Err(OrderProblem::Repeated(Method::Google))
        );
        assert_eq!(
            parse_order("existing_account,federated_domain,google,microsoft,email_otp"),
            Err(OrderProblem::Missing(Method::NewAccount))
        );
        assert_eq!(
            parse_order(""),
            Err(OrderProblem::Missing(Method::ExistingAccount))
        );
    }

    #[test]
    fn a_provider_step_offers_the_passcode_and_a_new_account_instead() {
        let facts = Facts {
            microsoft: true,
            passcode_enabled: true,
            ..Facts::default()
        };
        let email = "jiwoo@customer.example";
        assert_eq!(discover(&ORDER, email, &facts), Step::Microsoft);
        assert_eq!(
            alternatives(&ORDER, email, &facts),
            [Method::EmailPasscode, Method::NewAccount]
        );
        let chosen = |m| discover_chosen(&ORDER, email, &facts, Some(m));
        assert_eq!(chosen(Method::EmailPasscode), Step::EmailPasscode);
        assert_eq!(chosen(Method::NewAccount), Step::NewAccount);
        assert_eq!(
            chosen(Method::Google),
            Step::Microsoft,
            "not an alternative"
        );
        // Only what the organization allows and the address can take.
        let linked = Facts {
            account: Some(AccountSignIn::Provider),
            passcode_enabled: false,
            ..facts
        };
        assert!(alternatives(&ORDER, email, &linked).is_empty());
        assert_eq!(
            discover_chosen(&ORDER, email, &linked, Some(Method::NewAccount)),
            Step::SignIn(AccountSignIn::Provider),
            "an account is never replaced by a new one"
        );
        // A step that is not a provider's has nothing to fall back from.
        let passcode_first =
            parse_order("email_otp,existing_account,federated_domain,google,microsoft,new_account")
                .unwrap();
        assert!(alternatives(&passcode_first, email, &facts).is_empty());
    }
}
