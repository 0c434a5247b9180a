//! Reusable pieces of the UI.
pub mod admin_nav;
pub mod language_switcher;
