//! The strings of each UI language, and the page's language as the views see it.
//!
//! Every user-visible string lives in `en.rs` or `ko.rs`, in one of three
//! bundles by who reads it: [`Strings`] (the customer's pages, and what every
//! page shares), [`DashboardStrings`] (operators) and `ServerStrings` (emails
//! and the server's own pages, never sent to the browser). Both languages
//! fill the same structs, so a string missing in one is a compile error.

mod en;
mod ko;
mod placeholders;

use leptos::prelude::*;

use crate::model::company::CompanyProblem;

pub use crate::model::locale::{language_cookie, Locale, LANGUAGE_COOKIE};

impl Locale {
    /// The customer's and the shared strings in this language.
    pub fn strings(self) -> &'static Strings {
        match self {
            Locale::En => &en::EN,
            Locale::Ko => &ko::KO,
        }
    }

    /// The dashboard's strings (and the shared ones) in this language.
    pub fn dashboard_strings(self) -> &'static DashboardStrings {
        match self {
            Locale::En => &en::EN_DASHBOARD,
            Locale::Ko => &ko::KO_DASHBOARD,
        }
    }

    /// Every string, the emails' and the server's own pages' too.
    #[cfg(feature = "ssr")]
    pub fn server_strings(self) -> &'static ServerStrings {
        match self {
            Locale::En => &en::EN_SERVER,
            Locale::Ko => &ko::KO_SERVER,
        }
    }
}

/// The language the page is shown in; the switcher changes it in place.
#[derive(Clone, Copy)]
pub struct UiLocale(pub RwSignal<Locale>);

/// The page's language, as a signal the views follow.
pub fn use_locale() -> RwSignal<Locale> {
    use_context::<UiLocale>()
        .map(|l| l.0)
        .unwrap_or_else(|| RwSignal::new(Locale::default()))
}

/// In the browser: the language the server rendered the page in (`<html
/// lang>`), so that hydration starts from the same text.
#[cfg(feature = "hydrate")]
pub fn page_locale() -> Locale {
    document()
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|lang| Locale::from_code(&lang))
        .unwrap_or_default()
}

/// The language of the current request: the remembered choice, else `Accept-Language`.
#[cfg(feature = "ssr")]
pub fn request_locale() -> Locale {
    with_context::<http::request::Parts, _>(|parts| Locale::of_request(&parts.headers))
        .unwrap_or_default()
}

/// The string `field` of `strings` with its `{placeholders}` filled in:
/// `fill!(s, email_invite_subject, inviter = name, org = org)`. The names
/// given must be exactly the string's placeholders, checked when compiling
/// (against the English string; `strings!` checks the Korean one has the same).
#[macro_export]
macro_rules! fill {
    ($strings:expr, $field:ident $(, $name:ident = $value:expr)* $(,)?) => {{
        const _: () = assert!(
            $crate::i18n::placeholders_are($crate::i18n::english::$field, &[$(stringify!($name)),*]),
            concat!("fill!: the names given are not the placeholders of `", stringify!($field), "`"),
        );
        $crate::i18n::fill(
            $strings.$field,
            &[$((stringify!($name), $crate::i18n::text(&$value))),*],
        )
    }};
}

use placeholders::same_placeholders;
#[doc(hidden)]
pub use placeholders::{is_one_of, placeholders_are};

/// The English strings of every bundle, by field, for the checks `fill!`
/// runs when compiling.
#[doc(hidden)]
pub mod english {
    pub use crate::i18n::english_dashboard::*;
    #[cfg(feature = "ssr")]
    pub use crate::i18n::english_server::*;
    pub use crate::i18n::english_shared::*;
}

/// A value `fill!` puts into a string.
#[doc(hidden)]
pub fn text<T: AsRef<str> + ?Sized>(value: &T) -> &str {
    value.as_ref()
}

/// Replaces `{name}` placeholders in a translated template; prefer
/// [`fill!`], which checks the names when compiling.
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

