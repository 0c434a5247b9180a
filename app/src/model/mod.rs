//! Typed models and validation rules shared by the browser and the server.
pub mod apps;
pub mod bulk;
pub mod company;
pub mod countries;
pub mod discovery;
pub mod domains;
pub mod email;
pub mod invitation;
pub mod journey;
pub mod landing;
pub mod locale;
pub mod operator;
pub mod overview;
pub mod password;
pub mod progress;
pub mod providers;
pub mod sign_in;
pub mod terms;
pub mod webhooks;

/// The names these enums are stored, sent and linked under are in databases,
/// API answers, result files and URLs: a renamed variant must not change them.
#[cfg(test)]
mod stored_names {
    use super::bulk::{ImportStatus, Verdict};
    use super::company::{CompanyField, CompanyProblem, CompanyRole};
    use super::discovery::Method;
    use super::invitation::InvitationStatus;
    use super::landing::NewLinkOutcome;
    use super::locale::Locale;
    use super::operator::Role;
    use super::providers::ProviderKind;
    use super::webhooks::Event;
    use strum::VariantArray;

    /// Each variant's name, after checking that the name reads back as it.
    fn names<T: Copy + PartialEq + std::fmt::Debug>(
        all: &[T],
        name: fn(T) -> &'static str,
        parse: fn(&str) -> Option<T>,
    ) -> Vec<&'static str> {
        all.iter()
            .map(|&v| {
                assert_eq!(parse(name(v)), Some(v), "{v:?} reads back");
                name(v)
            })
            .collect()
    }

    #[test]
    fn every_stored_name_stays_as_released() {
        let status = InvitationStatus::ALL;
        assert_eq!(
            names(status, InvitationStatus::code, InvitationStatus::from_code),
            ["PendingAcceptance", "Accepted", "Expired", "Revoked"]
        );
        assert_eq!(
            names(Role::VARIANTS, Role::as_str, Role::parse),
            ["operator", "admin"]
        );
        assert_eq!(
            names(
                CompanyRole::VARIANTS,
                CompanyRole::code,
                CompanyRole::from_code
            ),
            ["company_admin", "member"]
        );
        assert_eq!(
            names(&Method::DEFAULT_ORDER, Method::code, Method::from_code),
            [
                "existing_account",
                "federated_domain",
                "google",
                "microsoft",
                "email_otp",
                "new_account"
            ]
        );
        assert_eq!(
            names(
                ProviderKind::ALL,
                ProviderKind::code,
                ProviderKind::from_code
            ),
            ["oidc", "google", "microsoft"]
        );
        assert_eq!(
            names(
                ImportStatus::VARIANTS,
                ImportStatus::code,
                ImportStatus::from_code
            ),
            ["preview", "queued", "running", "done"]
        );
        assert_eq!(
            names(Verdict::ALL, Verdict::code, Verdict::from_code),
            [
                "valid",
                "invalid",
                "duplicate",
                "already_invited",
                "existing_user"
            ]
        );
        assert_eq!(
            names(
                NewLinkOutcome::VARIANTS,
                NewLinkOutcome::code,
                NewLinkOutcome::from_code
            ),
            ["sent", "recent", "not-offered"]
        );
        assert_eq!(
            names(Locale::ALL, Locale::code, Locale::from_code),
            ["en", "ko"]
        );
        assert_eq!(
            names(Event::VARIANTS, Event::name, Event::from_name),
            [
                "invitation.created",
                "invitation.accepted",
                "invitation.revoked",
                "company.created",
                "consent.given",
                "user.deleted",
                "import.finished"
            ]
        );
        assert_eq!(
            names(
                &CompanyField::ALL,
                CompanyField::api_name,
                CompanyField::from_api_name
            ),
            [
                "legalName",
                "street",
                "postalCode",
                "city",
                "country",
                "taxId",
                "phone",
                "website"
            ]
        );
        assert_eq!(
            names(
                CompanyProblem::VARIANTS,
                CompanyProblem::code,
                CompanyProblem::from_code
            ),
            [
                "required",
                "too_long",
                "control_characters",
                "legal_name_length",
                "legal_name_no_letter",
                "country_unknown",
                "postal_code_invalid",
                "tax_id_format",
                "tax_id_check_digit",
                "phone_format",
                "phone_needs_country",
                "website_not_https",
                "website_invalid"
            ]
        );
    }

    #[test]
    fn unknown_names_are_refused_and_languages_read_by_their_first_subtag() {
        assert_eq!(InvitationStatus::from_code("pending"), None);
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(
            Method::from_code(" email_otp "),
            Some(Method::EmailPasscode)
        );
        assert_eq!(Method::from_code("email_passcode"), None);
        assert_eq!(Locale::from_code("ko-KR"), Some(Locale::Ko));
        assert_eq!(Locale::from_code("EN_us"), Some(Locale::En));
        assert_eq!(Locale::from_code("fr"), None);
    }
}
