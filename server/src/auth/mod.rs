//! Authentication: passwords, server-side sessions and rate limits.
pub mod codes;
pub mod password;
pub mod password_attempts;
pub mod rate_limit;
pub mod session;
