//! Secrets Lobby must store and use again, such as identity providers'
//! client secrets, sealed with a key derived from the server key
//! (ChaCha20-Poly1305). The row's id is bound in as associated data, so a
//! sealed value copied onto another row does not open.

use hmac::{Hmac, KeyInit, Mac};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use sha2::Sha256;

use crate::secret::Secret;

const VERSION: &str = "v1:";

/// The sealing key, apart from the key of the codes' HMACs.
fn sealing_key(server_key: &[u8; 32]) -> Option<LessSafeKey> {
    let mut mac = Hmac::<Sha256>::new_from_slice(server_key).ok()?;
    mac.update(b"lobby sealed secrets v1");
    let derived = mac.finalize().into_bytes();
    let key = UnboundKey::new(&CHACHA20_POLY1305, &derived).ok()?;
    Some(LessSafeKey::new(key))
}

/// `plain`, sealed for the row `bound_to`, as text for a column.
pub fn seal(server_key: &[u8; 32], bound_to: &str, plain: &Secret<String>) -> Option<String> {
    let key = sealing_key(server_key)?;
    let nonce_bytes: [u8; NONCE_LEN] = rand::random();
    let mut data = plain.expose().as_bytes().to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce_bytes),
        Aad::from(bound_to.as_bytes()),
        &mut data,
    )
    .ok()?;
    Some(format!(
        "{VERSION}{}{}",
        hex::encode(nonce_bytes),
        hex::encode(data)
    ))
}

/// The secret `sealed` holds, if it was sealed with this key for `bound_to`.
pub fn open(server_key: &[u8; 32], bound_to: &str, sealed: &str) -> Option<Secret<String>> {
    let key = sealing_key(server_key)?;
    let bytes = hex::decode(sealed.strip_prefix(VERSION)?).ok()?;
    if bytes.len() < NONCE_LEN {
        return None;
    }
    let (nonce, data) = bytes.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut data = data.to_vec();
    let plain = key
        .open_in_place(nonce, Aad::from(bound_to.as_bytes()), &mut data)
        .ok()?;
    String::from_utf8(plain.to_vec()).ok().map(Secret::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_only_with_its_key_and_row() {
        let key = [7u8; 32];
        let plain = Secret::new("client-secret-value".to_owned());
        let sealed = seal(&key, "row-1", &plain).unwrap();
        assert!(!sealed.contains("client-secret-value"));
        assert_ne!(sealed, seal(&key, "row-1", &plain).unwrap(), "fresh nonce");
        assert_eq!(open(&key, "row-1", &sealed), Some(plain));
        assert_eq!(open(&[8u8; 32], "row-1", &sealed), None, "other key");
        assert_eq!(open(&key, "row-2", &sealed), None, "other row");
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_eq!(open(&key, "row-1", &tampered), None, "tampered");
        assert_eq!(open(&key, "row-1", "v1:00"), None);
    }
}
