//! A new invitation as every front door asks for one (the API, the
//! dashboard's form, a CSV row), and the check that turns it into a
//! [`Valid`] one. The fields' own rules are shared with the pages
//! (`app::model::invitation`); the ones that need the organization
//! (redirects) or the server (ids) are here.

use app::i18n::company_problem_message;
use app::model::company::{
    check_field, refuses_draft, CompanyField, CompanyProblem, CompanyRole, Completeness,
};
use app::model::email::{normalize_email, EmailProblem};
use app::model::invitation::{self as rules, InvitationField, UserType};
use app::model::locale::Locale;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::operators::email_message;

/// What a front door asks for, in its own words typed: nothing checked yet.
#[derive(Debug, Default)]
pub struct NewInvitation {
    /// `None` when the request had no address at all.
    pub email: Option<String>,
    /// Where the invitee lands after redemption; the dashboard and imports
    /// give the portal's own address.
    pub redirect_url: Option<String>,
    pub display_name: Option<String>,
    pub message: Option<String>,
    /// A language tag, `en` or `ko` (`ko-KR` too).
    pub language: Option<String>,
    /// At most one address to copy.
    pub cc: Vec<String>,
    /// `Guest` or `Member`.
    pub user_type: Option<String>,
    /// A new company's draft, field by field; blanks are left for the
    /// invitee, and so are values the rules refuse (they are kept and
    /// marked for the invitee to correct), unless malformed (too long,
    /// control characters).
    pub company: Option<Vec<(CompanyField, String)>>,
    /// An existing company of the organization to join (instead of `company`).
    pub company_id: Option<String>,
    /// The role the invitee takes in that company: `member` (the default)
    /// or `company_admin`.
    pub company_role: Option<String>,
    pub expires_in_days: Option<i64>,
    /// Queue the invitation email.
    pub send_email: bool,
    /// Invite again the user who already redeemed, binding their next
    /// redemption to a new identity.
    pub reset: Reset,
    /// The bulk import that asks for it, if any (for the audit trail).
    pub import_id: Option<Uuid>,
}

/// Whether a request resets a redemption, and whose.
#[derive(Debug, Default)]
pub struct Reset {
    pub requested: bool,
    pub user_id: Option<String>,
}

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: InvitationField,
    /// What is wrong, for translation (`i18n::problem_message`).
    pub code: &'static str,
    /// The same in English, for the API.
    pub message: String,
}

impl FieldError {
    pub fn new(field: InvitationField, code: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            code,
            message: message.into(),
        }
    }
}

/// A request that passed every check.
pub struct Valid {
    pub(super) email: String,
    pub(super) redirect_url: String,
    pub(super) display_name: Option<String>,
    pub(super) send: bool,
    pub(super) message: Option<String>,
    pub(super) language: Option<Locale>,
    pub(super) cc: Option<String>,
    pub(super) user_type: UserType,
    pub(super) company: Option<Value>,
    pub(super) company_id: Option<Uuid>,
    pub(super) company_role: Option<CompanyRole>,
    pub(super) expires_in_days: i64,
    pub(super) import_id: Option<Uuid>,
    pub(super) reset_user: Option<Uuid>,
}

impl Valid {
    pub fn email(&self) -> &str {
        &self.email
    }

    /// The values of the company draft the customer must correct.
    pub fn draft_problems(&self) -> Vec<(CompanyField, CompanyProblem)> {
        stored_draft_problems(self.company.as_ref())
    }
}

/// The values of a stored company draft (API names to values) that the
/// customer must correct.
pub fn stored_draft_problems(draft: Option<&Value>) -> Vec<(CompanyField, CompanyProblem)> {
    let Some(draft) = draft else {
        return Vec::new();
    };
    app::model::company::draft_problems(&draft_values(draft))
}

