//! Answers travel compressed (brotli or gzip) when the browser accepts it,
//! except tiny ones, images and the pages of a signed-in operator: those carry
//! the session's CSRF token beside text the request chose (a search), and
//! compressing the two together would let the size of the answers on the
//! wire tell the token, guess by guess (BREACH). The browser's files come
//! compressed already (`assets`) and are left as they are.

use axum::http::{Extensions, HeaderMap, StatusCode, Version};
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;

/// Marks an answer that must go uncompressed (see the module's comment).
#[derive(Clone, Copy, Debug)]
pub struct CarriesSecrets;

/// Smaller answers gain little and cost a round of work.
const SMALLEST: u16 = 256;

pub fn layer() -> CompressionLayer<impl Predicate> {
    let no_secrets = |_: StatusCode, _: Version, _: &HeaderMap, extensions: &Extensions| {
        extensions.get::<CarriesSecrets>().is_none()
    };
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .no_deflate()
        .compress_when(
            SizeAbove::new(SMALLEST)
                .and(NotForContentType::IMAGES)
                .and(NotForContentType::SSE)
                .and(no_secrets),
        )
}
