//! The operators' pages under `/admin`.
pub mod apps;
pub mod charts;
pub mod company;
pub mod domain_list;
pub mod home;
pub mod import_detail;
pub mod import_upload;
pub mod invitation_detail;
pub mod invitations;
#[cfg(any(feature = "ssr", feature = "dashboard"))]
pub mod lazy;
pub mod login;
pub mod names;
pub mod new_invitation;
pub mod operators;
pub mod privacy;
pub mod providers;
pub mod sessions;
pub mod set_password;
pub mod settings;
pub mod terms;
pub mod tokens;
pub mod webhooks;
pub mod welcome_links;
