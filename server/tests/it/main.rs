//! Lobby's integration tests: one binary, with a module per area.
mod api;
mod bulk_import;
mod codes;
mod direct;
mod http;
mod invitations_api;
mod journey;
mod landing;
mod limits;
mod mail;
mod operator_sign_in;
mod process;
mod providers;
mod sign_in;
mod storage;
mod support;
