//! The two UI languages, how a request picks one, and the strings of each.
//!
//! Every user-visible string lives in `en.rs` or `ko.rs`. Both fill the same
//! [`Strings`] struct, so a string missing in one language is a compile error.

mod en;
mod ko;

use serde::{Deserialize, Serialize};

/// Name of the cookie that remembers the language the user picked.
use crate::model::company::CompanyProblem;

pub const LANGUAGE_COOKIE: &str = "lobby_lang";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    En,
    Ko,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Ko];

    /// The BCP 47 tag, as used in `<html lang>`, the cookie and URLs.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Ko => "ko",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or("");
        Locale::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(primary))
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Locale::En => &en::EN,
            Locale::Ko => &ko::KO,
        }
    }

    /// The language for a request: the remembered choice first, then the
    /// best `Accept-Language` match by q-value, then English.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
        if let Some(l) = cookie.and_then(Locale::from_code) {
            return l;
        }
        let mut best: Option<(f32, Locale)> = None;
        for range in accept_language.unwrap_or("").split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(l) = Locale::from_code(tag) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, l));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    /// [`Locale::negotiate`] on a request's `Cookie` and `Accept-Language` headers.
    #[cfg(feature = "ssr")]
    pub fn of_request(headers: &http::HeaderMap) -> Locale {
        use http::header::{ACCEPT_LANGUAGE, COOKIE};
        let cookie = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == LANGUAGE_COOKIE).then(|| value.to_owned())
            });
        let accept = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        Locale::negotiate(cookie.as_deref(), accept)
    }
}

/// The `Set-Cookie` / `document.cookie` value that remembers a language for a year.
pub fn language_cookie(locale: Locale) -> String {
    format!(
        "{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        locale.code()
    )
}

/// Replaces `{name}` placeholders in a translated template.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// What is wrong with a company field.
pub fn company_problem_message(s: &Strings, problem: CompanyProblem) -> &'static str {
    match problem {
        CompanyProblem::Required => s.company_problem_required,
        CompanyProblem::TooLong => s.company_problem_too_long,
        CompanyProblem::ControlCharacters => s.company_problem_control,
        CompanyProblem::LegalNameLength => s.company_problem_legal_name_length,
        CompanyProblem::LegalNameNoLetter => s.company_problem_legal_name_letter,
        CompanyProblem::CountryUnknown => s.company_problem_country,
        CompanyProblem::PostalCode => s.company_problem_postal_code,
        CompanyProblem::TaxIdFormat => s.company_problem_tax_id_format,
        CompanyProblem::TaxIdCheckDigit => s.company_problem_tax_id_check,
        CompanyProblem::PhoneFormat => s.company_problem_phone,
        CompanyProblem::PhoneNeedsCountry => s.company_problem_phone_country,
        CompanyProblem::WebsiteNotHttps => s.company_problem_website_https,
        CompanyProblem::WebsiteInvalid => s.company_problem_website,
    }
}

/// What is wrong with a field, from the problem code the server's rules give.
pub fn problem_message(s: &Strings, problem: &crate::model::bulk::RowProblem) -> String {
    let text = match problem.code.as_str() {
        "required" => s.problem_required,
        "email_invalid" => s.problem_email_invalid,
        "email_too_long" => s.problem_email_too_long,
        "name_invalid" => s.problem_name_invalid,
        "message_too_long" => s.problem_message_too_long,
        "language_invalid" => s.problem_language_invalid,
        "too_long" => s.problem_too_long,
        "extra_fields" => s.problem_extra_fields,
        "duplicate" => {
            let row = problem.first_row.unwrap_or_default().to_string();
            return fill(s.problem_duplicate, &[("row", &row)]);
        }
        other => CompanyProblem::from_code(other)
            .map_or(s.problem_invalid, |p| company_problem_message(s, p)),
    };
    text.to_owned()
}

