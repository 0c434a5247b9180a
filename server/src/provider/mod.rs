//! Lobby as the OpenID provider of the seller's apps (architecture.md
//! §3.8): the apps an organization registers, the keys that sign its
//! tokens, the authorization code flow with PKCE, and what the tokens say
//! about a customer: who they are, their company and role, how they
//! signed in.

pub mod apps;
pub mod authorize;
pub mod claims;
pub mod dashboard;
pub mod discovery;
pub mod keys;
pub mod logout;
pub mod pending;
pub mod token;

use std::time::Duration;

/// An authorization code is exchanged within this time, or never.
pub const CODE_LIFETIME: Duration = Duration::from_secs(60);

/// ID and access tokens live this long.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(10 * 60);
