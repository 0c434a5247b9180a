//! Invitations: the rules of a new invitation's own fields (run in the
//! dashboard's form and on the server for every front door), and
//! invitations as the dashboard shows them.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::model::overview::Scope;
use crate::model::progress::{CompanyRef, ProgressFacts, ProgressStep, SignInMethod, StepReached};

use super::company::CompanyField;
use super::locale::Locale;

/// A field of a new invitation. The API names it by [`Self::api_name`]; the
/// dashboard's form and CSV files by [`Self::form_name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationField {
    Email,
    /// Where the invitee lands after redemption (the API's only).
    RedirectUrl,
    DisplayName,
    Message,
    Language,
    Cc,
    UserType,
    Expiry,
    /// The company draft as a whole.
    Company,
    /// One field of the company draft.
    CompanyField(CompanyField),
    /// An existing company of the organization to join.
    CompanyId,
    /// The role the invitee takes in that company.
    CompanyRole,
    /// The user whose redemption a new invitation resets.
    ResetUser,
}

impl InvitationField {
    /// The field's path in the API's request body.
    pub fn api_name(self) -> Cow<'static, str> {
        use InvitationField::*;
        Cow::Borrowed(match self {
            Email => "invitedUserEmailAddress",
            RedirectUrl => "inviteRedirectUrl",
            DisplayName => "invitedUserDisplayName",
            Message => "invitedUserMessageInfo.customizedMessageBody",
            Language => "invitedUserMessageInfo.messageLanguage",
            Cc => "invitedUserMessageInfo.ccRecipients",
            UserType => "invitedUserType",
            Expiry => "expiresInDays",
            Company => "company",
            CompanyField(f) => return Cow::Owned(format!("company.{}", f.api_name())),
            CompanyId => "companyId",
            CompanyRole => "companyRole",
            ResetUser => "invitedUser.id",
        })
    }

    /// The field's name in the dashboard's form and in CSV files; fields
    /// that only the API has keep the API's name.
    pub fn form_name(self) -> Cow<'static, str> {
        use InvitationField::*;
        match self {
            Email => "email".into(),
            DisplayName => "display_name".into(),
            Message => "message".into(),
            Language => "language".into(),
            CompanyField(f) => f.form_name().into(),
            other => other.api_name(),
        }
    }
}

pub const DISPLAY_NAME_MAX_CHARS: usize = 256;
pub const MESSAGE_MAX_CHARS: usize = 2000;
/// How long a link stays valid, in days: the range and the default.
pub const EXPIRY_DAYS: std::ops::RangeInclusive<i64> = 1..=90;
pub const DEFAULT_EXPIRY_DAYS: i64 = 30;

/// The display name as stored: trimmed, `None` when blank; at most
/// [`DISPLAY_NAME_MAX_CHARS`] characters without control characters.
pub fn display_name(raw: &str) -> Result<Option<String>, &'static str> {
    let name = raw.trim();
    if name.chars().count() > DISPLAY_NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err("name_invalid");
    }
    Ok((!name.is_empty()).then(|| name.to_owned()))
}

/// The personal message as stored: trimmed, `None` when blank; at most
/// [`MESSAGE_MAX_CHARS`] characters (it is shown as text, never as markup).
pub fn message(raw: &str) -> Result<Option<String>, &'static str> {
    let message = raw.trim();
    if message.chars().count() > MESSAGE_MAX_CHARS {
        return Err("message_too_long");
    }
    Ok((!message.is_empty()).then(|| message.to_owned()))
}

/// The email's language: `None` when blank (the organization's default),
/// else `en` or `ko`, region tags such as `ko-KR` accepted.
pub fn language(raw: &str) -> Result<Option<Locale>, &'static str> {
    match raw.trim() {
        "" => Ok(None),
        code => Locale::from_code(code).map(Some).ok_or("language_invalid"),
    }
}

/// Days until the link expires: [`DEFAULT_EXPIRY_DAYS`] unless given, within [`EXPIRY_DAYS`].
pub fn expiry_days(days: Option<i64>) -> Result<i64, &'static str> {
    let days = days.unwrap_or(DEFAULT_EXPIRY_DAYS);
    if EXPIRY_DAYS.contains(&days) {
        Ok(days)
    } else {
        Err("expiry_invalid")
    }
}

