//! Server functions, one file per capability; thin adapters over the server.
pub mod invitations;
pub mod operator;
pub mod operators;
