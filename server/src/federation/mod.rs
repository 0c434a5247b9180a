//! Federated sign-in: the providers an organization configures, the OpenID
//! Connect relying party, and the rule that decides whether a provider's
//! word proves the invited address.

mod dashboard;
pub mod oidc;
pub mod outbound;
pub mod providers;
pub mod refusal;

use app::model::providers::domain_of;

use crate::federation::oidc::VerifiedIdentity;

/// What a provider's email claim says about the invited address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmailCheck {
    /// It is the invited address, and the provider vouches for it.
    Proven,
    /// Someone else signed in: the claim names this address.
    Other(String),
    /// The invited address, but the provider does not vouch for it.
    Unverified,
    /// The provider shared no address.
    Missing,
}

/// Whether `identity`'s email claim proves `invited`: equal after
/// normalization, and either marked verified or from a provider that is
/// authoritative for the address's domain. A provider that lets users type
/// any address ("nOAuth") proves nothing unless the admin says it owns
/// that domain.
pub fn check_email(
    identity: &VerifiedIdentity,
    invited: &str,
    authoritative_domains: Option<&[String]>,
) -> EmailCheck {
    let Some(claimed) = identity.email.as_deref() else {
        return EmailCheck::Missing;
    };
    let Ok(claimed) = app::model::email::normalize_email(claimed) else {
        return EmailCheck::Missing;
    };
    if claimed != invited {
        return EmailCheck::Other(claimed);
    }
    let vouched = identity.email_verified == Some(true)
        || authoritative_domains.is_some_and(|domains| {
            domain_of(&claimed).is_some_and(|d| domains.iter().any(|own| own == d))
        });
    if vouched {
        EmailCheck::Proven
    } else {
        EmailCheck::Unverified
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(email: Option<&str>, verified: Option<bool>) -> VerifiedIdentity {
        VerifiedIdentity {
            issuer: "https://idp.example".into(),
            subject: "s1".into(),
            email: email.map(str::to_owned),
            email_verified: verified,
            name: None,
        }
    }

    #[test]
    fn only_a_vouched_for_invited_address_proves_it() {
        let invited = "jiwoo@contoso.example";
        let own = ["contoso.example".to_owned()];
        let cases = [
            (
                identity(Some("Jiwoo@Contoso.example"), Some(true)),
                None,
                EmailCheck::Proven,
            ),
            (
                identity(Some(invited), None),
                Some(&own[..]),
                EmailCheck::Proven,
            ),
            (
                identity(Some(invited), Some(false)),
                None,
                EmailCheck::Unverified,
            ),
            (identity(Some(invited), None), None, EmailCheck::Unverified),
            (
                identity(Some(invited), None),
                Some(&["other.example".to_owned()][..]),
                EmailCheck::Unverified,
            ),
            (
                identity(Some("mallory@evil.example"), Some(true)),
                Some(&own[..]),
                EmailCheck::Other("mallory@evil.example".into()),
            ),
            (identity(None, Some(true)), None, EmailCheck::Missing),
            (
                identity(Some("not an address"), Some(true)),
                None,
                EmailCheck::Missing,
            ),
        ];
        for (who, domains, expected) in cases {
            assert_eq!(check_email(&who, invited, domains), expected, "{who:?}");
        }
    }
}