/// Graph's kinds of invited user; Lobby stores the kind and treats both alike.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
pub enum UserType {
    #[default]
    Guest,
    Member,
}

impl UserType {
    pub fn code(self) -> &'static str {
        self.into()
    }

    /// `Guest` unless given; `Guest` or `Member`.
    pub fn parse(raw: Option<&str>) -> Result<UserType, &'static str> {
        raw.map_or(Ok(UserType::Guest), |r| {
            r.parse().map_err(|_| "user_type_invalid")
        })
    }
}

/// Where an invitation stands, named as Microsoft Graph names it. Only
/// `PendingAcceptance`, `Accepted` and `Revoked` are stored: a pending
/// invitation past its expiry shows as `Expired`.
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
pub enum InvitationStatus {
    PendingAcceptance,
    Accepted,
    Expired,
    Revoked,
}

impl InvitationStatus {
    /// Every status, in the order an operator can filter by them.
    pub const ALL: &[InvitationStatus] = <InvitationStatus as strum::VariantArray>::VARIANTS;

    /// The name stored and sent: `PendingAcceptance`, `Accepted`, …
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<InvitationStatus> {
        code.parse().ok()
    }
}

/// What the dashboard's list of invitations shows, and so what its CSV
/// export and its reminders act on. Read from the list's query string; a
/// value that is not one of the list's is ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListFilter {
    pub status: Option<InvitationStatus>,
    /// Stopped at this step.
    pub progress: Option<ProgressStep>,
    /// Only those whose latest email was refused for good (`mail=failed`).
    pub failed_mail: bool,
    /// Part of the email, the name or the company's name.
    pub search: Option<String>,
    pub scope: Scope,
    /// The column the list is ordered by (`sort=name`, `sort=-name`
    /// descending); newest first without one.
    pub sort: Option<Sort>,
}

/// A column the list can be ordered by.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SortColumn {
    Email,
    Name,
    Status,
    Progress,
    Company,
    SignIn,
    Activity,
    Inviter,
    Created,
    Expires,
}

impl SortColumn {
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// An order of the list: a column, up or down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub column: SortColumn,
    pub descending: bool,
}

impl Sort {
    /// Reads `name` or `-name`; anything else is no order (the default).
    pub fn parse(text: &str) -> Option<Sort> {
        let (descending, name) = match text.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, text),
        };
        let column = name.parse().ok()?;
        Some(Sort { column, descending })
    }

    pub fn code(self) -> String {
        let sign = if self.descending { "-" } else { "" };
        format!("{sign}{}", self.column.code())
    }
}

impl ListFilter {
    /// Reads a query string's (decoded) pairs.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)> + Clone) -> Self {
        let mut filter = ListFilter {
            scope: Scope::from_pairs(pairs.clone()),
            ..ListFilter::default()
        };
        for (key, value) in pairs {
            let value = value.trim();
            match key {
                "status" => filter.status = InvitationStatus::from_code(value),
                "progress" => filter.progress = ProgressStep::from_code(value),
                "mail" => filter.failed_mail = value == "failed",
                "q" => filter.search = (!value.is_empty()).then(|| value.to_owned()),
                "sort" => filter.sort = Sort::parse(value),
                _ => {}
            }
        }
        filter
    }

    /// Reads a query string as it comes (percent-encoded, without `?`).
    #[cfg(feature = "ssr")]
    pub fn from_query(query: &str) -> Self {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        Self::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// Its query pairs, in a fixed order.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        let mut pairs = Vec::new();
        if let Some(s) = self.status {
            pairs.push(("status", s.code()));
        }
        if let Some(p) = self.progress {
            pairs.push(("progress", p.code()));
        }
        if self.failed_mail {
            pairs.push(("mail", "failed"));
        }
        if let Some(q) = self.search.as_deref() {
            pairs.push(("q", q));
        }
        pairs.extend(self.scope.pairs());
        pairs
    }

    /// Its query string, without the `?`; empty for the whole list.
    pub fn query(&self) -> String {
        let mut parts: Vec<String> = self
            .pairs()
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::query::encode(v)))
            .collect();
        if let Some(sort) = self.sort {
            parts.push(format!("sort={}", sort.code()));
        }
        parts.join("&")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: String,
    pub email: String,
    pub display_name: Option<String>,
    pub status: InvitationStatus,
    pub inviter: Option<String>,
    /// `YYYY-MM-DD HH:MM` in UTC.
    pub created_at: String,
    pub expires_at: String,
    /// Where the invitation's latest email stands; `None` when none was sent.
    pub mail: Option<MailState>,
    /// The furthest step the customer reached, and since when (UTC).
    pub progress: ProgressStep,
    pub progress_at: String,
    /// The company the customer made or joined; before that, the name
    /// in the operator's draft.
    pub company: Option<CompanyRef>,
    pub company_draft: Option<String>,
    /// How they signed in, and through what (a provider, a tenant).
    pub sign_in_method: Option<SignInMethod>,
    pub sign_in_source: Option<String>,
    /// The customer's latest step or opening of the link (UTC).
    pub last_activity: String,
}

