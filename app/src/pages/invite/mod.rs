//! The invitee's pages, from the link in the invitation email.
pub mod company;
pub mod consent;
#[cfg(feature = "ssr")]
pub mod landing;
pub mod signed_in;
pub mod start;
