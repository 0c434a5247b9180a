//! What a provider's error answer at the callback means for the invitee
//! (RFC 6749 §4.1.2.1, and the `AADSTS` codes Microsoft puts in
//! `error_description`).

use app::model::providers::ProviderKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The invitee said no at the provider.
    Cancelled,
    /// The invitee's organization has not approved the seller's application,
    /// and only its administrator may.
    NeedsAdmin,
    /// The provider cannot answer now.
    Unavailable,
    /// Anything else.
    Failed,
}

/// Microsoft's answers that only an administrator can clear: consent not
/// granted for the tenant (65001), admin consent required (90094), and the
/// admin-consent workflow's "approval required" (90095). They arrive as
/// `consent_required`, `access_denied` or `interaction_required`.
const NEEDS_ADMIN: [&str; 3] = ["AADSTS65001", "AADSTS90094", "AADSTS90095"];

/// Reads the provider's `error` and `error_description`.
pub fn refusal_of(kind: ProviderKind, error: &str, description: Option<&str>) -> Refusal {
    let description = description.unwrap_or_default();
    if kind == ProviderKind::Microsoft && NEEDS_ADMIN.iter().any(|c| description.contains(c)) {
        return Refusal::NeedsAdmin;
    }
    match error {
        "access_denied" => Refusal::Cancelled,
        "temporarily_unavailable" | "server_error" => Refusal::Unavailable,
        _ => Refusal::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microsofts_admin_approval_codes_need_the_administrator() {
        let needs = "AADSTS65001: The user or administrator has not consented to use the application with ID 'x'.";
        let microsoft = ProviderKind::Microsoft;
        for error in ["consent_required", "access_denied", "interaction_required"] {
            assert_eq!(
                refusal_of(microsoft, error, Some(needs)),
                Refusal::NeedsAdmin
            );
        }
        assert_eq!(
            refusal_of(
                microsoft,
                "access_denied",
                Some("AADSTS90094: Admin consent is required.")
            ),
            Refusal::NeedsAdmin
        );
        // The user declining (65004) is theirs to change.
        let declined = "AADSTS65004: User declined to consent to access the app.";
        assert_eq!(
            refusal_of(microsoft, "access_denied", Some(declined)),
            Refusal::Cancelled
        );
        // Only Microsoft's preset speaks in AADSTS codes.
        assert_eq!(
            refusal_of(ProviderKind::Oidc, "consent_required", Some(needs)),
            Refusal::Failed
        );
        assert_eq!(
            refusal_of(ProviderKind::Google, "temporarily_unavailable", None),
            Refusal::Unavailable
        );
        assert_eq!(
            refusal_of(microsoft, "server_error", None),
            Refusal::Unavailable
        );
        assert_eq!(
            refusal_of(microsoft, "invalid_scope", None),
            Refusal::Failed
        );
    }
}
