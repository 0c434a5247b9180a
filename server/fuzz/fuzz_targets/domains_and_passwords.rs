//! Domain lists (organization settings, direct sign-in) and the password
//! rules: never panic; a parsed list parses again to itself.
#![no_main]

use app::model::domains::{is_at, parse_domain_list, typed_domain};
use app::model::password::check_password;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(domains) = parse_domain_list(text) {
        assert_eq!(
            parse_domain_list(&domains.join("\n")),
            Ok(domains.clone()),
            "{text:?}"
        );
        let _ = is_at(&domains, text);
    }
    let _ = typed_domain(text);
    let _ = check_password(text, &["lobby", text], |p| p == "password");
});
