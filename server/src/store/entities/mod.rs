//! One sea-orm entity per table.
pub mod api_token;
pub mod audit_event;
pub mod company;
pub mod consent;
pub mod email_outbox;
pub mod identity;
pub mod invitation;
pub mod invitation_ticket;
pub mod membership;
pub mod org_role;
pub mod organization;
pub mod rate_limit_event;
pub mod session;
pub mod terms_version;
pub mod user;
pub mod verification_code;
