//! The invitee's side of an invitation: what the link shows, asking for a
//! new link when it no longer works, and signing in to redeem it.

pub mod admin_approval;
pub mod automatic;
pub mod consents;
mod dashboard;
mod dashboard_terms;
pub mod direct;
pub mod federated;
pub mod finish;
pub mod journey;
pub mod landing;
pub mod link_reader;
pub mod settings;
pub mod sign_in;
pub mod step;
pub mod terms;