/// All user-visible strings of the UI. Placeholders are written `{name}`.
pub struct Strings {
    /// The language's own name, shown in the language switcher.
    pub language_name: &'static str,
    pub language_switcher_label: &'static str,
    pub skip_to_content: &'static str,
    pub product_name: &'static str,
    /// `{org}`: the organization's display name.
    pub page_title_home: &'static str,
    pub home_heading: &'static str,
    pub home_intro: &'static str,
    pub home_invited_heading: &'static str,
    pub home_invited_text: &'static str,
    pub home_steps_label: &'static str,
    pub home_step_sign_in: &'static str,
    pub home_step_consent: &'static str,
    pub home_step_company: &'static str,
    pub home_step_welcome: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub not_found_home_link: &'static str,
    /// `{org}`, `{product}`.
    pub footer_text: &'static str,
    /// Title of the operator sign-in page.
    pub admin_login_title: &'static str,
    pub admin_login_heading: &'static str,
    /// `{org}`.
    pub admin_login_intro: &'static str,
    pub email_label: &'static str,
    pub password_label: &'static str,
    pub sign_in_button: &'static str,
    pub sign_in_failed: &'static str,
    pub sign_in_rate_limited: &'static str,
    pub signed_out_notice: &'static str,
    pub session_expired_notice: &'static str,
    pub admin_title: &'static str,
    pub admin_heading: &'static str,
    /// `{email}`.
    pub signed_in_as: &'static str,
    pub sign_out_button: &'static str,
    /// `{org}`.
    pub admin_intro: &'static str,
    pub back_to_sign_in: &'static str,
    pub loading: &'static str,
    /// `{inviter}`, `{org}`.
    pub email_invite_subject: &'static str,
    /// `{name}`.
    pub email_greeting_named: &'static str,
    pub email_greeting: &'static str,
    /// `{inviter}`, `{org}`, `{product}`.
    pub email_invite_line: &'static str,
    /// `{inviter}`.
    pub email_message_label: &'static str,
    pub email_button: &'static str,
    pub email_fallback: &'static str,
    /// `{date}`.
    pub email_expiry: &'static str,
    /// `{inviter}`, `{contact}`.
    pub email_contact: &'static str,
    /// `{org}`, `{email}`.
    pub email_footer: &'static str,
    /// Label of the dashboard's navigation.
    pub admin_nav_label: &'static str,
    pub admin_nav_home: &'static str,
    pub admin_nav_invitations: &'static str,
    pub invitations_title: &'static str,
    pub invitations_heading: &'static str,
    /// `{org}`.
    pub invitations_caption: &'static str,
    pub invitations_filter_label: &'static str,
    pub status_all: &'static str,
    pub status_pending: &'static str,
    pub status_accepted: &'static str,
    pub status_expired: &'static str,
    pub status_revoked: &'static str,
    pub column_email: &'static str,
    pub column_name: &'static str,
    pub column_status: &'static str,
    pub column_inviter: &'static str,
    pub column_created: &'static str,
    pub column_expires: &'static str,
    pub next_page: &'static str,
    pub no_invitations: &'static str,
    pub load_failed: &'static str,
    pub new_invitation_link: &'static str,
    pub new_invitation_title: &'static str,
    pub new_invitation_heading: &'static str,
    pub field_invitee_email: &'static str,
    pub field_display_name: &'static str,
    pub field_language: &'static str,
    pub field_message: &'static str,
    pub field_send_email: &'static str,
    pub create_invitation_button: &'static str,
    pub error_email_required: &'static str,
    pub error_email_invalid: &'static str,
    pub error_email_too_long: &'static str,
    pub error_name_too_long: &'static str,
    /// `{max}`.
    pub error_message_too_long: &'static str,
    pub error_server_invalid: &'static str,
    pub error_pending_exists: &'static str,
    /// `{org}`.
    pub error_account_exists: &'static str,
    pub error_try_again: &'static str,
    /// `{email}`.
    pub invitation_created: &'static str,
    pub invitation_email_queued: &'static str,
    pub invitation_link_label: &'static str,
    pub language_en: &'static str,
    pub language_ko: &'static str,
    pub detail_title: &'static str,
    /// `{email}`.
    pub detail_heading: &'static str,
    pub detail_emails_sent: &'static str,
    pub timeline_heading: &'static str,
    pub resend_button: &'static str,
    pub revoke_button: &'static str,
    pub action_resent: &'static str,
    pub action_revoked: &'static str,
    pub action_not_possible: &'static str,
    pub invitation_not_found: &'static str,
    pub event_created: &'static str,
    pub event_resent: &'static str,
    pub event_revoked: &'static str,
    pub event_other: &'static str,
    pub back_to_list: &'static str,
    /// `{org}`.
    pub operator_email_subject: &'static str,
    /// `{org}`.
    pub operator_email_body: &'static str,
    pub operator_email_button: &'static str,
    pub operator_email_expiry: &'static str,
    pub admin_nav_operators: &'static str,
    pub operators_title: &'static str,
    pub operators_heading: &'static str,
    /// `{org}`.
    pub operators_caption: &'static str,
    pub column_role: &'static str,
    pub column_password: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub add_operator_heading: &'static str,
    pub field_role: &'static str,
    pub role_operator: &'static str,
    pub role_admin: &'static str,
    pub add_operator_button: &'static str,
    /// `{email}`.
    pub operator_added: &'static str,
    pub error_operator_exists: &'static str,
    pub admins_only: &'static str,
    pub set_password_title: &'static str,
    pub set_password_heading: &'static str,
    pub field_new_password: &'static str,
    pub password_hint: &'static str,
    pub set_password_button: &'static str,
    pub set_password_invalid_link: &'static str,
    pub notice_password_set: &'static str,
    pub error_password_short: &'static str,
    pub error_password_long: &'static str,
    pub error_password_common: &'static str,
    pub admin_nav_tokens: &'static str,
    pub tokens_title: &'static str,
    pub tokens_heading: &'static str,
    pub tokens_intro: &'static str,
    pub tokens_caption: &'static str,
    pub column_token: &'static str,
    pub column_last_used: &'static str,
    pub never: &'static str,
    pub token_revoked: &'static str,
    pub field_token_name: &'static str,
    pub create_token_button: &'static str,
    pub token_created: &'static str,
    pub token_label: &'static str,
    pub token_revoked_notice: &'static str,
    pub error_token_name: &'static str,
    pub no_tokens: &'static str,
    pub admin_nav_import: &'static str,
    pub import_title: &'static str,
    pub import_heading: &'static str,
    pub import_intro: &'static str,
    pub import_limits: &'static str,
    pub field_csv_file: &'static str,
    pub upload_button: &'static str,
    pub recent_imports_caption: &'static str,
    pub column_file: &'static str,
    pub column_rows: &'static str,
    pub column_uploaded: &'static str,
    pub no_imports: &'static str,
    pub import_status_preview: &'static str,
    pub import_status_queued: &'static str,
    pub import_status_running: &'static str,
    pub import_status_done: &'static str,
    pub file_too_large: &'static str,
    pub file_too_many_rows: &'static str,
    pub file_empty: &'static str,
    pub file_not_utf8: &'static str,
    pub file_malformed: &'static str,
    pub file_no_email_column: &'static str,
    pub file_unknown_column: &'static str,
    pub file_repeated_column: &'static str,
    pub file_bad_form: &'static str,
    pub import_detail_title: &'static str,
    pub import_detail_heading: &'static str,
    pub import_not_found: &'static str,
    pub verdicts_caption: &'static str,
    pub verdict_valid: &'static str,
    pub verdict_invalid: &'static str,
    pub verdict_duplicate: &'static str,
    pub verdict_already_invited: &'static str,
    pub verdict_existing_user: &'static str,
    pub same_file_notice: &'static str,
    pub confirm_import_button: &'static str,
    pub import_nothing_to_create: &'static str,
    pub import_queued_notice: &'static str,
    pub import_already_confirmed: &'static str,
    pub progress_label: &'static str,
    pub progress_text: &'static str,
    pub download_result: &'static str,
    pub rows_caption: &'static str,
    pub column_row: &'static str,
    pub column_verdict: &'static str,
    pub column_problems: &'static str,
    pub column_outcome: &'static str,
    pub outcome_created: &'static str,
    pub outcome_skipped: &'static str,
    pub next_rows: &'static str,
    pub first_rows: &'static str,
    pub problem_required: &'static str,
    pub problem_email_invalid: &'static str,
    pub problem_email_too_long: &'static str,
    pub problem_name_invalid: &'static str,
    pub problem_message_too_long: &'static str,
    pub problem_language_invalid: &'static str,
    pub problem_too_long: &'static str,
    pub problem_duplicate: &'static str,
    pub problem_extra_fields: &'static str,
    pub problem_invalid: &'static str,
    pub copy_link: &'static str,
    pub link_copied: &'static str,
    pub reset_redemption_button: &'static str,
    pub reset_redemption_intro: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub open_pending_invitation: &'static str,
    pub field_legal_name: &'static str,
    pub field_street: &'static str,
    pub field_postal_code: &'static str,
    pub field_city: &'static str,
    pub field_country: &'static str,
    pub field_tax_id: &'static str,
    pub field_phone: &'static str,
    pub field_website: &'static str,
    pub company_draft_legend: &'static str,
    pub choose_country: &'static str,
    pub hint_example: &'static str,
    pub company_problem_required: &'static str,
    pub company_problem_too_long: &'static str,
    pub company_problem_control: &'static str,
    pub company_problem_legal_name_length: &'static str,
    pub company_problem_legal_name_letter: &'static str,
    pub company_problem_country: &'static str,
    pub company_problem_postal_code: &'static str,
    pub company_problem_tax_id_format: &'static str,
    pub company_problem_tax_id_check: &'static str,
    pub company_problem_phone: &'static str,
    pub company_problem_phone_country: &'static str,
    pub company_problem_website_https: &'static str,
    pub company_problem_website: &'static str,
    pub landing_title: &'static str,
    /// `{inviter}`, `{org}`.
    pub landing_heading: &'static str,
    /// `{email}`.
    pub landing_for: &'static str,
    /// `{name}`.
    pub landing_greeting: &'static str,
    /// `{org}`.
    pub landing_steps: &'static str,
    /// `{date}`.
    pub landing_valid_until: &'static str,
    pub link_expired_heading: &'static str,
    /// `{inviter}`, `{org}`, `{date}`.
    pub link_expired_body: &'static str,
    pub link_revoked_heading: &'static str,
    /// `{inviter}`, `{org}`.
    pub link_revoked_body: &'static str,
    pub link_replaced_heading: &'static str,
    pub link_replaced_body: &'static str,
    pub link_accepted_heading: &'static str,
    /// `{date}`, `{org}`.
    pub link_accepted_body: &'static str,
    pub new_link_button: &'static str,
    /// `{inviter}`.
    pub new_link_hint: &'static str,
    pub new_link_sent: &'static str,
    /// `{minutes}`.
    pub new_link_recent: &'static str,
    pub new_link_not_offered: &'static str,
    /// `{invitee}`.
    pub email_new_link_subject: &'static str,
    /// `{invitee}`, `{org}`, `{email}`, `{date}`.
    pub email_new_link_body: &'static str,
    pub start_title: &'static str,
    pub passcode_heading: &'static str,
    pub passcode_intro: &'static str,
    pub passcode_send_button: &'static str,
    pub code_label: &'static str,
    pub code_hint: &'static str,
    pub code_submit: &'static str,
    pub code_resend_button: &'static str,
    pub verify_heading: &'static str,
    pub account_heading: &'static str,
    pub account_intro: &'static str,
    pub account_button: &'static str,
    pub password_heading: &'static str,
    pub forgot_button: &'static str,
    pub reset_heading: &'static str,
    pub reset_intro: &'static str,
    pub reset_button: &'static str,
    pub provider_heading: &'static str,
    pub provider_unavailable: &'static str,
    pub provider_intro: &'static str,
    pub provider_button: &'static str,
    pub provider_again_button: &'static str,
    pub notice_provider_other: &'static str,
    pub notice_provider_unverified: &'static str,
    pub notice_provider_no_email: &'static str,
    pub notice_provider_cancelled: &'static str,
    pub notice_provider_failed: &'static str,
    pub notice_provider_unavailable: &'static str,
    pub no_flow_heading: &'static str,
    pub no_flow_body: &'static str,
    pub admin_nav_providers: &'static str,
    pub privacy_heading: &'static str,
    pub privacy_intro: &'static str,
    pub privacy_url_label: &'static str,
    pub privacy_version_label: &'static str,
    pub privacy_version_hint: &'static str,
    pub privacy_save_button: &'static str,
    pub privacy_saved: &'static str,
    pub privacy_problem_address: &'static str,
    pub privacy_problem_version: &'static str,
    pub links_heading: &'static str,
    pub links_intro: &'static str,
    pub links_label: &'static str,
    pub links_hint: &'static str,
    pub links_save_button: &'static str,
    pub links_saved: &'static str,
    pub links_problem_shape: &'static str,
    pub links_problem_label: &'static str,
    pub links_problem_address: &'static str,
    pub links_problem_too_many: &'static str,
    pub admin_nav_terms: &'static str,
    pub terms_admin_title: &'static str,
    pub terms_admin_heading: &'static str,
    pub terms_admin_intro: &'static str,
    pub terms_current: &'static str,
    pub terms_none: &'static str,
    pub terms_consents_download: &'static str,
    pub terms_new_label: &'static str,
    pub terms_new_hint: &'static str,
    pub terms_publish_button: &'static str,
    pub terms_published: &'static str,
    pub terms_empty: &'static str,
    pub terms_too_long: &'static str,
    pub providers_title: &'static str,
    pub providers_heading: &'static str,
    pub providers_intro: &'static str,
    pub providers_empty: &'static str,
    pub providers_list_label: &'static str,
    pub provider_add_heading: &'static str,
    pub provider_kind_label: &'static str,
    pub provider_kind_oidc: &'static str,
    pub provider_kind_google: &'static str,
    pub provider_kind_microsoft: &'static str,
    pub provider_name_label: &'static str,
    pub provider_issuer_label: &'static str,
    pub provider_issuer_hint: &'static str,
    pub provider_client_id_label: &'static str,
    pub provider_secret_label: &'static str,
    pub provider_secret_hint: &'static str,
    pub provider_domains_label: &'static str,
    pub provider_domains_hint: &'static str,
    pub provider_authoritative_label: &'static str,
    pub provider_add_button: &'static str,
    pub provider_remove_button: &'static str,
    pub provider_added: &'static str,
    pub provider_removed: &'static str,
    pub provider_owns_domains: &'static str,
    pub provider_col_name: &'static str,
    pub provider_col_issuer: &'static str,
    pub provider_col_client: &'static str,
    pub provider_col_domains: &'static str,
    pub provider_problem_kind: &'static str,
    pub provider_problem_name: &'static str,
    pub provider_problem_issuer: &'static str,
    pub provider_problem_tenant: &'static str,
    pub provider_problem_client_id: &'static str,
    pub provider_problem_secret: &'static str,
    pub provider_problem_no_domains: &'static str,
    pub provider_problem_domain: &'static str,
    pub provider_problem_kind_taken: &'static str,
    pub provider_problem_domain_taken: &'static str,
    pub notice_code_sent: &'static str,
    pub notice_too_soon: &'static str,
    pub notice_wrong_code: &'static str,
    pub notice_wrong_code_last: &'static str,
    pub notice_malformed_code: &'static str,
    pub notice_need_new_code: &'static str,
    pub notice_wrong_password: &'static str,
    pub notice_locked: &'static str,
    pub notice_password_changed: &'static str,
    pub password_feedback_ok: &'static str,
    pub password_feedback_short: &'static str,
    pub other_account_heading: &'static str,
    pub other_account_body: &'static str,
    pub switch_account_button: &'static str,
    pub company_title: &'static str,
    pub company_heading: &'static str,
    pub company_intro: &'static str,
    pub company_legend: &'static str,
    pub company_create_button: &'static str,
    pub company_fix: &'static str,
    pub welcome_title: &'static str,
    pub welcome_heading: &'static str,
    pub welcome_company: &'static str,
    pub welcome_links_heading: &'static str,
    pub step_of: &'static str,
    pub step_sign_in: &'static str,
    pub step_consent: &'static str,
    pub step_company: &'static str,
    pub step_welcome: &'static str,
    pub consent_title: &'static str,
    pub consent_heading: &'static str,
    pub consent_intro: &'static str,
    pub consent_shared_heading: &'static str,
    pub consent_shared_name: &'static str,
    pub consent_shared_email: &'static str,
    pub consent_privacy_link: &'static str,
    pub consent_terms_heading: &'static str,
    pub consent_accept: &'static str,
    pub consent_decline: &'static str,
    pub consent_declined: &'static str,
    pub too_many_title: &'static str,
    pub email_code_subject_sign_in: &'static str,
    pub email_code_subject_verify: &'static str,
    pub email_code_subject_reset: &'static str,
    pub email_code_intro_sign_in: &'static str,
    pub email_code_intro_verify: &'static str,
    pub email_code_intro_reset: &'static str,
    pub email_code_body: &'static str,
    pub settings_title: &'static str,
    pub settings_heading: &'static str,
    pub settings_intro: &'static str,
    pub admin_nav_settings: &'static str,
    pub settings_order_legend: &'static str,
    pub settings_place: &'static str,
    pub method_existing_account: &'static str,
    pub method_organization_idp: &'static str,
    pub method_google: &'static str,
    pub method_microsoft: &'static str,
    pub method_email_passcode: &'static str,
    pub method_new_account: &'static str,
    pub settings_passcode_label: &'static str,
    pub settings_passcode_hint: &'static str,
    pub settings_save_button: &'static str,
    pub settings_saved: &'static str,
    pub order_repeated: &'static str,
    pub order_missing: &'static str,
    pub order_unknown: &'static str,
    pub trusted_heading: &'static str,
    pub trusted_intro: &'static str,
    pub trusted_label: &'static str,
    pub trusted_hint: &'static str,
    pub trusted_save_button: &'static str,
    pub trusted_saved: &'static str,
    pub trusted_problem_domain: &'static str,
    pub email_automatic_subject: &'static str,
    pub email_automatic_intro: &'static str,
    pub email_automatic_privacy: &'static str,
    pub email_automatic_terms: &'static str,
    pub email_automatic_footer: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_fields(s: &Strings) -> Vec<(&'static str, &'static str)> {
        vec![
            ("language_name", s.language_name),
            ("language_switcher_label", s.language_switcher_label),
            ("skip_to_content", s.skip_to_content),
            ("product_name", s.product_name),
            ("page_title_home", s.page_title_home),
            ("home_heading", s.home_heading),
            ("home_intro", s.home_intro),
            ("home_invited_heading", s.home_invited_heading),
            ("home_invited_text", s.home_invited_text),
            ("home_steps_label", s.home_steps_label),
            ("home_step_sign_in", s.home_step_sign_in),
            ("home_step_consent", s.home_step_consent),
            ("home_step_company", s.home_step_company),
            ("home_step_welcome", s.home_step_welcome),
            ("not_found_title", s.not_found_title),
            ("not_found_text", s.not_found_text),
            ("not_found_home_link", s.not_found_home_link),
            ("footer_text", s.footer_text),
            ("admin_login_title", s.admin_login_title),
            ("admin_login_heading", s.admin_login_heading),
            ("admin_login_intro", s.admin_login_intro),
            ("email_label", s.email_label),
            ("password_label", s.password_label),
            ("sign_in_button", s.sign_in_button),
            ("sign_in_failed", s.sign_in_failed),
            ("sign_in_rate_limited", s.sign_in_rate_limited),
            ("signed_out_notice", s.signed_out_notice),
            ("session_expired_notice", s.session_expired_notice),
            ("admin_title", s.admin_title),
            ("admin_heading", s.admin_heading),
            ("signed_in_as", s.signed_in_as),
            ("sign_out_button", s.sign_out_button),
            ("admin_intro", s.admin_intro),
            ("back_to_sign_in", s.back_to_sign_in),
            ("loading", s.loading),
            ("email_invite_subject", s.email_invite_subject),
            ("email_greeting_named", s.email_greeting_named),
            ("email_greeting", s.email_greeting),
            ("email_invite_line", s.email_invite_line),
            ("email_message_label", s.email_message_label),
            ("email_button", s.email_button),
            ("email_fallback", s.email_fallback),
            ("email_expiry", s.email_expiry),
            ("email_contact", s.email_contact),
            ("email_footer", s.email_footer),
            ("admin_nav_label", s.admin_nav_label),
            ("admin_nav_home", s.admin_nav_home),
            ("admin_nav_invitations", s.admin_nav_invitations),
            ("invitations_title", s.invitations_title),
            ("invitations_heading", s.invitations_heading),
            ("invitations_caption", s.invitations_caption),
            ("invitations_filter_label", s.invitations_filter_label),
            ("status_all", s.status_all),
            ("status_pending", s.status_pending),
            ("status_accepted", s.status_accepted),
            ("status_expired", s.status_expired),
            ("status_revoked", s.status_revoked),
            ("column_email", s.column_email),
            ("column_name", s.column_name),
            ("column_status", s.column_status),
            ("column_inviter", s.column_inviter),
            ("column_created", s.column_created),
            ("column_expires", s.column_expires),
            ("next_page", s.next_page),
            ("no_invitations", s.no_invitations),
            ("load_failed", s.load_failed),
            ("new_invitation_link", s.new_invitation_link),
            ("new_invitation_title", s.new_invitation_title),
            ("new_invitation_heading", s.new_invitation_heading),
            ("field_invitee_email", s.field_invitee_email),
            ("field_display_name", s.field_display_name),
            ("field_language", s.field_language),
            ("field_message", s.field_message),
            ("field_send_email", s.field_send_email),
            ("create_invitation_button", s.create_invitation_button),
            ("error_email_required", s.error_email_required),
            ("error_email_invalid", s.error_email_invalid),
            ("error_email_too_long", s.error_email_too_long),
            ("error_name_too_long", s.error_name_too_long),
            ("error_message_too_long", s.error_message_too_long),
            ("error_server_invalid", s.error_server_invalid),
            ("error_pending_exists", s.error_pending_exists),
            ("error_account_exists", s.error_account_exists),
            ("error_try_again", s.error_try_again),
            ("invitation_created", s.invitation_created),
            ("invitation_email_queued", s.invitation_email_queued),
            ("invitation_link_label", s.invitation_link_label),
            ("language_en", s.language_en),
            ("language_ko", s.language_ko),
            ("detail_title", s.detail_title),
            ("detail_heading", s.detail_heading),
            ("detail_emails_sent", s.detail_emails_sent),
            ("timeline_heading", s.timeline_heading),
            ("resend_button", s.resend_button),
            ("revoke_button", s.revoke_button),
            ("action_resent", s.action_resent),
            ("action_revoked", s.action_revoked),
            ("action_not_possible", s.action_not_possible),
            ("invitation_not_found", s.invitation_not_found),
            ("event_created", s.event_created),
            ("event_resent", s.event_resent),
            ("event_revoked", s.event_revoked),
            ("event_other", s.event_other),
            ("back_to_list", s.back_to_list),
            ("operator_email_subject", s.operator_email_subject),
            ("operator_email_body", s.operator_email_body),
            ("operator_email_button", s.operator_email_button),
            ("operator_email_expiry", s.operator_email_expiry),
            ("admin_nav_operators", s.admin_nav_operators),
            ("operators_title", s.operators_title),
            ("operators_heading", s.operators_heading),
            ("operators_caption", s.operators_caption),
            ("column_role", s.column_role),
            ("column_password", s.column_password),
            ("yes", s.yes),
            ("no", s.no),
            ("add_operator_heading", s.add_operator_heading),
            ("field_role", s.field_role),
            ("role_operator", s.role_operator),
            ("role_admin", s.role_admin),
            ("add_operator_button", s.add_operator_button),
            ("operator_added", s.operator_added),
            ("error_operator_exists", s.error_operator_exists),
            ("admins_only", s.admins_only),
            ("set_password_title", s.set_password_title),
            ("set_password_heading", s.set_password_heading),
            ("field_new_password", s.field_new_password),
            ("password_hint", s.password_hint),
            ("set_password_button", s.set_password_button),
            ("set_password_invalid_link", s.set_password_invalid_link),
            ("notice_password_set", s.notice_password_set),
            ("error_password_short", s.error_password_short),
            ("error_password_long", s.error_password_long),
            ("error_password_common", s.error_password_common),
            ("admin_nav_tokens", s.admin_nav_tokens),
            ("tokens_title", s.tokens_title),
            ("tokens_heading", s.tokens_heading),
            ("tokens_intro", s.tokens_intro),
            ("tokens_caption", s.tokens_caption),
            ("column_token", s.column_token),
            ("column_last_used", s.column_last_used),
            ("never", s.never),
            ("token_revoked", s.token_revoked),
            ("field_token_name", s.field_token_name),
            ("create_token_button", s.create_token_button),
            ("token_created", s.token_created),
            ("token_label", s.token_label),
            ("token_revoked_notice", s.token_revoked_notice),
            ("error_token_name", s.error_token_name),
            ("no_tokens", s.no_tokens),
            ("admin_nav_import", s.admin_nav_import),
            ("import_title", s.import_title),
            ("import_heading", s.import_heading),
            ("import_intro", s.import_intro),
            ("import_limits", s.import_limits),
            ("field_csv_file", s.field_csv_file),
            ("upload_button", s.upload_button),
            ("recent_imports_caption", s.recent_imports_caption),
            ("column_file", s.column_file),
            ("column_rows", s.column_rows),
            ("column_uploaded", s.column_uploaded),
            ("no_imports", s.no_imports),
            ("import_status_preview", s.import_status_preview),
            ("import_status_queued", s.import_status_queued),
            ("import_status_running", s.import_status_running),
            ("import_status_done", s.import_status_done),
            ("file_too_large", s.file_too_large),
            ("file_too_many_rows", s.file_too_many_rows),
            ("file_empty", s.file_empty),
            ("file_not_utf8", s.file_not_utf8),
            ("file_malformed", s.file_malformed),
            ("file_no_email_column", s.file_no_email_column),
            ("file_unknown_column", s.file_unknown_column),
            ("file_repeated_column", s.file_repeated_column),
            ("file_bad_form", s.file_bad_form),
            ("import_detail_title", s.import_detail_title),
            ("import_detail_heading", s.import_detail_heading),
            ("import_not_found", s.import_not_found),
            ("verdicts_caption", s.verdicts_caption),
            ("verdict_valid", s.verdict_valid),
            ("verdict_invalid", s.verdict_invalid),
            ("verdict_duplicate", s.verdict_duplicate),
            ("verdict_already_invited", s.verdict_already_invited),
            ("verdict_existing_user", s.verdict_existing_user),
            ("same_file_notice", s.same_file_notice),
            ("confirm_import_button", s.confirm_import_button),
            ("import_nothing_to_create", s.import_nothing_to_create),
            ("import_queued_notice", s.import_queued_notice),
            ("import_already_confirmed", s.import_already_confirmed),
            ("progress_label", s.progress_label),
            ("progress_text", s.progress_text),
            ("download_result", s.download_result),
            ("rows_caption", s.rows_caption),
            ("column_row", s.column_row),
            ("column_verdict", s.column_verdict),
            ("column_problems", s.column_problems),
            ("column_outcome", s.column_outcome),
            ("outcome_created", s.outcome_created),
            ("outcome_skipped", s.outcome_skipped),
            ("next_rows", s.next_rows),
            ("first_rows", s.first_rows),
            ("problem_required", s.problem_required),
            ("problem_email_invalid", s.problem_email_invalid),
            ("problem_email_too_long", s.problem_email_too_long),
            ("problem_name_invalid", s.problem_name_invalid),
            ("problem_message_too_long", s.problem_message_too_long),
            ("problem_language_invalid", s.problem_language_invalid),
            ("problem_too_long", s.problem_too_long),
            ("problem_duplicate", s.problem_duplicate),
            ("problem_extra_fields", s.problem_extra_fields),
            ("problem_invalid", s.problem_invalid),
            ("copy_link", s.copy_link),
            ("link_copied", s.link_copied),
            ("reset_redemption_button", s.reset_redemption_button),
            ("reset_redemption_intro", s.reset_redemption_intro),
            ("search_label", s.search_label),
            ("search_button", s.search_button),
            ("open_pending_invitation", s.open_pending_invitation),
            ("field_legal_name", s.field_legal_name),
            ("field_street", s.field_street),
            ("field_postal_code", s.field_postal_code),
            ("field_city", s.field_city),
            ("field_country", s.field_country),
            ("field_tax_id", s.field_tax_id),
            ("field_phone", s.field_phone),
            ("field_website", s.field_website),
            ("company_draft_legend", s.company_draft_legend),
            ("choose_country", s.choose_country),
            ("hint_example", s.hint_example),
            ("company_problem_required", s.company_problem_required),
            ("company_problem_too_long", s.company_problem_too_long),
            ("company_problem_control", s.company_problem_control),
            (
                "company_problem_legal_name_length",
                s.company_problem_legal_name_length,
            ),
            (
                "company_problem_legal_name_letter",
                s.company_problem_legal_name_letter,
            ),
            ("company_problem_country", s.company_problem_country),
            ("company_problem_postal_code", s.company_problem_postal_code),
            (
                "company_problem_tax_id_format",
                s.company_problem_tax_id_format,
            ),
            (
                "company_problem_tax_id_check",
                s.company_problem_tax_id_check,
            ),
            ("company_problem_phone", s.company_problem_phone),
            (
                "company_problem_phone_country",
                s.company_problem_phone_country,
            ),
            (
                "company_problem_website_https",
                s.company_problem_website_https,
            ),
            ("company_problem_website", s.company_problem_website),
            ("landing_title", s.landing_title),
            ("landing_heading", s.landing_heading),
            ("landing_for", s.landing_for),
            ("landing_greeting", s.landing_greeting),
            ("landing_steps", s.landing_steps),
            ("landing_valid_until", s.landing_valid_until),
            ("link_expired_heading", s.link_expired_heading),
            ("link_expired_body", s.link_expired_body),
            ("link_revoked_heading", s.link_revoked_heading),
            ("link_revoked_body", s.link_revoked_body),
            ("link_replaced_heading", s.link_replaced_heading),
            ("link_replaced_body", s.link_replaced_body),
            ("link_accepted_heading", s.link_accepted_heading),
            ("link_accepted_body", s.link_accepted_body),
            ("new_link_button", s.new_link_button),
            ("new_link_hint", s.new_link_hint),
            ("new_link_sent", s.new_link_sent),
            ("new_link_recent", s.new_link_recent),
            ("new_link_not_offered", s.new_link_not_offered),
            ("email_new_link_subject", s.email_new_link_subject),
            ("email_new_link_body", s.email_new_link_body),
            ("start_title", s.start_title),
            ("passcode_heading", s.passcode_heading),
            ("passcode_intro", s.passcode_intro),
            ("passcode_send_button", s.passcode_send_button),
            ("code_label", s.code_label),
            ("code_hint", s.code_hint),
            ("code_submit", s.code_submit),
            ("code_resend_button", s.code_resend_button),
            ("verify_heading", s.verify_heading),
            ("account_heading", s.account_heading),
            ("account_intro", s.account_intro),
            ("account_button", s.account_button),
            ("password_heading", s.password_heading),
            ("forgot_button", s.forgot_button),
            ("reset_heading", s.reset_heading),
            ("reset_intro", s.reset_intro),
            ("reset_button", s.reset_button),
            ("provider_heading", s.provider_heading),
            ("provider_unavailable", s.provider_unavailable),
            ("provider_intro", s.provider_intro),
            ("provider_button", s.provider_button),
            ("provider_again_button", s.provider_again_button),
            ("notice_provider_other", s.notice_provider_other),
            ("notice_provider_unverified", s.notice_provider_unverified),
            ("notice_provider_no_email", s.notice_provider_no_email),
            ("notice_provider_cancelled", s.notice_provider_cancelled),
            ("notice_provider_failed", s.notice_provider_failed),
            ("notice_provider_unavailable", s.notice_provider_unavailable),
            ("no_flow_heading", s.no_flow_heading),
            ("no_flow_body", s.no_flow_body),
            ("admin_nav_providers", s.admin_nav_providers),
            ("privacy_heading", s.privacy_heading),
            ("privacy_intro", s.privacy_intro),
            ("privacy_url_label", s.privacy_url_label),
            ("privacy_version_label", s.privacy_version_label),
            ("privacy_version_hint", s.privacy_version_hint),
            ("privacy_save_button", s.privacy_save_button),
            ("privacy_saved", s.privacy_saved),
            ("privacy_problem_address", s.privacy_problem_address),
            ("privacy_problem_version", s.privacy_problem_version),
            ("links_heading", s.links_heading),
            ("links_intro", s.links_intro),
            ("links_label", s.links_label),
            ("links_hint", s.links_hint),
            ("links_save_button", s.links_save_button),
            ("links_saved", s.links_saved),
            ("links_problem_shape", s.links_problem_shape),
            ("links_problem_label", s.links_problem_label),
            ("links_problem_address", s.links_problem_address),
            ("links_problem_too_many", s.links_problem_too_many),
            ("admin_nav_terms", s.admin_nav_terms),
            ("terms_admin_title", s.terms_admin_title),
            ("terms_admin_heading", s.terms_admin_heading),
            ("terms_admin_intro", s.terms_admin_intro),
            ("terms_current", s.terms_current),
            ("terms_none", s.terms_none),
            ("terms_consents_download", s.terms_consents_download),
            ("terms_new_label", s.terms_new_label),
            ("terms_new_hint", s.terms_new_hint),
            ("terms_publish_button", s.terms_publish_button),
            ("terms_published", s.terms_published),
            ("terms_empty", s.terms_empty),
            ("terms_too_long", s.terms_too_long),
            ("providers_title", s.providers_title),
            ("providers_heading", s.providers_heading),
            ("providers_intro", s.providers_intro),
            ("providers_empty", s.providers_empty),
            ("providers_list_label", s.providers_list_label),
            ("provider_add_heading", s.provider_add_heading),
            ("provider_kind_label", s.provider_kind_label),
            ("provider_kind_oidc", s.provider_kind_oidc),
            ("provider_kind_google", s.provider_kind_google),
            ("provider_kind_microsoft", s.provider_kind_microsoft),
            ("provider_name_label", s.provider_name_label),
            ("provider_issuer_label", s.provider_issuer_label),
            ("provider_issuer_hint", s.provider_issuer_hint),
            ("provider_client_id_label", s.provider_client_id_label),
            ("provider_secret_label", s.provider_secret_label),
            ("provider_secret_hint", s.provider_secret_hint),
            ("provider_domains_label", s.provider_domains_label),
            ("provider_domains_hint", s.provider_domains_hint),
            (
                "provider_authoritative_label",
                s.provider_authoritative_label,
            ),
            ("provider_add_button", s.provider_add_button),
            ("provider_remove_button", s.provider_remove_button),
            ("provider_added", s.provider_added),
            ("provider_removed", s.provider_removed),
            ("provider_owns_domains", s.provider_owns_domains),
            ("provider_col_name", s.provider_col_name),
            ("provider_col_issuer", s.provider_col_issuer),
            ("provider_col_client", s.provider_col_client),
            ("provider_col_domains", s.provider_col_domains),
            ("provider_problem_kind", s.provider_problem_kind),
            ("provider_problem_name", s.provider_problem_name),
            ("provider_problem_issuer", s.provider_problem_issuer),
            ("provider_problem_tenant", s.provider_problem_tenant),
            ("provider_problem_client_id", s.provider_problem_client_id),
            ("provider_problem_secret", s.provider_problem_secret),
            ("provider_problem_no_domains", s.provider_problem_no_domains),
            ("provider_problem_domain", s.provider_problem_domain),
            ("provider_problem_kind_taken", s.provider_problem_kind_taken),
            (
                "provider_problem_domain_taken",
                s.provider_problem_domain_taken,
            ),
            ("notice_code_sent", s.notice_code_sent),
            ("notice_too_soon", s.notice_too_soon),
            ("notice_wrong_code", s.notice_wrong_code),
            ("notice_wrong_code_last", s.notice_wrong_code_last),
            ("notice_malformed_code", s.notice_malformed_code),
            ("notice_need_new_code", s.notice_need_new_code),
            ("notice_wrong_password", s.notice_wrong_password),
            ("notice_locked", s.notice_locked),
            ("notice_password_changed", s.notice_password_changed),
            ("password_feedback_ok", s.password_feedback_ok),
            ("password_feedback_short", s.password_feedback_short),
            ("other_account_heading", s.other_account_heading),
            ("other_account_body", s.other_account_body),
            ("switch_account_button", s.switch_account_button),
            ("company_title", s.company_title),
            ("company_heading", s.company_heading),
            ("company_intro", s.company_intro),
            ("company_legend", s.company_legend),
            ("company_create_button", s.company_create_button),
            ("company_fix", s.company_fix),
            ("welcome_title", s.welcome_title),
            ("welcome_heading", s.welcome_heading),
            ("welcome_company", s.welcome_company),
            ("welcome_links_heading", s.welcome_links_heading),
            ("step_of", s.step_of),
            ("step_sign_in", s.step_sign_in),
            ("step_consent", s.step_consent),
            ("step_company", s.step_company),
            ("step_welcome", s.step_welcome),
            ("consent_title", s.consent_title),
            ("consent_heading", s.consent_heading),
            ("consent_intro", s.consent_intro),
            ("consent_shared_heading", s.consent_shared_heading),
            ("consent_shared_name", s.consent_shared_name),
            ("consent_shared_email", s.consent_shared_email),
            ("consent_privacy_link", s.consent_privacy_link),
            ("consent_terms_heading", s.consent_terms_heading),
            ("consent_accept", s.consent_accept),
            ("consent_decline", s.consent_decline),
            ("consent_declined", s.consent_declined),
            ("too_many_title", s.too_many_title),
            ("email_code_subject_sign_in", s.email_code_subject_sign_in),
            ("email_code_subject_verify", s.email_code_subject_verify),
            ("email_code_subject_reset", s.email_code_subject_reset),
            ("email_code_intro_sign_in", s.email_code_intro_sign_in),
            ("email_code_intro_verify", s.email_code_intro_verify),
            ("email_code_intro_reset", s.email_code_intro_reset),
            ("email_code_body", s.email_code_body),
            ("settings_title", s.settings_title),
            ("settings_heading", s.settings_heading),
            ("settings_intro", s.settings_intro),
            ("admin_nav_settings", s.admin_nav_settings),
            ("settings_order_legend", s.settings_order_legend),
            ("settings_place", s.settings_place),
            ("method_existing_account", s.method_existing_account),
            ("method_organization_idp", s.method_organization_idp),
            ("method_google", s.method_google),
            ("method_microsoft", s.method_microsoft),
            ("method_email_passcode", s.method_email_passcode),
            ("method_new_account", s.method_new_account),
            ("settings_passcode_label", s.settings_passcode_label),
            ("settings_passcode_hint", s.settings_passcode_hint),
            ("settings_save_button", s.settings_save_button),
            ("settings_saved", s.settings_saved),
            ("order_repeated", s.order_repeated),
            ("order_missing", s.order_missing),
            ("order_unknown", s.order_unknown),
            ("trusted_heading", s.trusted_heading),
            ("trusted_intro", s.trusted_intro),
            ("trusted_label", s.trusted_label),
            ("trusted_hint", s.trusted_hint),
            ("trusted_save_button", s.trusted_save_button),
            ("trusted_saved", s.trusted_saved),
            ("trusted_problem_domain", s.trusted_problem_domain),
            ("email_automatic_subject", s.email_automatic_subject),
            ("email_automatic_intro", s.email_automatic_intro),
            ("email_automatic_privacy", s.email_automatic_privacy),
            ("email_automatic_terms", s.email_automatic_terms),
            ("email_automatic_footer", s.email_automatic_footer),
        ]
    }