/// What a file's cell must hold, for a company value the rules refused
/// (the form's words, "choose a country from the list", do not fit a file).
fn cell_problem(s: &DashboardStrings, problem: CompanyProblem) -> &'static str {
    match problem {
        CompanyProblem::Required => s.problem_required,
        CompanyProblem::TooLong => s.problem_field_too_long,
        CompanyProblem::ControlCharacters => s.problem_control,
        CompanyProblem::LegalNameLength => s.problem_legal_name_length,
        CompanyProblem::LegalNameNoLetter => s.problem_legal_name_letter,
        CompanyProblem::CountryUnknown => s.problem_country,
        CompanyProblem::PostalCode => s.problem_postal_code,
        CompanyProblem::TaxIdFormat => s.problem_tax_id_format,
        CompanyProblem::TaxIdCheckDigit => s.problem_tax_id_check,
        CompanyProblem::PhoneFormat => s.problem_phone,
        CompanyProblem::PhoneNeedsCountry => s.problem_phone_country,
        CompanyProblem::WebsiteNotHttps => s.problem_website_https,
        CompanyProblem::WebsiteInvalid => s.problem_website,
    }
}

/// What is wrong with a field, from the problem code the server's rules give.
pub fn problem_message(s: &DashboardStrings, problem: &crate::model::bulk::RowProblem) -> String {
    let text = match problem.code.as_str() {
        "required" => s.problem_required,
        "email_invalid" => s.problem_email_invalid,
        "email_too_long" => s.problem_email_too_long,
        "email_mixed_scripts" => s.problem_email_mixed_scripts,
        "name_invalid" => s.problem_name_invalid,
        "message_too_long" => s.problem_message_too_long,
        "language_invalid" => s.problem_language_invalid,
        "too_long" => s.problem_too_long,
        "extra_fields" => s.problem_extra_fields,
        "duplicate" => {
            let row = problem.first_row.unwrap_or_default().to_string();
            return fill(s.problem_duplicate, &[("row", &row)]);
        }
        other => CompanyProblem::from_code(other).map_or(s.problem_invalid, |p| cell_problem(s, p)),
    };
    text.to_owned()
}

