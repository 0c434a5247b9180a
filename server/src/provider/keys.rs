//! The keys that sign Lobby's tokens: RSA (RS256, which every OpenID
//! client supports), generated at first start, kept sealed with the server
//! key, published in the JWKS. A new key is published [`PUBLISH_AHEAD`]
//! before it signs, so that every instance and every app's cache knows it
//! first; a key it replaces stays published until the last token signed
//! with it has expired.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use openidconnect::core::{CoreJsonWebKey, CoreJsonWebKeySet, CoreRsaPrivateSigningKey};
use openidconnect::{JsonWebKeyId, PrivateSigningKey};
use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryOrder, Set,
};

use uuid::Uuid;

use super::TOKEN_LIFETIME;
use crate::clock::Clock;
use crate::secret::Secret;
use crate::store::entities::signing_key;

pub const ALGORITHM: &str = "RS256";

/// How long a new key is published before it signs.
pub const PUBLISH_AHEAD: Duration = Duration::from_secs(5 * 60);

/// How long an instance keeps what it read of the keys (well under
/// [`PUBLISH_AHEAD`], so a rotation on another instance is seen in time).
const READ_AGAIN_AFTER: Duration = Duration::from_secs(30);

/// Clocks of instances and apps may differ this much.
const CLOCK_SKEW: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("signing key: {0}")]
    Key(String),
    #[error("a signing key does not open with this server key (was LOBBY_SECRET_KEY changed?)")]
    Sealed,
}

/// The key that signs now.
pub struct ActiveKey {
    pub kid: String,
    pub key: CoreRsaPrivateSigningKey,
}

/// What an instance read of the keys.
pub struct KeySet {
    read_at: DateTime<Utc>,
    pub signing: Arc<ActiveKey>,
    /// Every key an app may meet in a live token, and the next one.
    pub published: Vec<CoreJsonWebKey>,
}

impl KeySet {
    pub fn jwks(&self) -> CoreJsonWebKeySet {
        CoreJsonWebKeySet::new(self.published.clone())
    }

    /// The published key `kid`.
    pub fn verifying(&self, kid: &str) -> Option<&CoreJsonWebKey> {
        use openidconnect::JsonWebKey;
        self.published
            .iter()
            .find(|k| k.key_id().is_some_and(|id| id.as_str() == kid))
    }
}

fn after(at: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    at + chrono::Duration::from_std(d).unwrap_or_default()
}

/// A new key pair: its id, its private key as PKCS#1 PEM, its public JWK.
fn generate() -> Result<(String, Secret<String>, String), KeyError> {
    let mut rng = rsa::rand_core::OsRng;
    let key = rsa::RsaPrivateKey::new(&mut rng, 2048).map_err(|e| KeyError::Key(e.to_string()))?;
    let pem = key
        .to_pkcs1_pem(LineEnding::LF)
        .map_err(|e| KeyError::Key(e.to_string()))?;
    let kid = hex::encode(rand::random::<[u8; 12]>());
    let signing = CoreRsaPrivateSigningKey::from_pem(&pem, Some(JsonWebKeyId::new(kid.clone())))
        .map_err(KeyError::Key)?;
    let mut jwk = serde_json::to_value(signing.as_verification_key())
        .map_err(|e| KeyError::Key(e.to_string()))?;
    jwk["alg"] = ALGORITHM.into();
    Ok((kid, Secret::new(pem.to_string()), jwk.to_string()))
}

/// A new key, sealed, as its row would store it.
async fn made(
    server_key: &[u8; 32],
    usable_from: DateTime<Utc>,
    clock: &dyn Clock,
) -> Result<signing_key::ActiveModel, KeyError> {
    // RSA key generation takes a while: off the request threads.
    let (kid, pem, jwk) = tokio::task::spawn_blocking(generate)
        .await
        .map_err(|e| KeyError::Key(e.to_string()))??;
    let sealed = crate::sealed::seal(server_key, &kid, &pem).ok_or(KeyError::Sealed)?;
    Ok(signing_key::ActiveModel {
        id: Set(kid),
        algorithm: Set(ALGORITHM.into()),
        private_sealed: Set(sealed),
        public_jwk: Set(jwk),
        created_at: Set(clock.now()),
        usable_from: Set(usable_from),
    })
}

