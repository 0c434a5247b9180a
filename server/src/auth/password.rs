//! Password hashing with argon2id at OWASP's parameters (m = 19 MiB, t = 2,
//! p = 1), always on a blocking thread so sign-ins never stall the runtime,
//! and the check against the bundled common-password list.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use app::model::password::{check_password, PasswordProblem};
use argon2::password_hash::{rand_core::OsRng, Output, PasswordHash, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::secret::Secret;

pub const MEMORY_KIB: u32 = 19 * 1024;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

fn params() -> Params {
    // The parameters are constants within argon2's limits.
    Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).unwrap_or_default()
}

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// [`QUEUE_LIMIT`] hashes are waiting already: answer 503, try later.
    #[error("too many passwords are waiting to be hashed")]
    Busy,
}

/// How many hashes may wait for a hashing thread. At about 50 ms a hash on
/// each core, the last of them waits under two seconds on two cores; more
/// would only grow a queue that clients give up on.
pub const QUEUE_LIMIT: usize = 64;

/// A place in the hashing queue; the place is given back when dropped
/// (when its job starts, or when a job that never ran is thrown away).
struct Place<'a>(&'a AtomicUsize);

impl<'a> Place<'a> {
    fn take(waiting: &'a AtomicUsize, limit: usize) -> Option<Place<'a>> {
        let taken = waiting.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < limit).then_some(n + 1)
        });
        taken.is_ok().then(|| Place(waiting))
    }
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

static WAITING: AtomicUsize = AtomicUsize::new(0);

/// Work for a hashing thread, given that thread's argon2 memory.
type Job = Box<dyn FnOnce(&mut [Block]) + Send>;

/// Hashes run on one thread per core, each reusing its own 19 MiB of
/// argon2 memory. Memory stays flat under any load (a fresh 19 MiB per
/// hash, spread over the runtime's blocking threads, kept hundreds of MB
/// resident), no more hashes run at once than there are cores, and the
/// async runtime never waits on one.
fn hashing_threads() -> &'static Mutex<Sender<Job>> {
    static JOBS: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    JOBS.get_or_init(|| {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        for i in 0..cores {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    let mut memory = vec![Block::default(); params().block_count()];
                    loop {
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(&mut memory),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        Mutex::new(jobs)
    })
}

/// Runs `work` on a hashing thread, when the queue has room. A job whose
/// requester has gone (the client disconnected, the request was dropped)
/// is skipped rather than hashed for nobody.
async fn on_hashing_thread<T: Send + 'static>(
    work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
) -> Result<T, HashError> {
    let place = Place::take(&WAITING, QUEUE_LIMIT).ok_or(HashError::Busy)?;
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move |memory| {
        drop(place);
        if !answer.is_closed() {
            let _ = answer.send(work(memory));
        }
    });
    let stopped = || HashError::Hash("no hashing thread".into());
    hashing_threads()
        .lock()
        .map_err(|_| stopped())?
        .send(job)
        .map_err(|_| stopped())?;
    answered.await.map_err(|_| stopped())
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) for `password`.
pub async fn hash(password: Secret<String>) -> Result<String, HashError> {
    let failed = |e: argon2::password_hash::Error| HashError::Hash(e.to_string());
    on_hashing_thread(move |memory| {
        let salt = SaltString::generate(&mut OsRng);
        let mut raw = [0u8; 64];
        let salt_bytes = salt.as_salt().decode_b64(&mut raw).map_err(failed)?;
        let mut out = [0u8; 32];
        argon2()
            .hash_password_into_with_memory(
                password.expose().as_bytes(),
                salt_bytes,
                &mut out,
                memory,
            )
            .map_err(|e| HashError::Hash(e.to_string()))?;
        let output = Output::new(&out).map_err(failed)?;
        Ok(format!(
            "$argon2id$v=19$m={MEMORY_KIB},t={ITERATIONS},p={PARALLELISM}${}${output}",
            salt.as_str()
        ))
    })
    .await?
}

/// Whether `password` matches `stored`. Without a stored hash (no such
/// account) it verifies against a fixed hash, so the answer takes as long
/// either way and timing does not reveal whether an account exists.
/// [`HashError::Busy`] when the queue is full: no verdict, so no failure to count.
pub async fn verify(password: Secret<String>, stored: Option<String>) -> Result<bool, HashError> {
    on_hashing_thread(move |memory| {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        let matches = matches(&parsed, password.expose().as_bytes(), memory);
        known && matches
    })
    .await
}

