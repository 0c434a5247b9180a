//! Shared test fixtures: databases on both backends, the `lobby` binary as a
//! process, and a real SMTP listener.
pub mod db;
pub mod idp;
pub mod process;
pub mod smtp;
