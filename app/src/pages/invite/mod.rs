//! The invitee's pages, from the link in the invitation email.
pub mod landing;
