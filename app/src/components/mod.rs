//! Reusable pieces of the UI.
pub mod admin_nav;
pub mod company_fields;
pub mod company_form;
pub mod confirm;
pub mod copy_button;
pub mod error_notice;
pub mod language_switcher;
pub mod latest_outcome;
pub mod local_time;
pub mod new_password;
pub mod step_indicator;
