//! Lobby's integration tests: one binary, with a module per area.
// All of this crate is tests, its helpers too: they stop a test loudly
// where it cannot go on (clippy.toml allows the same inside #[test]).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod access;
mod admin_approval;
mod api;
mod architecture;
mod assets;
mod bulk_import;
mod bundle;
mod codes;
mod crash;
mod customers_api;
mod dev_mail;
mod direct;
mod documents;
mod growth;
mod http;
mod invitations_api;
mod journey;
mod landing;
mod limits;
mod mail;
mod metrics;
mod operator_sign_in;
mod overview;
mod process;
mod progress;
mod provider;
mod providers;
mod proxies;
mod scale_out;
mod setup;
mod sign_in;
mod storage;
mod support;
mod webhooks;