/// A stored draft's value of every field (empty when left out).
fn draft_values(draft: &Value) -> Vec<(CompanyField, String)> {
    CompanyField::ALL
        .into_iter()
        .map(|f| {
            (
                f,
                draft[f.api_name()].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The company draft an invitation was given, its filled fields only.
pub fn stored_draft(
    row: &crate::store::entities::invitation::Model,
) -> Vec<(CompanyField, String)> {
    let Some(draft) = row.company_draft.as_ref() else {
        return Vec::new();
    };
    let mut values = draft_values(draft);
    values.retain(|(_, v)| !v.is_empty());
    values
}

/// Checks every field and reports each invalid one, not only the first.
pub fn validate(
    new: NewInvitation,
    allowed_redirects: &[String],
) -> Result<Valid, Vec<FieldError>> {
    use InvitationField as F;
    let mut errors = Vec::new();
    let mut bad = |field, code, message: &str| errors.push(FieldError::new(field, code, message));

    let email = match new.email.as_deref().map(normalize_email) {
        None => {
            bad(F::Email, "required", "is required");
            None
        }
        Some(Err(p)) => {
            bad(F::Email, email_code(p), email_message(p));
            None
        }
        Some(Ok(e)) => Some(e),
    };

    let redirect_url = match redirect(new.redirect_url.as_deref(), allowed_redirects) {
        Ok(url) => Some(url),
        Err((code, message)) => {
            bad(F::RedirectUrl, code, &message);
            None
        }
    };

    let display_name = rules::display_name(new.display_name.as_deref().unwrap_or_default())
        .unwrap_or_else(|code| {
            let max = rules::DISPLAY_NAME_MAX_CHARS;
            let message = format!("must be at most {max} characters without control characters");
            bad(F::DisplayName, code, &message);
            None
        });
    let message =
        rules::message(new.message.as_deref().unwrap_or_default()).unwrap_or_else(|code| {
            let max = rules::MESSAGE_MAX_CHARS;
            bad(
                F::Message,
                code,
                &format!("must be at most {max} characters"),
            );
            None
        });
    let language =
        rules::language(new.language.as_deref().unwrap_or_default()).unwrap_or_else(|code| {
            bad(F::Language, code, "must be en or ko (e.g. en-US, ko-KR)");
            None
        });
    let cc = match new.cc.as_slice() {
        [] => None,
        [one] => match normalize_email(one) {
            Ok(address) => Some(address),
            Err(p) => {
                bad(F::Cc, email_code(p), email_message(p));
                None
            }
        },
        _ => {
            bad(F::Cc, "cc_too_many", "at most one recipient is supported");
            None
        }
    };
    let user_type = UserType::parse(new.user_type.as_deref()).unwrap_or_else(|code| {
        bad(F::UserType, code, "must be Guest or Member");
        UserType::Guest
    });
    let expires_in_days = rules::expiry_days(new.expires_in_days).unwrap_or_else(|code| {
        let (min, max) = (rules::EXPIRY_DAYS.start(), rules::EXPIRY_DAYS.end());
        bad(
            F::Expiry,
            code,
            &format!("must be a whole number from {min} to {max}"),
        );
        rules::DEFAULT_EXPIRY_DAYS
    });

    let company_id = new.company_id.as_deref().and_then(|raw| {
        Uuid::try_parse(raw)
            .inspect_err(|_| {
                bad(
                    F::CompanyId,
                    "company_id_invalid",
                    "must be a company id (a UUID)",
                )
            })
            .ok()
    });
    let company_role = match (new.company_role.as_deref(), &new.company_id) {
        (None, _) => None,
        (Some(_), None) => {
            bad(
                F::CompanyRole,
                "company_role_needs_company",
                "is only used with companyId: whoever creates a company administers it",
            );
            None
        }
        (Some(raw), Some(_)) => CompanyRole::from_code(raw).or_else(|| {
            bad(
                F::CompanyRole,
                "company_role_invalid",
                "must be member or company_admin",
            );
            None
        }),
    };
    let company = new.company.as_deref().map(|draft| {
        // The shared rules, with blanks allowed: the invitee completes them.
        let country = draft
            .iter()
            .find(|(f, _)| *f == CompanyField::Country)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        let mut clean = Map::new();
        for (field, text) in draft {
            match check_field(*field, text, country, Completeness::Draft) {
                Ok(v) if v.is_empty() => {}
                Ok(v) => {
                    clean.insert(field.api_name().to_owned(), v.into());
                }
                Err(p) if refuses_draft(*field, text, p) => bad(
                    F::CompanyField(*field),
                    p.code(),
                    company_problem_message(Locale::En.strings(), p),
                ),
                // Kept as given: the customer corrects it on the company
                // step, where it is marked ([`draft_problems`]).
                Err(_) => {
                    clean.insert(field.api_name().to_owned(), text.trim().into());
                }
            }
        }
        Value::Object(clean)
    });
    if new.company.is_some() && new.company_id.is_some() {
        bad(
            F::Company,
            "company_conflict",
            "give either company (a new company) or companyId (an existing one), not both",
        );
    }

    let reset_user = match (new.reset.requested, new.reset.user_id) {
        (false, None) => None,
        (false, Some(_)) => {
            bad(
                F::ResetUser,
                "reset_needed",
                "is only used with resetRedemption: true",
            );
            None
        }
        (true, None) => {
            bad(
                F::ResetUser,
                "required",
                "is required with resetRedemption: the id of the user to invite again",
            );
            None
        }
        (true, Some(raw)) => Uuid::try_parse(&raw)
            .inspect_err(|_| {
                bad(
                    F::ResetUser,
                    "user_id_invalid",
                    "must be a user id (a UUID)",
                )
            })
            .ok(),
    };

    match (email, redirect_url) {
        (Some(email), Some(redirect_url)) if errors.is_empty() => Ok(Valid {
            email,
            redirect_url,
            display_name,
            send: new.send_email,
            message,
            language,
            cc,
            user_type,
            company,
            company_id,
            company_role,
            expires_in_days,
            import_id: new.import_id,
            reset_user,
        }),
        _ => Err(errors),
    }
}

/// The redirect, if it is an http(s) URL under one of the allowed prefixes.
fn redirect(raw: Option<&str>, allowed: &[String]) -> Result<String, (&'static str, String)> {
    let raw = raw.map(str::trim).unwrap_or_default();
    if raw.is_empty() {
        return Err(("required", "is required".into()));
    }
    match url::Url::parse(raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {
            if allowed.iter().any(|p| under_prefix(u.as_str(), p)) {
                Ok(u.to_string())
            } else {
                Err((
                    "redirect_not_allowed",
                    format!(
                        "must start with one of the organization's allowed addresses: {}",
                        allowed.join(", ")
                    ),
                ))
            }
        }
        _ => Err((
            "redirect_invalid",
            "must be an absolute http or https URL".into(),
        )),
    }
}

fn email_code(problem: EmailProblem) -> &'static str {
    match problem {
        EmailProblem::Empty => "required",
        EmailProblem::TooLong => "email_too_long",
        EmailProblem::Malformed => "email_invalid",
        EmailProblem::MixedScripts => "email_mixed_scripts",
    }
}

/// `url` is `prefix` or lies below it (not merely sharing its first characters).
fn under_prefix(url: &str, prefix: &str) -> bool {
    url.strip_prefix(prefix).is_some_and(|rest| {
        prefix.ends_with('/') || rest.is_empty() || rest.starts_with(['/', '?', '#'])
    })
}
