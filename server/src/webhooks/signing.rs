//! Standard Webhooks signatures (<https://www.standardwebhooks.com>): a
//! `whsec_`-prefixed base64 secret per endpoint, and for each request
//! `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, so
//! any of the specification's libraries verifies Lobby's deliveries.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::secret::Secret;

const PREFIX: &str = "whsec_";

/// A new endpoint secret: 256 random bits.
pub fn new_secret() -> Secret<String> {
    let bytes: [u8; 32] = rand::random();
    Secret::new(format!("{PREFIX}{}", STANDARD.encode(bytes)))
}

/// The `webhook-id` of an event: the same for each endpoint and attempt.
pub fn message_id(event_id: Uuid) -> String {
    format!("msg_{}", event_id.simple())
}

/// The `webhook-signature` of `body` sent as message `id` at `timestamp`
/// (Unix seconds); `None` for a secret that is not base64.
pub fn signature(secret: &Secret<String>, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let encoded = secret.expose();
    let key = STANDARD
        .decode(encoded.strip_prefix(PREFIX).unwrap_or(encoded))
        .ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the specification's reference libraries.
    #[test]
    fn signs_as_the_specification_does() {
        let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned());
        let signed = signature(
            &secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signed.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn secrets_are_new_each_time_and_usable() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a.expose(), b.expose());
        assert!(a.expose().starts_with("whsec_"));
        assert!(signature(&a, "msg_1", 1, "{}").is_some());
        assert!(signature(&Secret::new("whsec_%%%".to_owned()), "msg_1", 1, "{}").is_none());
    }
}