    fn placeholders(s: &str) -> Vec<String> {
        let mut found: Vec<String> = s
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
            .collect();
        found.sort();
        found
    }

    #[test]
    fn every_string_is_translated_with_the_same_placeholders() {
        let en = all_fields(Locale::En.strings());
        let ko = all_fields(Locale::Ko.strings());
        for ((key, e), (_, k)) in en.iter().zip(ko.iter()) {
            assert!(!e.trim().is_empty(), "English `{key}` is empty");
            assert!(!k.trim().is_empty(), "Korean `{key}` is empty");
            assert_eq!(
                placeholders(e),
                placeholders(k),
                "placeholders of `{key}` differ"
            );
        }
        // The Korean file is a translation, not a copy of the English one;
        // only names (the product's, the title built from it, Google's and
        // Microsoft's) stay the same.
        let untranslated: Vec<_> = en
            .iter()
            .zip(ko.iter())
            .filter(|((key, e), (_, k))| {
                e == k
                    && ![
                        "product_name",
                        "page_title_home",
                        "provider_kind_google",
                        "provider_kind_microsoft",
                        "method_microsoft",
                    ]
                    .contains(key)
            })
            .map(|((key, _), _)| *key)
            .collect();
        assert!(untranslated.is_empty(), "not translated: {untranslated:?}");
    }

    #[test]
    fn negotiation_prefers_cookie_then_quality() {
        assert_eq!(Locale::negotiate(Some("ko"), Some("en")), Locale::Ko);
        assert_eq!(
            Locale::negotiate(Some("xx"), Some("ko-KR,ko;q=0.9")),
            Locale::Ko
        );
        assert_eq!(
            Locale::negotiate(None, Some("fr;q=1, en;q=0.5, ko;q=0.8")),
            Locale::Ko
        );
        assert_eq!(
            Locale::negotiate(None, Some("ko;q=0, en;q=0.1")),
            Locale::En
        );
        assert_eq!(Locale::negotiate(None, Some("de-CH")), Locale::En);
        assert_eq!(Locale::negotiate(None, None), Locale::En);
    }

    #[test]
    fn fill_replaces_named_placeholders() {
        assert_eq!(
            fill("Welcome to {org}", &[("org", "GFMS")]),
            "Welcome to GFMS"
        );
        assert_eq!(fill("{a}{a}", &[("a", "x")]), "xx");
    }
}
