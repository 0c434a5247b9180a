//! The CSV importer on any bytes: it answers with rows or one file problem,
//! never panics; rows come in file order, after the header, within the limit.
#![no_main]

use app::model::bulk::MAX_ROWS;
use libfuzzer_sys::fuzz_target;
use lobby::invitations::bulk::csv_file::parse;

fuzz_target!(|bytes: &[u8]| {
    let Ok(rows) = parse(bytes) else {
        return;
    };
    assert!(rows.len() <= MAX_ROWS);
    let mut last = 1;
    for row in &rows {
        assert!(row.line > last, "row {} after {last}", row.line);
        last = row.line;
        assert!(row.values.values().all(|v| !v.is_empty()));
    }
});