impl InvitationRow {
    /// The customer reached the company step: the way in is done.
    pub fn finished(&self) -> bool {
        self.progress >= ProgressStep::CompanyCreated
    }
}

/// Where an invitation's latest email stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailState {
    /// Waiting to go out; after a failed try, when the next one comes
    /// (`YYYY-MM-DD HH:MM` UTC) and what the mail server said.
    Queued {
        retry_at: Option<String>,
        last_error: Option<String>,
    },
    /// Accepted by the mail server.
    Delivered { at: String },
    /// Refused for good, with the mail server's answer: Send again, or
    /// check the address.
    Failed { error: String },
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPage {
    pub rows: Vec<InvitationRow>,
    /// The cursor of the next page, if any.
    pub next: Option<String>,
    /// How many of each status the filter selects, whatever its own status.
    pub counts: Vec<(InvitationStatus, u64)>,
}

/// The dashboard's "New invitation" form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInvitationForm {
    pub email: String,
    pub display_name: String,
    /// `en` or `ko`.
    pub language: String,
    pub message: String,
    /// A checkbox: absent when unchecked.
    #[serde(default)]
    pub send_email: bool,
    /// Set to invite an existing user again, resetting their redemption.
    #[serde(default)]
    pub reset_user_id: String,
    /// The company draft, by [`crate::model::company::CompanyField::form_name`].
    #[serde(default)]
    pub legal_name: String,
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub tax_id: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub website: String,
}

impl NewInvitationForm {
    pub fn company_value(&self, field: crate::model::company::CompanyField) -> &str {
        use crate::model::company::CompanyField::*;
        match field {
            LegalName => &self.legal_name,
            Street => &self.street,
            PostalCode => &self.postal_code,
            City => &self.city,
            Country => &self.country,
            TaxId => &self.tax_id,
            Phone => &self.phone,
            Website => &self.website,
        }
    }
}

/// What became of a submitted form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NewInvitationOutcome {
    Created {
        id: String,
        email: String,
        redeem_url: String,
        sent: bool,
        /// Values of the company draft the customer will be asked to
        /// correct (the invitation is created all the same).
        draft_problems: Vec<(super::company::CompanyField, super::company::CompanyProblem)>,
    },
    /// Fields the server refused.
    Invalid {
        fields: Vec<InvitationField>,
    },
    PendingExists {
        invitation_id: String,
    },
    AccountExists {
        user_id: String,
    },
    /// The address, or the account to reset, is an operator's or admin's.
    OperatorAccount,
    /// Only admins reset a redemption.
    ResetNeedsAdmin,
}

/// One invitation with what happened to it, oldest event first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationDetail {
    pub row: InvitationRow,
    pub send_count: i32,
    /// Every step of the way in, reached or not, first to last.
    pub steps: Vec<StepReached>,
    pub facts: ProgressFacts,
    /// What the operator gave: the message, its language, the copy's
    /// address, and the company draft.
    pub message: Option<String>,
    pub language: Option<String>,
    pub cc: Option<String>,
    pub draft: Vec<(crate::model::company::CompanyField, String)>,
    pub timeline: Vec<TimelineEvent>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// `YYYY-MM-DD HH:MM` in UTC.
    pub at: String,
    /// The audit action, e.g. `invitation.created`.
    pub action: String,
    pub actor: Option<String>,
}

