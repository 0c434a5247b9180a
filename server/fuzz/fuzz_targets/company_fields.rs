//! The company rules shared by the browser and the server: never panic, and a
//! value as stored passes the same rule again unchanged.
#![no_main]

use app::model::company::{check_field, CompanyField, Completeness};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u8, bool, &str, &str)| {
    let (which, complete, country, raw) = input;
    let field = CompanyField::ALL[usize::from(which) % CompanyField::ALL.len()];
    let completeness = if complete {
        Completeness::Complete
    } else {
        Completeness::Draft
    };
    if let Ok(stored) = check_field(field, raw, country, completeness) {
        assert_eq!(
            check_field(field, &stored, country, completeness).as_deref(),
            Ok(stored.as_str()),
            "{field:?} {country:?} {raw:?}"
        );
    }
});
