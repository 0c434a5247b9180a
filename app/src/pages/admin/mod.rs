//! The operators' pages under `/admin`.
pub mod home;
pub mod invitations;
pub mod login;
pub mod new_invitation;
