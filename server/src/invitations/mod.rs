//! Invitations: the redeem ticket now; creation, resend and revocation next.
pub mod ticket;
