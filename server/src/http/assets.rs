//! The browser's files (bundles, stylesheet, icon) under `/pkg`. Each is
//! served precompressed when the browser accepts it (`.br`, `.gz` beside it,
//! written by `scripts/build.sh`) and, under `/pkg/<version>/`, cached for
//! good: the version changes whenever the files do, so a new build is never
//! hidden behind an old copy. The pages link only the versioned paths.

use std::path::Path;

use axum::body::Body;
use axum::http::header::{CACHE_CONTROL, VARY};
use axum::http::{HeaderValue, Response, StatusCode};
use axum::Router;
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Where the files lie under the site's root, and their unversioned path.
pub const DIR: &str = "pkg";

/// The version of the files in `dir`: a digest of their names, sizes and
/// modification times, which every build changes.
pub fn version_of(dir: &Path) -> String {
    let mut files: Vec<(String, u64, u128)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            let modified = meta
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?;
            let name = entry.file_name().to_string_lossy().into_owned();
            Some((name, meta.len(), modified.as_nanos()))
        })
        .collect();
    files.sort();
    let mut digest = Sha256::new();
    for (name, len, modified) in files {
        digest.update(format!("{name}\0{len}\0{modified}\n"));
    }
    hex::encode(&digest.finalize()[..6])
}

/// `/pkg/<version>/…`, cached for a year and never revalidated, and `/pkg/…`,
/// revalidated on every use (for whatever still links it).
pub fn routes<S: Clone + Send + Sync + 'static>(dir: &Path, versioned: &str) -> Router<S> {
    Router::new()
        .nest(
            &format!("/{versioned}"),
            files(dir, "public, max-age=31536000, immutable"),
        )
        .nest(&format!("/{DIR}"), files(dir, "no-cache"))
}

fn files<S: Clone + Send + Sync + 'static>(dir: &Path, cache: &'static str) -> Router<S> {
    let serve = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    Router::new()
        .fallback_service(serve)
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            when_found(cache),
        ))
        .layer(SetResponseHeaderLayer::appending(
            VARY,
            when_found("accept-encoding"),
        ))
}

/// `value`, on the answers that carry the file (whole, in part, or "not
/// modified"); a missing file's 404 gets neither.
fn when_found(
    value: &'static str,
) -> impl Fn(&Response<Body>) -> Option<HeaderValue> + Clone + Send + Sync + 'static {
    move |response| {
        let status = response.status();
        (status.is_success() || status == StatusCode::NOT_MODIFIED)
            .then(|| HeaderValue::from_static(value))
    }
}
