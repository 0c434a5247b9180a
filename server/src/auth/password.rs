//! Password hashing with argon2id at OWASP's parameters (m = 19 MiB, t = 2,
//! p = 1), always on a blocking thread so sign-ins never stall the runtime,
//! and the check against the bundled common-password list.

use app::model::password::{check_password, PasswordProblem};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::secret::Secret;

pub const MEMORY_KIB: u32 = 19 * 1024;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

fn argon2() -> Argon2<'static> {
    // The parameters are constants within argon2's limits.
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) for `password`.
pub async fn hash(password: Secret<String>) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| HashError::Hash(e.to_string()))
    })
    .await?
}

/// Whether `password` matches `stored`. Without a stored hash (no such
/// account) it verifies against a fixed hash, so the answer takes as long
/// either way and timing does not reveal whether an account exists.
pub async fn verify(password: Secret<String>, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        let matches = argon2()
            .verify_password(password.expose().as_bytes(), &parsed)
            .is_ok();
        known && matches
    })
    .await
    .unwrap_or(false)
}

/// A hash at the same parameters, of a password nobody knows.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$bG9iYnktZHVtbXktc2FsdA$Q9WzUYk7pTfGz0hBIhpXbV3FhFjNwH1m2L2dH8R5vfY";

/// On zxcvbn's list of the 30 000 most common passwords (as a whole, also
/// reversed or in l33t spelling).
pub fn is_common(lowered: &str) -> bool {
    if lowered.is_empty() || lowered.chars().count() > 64 {
        return false;
    }
    let entropy = zxcvbn::zxcvbn(lowered, &[]);
    match entropy.sequence() {
        [only] => match &only.pattern {
            zxcvbn::matching::patterns::MatchPattern::Dictionary(d) => {
                format!("{:?}", d.dictionary_name) == "Passwords"
            }
            _ => false,
        },
        _ => false,
    }
}

/// The server's password rule: the shared rule with the bundled list.
pub fn acceptable(password: &str, context: &[&str]) -> Result<(), PasswordProblem> {
    check_password(password, context, is_common)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_argon2id_at_owasp_parameters_and_verifies() {
        let phc = hash(Secret::new("correct horse battery staple".into()))
            .await
            .unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(
            verify(
                Secret::new("correct horse battery staple".into()),
                Some(phc.clone())
            )
            .await
        );
        assert!(
            !verify(
                Secret::new("correct horse battery stapler".into()),
                Some(phc.clone())
            )
            .await
        );
        let again = hash(Secret::new("correct horse battery staple".into()))
            .await
            .unwrap();
        assert_ne!(phc, again, "a fresh salt each time");
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(
            PasswordHash::new(DUMMY_HASH).is_ok(),
            "the dummy hash parses, so the work is done"
        );
        assert!(!verify(Secret::new("anything at all here".into()), None).await);
    }

    #[test]
    fn the_bundled_list_knows_common_passwords() {
        assert!(is_common("password"));
        assert!(is_common("qwertyuiop"));
        assert!(is_common("iloveyou"));
        assert!(!is_common("correct horse battery staple"));
        assert_eq!(
            acceptable("1qaz2wsx3edc4rfv", &[]),
            Err(PasswordProblem::Common)
        );
        assert_eq!(
            acceptable("QazWsxEdcRfvTgb", &[]),
            Err(PasswordProblem::Common)
        );
        assert_eq!(acceptable("a calm lake at dawn", &[]), Ok(()));
    }
}
