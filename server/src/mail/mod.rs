//! Email: every message is an outbox row first, written in the transaction
//! that causes it; a worker delivers the rows with retries and back-off.

pub mod dev_mailbox;
pub mod outbox;
mod plain_smtp;
pub mod templates;
pub mod transport;
mod undelivered;
pub mod worker;

pub use outbox::{enqueue, OutgoingEmail};
pub use transport::MailTransport;
pub use worker::{OutboxWorker, RetryPolicy};