/// What "Send a reminder" to a filtered list did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindOutcome {
    /// Sent again, each with a new link.
    pub sent: u64,
    /// Left out: their email went out less than a day ago.
    pub recent: u64,
}

/// What became of a Resend or Revoke from the dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationActionOutcome {
    Resent {
        redeem_url: String,
    },
    Revoked,
    /// Not possible in the invitation's state (accepted, revoked).
    NotPossible,
    NotFound,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_filter_reads_back_from_its_query_and_ignores_what_it_does_not_know() {
        let pairs = [
            ("status", "PendingAcceptance"),
            ("progress", "nowhere"),
            ("mail", "failed"),
            ("q", " Kim & Co "),
            ("from", "2026-11-01"),
            ("sort", "password"),
        ];
        let filter = ListFilter::from_pairs(pairs);
        assert_eq!(filter.status, Some(InvitationStatus::PendingAcceptance));
        assert_eq!(filter.progress, None, "an unknown step is the whole list");
        assert!(filter.failed_mail);
        assert_eq!(
            filter.query(),
            "status=PendingAcceptance&mail=failed&q=Kim%20%26%20Co&from=2026-11-01"
        );
        assert_eq!(ListFilter::default().query(), "");
    }

    #[test]
    fn names_are_trimmed_blank_is_none_and_long_or_control_is_refused() {
        assert_eq!(display_name("  Jun Park "), Ok(Some("Jun Park".into())));
        assert_eq!(display_name(" \t "), Ok(None));
        assert_eq!(display_name(&"가".repeat(256)), Ok(Some("가".repeat(256))));
        assert_eq!(display_name(&"가".repeat(257)), Err("name_invalid"));
        assert_eq!(display_name("Jun\tPark"), Err("name_invalid"));
        assert_eq!(display_name("Jun\u{7}"), Err("name_invalid"));
    }

    #[test]
    fn messages_languages_expiry_and_user_types_follow_the_api() {
        assert_eq!(message(" hi "), Ok(Some("hi".into())));
        assert_eq!(message(""), Ok(None));
        assert_eq!(
            message(&"a".repeat(MESSAGE_MAX_CHARS)).map(|m| m.map(|m| m.len())),
            Ok(Some(2000))
        );
        assert_eq!(
            message(&"a".repeat(MESSAGE_MAX_CHARS + 1)),
            Err("message_too_long")
        );
        assert_eq!(language(" ko-KR "), Ok(Some(Locale::Ko)));
        assert_eq!(language(""), Ok(None));
        assert_eq!(language("fr"), Err("language_invalid"));
        assert_eq!(expiry_days(None), Ok(DEFAULT_EXPIRY_DAYS));
        assert_eq!(expiry_days(Some(90)), Ok(90));
        assert_eq!(expiry_days(Some(0)), Err("expiry_invalid"));
        assert_eq!(expiry_days(Some(91)), Err("expiry_invalid"));
        assert_eq!(UserType::parse(None), Ok(UserType::Guest));
        assert_eq!(UserType::parse(Some("Member")), Ok(UserType::Member));
        assert_eq!(UserType::parse(Some("member")), Err("user_type_invalid"));
    }

    #[test]
    fn each_field_has_its_api_path_and_its_form_column() {
        use InvitationField::*;
        let names = |f: InvitationField| (f.api_name().into_owned(), f.form_name().into_owned());
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(names(Email), pair("invitedUserEmailAddress", "email"));
        assert_eq!(
            names(DisplayName),
            pair("invitedUserDisplayName", "display_name")
        );
        assert_eq!(
            names(Message),
            pair("invitedUserMessageInfo.customizedMessageBody", "message")
        );
        assert_eq!(
            names(Language),
            pair("invitedUserMessageInfo.messageLanguage", "language")
        );
        assert_eq!(
            names(CompanyField(super::CompanyField::TaxId)),
            pair("company.taxId", "tax_id")
        );
        assert_eq!(names(ResetUser), pair("invitedUser.id", "invitedUser.id"));
    }
}
