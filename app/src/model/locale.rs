//! The two UI languages and how a request picks one.

use serde::{Deserialize, Serialize};

pub const LANGUAGE_COOKIE: &str = "lobby_lang";

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum Locale {
    #[default]
    En,
    Ko,
}

impl Locale {
    pub const ALL: &[Locale] = <Locale as strum::VariantArray>::VARIANTS;

    /// The BCP 47 tag, as used in `<html lang>`, the cookie and URLs.
    pub fn code(self) -> &'static str {
        self.into()
    }

    /// The language of a tag, by its primary subtag (`ko-KR` is Korean).
    pub fn from_code(code: &str) -> Option<Locale> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or("");
        primary.parse().ok()
    }

    /// The language for a request: the remembered choice first, then the
    /// best `Accept-Language` match by q-value, then English.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
        if let Some(l) = cookie.and_then(Locale::from_code) {
            return l;
        }
        let mut best: Option<(f32, Locale)> = None;
        for range in accept_language.unwrap_or("").split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(l) = Locale::from_code(tag) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, l));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    /// [`Locale::negotiate`] on a request's `Cookie` and `Accept-Language` headers.
    #[cfg(feature = "ssr")]
    pub fn of_request(headers: &http::HeaderMap) -> Locale {
        use http::header::{ACCEPT_LANGUAGE, COOKIE};
        let cookie = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == LANGUAGE_COOKIE).then(|| value.to_owned())
            });
        let accept = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        Locale::negotiate(cookie.as_deref(), accept)
    }
}

/// The `Set-Cookie` / `document.cookie` value that remembers a language for a year.
pub fn language_cookie(locale: Locale) -> String {
    format!(
        "{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        locale.code()
    )
}
