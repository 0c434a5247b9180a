//! Signed webhooks: the seller's systems hear what happened (an invitation
//! created, accepted or revoked, a company created, a consent given, a
//! customer deleted, an import finished). Each event becomes one delivery
//! row per subscribed endpoint in the transaction of the change itself (as
//! the email outbox does), and a worker posts them, signed per the Standard
//! Webhooks specification, retrying with back-off for a day.

pub mod dashboard;
pub mod delivery;
pub mod endpoints;
pub mod events;
pub mod signing;

pub use app::model::webhooks::Event;
pub use delivery::Deliverer;
pub use events::emit;

/// Waiting for delivery (again, after a failed attempt).
pub const PENDING: &str = "pending";
/// The endpoint answered 2xx.
pub const DELIVERED: &str = "delivered";
/// Given up after the retry policy's last attempt; kept with its last error.
pub const FAILED: &str = "failed";
