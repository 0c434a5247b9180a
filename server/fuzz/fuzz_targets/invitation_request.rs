//! A `POST /v1.0/invitations` body as bytes: it is refused or validated,
//! never a panic; a valid request carries a normalized address.
#![no_main]

use app::model::email::normalize_email;
use libfuzzer_sys::fuzz_target;
use lobby::invitations::create::{validate, CreateRequest};

fuzz_target!(|bytes: &[u8]| {
    let Ok(request) = serde_json::from_slice::<CreateRequest>(bytes) else {
        return;
    };
    if let Ok(valid) = validate(request, &["https://lobby.example/".to_owned()]) {
        assert_eq!(normalize_email(valid.email()).as_deref(), Ok(valid.email()));
    }
});