/// Declares a bundle of strings from one list of fields: the struct (which
/// derefs to its parent bundle, if it has one), [`Strings::own`], a check,
/// when compiling, that each Korean string has the English one's
/// placeholders, and a module of the English strings as constants for
/// `fill!`'s check. The translations themselves are in `en.rs` and `ko.rs`.
macro_rules! strings {
    (
        $(#[$bundle_doc:meta])*
        pub struct $bundle:ident $(: $link:ident $parent:ident)? in $en:ident, $ko:ident, $english:ident {
            $( $(#[$doc:meta])* $name:ident, )*
        }
    ) => {
        $(#[$bundle_doc])*
        /// Placeholders are written `{name}`.
        pub struct $bundle {
            $(
                /// The bundle this one adds to, whose strings it also offers.
                pub $link: &'static $parent,
            )?
            $( $(#[$doc])* pub $name: &'static str, )*
        }

        impl $bundle {
            /// This bundle's own strings (not its parent's) with their
            /// fields' names, in the order declared.
            pub fn own(&self) -> Vec<(&'static str, &'static str)> {
                vec![$( (stringify!($name), self.$name) ),*]
            }
        }

        $(
            impl std::ops::Deref for $bundle {
                type Target = $parent;

                fn deref(&self) -> &$parent {
                    self.$link
                }
            }
        )?

        const _: () = {
            $(
                assert!(
                    same_placeholders(en::$en.$name, ko::$ko.$name),
                    concat!("the Korean `", stringify!($name), "` has other placeholders than the English one"),
                );
            )*
        };

        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        pub mod $english {
            $( pub const $name: &str = crate::i18n::en::$en.$name; )*
        }
    };
}

strings! {
    /// The strings a customer meets on their way in, and those every page
    /// shares (the language switcher, the footer, the company form's checks).
    pub struct Strings in EN, KO, english_shared {
    /// The language's own name, shown in the language switcher.
    language_name,
    language_switcher_label,
    skip_to_content,
    /// `{product}`: the portal's name (`Branding::product_name`).
    page_title_home,
    home_heading,
    home_intro,
    home_invited_heading,
    home_invited_text,
    home_steps_label,
    home_step_sign_in,
    home_step_consent,
    home_step_company,
    home_step_welcome,
    not_found_title,
    not_found_text,
    not_found_home_link,
    /// `{product}`, `{org}`: shown when the two differ (else the name alone).
    footer_text,
    password_label,
    sign_in_button,
    /// `{email}`.
    signed_in_as,
    sign_out_button,
    loading,
    /// `{inviter}`.
    email_message_label,
    email_button,
    load_failed,
    /// What the pages say when a server call was refused or failed.
    error_signed_out,
    error_forbidden,
    error_unavailable,
    field_new_password,
    password_hint,
    error_password_short,
    error_password_long,
    error_password_common,
    copy_link,
    link_copied,
    field_legal_name,
    field_street,
    field_postal_code,
    field_city,
    field_country,
    field_tax_id,
    field_phone,
    field_website,
    choose_country,
    hint_example,
    company_problem_required,
    company_problem_too_long,
    company_problem_control,
    company_problem_legal_name_length,
    company_problem_legal_name_letter,
    company_problem_country,
    company_problem_postal_code,
    company_problem_tax_id_format,
    company_problem_tax_id_check,
    company_problem_phone,
    company_problem_phone_country,
    company_problem_website_https,
    company_problem_website,
    landing_title,
    /// `{inviter}`, `{org}`.
    landing_heading,
    /// `{email}`.
    landing_for,
    /// `{name}`.
    landing_greeting,
    /// `{org}`.
    landing_steps,
    /// `{date}`.
    landing_valid_until,
    link_expired_heading,
    /// `{inviter}`, `{org}`, `{date}`.
    link_expired_body,
    link_revoked_heading,
    /// `{inviter}`, `{org}`.
    link_revoked_body,
    link_replaced_heading,
    link_replaced_body,
    link_accepted_heading,
    /// `{date}`, `{org}`.
    link_accepted_body,
    new_link_button,
    /// `{inviter}`.
    new_link_hint,
    new_link_sent,
    /// `{minutes}`.
    new_link_recent,
    new_link_not_offered,
    start_title,
    passcode_heading,
    passcode_intro,
    passcode_send_button,
    code_label,
    code_hint,
    code_submit,
    code_resend_button,
    verify_heading,
    account_heading,
    account_intro,
    account_button,
    password_heading,
    forgot_button,
    reset_heading,
    reset_intro,
    reset_button,
    provider_heading,
    provider_unavailable,
    provider_intro,
    provider_button,
    provider_again_button,
    notice_provider_other,
    notice_provider_unverified,
    notice_provider_no_email,
    notice_provider_cancelled,
    notice_provider_failed,
    notice_provider_unavailable,
    /// `{org}`, `{provider}`.
    notice_provider_needs_admin,
    notice_admin_asked,
    notice_admin_email_invalid,
    /// `{max}`: characters.
    notice_admin_note_long,
    admin_approval_heading,
    /// `{org}`.
    admin_approval_intro,
    admin_approval_link,
    admin_approval_copy_label,
    admin_email_label,
    admin_note_label,
    admin_ask_button,
    /// `{provider}`.
    provider_try_again_button,
    alternatives_heading,
    alternative_passcode,
    alternative_new_account,
    /// `{email}`: the invited address.
    notice_address_taken,
    notice_code_sent,
    notice_too_soon,
    notice_wrong_code,
    notice_wrong_code_last,
    notice_malformed_code,
    notice_need_new_code,
    notice_wrong_password,
    notice_locked,
    notice_password_changed,
    password_feedback_ok,
    password_feedback_short,
    other_account_heading,
    other_account_body,
    switch_account_button,
    company_title,
    company_heading,
    company_intro,
    company_legend,
    company_create_button,
    company_fix,
    welcome_title,
    welcome_heading,
    welcome_company,
    welcome_links_heading,
    welcome_apps_heading,
    /// `{app}`: the app that sent the customer to sign in.
    welcome_continue,
    step_of,
    step_sign_in,
    step_consent,
    step_company,
    step_welcome,
    consent_title,
    consent_heading,
    consent_intro,
    /// `{org}`.
    consent_intro_privacy,
    /// `{org}`.
    consent_intro_terms,
    consent_shared_heading,
    consent_shared_name,
    consent_shared_email,
    consent_privacy_link,
    consent_terms_heading,
    consent_accept,
    consent_decline,
    consent_declined,
    direct_common_title,
    direct_common_heading,
    direct_common_intro,
    direct_domain_label,
    direct_domain_hint,
    direct_continue_button,
    direct_domain_invalid,
    direct_domain_unknown,
    direct_org_title,
    direct_org_heading,
    direct_org_intro,
    direct_email_label,
    direct_send_button,
    direct_sent,
    direct_email_invalid,
    direct_other_org,
    landing_sign_in_button,
    home_sign_in,
    }
}

strings! {
    /// The dashboard's strings, and through it the shared ones.
    pub struct DashboardStrings: shared Strings in EN_DASHBOARD, KO_DASHBOARD, english_dashboard {
    /// Title of the operator sign-in page.
    admin_login_title,
    admin_login_heading,
    /// `{org}`.
    admin_login_intro,
    email_label,
    sign_in_failed,
    sign_in_rate_limited,
    signed_out_notice,
    session_expired_notice,
    admin_title,
    admin_heading,
    back_to_sign_in,
    /// Label of the dashboard's navigation.
    admin_nav_label,
    admin_nav_home,
    nav_group_customers,
    nav_group_team,
    nav_group_configuration,
    admin_nav_invitations,
    invitations_title,
    invitations_heading,
    /// `{org}`.
    invitations_caption,
    invitations_filter_label,
    status_all,
    status_pending,
    status_accepted,
    status_expired,
    status_revoked,
    column_email,
    column_name,
    column_status,
    column_inviter,
    column_created,
    column_expires,
    next_page,
    no_invitations,
    new_invitation_link,
    new_invitation_title,
    new_invitation_heading,
    field_invitee_email,
    field_display_name,
    field_language,
    field_message,
    field_send_email,
    create_invitation_button,
    error_email_required,
    error_email_invalid,
    error_email_too_long,
    error_name_too_long,
    /// `{max}`.
    error_message_too_long,
    error_server_invalid,
    error_pending_exists,
    /// `{org}`.
    error_account_exists,
    /// `{org}`.
    error_operator_account,
    error_reset_needs_admin,
    error_try_again,
    /// `{email}`.
    invitation_created,
    invitation_email_queued,
    invitation_draft_to_fix,
    mail_failed_badge,
    detail_mail_state,
    /// `{at}`.
    mail_delivered,
    mail_queued,
    /// `{at}`, `{answer}`.
    mail_retrying,
    /// `{answer}`.
    mail_failed,
    invitation_link_label,
    language_en,
    language_ko,
    detail_title,
    /// `{email}`.
    detail_heading,
    detail_emails_sent,
    timeline_heading,
    resend_button,
    action_resent,
    action_revoked,
    action_not_possible,
    invitation_not_found,
    event_created,
    event_resent,
    event_revoked,
    event_admin_asked,
    event_admin_approved,
    event_signed_in,
    event_accepted,
    event_declined,
    event_new_link,
    event_sign_in_link,
    event_link_opened,
    event_finished,
    progress_invited,
    progress_email_delivered,
    progress_link_opened,
    progress_signed_in,
    progress_terms_accepted,
    progress_company_created,
    progress_welcomed,
    column_progress,
    /// `{step}`, `{at}`.
    progress_since,
    progress_filter_label,
    progress_all,
    steps_heading,
    step_not_yet,
    /// `{first}`, `{last}`.
    fact_opened,
    fact_signed_in_with,
    /// `{name}`: the provider's.
    method_organization_idp_named,
    method_organization_idp_used,
    method_google_used,
    /// `{tenant}`.
    method_microsoft_tenant,
    method_microsoft_used,
    method_passcode_used,
    method_password_used,
    method_new_account_used,
    fact_consent,
    /// `{terms}`, `{privacy}`.
    fact_consent_versions,
    fact_consent_automatic,
    fact_company,
    given_heading,
    fact_message,
    fact_language,
    fact_cc,
    fact_draft,
    company_page_title,
    company_members_heading,
    /// `{name}`.
    company_members_caption,
    column_member_since,
    company_role_admin,
    company_role_member,
    company_not_found,
    fact_created,
    invitations_download,
    end_sessions_opener,
    end_sessions_consequence,
    /// `{email}`.
    end_sessions_confirm,
    settings_page_heading,
    settings_sections_label,
    revoke_opener,
    revoke_invitation_consequence,
    revoke_invitation_confirm,
    revoke_token_consequence,
    revoke_token_confirm,
    remove_operator_opener,
    remove_operator_consequence,
    /// `{email}`.
    remove_operator_confirm,
    terms_publish_opener,
    terms_publish_consequence,
    end_every_session_opener,
    end_every_session_consequence,
    end_every_session_confirm,
    open_created_invitation,
    column_company,
    column_sign_in,
    column_activity,
    status_unfinished,
    /// `{status}`, `{count}`.
    status_count,
    /// `{name}`: the company's name as the operator's draft gives it.
    company_draft_name,
    overview_heading,
    scope_legend,
    scope_from,
    scope_to,
    scope_import,
    scope_inviter,
    scope_any,
    scope_apply,
    period_not_a_date,
    period_end_before_start,
    period_too_long,
    /// `{from}`, `{to}`, `{count}`.
    overview_scope,
    glance_heading,
    glance_pending,
    glance_expiring,
    glance_failed,
    glance_median,
    glance_no_median,
    /// `{days}`, `{hours}`.
    duration_days,
    /// `{hours}`, `{minutes}`.
    duration_hours,
    funnel_heading,
    funnel_chart_label,
    funnel_caption,
    column_step,
    column_reached,
    column_of_invited,
    column_of_previous,
    column_stopped,
    /// `{count}`, `{step}`: a link to the list of them.
    stopped_link,
    /// `{n}`.
    percent,
    days_heading,
    weeks_heading,
    outcome_finished,
    outcome_open,
    outcome_expired,
    outcome_revoked,
    days_chart_label,
    days_table_summary,
    column_day,
    column_week,
    column_total,
    /// `{count}`.
    chart_highest,
    failed_mail_filter,
    mail_filter_label,
    mail_any,
    /// `{scope}`: the period, import or inviter the list is narrowed to.
    list_scope,
    list_scope_clear,
    /// `{from}`, `{to}`.
    scope_period,
    scope_of_import,
    scope_of_inviter,
    remind_button,
    /// `{sent}`, `{recent}`.
    reminded,
    event_other,
    back_to_list,
    admin_nav_operators,
    operators_title,
    operators_heading,
    /// `{org}`.
    operators_caption,
    column_role,
    column_password,
    yes,
    no,
    add_operator_heading,
    field_role,
    role_operator,
    role_admin,
    add_operator_button,
    /// `{email}`.
    operator_added,
    error_operator_exists,
    admins_only,
    setup_title,
    setup_heading,
    /// `{org}`.
    setup_intro,
    field_admin_email,
    setup_button,
    setup_invalid_heading,
    setup_invalid_text,
    notice_admin_created,
    set_password_title,
    set_password_heading,
    set_password_button,
    set_password_invalid_link,
    notice_password_set,
    admin_nav_tokens,
    tokens_title,
    tokens_heading,
    tokens_intro,
    tokens_caption,
    column_token,
    column_last_used,
    never,
    token_revoked,
    field_token_name,
    create_token_button,
    token_created,
    token_label,
    token_revoked_notice,
    error_token_name,
    no_tokens,
    admin_nav_import,
    import_title,
    import_heading,
    import_intro,
    import_limits,
    field_csv_file,
    upload_button,
    recent_imports_caption,
    column_file,
    column_rows,
    column_uploaded,
    no_imports,
    import_status_preview,
    import_status_queued,
    import_status_running,
    import_status_done,
    file_too_large,
    file_too_many_rows,
    file_empty,
    file_not_utf8,
    file_malformed,
    file_no_email_column,
    file_unknown_column,
    file_repeated_column,
    file_bad_form,
    import_detail_title,
    import_detail_heading,
    import_not_found,
    verdicts_caption,
    verdict_valid,
    verdict_invalid,
    verdict_duplicate,
    verdict_already_invited,
    verdict_existing_user,
    same_file_notice,
    confirm_import_button,
    import_nothing_to_create,
    import_queued_notice,
    import_already_confirmed,
    progress_label,
    progress_text,
    download_result,
    rows_caption,
    column_row,
    column_verdict,
    column_problems,
    column_outcome,
    outcome_created,
    outcome_skipped,
    next_rows,
    first_rows,
    problem_required,
    problem_field_too_long,
    problem_control,
    problem_legal_name_length,
    problem_legal_name_letter,
    problem_country,
    problem_postal_code,
    problem_tax_id_format,
    problem_tax_id_check,
    problem_phone,
    problem_phone_country,
    problem_website_https,
    problem_website,
    import_template_link,
    problem_email_invalid,
    problem_email_too_long,
    problem_name_invalid,
    problem_message_too_long,
    problem_language_invalid,
    problem_too_long,
    problem_duplicate,
    problem_extra_fields,
    problem_invalid,
    reset_redemption_button,
    reset_redemption_intro,
    search_label,
    search_button,
    open_pending_invitation,
    company_draft_legend,
    admin_nav_providers,
    privacy_heading,
    privacy_intro,
    privacy_url_label,
    privacy_version_label,
    privacy_version_hint,
    privacy_save_button,
    privacy_saved,
    privacy_problem_address,
    privacy_problem_version,
    links_heading,
    links_intro,
    links_label,
    links_hint,
    links_save_button,
    links_saved,
    links_problem_shape,
    links_problem_label,
    links_problem_address,
    links_problem_too_many,
    admin_nav_terms,
    terms_admin_title,
    terms_admin_heading,
    terms_admin_intro,
    terms_current,
    terms_none,
    terms_consents_download,
    terms_new_label,
    terms_new_hint,
    terms_publish_button,
    terms_published,
    terms_empty,
    terms_too_long,
    terms_new_label_ko,
    terms_new_hint_ko,
    /// `{version}`.
    terms_unchanged,
    terms_current_ko,
    missing_documents_heading,
    missing_privacy,
    missing_terms,
    missing_privacy_link,
    missing_terms_link,
    providers_title,
    providers_heading,
    providers_intro,
    providers_empty,
    providers_list_label,
    provider_add_heading,
    provider_kind_label,
    provider_kind_oidc,
    provider_kind_google,
    provider_kind_microsoft,
    provider_name_label,
    provider_issuer_label,
    provider_issuer_hint,
    provider_client_id_label,
    provider_secret_label,
    provider_secret_hint,
    provider_domains_label,
    provider_domains_hint,
    provider_authoritative_label,
    provider_add_button,
    provider_remove_button,
    provider_added,
    provider_removed,
    provider_owns_domains,
    provider_col_issuer,
    provider_col_client,
    provider_col_domains,
    provider_problem_kind,
    provider_problem_name,
    provider_problem_issuer,
    provider_problem_tenant,
    provider_problem_owns_any_tenant,
    provider_problem_client_id,
    provider_problem_secret,
    provider_problem_no_domains,
    provider_problem_domain,
    provider_problem_kind_taken,
    provider_problem_domain_taken,
    /// `{why}`: the server's reason, as it saw it.
    provider_problem_discovery,
    admin_nav_apps,
    apps_title,
    apps_heading,
    /// `{issuer}`: where apps find Lobby.
    apps_intro,
    apps_empty,
    apps_list_label,
    app_kind_public,
    app_kind_confidential,
    app_col_client_id,
    app_col_redirect_uris,
    app_col_post_logout_uris,
    app_col_launch_url,
    app_col_who,
    app_for_everyone,
    app_for_company_admins,
    /// `{name}`.
    app_remove_button,
    app_removed,
    app_add_heading,
    app_name_label,
    app_redirect_label,
    app_redirect_hint,
    app_post_logout_label,
    app_launch_label,
    app_launch_hint,
    app_public_label,
    app_admins_only_label,
    app_add_button,
    /// `{client_id}`.
    app_created,
    app_secret_label,
    app_secret_once,
    app_problem_name,
    app_problem_no_redirect,
    app_problem_too_many,
    /// `{uri}`, `{why}`.
    app_problem_uri,
    uri_problem_not_absolute,
    uri_problem_plain_http,
    uri_problem_scheme,
    uri_problem_credentials,
    uri_problem_fragment,
    app_scopes_legend,
    app_scope_email_label,
    app_scope_profile_label,
    app_col_scopes,
    /// `{scope}`.
    app_problem_scope,
    admin_nav_webhooks,
    webhooks_title,
    webhooks_heading,
    webhooks_intro,
    webhooks_empty,
    webhooks_list_label,
    webhook_col_events,
    webhook_col_network,
    webhook_private_allowed,
    webhook_public_only,
    /// `{url}`.
    webhook_remove_button,
    webhook_removed,
    webhook_deliveries_heading,
    /// `{url}`.
    webhook_deliveries_label,
    webhook_deliveries_empty,
    webhook_col_when,
    webhook_col_event,
    webhook_col_state,
    webhook_col_attempts,
    webhook_col_answer,
    webhook_col_message,
    webhook_col_action,
    webhook_state_pending,
    webhook_state_delivered,
    webhook_state_failed,
    /// `{event}`, `{when}`.
    webhook_resend_button,
    webhook_resent,
    webhook_not_found,
    webhook_add_heading,
    webhook_url_label,
    webhook_url_hint,
    webhook_events_legend,
    webhook_allow_private_label,
    webhook_add_button,
    webhook_created,
    webhook_secret_label,
    webhook_secret_once,
    /// `{host}`, `{address}`.
    webhook_problem_private,
    /// `{host}`.
    webhook_problem_unresolved,
    webhook_problem_no_events,
    /// `{event}`.
    webhook_problem_unknown_event,
    webhook_event_invitation_created,
    webhook_event_invitation_accepted,
    webhook_event_invitation_revoked,
    webhook_event_company_created,
    webhook_event_consent_given,
    webhook_event_user_deleted,
    webhook_event_import_finished,
    settings_title,
    settings_heading,
    settings_intro,
    admin_nav_settings,
    settings_order_legend,
    settings_place,
    method_existing_account,
    method_organization_idp,
    method_google,
    method_microsoft,
    method_email_passcode,
    method_new_account,
    settings_passcode_label,
    settings_passcode_hint,
    settings_save_button,
    settings_saved,
    order_repeated,
    order_missing,
    order_unknown,
    trusted_heading,
    trusted_intro,
    trusted_label,
    trusted_hint,
    trusted_save_button,
    trusted_saved,
    domains_problem_entry,
    own_domains_heading,
    own_domains_intro,
    own_domains_label,
    own_domains_hint,
    own_domains_save_button,
    own_domains_saved,
    domains_problem_taken,
    error_email_mixed_scripts,
    problem_email_mixed_scripts,
    event_sessions_ended,
    column_actions,
    unlock_button,
    /// `{email}`.
    unlock_label,
    /// `{email}`.
    operator_unlocked,
    contact_heading,
    /// `{email}`: the operator's sign-in address.
    contact_intro,
    field_contact_email,
    save_contact_button,
    /// `{contact}`.
    contact_saved,
    operator_removed,
    sessions_ended,
    error_not_yourself,
    error_access_not_found,
    admins_only_access,
    admin_nav_sessions,
    sessions_title,
    sessions_heading,
    sessions_intro,
    sessions_caption,
    column_started,
    column_last_active,
    column_browser,
    column_address,
    this_session,
    field_which_session,
    all_other_sessions,
    session_started_at,
    field_your_password,
    end_session_button,
    no_other_sessions,
    error_wrong_password,
    error_too_many_passwords,
    error_session_gone,
    end_invitee_sessions_button,
    everyone_heading,
    everyone_intro,
    }
}

#[cfg(feature = "ssr")]
strings! {
    /// What only the server renders: emails, and the pages it answers
    /// without the app (too large, unavailable, the development mailbox).
    /// Never compiled into the browser's bundle.
    pub struct ServerStrings: dashboard DashboardStrings in EN_SERVER, KO_SERVER, english_server {
    /// `{inviter}`, `{org}`.
    email_invite_subject,
    /// `{name}`.
    email_greeting_named,
    email_greeting,
    /// `{inviter}`, `{org}`, `{product}`.
    email_invite_line,
    email_fallback,
    /// `{date}`.
    email_expiry,
    /// `{inviter}`, `{contact}`.
    email_contact,
    /// `{org}`, `{email}`.
    email_footer,
    /// `{org}`.
    operator_email_subject,
    /// `{org}`.
    operator_email_body,
    operator_email_button,
    operator_email_expiry,
    dev_mail_title,
    dev_mail_heading,
    /// `{dir}`: where the files are.
    dev_mail_intro,
    dev_mail_caption,
    dev_mail_empty,
    column_received,
    column_to,
    column_subject,
    dev_mail_cc,
    dev_mail_text_heading,
    dev_mail_html_heading,
    dev_mail_open_html,
    dev_mail_no_html,
    dev_mail_back,
    dev_mail_forbidden,
    dev_mail_not_found,
    /// `{invitee}`.
    email_new_link_subject,
    /// `{invitee}`, `{org}`, `{email}`, `{date}`.
    email_new_link_body,
    no_flow_heading,
    no_flow_body,
    /// `{invitee}`, `{org}`.
    email_admin_subject,
    /// `{invitee}`, `{email}`, `{org}`.
    email_admin_intro,
    /// `{org}`.
    email_admin_grants,
    /// `{invitee}`.
    email_admin_after,
    email_admin_note,
    email_admin_button,
    email_admin_footer,
    /// `{invitee}`.
    email_inviter_admin_subject,
    /// `{invitee}`, `{email}`, `{org}`, `{admin}`.
    email_inviter_admin_body,
    /// `{org}`.
    email_continue_subject,
    /// `{org}`.
    email_continue_body,
    email_continue_button,
    approval_done_title,
    /// `{org}`.
    approval_done_body,
    approval_invalid_title,
    approval_invalid_body,
    approval_other_tenant_body,
    approval_declined_title,
    /// `{reason}`: Microsoft's words.
    approval_declined_body,
    too_many_title,
    email_code_subject_sign_in,
    email_code_subject_verify,
    email_code_subject_reset,
    email_code_intro_sign_in,
    email_code_intro_verify,
    email_code_intro_reset,
    email_code_body,
    email_automatic_subject,
    email_automatic_intro,
    email_automatic_privacy,
    email_automatic_terms,
    email_automatic_footer,
    /// `{org}`.
    email_moved_subject,
    /// `{org}`, `{email}` (the new address).
    email_moved_body,
    email_direct_subject,
    email_direct_intro,
    email_direct_button,
    email_direct_footer,
    too_large_title,
    /// `{limit}`: the size limit, e.g. `2 MiB`.
    too_large_message,
    /// 431: a request's headers past their limit; `{limit}`.
    headers_too_large_message,
    /// 503: the database cannot be reached for now.
    unavailable_title,
    /// 503: what to do; nothing was lost.
    unavailable_message,
    /// The seller's app asked for a sign-in that is not valid.
    app_link_invalid_title,
    app_unknown_client,
    app_unregistered_redirect,
    app_sign_in_title,
    /// `{org}`.
    app_sign_in_body,
    /// `{org}`.
    app_sign_in_link,
    app_unfinished_title,
    /// `{org}`.
    app_unfinished_body,
    app_no_access_title,
    /// `{org}`.
    app_no_access_body,
    app_sign_out_title,
    app_sign_out_invalid,
    /// `{org}`.
    app_sign_out_question,
    app_sign_out_button,
    app_signed_out_title,
    /// `{org}`.
    app_signed_out_body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let bundles = |l: Locale| {
            let mut all = l.strings().own();
            all.extend(l.dashboard_strings().own());
            all.extend(l.server_strings().own());
            all
        };
        let (en, ko) = (bundles(Locale::En), bundles(Locale::Ko));
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
        // only names (the product's and organization's, and Google's and
        // Microsoft's) stay the same.
        let untranslated: Vec<_> = en
            .iter()
            .zip(ko.iter())
            .filter(|((key, e), (_, k))| {
                e == k
                    && ![
                        "footer_text",
                        "page_title_home",
                        "provider_kind_google",
                        "provider_kind_microsoft",
                        "method_microsoft",
                        // Only its placeholders: an address and its problem.
                        "app_problem_uri",
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
    fn fill_names_must_be_the_placeholders() {
        assert!(placeholders_are("Hi {name}, from {org}", &["org", "name"]));
        assert!(placeholders_are("no placeholder", &[]));
        assert!(!placeholders_are("Hi {name}", &[]), "one left unfilled");
        assert!(
            !placeholders_are("Hi {name}", &["name", "org"]),
            "one too many"
        );
        assert!(!placeholders_are("Hi {name}", &["nam"]));
        assert_eq!(
            crate::fill!(
                Locale::En.strings(),
                step_of,
                n = "2",
                of = String::from("4")
            ),
            fill(Locale::En.strings().step_of, &[("n", "2"), ("of", "4")])
        );
    }

    /// The check `strings!` runs on every string when compiling.
    #[test]
    fn placeholders_must_match_both_ways() {
        assert!(same_placeholders(
            "Hi {name}, from {org}",
            "{org}의 {name}님"
        ));
        assert!(same_placeholders("no placeholder", "자리 표시자 없음"));
        assert!(!same_placeholders("Hi {name}", "안녕하세요"));
        assert!(!same_placeholders("Hi", "{name}님"));
        assert!(!same_placeholders("{org}", "{orgs}"));
        assert!(!same_placeholders("{org", "{org"), "an unclosed brace");
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