/// Recomputes `parsed` for `password` in `memory`; hashes made at other
/// parameters go the library's own (allocating) way.
fn matches(parsed: &PasswordHash<'_>, password: &[u8], memory: &mut [Block]) -> bool {
    let ours = params();
    let same_parameters = parsed.algorithm == Algorithm::Argon2id.ident()
        && parsed.version == Some(Version::V0x13 as u32)
        && Params::try_from(parsed).is_ok_and(|p| {
            (p.m_cost(), p.t_cost(), p.p_cost()) == (ours.m_cost(), ours.t_cost(), ours.p_cost())
        });
    if !same_parameters {
        return argon2().verify_password(password, parsed).is_ok();
    }
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut raw = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut raw) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if argon2()
        .hash_password_into_with_memory(password, salt, &mut out, memory)
        .is_err()
    {
        return false;
    }
    app::model::operator::same_token(&hex::encode(out), &hex::encode(expected.as_bytes()))
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
        assert!(verify(
            Secret::new("correct horse battery staple".into()),
            Some(phc.clone())
        )
        .await
        .unwrap());
        assert!(!verify(
            Secret::new("correct horse battery stapler".into()),
            Some(phc.clone())
        )
        .await
        .unwrap());
        let again = hash(Secret::new("correct horse battery staple".into()))
            .await
            .unwrap();
        assert_ne!(phc, again, "a fresh salt each time");
    }

    #[tokio::test]
    async fn hashes_made_by_the_library_verify_too() {
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let lighter = Params::new(8 * 1024, 1, 1, None).unwrap();
        for argon in [
            argon2(),
            Argon2::new(Algorithm::Argon2id, Version::V0x13, lighter),
        ] {
            let phc = argon
                .hash_password(b"correct horse battery staple", &salt)
                .unwrap()
                .to_string();
            assert!(verify(
                Secret::new("correct horse battery staple".into()),
                Some(phc.clone())
            )
            .await
            .unwrap());
            assert!(!verify(
                Secret::new("correct horse battery stapled".into()),
                Some(phc)
            )
            .await
            .unwrap());
        }
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(
            PasswordHash::new(DUMMY_HASH).is_ok(),
            "the dummy hash parses, so the work is done"
        );
        assert!(!verify(Secret::new("anything at all here".into()), None)
            .await
            .unwrap());
    }

    #[test]
    fn the_queue_admits_up_to_its_limit() {
        let waiting = AtomicUsize::new(0);
        let first = Place::take(&waiting, 2);
        let second = Place::take(&waiting, 2);
        assert!(first.is_some() && second.is_some());
        assert!(Place::take(&waiting, 2).is_none(), "full");
        drop(first);
        assert!(Place::take(&waiting, 2).is_some(), "a place given back");
        drop(second);
        assert_eq!(waiting.load(Ordering::Acquire), 0);
    }

    #[tokio::test]
    async fn a_job_whose_requester_has_gone_is_skipped() {
        use std::sync::atomic::AtomicBool;
        use std::sync::Barrier;
        use std::time::Duration;
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        // Hold every hashing thread until the barrier opens.
        let barrier = Arc::new(Barrier::new(threads + 1));
        let (started, holding) = std::sync::mpsc::channel();
        let holders: Vec<_> = (0..threads)
            .map(|_| {
                let (barrier, started) = (barrier.clone(), started.clone());
                tokio::spawn(on_hashing_thread(move |_| {
                    let _ = started.send(());
                    barrier.wait();
                }))
            })
            .collect();
        tokio::task::spawn_blocking(move || {
            for _ in 0..threads {
                holding.recv().unwrap();
            }
        })
        .await
        .unwrap();
        // A request that gives up while its job waits.
        let ran = Arc::new(AtomicBool::new(false));
        let flag = ran.clone();
        let gave_up = tokio::time::timeout(
            Duration::from_millis(50),
            on_hashing_thread(move |_| flag.store(true, Ordering::Release)),
        )
        .await;
        let opener = barrier.clone();
        tokio::task::spawn_blocking(move || opener.wait())
            .await
            .unwrap();
        for holder in holders {
            holder.await.unwrap().unwrap();
        }
        on_hashing_thread(|_| ()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(gave_up.is_err(), "every thread was held");
        assert!(!ran.load(Ordering::Acquire), "nobody waited for it");
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
