//! One module per route.
pub mod admin;
pub mod direct;
pub mod home;
pub mod invite;
pub mod not_found;
pub mod setup;
