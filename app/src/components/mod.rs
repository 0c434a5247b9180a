//! Reusable pieces of the UI.
pub mod language_switcher;
