//! The invitee's side of an invitation: what the link shows, and asking for
//! a new link when it no longer works.

pub mod landing;
