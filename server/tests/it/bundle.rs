//! What the browser's bundle carries: the customer's and the dashboard's
//! strings, never the emails' or the server's own pages' (`ServerStrings`).
//! Reads the bundle the site build wrote (`scripts/build.sh`, which the test
//! command runs first); without one the test skips loudly, and fails in CI.

use std::path::PathBuf;

use app::i18n::Locale;

fn bundle() -> Option<Vec<u8>> {
    let root = std::env::var_os("LOBBY_SITE_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site"));
    let path = root.join("pkg/lobby.wasm");
    match std::fs::read(&path) {
        Ok(bytes) => Some(data_of(&bytes)),
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "CI=true but the site's bundle {} cannot be read: {e}",
                path.display()
            )
        }
        Err(e) => {
            eprintln!(
                "SKIPPED: no site bundle at {} ({e}); build it with scripts/build.sh debug site",
                path.display()
            );
            None
        }
    }
}

/// The module's data sections (id 11), where its string literals lie whole
/// as UTF-8; the code and the debug sections around them are most of the
/// bytes and hold none.
fn data_of(wasm: &[u8]) -> Vec<u8> {
    assert_eq!(wasm.get(..4), Some(&b"\0asm"[..]), "not a wasm module");
    let mut data = Vec::new();
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        let (size, after) = leb128(wasm, at + 1);
        if id == 11 {
            data.extend_from_slice(&wasm[after..after + size]);
        }
        at = after + size;
    }
    data
}

/// An unsigned LEB128 number at `at`, and where what follows it starts.
fn leb128(bytes: &[u8], mut at: usize) -> (usize, usize) {
    let (mut value, mut shift) = (0usize, 0);
    loop {
        let byte = bytes[at];
        value |= usize::from(byte & 0x7f) << shift;
        at += 1;
        if byte & 0x80 == 0 {
            return (value, at);
        }
        shift += 7;
    }
}

fn holds(data: &[u8], text: &str) -> bool {
    data.windows(text.len()).any(|w| w == text.as_bytes())
}

#[test]
fn the_browser_bundle_carries_no_email_or_server_page_text() {
    let Some(wasm) = bundle() else { return };
    for locale in [Locale::En, Locale::Ko] {
        let browser: Vec<&str> = locale
            .strings()
            .own()
            .into_iter()
            .chain(locale.dashboard_strings().own())
            .map(|(_, text)| text)
            .collect();
        // The search finds what is there: the customer's own strings are.
        let customer_missing: Vec<_> = locale
            .strings()
            .own()
            .into_iter()
            .filter(|(_, text)| text.len() >= 12 && !holds(&wasm, text))
            .map(|(name, _)| name)
            .collect();
        assert!(
            customer_missing.is_empty(),
            "{locale:?}: the bundle lacks the customer's strings {customer_missing:?} (a stale bundle?)"
        );
        // Short words ("To") and text the pages say too prove nothing.
        let leaked: Vec<_> = locale
            .server_strings()
            .own()
            .into_iter()
            .filter(|(_, text)| text.len() >= 12 && !browser.iter().any(|b| b.contains(text)))
            .filter(|(_, text)| holds(&wasm, text))
            .map(|(name, _)| name)
            .collect();
        assert!(
            leaked.is_empty(),
            "{locale:?}: the bundle carries {leaked:?}"
        );
    }
}
