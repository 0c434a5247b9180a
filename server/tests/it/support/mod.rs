//! Shared test fixtures: databases on both backends and a real SMTP listener.
pub mod db;
pub mod smtp;
