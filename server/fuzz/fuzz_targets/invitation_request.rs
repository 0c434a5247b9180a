//! A `POST /v1.0/invitations` body as bytes: it is refused or validated,
//! never a panic; a valid request carries a normalized address.
#![no_main]

use app::model::email::normalize_email;
use libfuzzer_sys::fuzz_target;
use lobby::http::graph::request::CreateRequest;
use lobby::invitations::request::validate;

fuzz_target!(|bytes: &[u8]| {
    let Ok(request) = serde_json::from_slice::<CreateRequest>(bytes) else {
        return;
    };
    let (new, _) = request.into_new();
    if let Ok(valid) = validate(new, &["https://lobby.example/".to_owned()]) {
        assert_eq!(normalize_email(valid.email()).as_deref(), Ok(valid.email()));
    }
});
