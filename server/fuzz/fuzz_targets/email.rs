//! Email normalization: never panics; an accepted address is a fixed point
//! (normalizing it again changes nothing), has one `@`, at most 254
//! characters, and no upper case.
#![no_main]

use app::model::email::{normalize_email, MAX_EMAIL_CHARS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &str| {
    let Ok(email) = normalize_email(raw) else {
        return;
    };
    assert_eq!(
        normalize_email(&email).as_deref(),
        Ok(email.as_str()),
        "{raw:?}"
    );
    assert_eq!(email.matches('@').count(), 1, "{email:?}");
    assert!(email.chars().count() <= MAX_EMAIL_CHARS, "{email:?}");
    assert_eq!(email.to_lowercase(), email, "{raw:?}");
});
