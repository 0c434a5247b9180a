//! What the browser's bundles carry. The customer's (`customer.wasm`): the
//! customer's strings, none of the dashboard's, the emails' or the server's
//! own pages', and no server function (its live parts call none, and the
//! pages that do are never in it). The dashboard's (`lobby.wasm`): none of the emails' or the
//! server's pages'. Reads the bundles the site build wrote
//! (`scripts/build.sh`, which the test command runs first); without them the
//! test skips loudly, and fails in CI.

use std::path::PathBuf;

use app::i18n::Locale;

/// The data of the bundle `name`, if the site was built.
fn bundle(name: &str) -> Option<Vec<u8>> {
    let root = std::env::var_os("LOBBY_SITE_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site"));
    let path = root.join(format!("pkg/{name}.wasm"));
    match std::fs::read(&path) {
        Ok(bytes) => Some(data_of(&bytes)),
        Err(e) => {
            crate::support::skip_unless_ci(&format!(
                "the site's bundle {} cannot be read ({e}); build it with scripts/build.sh debug site",
                path.display()
            ));
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

/// The strings of `own` that the bundle `data` carries; short words ("To")
/// and text that `kept` (what the bundle may carry) says too prove nothing.
fn carried<'a>(data: &[u8], own: Vec<(&'a str, &str)>, kept: &[&str]) -> Vec<&'a str> {
    own.into_iter()
        .filter(|(_, text)| text.len() >= 12 && !kept.iter().any(|k| k.contains(text)))
        .filter(|(_, text)| holds(data, text))
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn the_customers_bundle_carries_only_the_customers_strings() {
    let Some(customer) = bundle("customer") else {
        return;
    };
    for locale in [Locale::En, Locale::Ko] {
        let shared = locale.strings().own();
        // The search finds what is there: the customer's own strings are.
        let missing: Vec<_> = shared
            .iter()
            .filter(|(_, text)| text.len() >= 12 && !holds(&customer, text))
            .map(|(name, _)| *name)
            .collect();
        assert!(
            missing.is_empty(),
            "{locale:?}: the customer's bundle lacks {missing:?} (a stale bundle?)"
        );
        let kept: Vec<&str> = shared.iter().map(|(_, text)| *text).collect();
        let dashboard = carried(&customer, locale.dashboard_strings().own(), &kept);
        assert!(
            dashboard.is_empty(),
            "{locale:?}: the customer's bundle carries {dashboard:?}"
        );
        let server = carried(&customer, locale.server_strings().own(), &kept);
        assert!(
            server.is_empty(),
            "{locale:?}: the customer's bundle carries {server:?}"
        );
    }
    // A server function's client names its endpoint under /api/.
    assert!(
        !holds(&customer, "/api/"),
        "the customer's bundle carries a server function"
    );
}

#[test]
fn the_dashboards_bundle_carries_no_email_or_server_page_text() {
    let Some(dashboard) = bundle("lobby") else {
        return;
    };
    for locale in [Locale::En, Locale::Ko] {
        let browser = locale.strings().own().into_iter();
        let own = browser.chain(locale.dashboard_strings().own());
        let kept: Vec<&str> = own.map(|(_, text)| text).collect();
        assert!(
            kept.iter()
                .any(|text| text.len() >= 12 && holds(&dashboard, text)),
            "{locale:?}: the search finds nothing (a stale bundle?)"
        );
        let server = carried(&dashboard, locale.server_strings().own(), &kept);
        assert!(
            server.is_empty(),
            "{locale:?}: the dashboard's bundle carries {server:?}"
        );
    }
}