/// What instances lock to make the first key one at a time.
const FIRST_KEY: Uuid = Uuid::from_u128(0x6b65_7973_0000_0000_0000_0000_0000_0001);

/// Makes the first key, at first start (or on first use), if there is none.
/// The pair is made first (it takes a while), then stored only if there is
/// still none, checked and written in a transaction instances take one at
/// a time: two instances starting at once store one key, and both publish it.
pub async fn ensure(
    db: &DatabaseConnection,
    server_key: &[u8; 32],
    clock: &dyn Clock,
) -> Result<(), KeyError> {
    if signing_key::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let key = made(server_key, clock.now(), clock).await?;
    let txn = crate::store::begin_write(db).await?;
    crate::store::lock_for(&txn, FIRST_KEY).await?;
    if signing_key::Entity::find().count(&txn).await? == 0 {
        key.insert(&txn).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// `lobby keys rotate`: a new key, published now, signing from
/// [`PUBLISH_AHEAD`] on; its id.
pub async fn rotate(
    db: &DatabaseConnection,
    server_key: &[u8; 32],
    clock: &dyn Clock,
) -> Result<String, KeyError> {
    let key = made(server_key, after(clock.now(), PUBLISH_AHEAD), clock).await?;
    Ok(key.insert(db).await?.id)
}

/// The keys as they stand at `now`: the newest usable one signs; a key is
/// published until its successor has signed for longer than a token lives.
fn arrange(
    rows: Vec<signing_key::Model>,
    server_key: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<Option<KeySet>, KeyError> {
    let mut signing = None;
    let mut published = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let replaced_at = rows[i + 1..]
            .iter()
            .map(|next| next.usable_from)
            .find(|from| *from <= now);
        let still_verified = match replaced_at {
            None => true,
            Some(at) => after(at, TOKEN_LIFETIME + CLOCK_SKEW) > now,
        };
        if still_verified {
            let jwk: CoreJsonWebKey =
                serde_json::from_str(&row.public_jwk).map_err(|e| KeyError::Key(e.to_string()))?;
            published.push(jwk);
        }
        if row.usable_from <= now {
            signing = Some(row);
        }
    }
    let Some(row) = signing else {
        return Ok(None);
    };
    let pem =
        crate::sealed::open(server_key, &row.id, &row.private_sealed).ok_or(KeyError::Sealed)?;
    let key =
        CoreRsaPrivateSigningKey::from_pem(pem.expose(), Some(JsonWebKeyId::new(row.id.clone())))
            .map_err(KeyError::Key)?;
    Ok(Some(KeySet {
        read_at: now,
        signing: Arc::new(ActiveKey {
            kid: row.id.clone(),
            key,
        }),
        published,
    }))
}

/// The keys, read from the database at most every [`READ_AGAIN_AFTER`].
pub struct SigningKeys {
    server_key: Arc<Secret<[u8; 32]>>,
    read: Mutex<Option<Arc<KeySet>>>,
}

impl SigningKeys {
    pub fn new(server_key: Arc<Secret<[u8; 32]>>) -> SigningKeys {
        SigningKeys {
            server_key,
            read: Mutex::new(None),
        }
    }

    fn cached(&self, now: DateTime<Utc>) -> Option<Arc<KeySet>> {
        let read = self.read.lock().ok()?;
        read.as_ref()
            .filter(|set| now >= set.read_at && after(set.read_at, READ_AGAIN_AFTER) > now)
            .cloned()
    }

    pub async fn current(
        &self,
        db: &DatabaseConnection,
        clock: &dyn Clock,
    ) -> Result<Arc<KeySet>, KeyError> {
        let now = clock.now();
        if let Some(set) = self.cached(now) {
            return Ok(set);
        }
        let key = self.server_key.expose();
        let rows = || {
            signing_key::Entity::find()
                .order_by_asc(signing_key::Column::UsableFrom)
                .order_by_asc(signing_key::Column::CreatedAt)
                .all(db)
        };
        let set = match arrange(rows().await?, key, now)? {
            Some(set) => set,
            None => {
                ensure(db, key, clock).await?;
                arrange(rows().await?, key, now)?
                    .ok_or_else(|| KeyError::Key("no key signs yet".into()))?
            }
        };
        let set = Arc::new(set);
        if let Ok(mut read) = self.read.lock() {
            *read = Some(set.clone());
        }
        Ok(set)
    }
}
